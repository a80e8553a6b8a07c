/**
 * Byte sizes as users write them (`64M`, `8GiB`), read and written.
 *
 * @module
 */

const UNIT_SHIFT: Readonly<Record<string, number>> = { "": 0, k: 10, m: 20, g: 30, t: 40, p: 50 };

const SIZE_PATTERN = /^(\d+)\s*([kmgtp]?)(i?b)?$/i;

/** How a size is written, for messages: what {@linkcode parseSize} accepts. */
export const SIZE_SYNTAX = "bytes, or with a unit K, M, G, T or P: 64M, 8GiB";

/**
 * Reads a byte size: a decimal integer with an optional binary unit `K`,
 * `M`, `G`, `T` or `P` (powers of 1024, case-insensitive), optionally
 * followed by `B` or `iB`. `B` alone is allowed; `iB` needs a unit.
 *
 * @returns the size in bytes, or `undefined` for anything else or a size
 * beyond 2^53 bytes; the caller names the field in its error.
 *
 * @example
 * ```ts
 * import { parseSize } from "./size.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseSize("64M"), 64 * 2 ** 20);
 * assert.equal(parseSize("8GiB"), 8 * 2 ** 30);
 * assert.equal(parseSize("lots"), undefined);
 * ```
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text.trim());
  if (match === null || (match[3] !== undefined && match[3].length === 2 && match[2] === "")) {
    return undefined;
  }
  const value = Number(match[1]) * 2 ** UNIT_SHIFT[match[2].toLowerCase()];
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Writes a byte count the way {@linkcode parseSize} reads it, in the largest
 * unit that divides it.
 *
 * @example
 * ```ts
 * import { formatSize } from "./size.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatSize(256 * 2 ** 20), "256M");
 * assert.equal(formatSize(4097), "4097");
 * ```
 */
export function formatSize(bytes: number): string {
  for (const [unit, shift] of [["P", 50], ["T", 40], ["G", 30], ["M", 20], ["K", 10]] as const) {
    if (bytes > 0 && bytes % 2 ** shift === 0) return `${bytes / 2 ** shift}${unit}`;
  }
  return String(bytes);
}
