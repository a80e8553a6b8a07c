/**
 * The named cost profiles (one file each under `profiles/`), the default,
 * and copies of them to change.
 *
 * @module
 */

import { ConfigError } from "../base/config_error.ts";
import type { CostModel } from "./cost_model.ts";
import { AMD_ZEN3 } from "./profiles/amd_zen3.ts";
import { INTEL_SKYLAKE_SP } from "./profiles/intel_skylake_sp.ts";

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === "object" && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}

/**
 * The named cost profiles, keyed by name. Frozen: use {@linkcode getProfile}
 * for a copy you may change. Every number carries its source in a comment in
 * its profile's file under `profiles/`; numbers marked "estimate" there have no
 * primary source.
 */
export const PROFILES: Readonly<Record<string, CostModel>> = Object.freeze({
  "intel-skylake-sp": deepFreeze(INTEL_SKYLAKE_SP),
  "amd-zen3": deepFreeze(AMD_ZEN3),
});

/** Name of the profile used when none is named, and the default `base` of a JSON profile. */
export const DEFAULT_PROFILE: string = "intel-skylake-sp";

/**
 * Names of the named cost profiles, sorted.
 *
 * @returns The keys of {@linkcode PROFILES}, in alphabetical order.
 *
 * @example Listing the profiles
 * ```ts
 * import { profileNames } from "./profiles.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(profileNames(), ["amd-zen3", "intel-skylake-sp"]);
 * ```
 */
export function profileNames(): string[] {
  return Object.keys(PROFILES).sort();
}

/**
 * A copy of a named cost profile.
 *
 * @param name A profile name, e.g. `amd-zen3`.
 * @returns A fresh, mutable copy of the profile.
 * @throws {ConfigError} If no profile has that name; the message lists the known names.
 *
 * @example Looking up a profile
 * ```ts
 * import { getProfile } from "./profiles.ts";
 * import assert from "node:assert/strict";
 *
 * const zen3 = getProfile("amd-zen3");
 * assert.equal(zen3.tlb.l2.entries, 2048);
 * assert.throws(() => getProfile("zen9"), /known profiles: amd-zen3, intel-skylake-sp/);
 * ```
 */
export function getProfile(name: string): CostModel {
  if (!Object.hasOwn(PROFILES, name)) {
    throw new ConfigError(
      `cost profile ${JSON.stringify(name)}`,
      undefined,
      `no such profile; known profiles: ${profileNames().join(", ")}`,
    );
  }
  return structuredClone(PROFILES[name]);
}
