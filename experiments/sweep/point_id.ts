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
  // The hash in four 16-bit limbs, lowest first: the product by the FNV
  // prime 2^40 + 0x1b3 stays exact in doubles (a sweep hashes every
  // point's whole cost profile; BigInt arithmetic per byte took 45 ms of
  // the quick translation sweep's start).
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of new TextEncoder().encode(text)) {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + Math.floor(t0 / 65536);
    const t2 = h2 * 0x1b3 + h0 * 256 + Math.floor(t1 / 65536);
    const t3 = h3 * 0x1b3 + h1 * 256 + Math.floor(t2 / 65536);
    h0 = t0 % 65536;
    h1 = t1 % 65536;
    h2 = t2 % 65536;
    h3 = t3 % 65536;
  }
  const hex = (limb: number) => limb.toString(16).padStart(4, "0");
  return hex(h3) + hex(h2) + hex(h1) + hex(h0);
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
