/**
 * Reading a user's JSON cost profile: validated field by field and merged
 * over a named base profile.
 *
 * @module
 */

import {
  type ConfigFields,
  describeValue,
  failConfig,
  validateConfig,
} from "../base/config_fields.ts";
import { COST_MODEL_FIELDS, type CostModel } from "./cost_model.ts";
import { DEFAULT_PROFILE, profileNames, PROFILES } from "./profiles.ts";

// `base` first: it decides every other field's default.
const BASE_FIELDS = {
  base: {
    kind: "enum",
    values: profileNames(),
    default: DEFAULT_PROFILE,
    description: "the named profile this one starts from",
  },
} satisfies ConfigFields;

const PROFILE_FIELDS: ConfigFields = { ...BASE_FIELDS, ...COST_MODEL_FIELDS };

/**
 * Validates a user's JSON cost profile, field by field, and merges it over a
 * named base profile.
 *
 * The profile may be partial. `"base"` names the profile it starts from
 * (default {@linkcode DEFAULT_PROFILE}); every other field overrides the
 * base's, and nested objects (`tlb`, `tlb.l2`, `walkCache`,
 * `exitHandlerCycles`, ...) merge field by field. Cycle counts must be finite
 * and non-negative, `clockGhz` positive, geometry `entries` and `ways`
 * non-negative integers (at most 2^24) whose ways divide the entries unless
 * entries is 0 (structure disabled). `name` defaults to the base's name when
 * nothing else is given, else to `<base>+<source>`, so results computed with
 * changed numbers never carry a stock profile's name.
 *
 * @param json The parsed JSON value (e.g. from `JSON.parse`).
 * @param source Where it came from (a file name), used in error messages.
 * @returns A complete, fresh {@linkcode CostModel}.
 * @throws {ConfigError} On an unknown field or an invalid value; the one-line
 * message names the profile (`cost profile "<source>"`) and the field path.
 *
 * @example Overriding one TLB of the AMD profile
 * ```ts
 * import { parseCostModel } from "./profile_reader.ts";
 * import assert from "node:assert/strict";
 *
 * const model = parseCostModel({ base: "amd-zen3", tlb: { l2: { ways: 16 } } }, "my.json");
 * assert.deepEqual(model.tlb.l2, { entries: 2048, ways: 16 });
 * assert.equal(model.name, "amd-zen3+my.json");
 *
 * assert.throws(
 *   () => parseCostModel({ tlb: { l2: { ways: -3 } } }, "my.json"),
 *   {
 *     message:
 *       'Cannot use cost profile "my.json": field "tlb.l2.ways": expected an integer from 0 to 2^24, got -3',
 *   },
 * );
 * ```
 */
export function parseCostModel(json: unknown, source: string): CostModel {
  const place = { component: `cost profile ${JSON.stringify(source)}` };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    failConfig(place, undefined, `expected a JSON object, got ${describeValue(json)}`);
  }
  const given = json as Record<string, unknown>;
  const { base } = validateConfig(BASE_FIELDS, { base: given.base }, place);
  const stock = PROFILES[base];
  const { base: _, ...model } = validateConfig(PROFILE_FIELDS, json, { ...place, defaults: stock });
  if (given.name === undefined) {
    const overrides = Object.keys(given).filter((key) => key !== "base" && key !== "name");
    model.name = overrides.length === 0 ? stock.name : `${stock.name}+${source}`;
  }
  return model as unknown as CostModel;
}
