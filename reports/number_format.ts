/**
 * Number formatting for reports: grouped integers, three significant digits
 * otherwise, independent of the viewer's locale so that reports are
 * byte-for-byte reproducible. A table column formats all its cells one way
 * ({@linkcode columnFormat}), so that digits line up and a reader never sees
 * `1` beside `1.00` or `-0.00`.
 *
 * @module
 */

function groupDigits(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `abs` with exactly `decimals` decimals, grouped; signed unless it rounds to zero. */
function fixed(value: number, decimals: number): string {
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split(".");
  // A negative number that rounds to zero prints as zero: "-0.00" reads as a measurement below zero.
  const zero = /^[0.]*$/.test(whole + (fraction ?? ""));
  const sign = value < 0 && !zero ? "-" : "";
  return sign + groupDigits(whole) + (fraction === undefined ? "" : "." + fraction);
}

/**
 * Formats a number for prose or a lone cell.
 *
 * Integers are grouped by thousands; other numbers get `digits` decimals when
 * given, else three significant digits (exponent form below 0.0001). Nothing
 * prints as `-0`.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./number_format.ts";
 * if (formatNumber(1234567) !== "1,234,567") throw new Error();
 * if (formatNumber(3.14159) !== "3.14") throw new Error();
 * if (formatNumber(2.5, 2) !== "2.50") throw new Error();
 * if (formatNumber(-0.001, 2) !== "0.00") throw new Error();
 * ```
 */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Object.is(value, -0)) return "0";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  if (Number.isInteger(value)) return sign + groupDigits(String(abs));
  if (digits !== undefined) return fixed(value, digits);
  if (abs >= 1000) return sign + groupDigits(String(Math.round(abs)));
  if (abs < 1e-4) return sign + abs.toExponential(2);
  return sign + String(Number(abs.toPrecision(3)));
}

/** Most decimals a column shows: beyond them a value is printed as rounded to zero. */
export const MAX_COLUMN_DECIMALS = 6;

/**
 * The decimals every cell of a column gets: none when every value is an
 * integer; else `digits` when given; else enough for three significant
 * digits of the smallest non-zero magnitude (at most
 * {@linkcode MAX_COLUMN_DECIMALS}). Either way none when every non-zero
 * magnitude is 1,000 or more, where decimals are noise (`16,550` beside
 * `2,214`, not `16,550.0`). Non-finite values are ignored.
 *
 * @example
 * ```ts
 * import { columnDecimals } from "./number_format.ts";
 * if (columnDecimals([1, 2, 3]) !== 0) throw new Error();
 * if (columnDecimals([0.14, 558.56, 0]) !== 3) throw new Error();
 * if (columnDecimals([1, 1.37], 2) !== 2) throw new Error();
 * if (columnDecimals([16550.04, 2214], 1) !== 0) throw new Error();
 * ```
 */
export function columnDecimals(values: readonly number[], digits?: number): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.every((v) => Number.isInteger(v))) return 0;
  const magnitudes = finite.map(Math.abs).filter((v) => v > 0);
  const smallest = Math.min(...magnitudes);
  if (smallest >= 1000) return 0;
  if (digits !== undefined) return digits;
  const decimals = 2 - Math.floor(Math.log10(smallest));
  return Math.max(0, Math.min(MAX_COLUMN_DECIMALS, decimals));
}

/**
 * A formatter for every number of one column: grouped thousands, the same
 * decimals for every cell ({@linkcode columnDecimals}), never `-0`.
 *
 * @example
 * ```ts
 * import { columnFormat } from "./number_format.ts";
 * const format = columnFormat([0, 0.14, 558.56], 2);
 * if ([0, 0.14, 558.56].map(format).join(" ") !== "0.00 0.14 558.56") throw new Error();
 * ```
 */
export function columnFormat(
  values: readonly number[],
  digits?: number,
): (value: number) => string {
  const decimals = columnDecimals(values, digits);
  return (value) => Number.isFinite(value) ? fixed(value, decimals) : String(value);
}
