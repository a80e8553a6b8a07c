/**
 * Shards: deterministic slices of a grid, so one sweep spreads over many
 * machines under any batch scheduler (`--shard 3/8` on the third of eight
 * jobs) and `merge` joins the outputs.
 *
 * @module
 */

import { UsageError } from "../cli/usage_error.ts";

/** The `index`-th (1-based) of `count` slices of a grid. */
export interface Shard {
  /** Which slice, from 1 to `count`. */
  index: number;
  /** How many slices. */
  count: number;
}

/**
 * Parses `K/N` with 1 ≤ K ≤ N.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * const shard = parseShard("2/8");
 * if (shard.index !== 2 || shard.count !== 8) throw new Error();
 * ```
 * @throws {UsageError} when the text is not of that form.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count)) {
    throw new UsageError(`--shard: expected K/N with 1 <= K <= N (for example 2/8), got "${text}"`);
  }
  return { index, count };
}

/**
 * Whether the grid point at `pointIndex` belongs to `shard`. Points are dealt
 * round-robin, so shards get similar mixes of cheap and expensive points.
 *
 * @example
 * ```ts
 * import { inShard } from "./shard.ts";
 * const picked = [0, 1, 2, 3, 4].filter((i) => inShard(i, { index: 2, count: 2 }));
 * if (picked.join() !== "1,3") throw new Error();
 * ```
 */
export function inShard(pointIndex: number, shard: Shard): boolean {
  return pointIndex % shard.count === shard.index - 1;
}

/**
 * Formats a shard as `K/N`.
 *
 * @example
 * ```ts
 * import { formatShard } from "./shard.ts";
 * if (formatShard({ index: 1, count: 4 }) !== "1/4") throw new Error();
 * ```
 */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
