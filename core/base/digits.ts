/**
 * Digit grouping without `Intl`: the first `toLocaleString` of a process
 * loads ICU's locale data, about 12 ms, which every CLI start and sweep
 * Worker would pay for one grouped number in a help text. (Reports group
 * digits in `reports/number_format.ts`: reports import nothing from core.)
 *
 * @module
 */

/**
 * Groups the digits of a run of decimal digits by thousands with commas, the
 * same in every locale.
 *
 * @example
 * ```ts
 * import { groupDigits } from "./digits.ts";
 * if (groupDigits("1234567") !== "1,234,567" || groupDigits("999") !== "999") throw new Error();
 * ```
 */
export function groupDigits(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
