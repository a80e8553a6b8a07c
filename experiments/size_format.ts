/**
 * Memory sizes as report prose writes them.
 *
 * @module
 */

import { formatSize } from "../reports/size_format.ts";

/**
 * A size in MiB in the unit that reads best: GiB from 1 GiB up, KiB below
 * 1 MiB, else MiB.
 *
 * @example
 * ```ts
 * import { formatMib } from "./size_format.ts";
 * if (formatMib(64) !== "64 MiB" || formatMib(65536) !== "64 GiB") throw new Error();
 * if (formatMib(0.25 * 1024) !== "256 MiB" || formatMib(4352) !== "4.25 GiB") throw new Error();
 * if (formatMib(0.5) !== "512 KiB") throw new Error();
 * ```
 */
export function formatMib(mib: number): string {
  return formatSize(mib, "MiB");
}
