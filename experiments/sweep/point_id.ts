/**
 * The identity of a sweep point: a hash of the canonical JSON of the
 * experiment id, the parameters, the seed and the whole cost profile. A row
 * on disk whose id matches is that point's finished result, so a resumed
 * sweep skips it; changing any profile number gives new ids and so new rows.
 *
 * @module
 */

import type { CostModel } from "../../core/cost/cost_model.ts";
import type { Point } from "../experiment.ts";

/**
 * JSON with object keys sorted at every depth, so equal values give equal text.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./point_id.ts";
 * if (canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) !== '{"a":[{"c":3,"d":2}],"b":1}') throw new Error();
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/**
 * 64-bit FNV-1a of the UTF-8 bytes of a string, as 16 hex digits.
 *
 * @example
 * ```ts
 * import { fnv1a64 } from "./point_id.ts";
 * if (fnv1a64("") !== "cbf29ce484222325") throw new Error();
 * ```
 */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, "0");
}

/**
 * The id of one point of one experiment under a seed and a cost profile.
 *
 * @example
 * ```ts
 * import { pointId } from "./point_id.ts";
 * import type { CostModel } from "../../core/cost/cost_model.ts";
 * const cost = { name: "p" } as CostModel;
 * const a = pointId("demo", { x: 1, y: "a" }, 1, cost);
 * if (a !== pointId("demo", { y: "a", x: 1 }, 1, cost)) throw new Error("key order matters");
 * if (a === pointId("demo", { x: 1, y: "a" }, 2, cost)) throw new Error("seed ignored");
 * ```
 */
export function pointId(experimentId: string, point: Point, seed: number, cost: CostModel): string {
  return fnv1a64(canonicalJson({ experiment: experimentId, point, seed, profile: cost }));
}
