/**
 * Number formatting for report tables: grouped integers, three significant
 * digits otherwise, independent of the viewer's locale so that reports are
 * byte-for-byte reproducible.
 *
 * @module
 */

function groupDigits(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Formats a number for a table cell.
 *
 * Integers are grouped by thousands; other numbers get `digits` decimals when
 * given, else three significant digits (exponent form below 0.0001).
 *
 * @example
 * ```ts
 * import { formatNumber } from "./number_format.ts";
 * if (formatNumber(1234567) !== "1,234,567") throw new Error();
 * if (formatNumber(3.14159) !== "3.14") throw new Error();
 * if (formatNumber(2.5, 2) !== "2.50") throw new Error();
 * ```
 */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  if (Number.isInteger(value)) return sign + groupDigits(String(abs));
  if (digits !== undefined) {
    const [whole, fraction] = abs.toFixed(digits).split(".");
    return sign + groupDigits(whole) + (fraction === undefined ? "" : "." + fraction);
  }
  if (abs >= 1000) return sign + groupDigits(String(Math.round(abs)));
  if (abs < 1e-4) return sign + abs.toExponential(2);
  return sign + String(Number(abs.toPrecision(3)));
}
