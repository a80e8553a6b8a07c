/**
 * Queries over result rows that several experiments' reports make: the
 * distinct values of a column, the row with given fields, the largest value
 * and the mean of a column.
 *
 * @module
 */

import type { Row, Value } from "./experiment.ts";

/**
 * The distinct values, in order of first appearance.
 *
 * @example
 * ```ts
 * import { distinct } from "./rows.ts";
 * if (distinct([4, 1, 4, 2, 1]).join() !== "4,1,2") throw new Error();
 * ```
 */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * The first row whose fields equal every field of `where`.
 *
 * @example
 * ```ts
 * import { findRow } from "./rows.ts";
 * const rows = [{ mode: "native", cpa: 4 }, { mode: "nested", cpa: 9 }];
 * if (findRow(rows, { mode: "nested" })?.cpa !== 9) throw new Error();
 * if (findRow(rows, { mode: "shadow" }) !== undefined) throw new Error();
 * ```
 */
export function findRow(
  rows: readonly Row[],
  where: Readonly<Record<string, Value>>,
): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

/**
 * The largest value of a numeric column (`-Infinity` for no rows).
 *
 * @example
 * ```ts
 * import { largest } from "./rows.ts";
 * if (largest([{ mib: 64 }, { mib: 4096 }, { mib: 1 }], "mib") !== 4096) throw new Error();
 * ```
 */
export function largest(rows: readonly Row[], key: string): number {
  return Math.max(...rows.map((r) => Number(r[key])));
}

/**
 * The mean of a numeric column, a row without the field counting as 0.
 *
 * @example
 * ```ts
 * import { mean } from "./rows.ts";
 * if (mean([{ exits: 3 }, { exits: 5 }, {}], "exits") !== 8 / 3) throw new Error();
 * ```
 */
export function mean(rows: readonly Row[], key: string): number {
  return rows.reduce((sum, r) => sum + Number(r[key] ?? 0), 0) / rows.length;
}
