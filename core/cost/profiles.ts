/**
 * The named cost profiles (one file each under `profiles/`), the default,
 * and copies of them to change.
 *
 * @module
 */

import { type CostModel, CostModelError, type Geometry } from "./cost_model.ts";
import { AMD_ZEN3 } from "./profiles/amd_zen3.ts";
import { INTEL_SKYLAKE_SP } from "./profiles/intel_skylake_sp.ts";

function freezeCostModel(model: CostModel): CostModel {
  Object.freeze(model.exitHandlerCycles);
  Object.freeze(model.tlb.l1_4k);
  Object.freeze(model.tlb.l1_2m);
  Object.freeze(model.tlb.l1_1g);
  Object.freeze(model.tlb.l2);
  Object.freeze(model.tlb);
  Object.freeze(model.walkCache);
  Object.freeze(model.nestedTlb);
  Object.freeze(model.pteCache);
  return Object.freeze(model);
}

/**
 * The named cost profiles, keyed by name. Frozen: use {@linkcode getProfile}
 * for a copy you may change. Every number carries its source in a comment in
 * its profile's file under `profiles/`; numbers marked "estimate" there have no
 * primary source.
 */
export const PROFILES: Readonly<Record<string, CostModel>> = Object.freeze({
  "intel-skylake-sp": freezeCostModel(INTEL_SKYLAKE_SP),
  "amd-zen3": freezeCostModel(AMD_ZEN3),
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
 * @throws {CostModelError} If no profile has that name; the message lists the known names.
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
    throw new CostModelError(
      name,
      undefined,
      `no such profile; known profiles: ${knownProfiles()}`,
    );
  }
  return cloneCostModel(PROFILES[name]);
}

/** The profile names, comma-separated, for error messages. */
export function knownProfiles(): string {
  return profileNames().join(", ");
}

/** A copy of a geometry. */
export function cloneGeometry(g: Geometry): Geometry {
  return { entries: g.entries, ways: g.ways };
}

/** A deep, mutable copy of a cost model. */
export function cloneCostModel(m: CostModel): CostModel {
  const handlers: Record<string, number> = {};
  for (const reason of Object.keys(m.exitHandlerCycles)) {
    handlers[reason] = m.exitHandlerCycles[reason];
  }
  return {
    name: m.name,
    description: m.description,
    clockGhz: m.clockGhz,
    baseCyclesPerAccess: m.baseCyclesPerAccess,
    l1TlbHitCycles: m.l1TlbHitCycles,
    l2TlbHitCycles: m.l2TlbHitCycles,
    walkCacheHitCycles: m.walkCacheHitCycles,
    pteCacheHitCycles: m.pteCacheHitCycles,
    pteMemoryCycles: m.pteMemoryCycles,
    nestedTlbHitCycles: m.nestedTlbHitCycles,
    vmExitCycles: m.vmExitCycles,
    exitHandlerCycles: handlers,
    guestPageFaultCycles: m.guestPageFaultCycles,
    pageCopyCycles: m.pageCopyCycles,
    ipiRoundTripCycles: m.ipiRoundTripCycles,
    shadowResyncPageCycles: m.shadowResyncPageCycles,
    shadowPrefetchEntryCycles: m.shadowPrefetchEntryCycles,
    shadowPropagatePageCycles: m.shadowPropagatePageCycles,
    tlb: {
      l1_4k: cloneGeometry(m.tlb.l1_4k),
      l1_2m: cloneGeometry(m.tlb.l1_2m),
      l1_1g: cloneGeometry(m.tlb.l1_1g),
      l2: cloneGeometry(m.tlb.l2),
    },
    walkCache: cloneGeometry(m.walkCache),
    nestedTlb: cloneGeometry(m.nestedTlb),
    pteCache: cloneGeometry(m.pteCache),
  };
}
