/**
 * The `--profile NAME|PATH` option: a named cost profile, or a JSON file
 * validated by `parseCostModel`. Every failure becomes one {@linkcode UsageError}
 * line naming the profile and, where there is one, the field.
 *
 * @module
 */

import { ConfigError } from "../../core/base/config_error.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { DEFAULT_PROFILE, getProfile, PROFILES } from "../../core/cost/profiles.ts";
import { parseCostModel } from "../../core/cost/profile_reader.ts";
import { UsageError } from "./usage_error.ts";

function looksLikePath(spec: string): boolean {
  return spec.includes("/") || spec.includes("\\") || spec.toLowerCase().endsWith(".json");
}

/**
 * Resolves a `--profile` value: a profile name, or the path of a JSON
 * profile. No value gives the default profile.
 *
 * @example
 * ```ts
 * import { resolveProfile } from "./profile_option.ts";
 * const cost = await resolveProfile("amd-zen3");
 * if (cost.name !== "amd-zen3") throw new Error();
 * ```
 * @throws {UsageError} for an unknown name, an unreadable file, bad JSON or an invalid field.
 */
export async function resolveProfile(spec: string | undefined): Promise<CostModel> {
  try {
    if (spec === undefined) return getProfile(DEFAULT_PROFILE);
    if (Object.hasOwn(PROFILES, spec) || !looksLikePath(spec)) return getProfile(spec);
    let text: string;
    try {
      text = await Deno.readTextFile(spec);
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? "no such file"
        : (error as Error).message;
      throw new UsageError(`Cannot use cost profile "${spec}": ${reason}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `Cannot use cost profile "${spec}": invalid JSON: ${(error as Error).message}`,
      );
    }
    return parseCostModel(json, spec);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
