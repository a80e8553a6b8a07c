/**
 * The levels of the memory hierarchy that can serve a 64-byte line, nearest
 * first: the one list {@linkcode CacheLevel}, the counters that count
 * references by level and the cycle tables are built from.
 *
 * @module
 */

import { type EnumCodes, enumCodes } from "../base/enumeration.ts";

/** Snake-case names of the levels, nearest the core first. */
export const CACHE_LEVEL_NAMES = ["l1d", "l2", "llc", "dram"] as const;

/** A level's code: `CacheLevel.L1D` is 0, `CacheLevel.DRAM` the last. */
export const CacheLevel: EnumCodes<typeof CACHE_LEVEL_NAMES> = enumCodes(CACHE_LEVEL_NAMES);

/** Number of levels (DRAM included). */
export const CACHE_LEVEL_COUNT: number = CACHE_LEVEL_NAMES.length;

/**
 * The line holding byte `offset` of 4 KiB machine frame `frame`: caches are
 * physically indexed, so two virtual pages mapped to one frame share lines.
 *
 * @example
 * ```ts
 * import { lineOf } from "./cache_level.ts";
 * if (lineOf(2, 130) !== 2 * 64 + 2) throw new Error();
 * ```
 */
export function lineOf(frame: number, offset: number): number {
  return frame * 64 + (offset >>> 6);
}
