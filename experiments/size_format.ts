/**
 * Memory sizes as report prose writes them.
 *
 * @module
 */

/**
 * A size in MiB written in GiB from 1 GiB up, else in MiB.
 *
 * @example
 * ```ts
 * import { formatMib } from "./size_format.ts";
 * if (formatMib(64) !== "64 MiB" || formatMib(65536) !== "64 GiB") throw new Error();
 * if (formatMib(0.25 * 1024) !== "256 MiB") throw new Error();
 * ```
 */
export function formatMib(mib: number): string {
  return mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
}
