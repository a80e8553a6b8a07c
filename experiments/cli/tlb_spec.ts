/**
 * The `--tlb` option: TLB geometry overrides written as
 * `l1-4k=64x4,l1-2m=32x4,l2=1536x12`, where `0` disables a level.
 *
 * @module
 */

import type { Geometry, TlbGeometries } from "../../core/cost/cost_model.ts";
import { UsageError } from "./usage_error.ts";

const KEYS: Readonly<Record<string, keyof TlbGeometries>> = {
  "l1-4k": "l1_4k",
  "l1-2m": "l1_2m",
  "l1-1g": "l1_1g",
  "l2": "l2",
};

/**
 * Parses a TLB spec into geometry overrides.
 *
 * @example
 * ```ts
 * import { parseTlbSpec } from "./tlb_spec.ts";
 * const tlb = parseTlbSpec("l1-4k=64x4,l2=0");
 * if (tlb.l1_4k?.entries !== 64 || tlb.l2?.entries !== 0) throw new Error();
 * ```
 * @throws {UsageError} naming the part of the spec that is wrong
 */
export function parseTlbSpec(spec: string): Partial<TlbGeometries> {
  const out: Partial<TlbGeometries> = {};
  if (spec.trim() === "") {
    throw new UsageError(
      `Bad --tlb "": expected KEY=ENTRIESxWAYS[,...], e.g. l1-4k=64x4,l2=1536x12`,
    );
  }
  for (const part of spec.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq).trim().toLowerCase();
    const field = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (eq < 0 || field === undefined) {
      throw new UsageError(
        `Bad --tlb "${spec}": "${item}" should be KEY=ENTRIESxWAYS or KEY=0 with KEY one of ${
          Object.keys(KEYS).join(", ")
        }`,
      );
    }
    if (out[field] !== undefined) {
      throw new UsageError(`Bad --tlb "${spec}": ${key} is given twice`);
    }
    out[field] = parseGeometry(spec, key, item.slice(eq + 1).trim().toLowerCase());
  }
  return out;
}

function parseGeometry(spec: string, key: string, value: string): Geometry {
  if (value === "0") return { entries: 0, ways: 1 };
  const m = /^(\d+)x(\d+)$/.exec(value);
  const entries = m ? Number(m[1]) : NaN;
  const ways = m ? Number(m[2]) : NaN;
  if (!m || entries < 1 || ways < 1 || entries % ways !== 0 || entries > 1 << 24) {
    throw new UsageError(
      `Bad --tlb "${spec}": ${key}=${value}: expected ENTRIESxWAYS with WAYS dividing ENTRIES (e.g. 64x4), or 0`,
    );
  }
  return { entries, ways };
}
