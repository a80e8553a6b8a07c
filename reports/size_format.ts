/**
 * Memory sizes as a reader reads them: `64 MiB`, not `0.0625 GiB`.
 *
 * @module
 */

/** A unit of {@linkcode formatSize}. */
export type SizeUnit = "B" | "KiB" | "MiB" | "GiB" | "TiB";

/** Binary units, smallest first, with their size in bytes. */
const UNITS: readonly (readonly [SizeUnit, number])[] = [
  ["B", 1],
  ["KiB", 2 ** 10],
  ["MiB", 2 ** 20],
  ["GiB", 2 ** 30],
  ["TiB", 2 ** 40],
];

/**
 * A size written in the largest binary unit in which it is at least 1,
 * with at most three significant digits and no trailing zeros.
 *
 * @param value the size, in `unit`s
 * @param unit the unit of `value`; default bytes
 * @example
 * ```ts
 * import { formatSize } from "./size_format.ts";
 * if (formatSize(0.0625, "GiB") !== "64 MiB") throw new Error();
 * if (formatSize(1280, "MiB") !== "1.25 GiB") throw new Error();
 * if (formatSize(4096) !== "4 KiB" || formatSize(0) !== "0 B") throw new Error();
 * ```
 */
export function formatSize(value: number, unit: SizeUnit = "B"): string {
  if (!Number.isFinite(value)) return String(value);
  const bytes = value * UNITS.find(([name]) => name === unit)![1];
  const magnitude = Math.abs(bytes);
  let chosen = UNITS[0];
  for (const u of UNITS) if (magnitude >= u[1]) chosen = u;
  const scaled = bytes / chosen[1];
  // Three significant digits, but never fewer than the whole units (1,023 KiB stays 1023).
  const digits = Math.max(3, Math.floor(Math.log10(Math.max(1, Math.abs(scaled)))) + 1);
  const text = String(Number(scaled.toPrecision(digits)));
  return `${text === "-0" ? "0" : text} ${chosen[0]}`;
}
