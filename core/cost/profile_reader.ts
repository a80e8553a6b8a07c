/**
 * Reading a user's JSON cost profile: validated field by field and merged
 * over a named base profile.
 *
 * @module
 */

import {
  type CostModel,
  CostModelError,
  type Geometry,
  HANDLER_REASONS,
  type TlbGeometries,
} from "./cost_model.ts";
import {
  cloneCostModel,
  cloneGeometry,
  DEFAULT_PROFILE,
  knownProfiles,
  PROFILES,
} from "./profiles.ts";

// Cycle counts: finite and >= 0. clockGhz is checked apart because it divides.
const CYCLE_FIELDS = [
  "baseCyclesPerAccess",
  "l1TlbHitCycles",
  "l2TlbHitCycles",
  "walkCacheHitCycles",
  "pteCacheHitCycles",
  "pteMemoryCycles",
  "nestedTlbHitCycles",
  "vmExitCycles",
  "guestPageFaultCycles",
  "pageCopyCycles",
  "ipiRoundTripCycles",
  "shadowResyncPageCycles",
  "shadowPrefetchEntryCycles",
  "shadowPropagatePageCycles",
] as const satisfies readonly (keyof CostModel)[];

const GEOMETRY_FIELDS = [
  "walkCache",
  "nestedTlb",
  "pteCache",
] as const satisfies readonly (keyof CostModel)[];

const TLB_FIELDS = [
  "l1_4k",
  "l1_2m",
  "l1_1g",
  "l2",
] as const satisfies readonly (keyof TlbGeometries)[];

const TOP_LEVEL_FIELDS: readonly string[] = [
  "base",
  "name",
  "description",
  "clockGhz",
  ...CYCLE_FIELDS,
  "exitHandlerCycles",
  "tlb",
  ...GEOMETRY_FIELDS,
];

const GEOMETRY_KEYS: readonly string[] = ["entries", "ways"];

// Typed arrays are sized from geometry at build time; this keeps a typo such
// as 1e12 entries a user error instead of an out-of-memory crash.
const MAX_GEOMETRY_ENTRIES = 1 << 24;

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case "number":
      return String(value);
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof value}`;
  }
}

// Walks one JSON profile; holds the source so every error names it.
class ProfileReader {
  constructor(readonly source: string) {}

  fail(field: string | undefined, problem: string): never {
    throw new CostModelError(this.source, field, problem);
  }

  object(value: unknown, field: string): JsonObject {
    if (!isObject(value)) this.fail(field, `expected an object, got ${describeValue(value)}`);
    return value;
  }

  onlyKnown(obj: JsonObject, known: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) {
        this.fail(join(path, key), `unknown field; known fields: ${known.join(", ")}`);
      }
    }
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string" || value.length === 0) {
      this.fail(field, `expected a non-empty string, got ${describeValue(value)}`);
    }
    return value;
  }

  cycles(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      this.fail(field, `expected a non-negative number, got ${describeValue(value)}`);
    }
    return value;
  }

  positive(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      this.fail(field, `expected a positive number, got ${describeValue(value)}`);
    }
    return value;
  }

  count(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      this.fail(field, `expected a non-negative integer, got ${describeValue(value)}`);
    }
    if (value > MAX_GEOMETRY_ENTRIES) {
      this.fail(field, `expected at most ${MAX_GEOMETRY_ENTRIES}, got ${value}`);
    }
    return value;
  }

  geometry(base: Geometry, value: unknown, path: string): Geometry {
    const obj = this.object(value, path);
    this.onlyKnown(obj, GEOMETRY_KEYS, path);
    const hasEntries = Object.hasOwn(obj, "entries");
    const hasWays = Object.hasOwn(obj, "ways");
    const entries = hasEntries ? this.count(obj.entries, `${path}.entries`) : base.entries;
    const ways = hasWays ? this.count(obj.ways, `${path}.ways`) : base.ways;
    if (entries !== 0 && (ways === 0 || entries % ways !== 0)) {
      // Blame the field the user wrote; if both, the ways.
      if (hasWays || !hasEntries) {
        this.fail(
          `${path}.ways`,
          `expected a number of ways dividing entries (${entries}), got ${ways}`,
        );
      }
      this.fail(`${path}.entries`, `expected a multiple of ways (${ways}), got ${entries}`);
    }
    return { entries, ways };
  }

  handlers(base: Record<string, number>, value: unknown, path: string): Record<string, number> {
    const obj = this.object(value, path);
    this.onlyKnown(obj, HANDLER_REASONS, path);
    const out: Record<string, number> = {};
    for (const reason of HANDLER_REASONS) {
      out[reason] = Object.hasOwn(obj, reason)
        ? this.cycles(obj[reason], `${path}.${reason}`)
        : base[reason];
    }
    return out;
  }

  tlb(base: TlbGeometries, value: unknown, path: string): TlbGeometries {
    const obj = this.object(value, path);
    this.onlyKnown(obj, TLB_FIELDS, path);
    const out = {
      l1_4k: cloneGeometry(base.l1_4k),
      l1_2m: cloneGeometry(base.l1_2m),
      l1_1g: cloneGeometry(base.l1_1g),
      l2: cloneGeometry(base.l2),
    };
    for (const key of TLB_FIELDS) {
      if (Object.hasOwn(obj, key)) out[key] = this.geometry(base[key], obj[key], `${path}.${key}`);
    }
    return out;
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

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
 * @throws {CostModelError} On an unknown field or an invalid value; the one-line
 * message names `source` and the field path.
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
 *       'Cannot use cost profile "my.json": field "tlb.l2.ways": expected a non-negative integer, got -3',
 *   },
 * );
 * ```
 */
export function parseCostModel(json: unknown, source: string): CostModel {
  // Annotated so that read.fail() (returns never) narrows `json` below.
  const read: ProfileReader = new ProfileReader(source);
  if (!isObject(json)) read.fail(undefined, `expected a JSON object, got ${describeValue(json)}`);
  read.onlyKnown(json, TOP_LEVEL_FIELDS, "");

  const baseName = Object.hasOwn(json, "base") ? read.string(json.base, "base") : DEFAULT_PROFILE;
  if (!Object.hasOwn(PROFILES, baseName)) {
    read.fail("base", `expected one of the known profiles (${knownProfiles()}), got "${baseName}"`);
  }
  const base = PROFILES[baseName];
  const out = cloneCostModel(base);

  const overrides = Object.keys(json).filter((key) => key !== "base" && key !== "name");
  out.name = Object.hasOwn(json, "name")
    ? read.string(json.name, "name")
    : overrides.length === 0
    ? base.name
    : `${base.name}+${source}`;
  if (Object.hasOwn(json, "description")) {
    out.description = read.string(json.description, "description");
  }
  if (Object.hasOwn(json, "clockGhz")) out.clockGhz = read.positive(json.clockGhz, "clockGhz");
  for (const key of CYCLE_FIELDS) {
    if (Object.hasOwn(json, key)) out[key] = read.cycles(json[key], key);
  }
  if (Object.hasOwn(json, "exitHandlerCycles")) {
    out.exitHandlerCycles = read.handlers(
      base.exitHandlerCycles,
      json.exitHandlerCycles,
      "exitHandlerCycles",
    );
  }
  if (Object.hasOwn(json, "tlb")) out.tlb = read.tlb(base.tlb, json.tlb, "tlb");
  for (const key of GEOMETRY_FIELDS) {
    if (Object.hasOwn(json, key)) out[key] = read.geometry(base[key], json[key], key);
  }
  return out;
}
