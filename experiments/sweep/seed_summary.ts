/**
 * One row per point from the rows of several seeds: what a report's sections
 * see when a sweep ran each point more than once. The CSV and JSON keep
 * every seed's row; plots and tables show the mean and can draw the spread.
 *
 * @module
 */

import type { Row, Value } from "../experiment.ts";

/** Suffix of the field holding a measurement's smallest value over seeds. */
export const MIN_SUFFIX = "_min";
/** Suffix of the field holding a measurement's largest value over seeds. */
export const MAX_SUFFIX = "_max";
/** Field of a summary row holding how many seeds' rows it summarises. */
export const SEEDS_KEY = "seeds";

/**
 * Summarises rows over seeds. Rows with equal parameters (`parameterKeys`)
 * form one point; its summary row keeps the parameters and, for each
 * measurement:
 * - a number: the mean over the rows that have it, and `KEY_min`, `KEY_max`;
 * - a string or boolean equal in every row: that value;
 * - a boolean that differs: `false` (it held for some seeds only) and
 *   `KEY_seeds` saying for how many it held, e.g. `"2 of 3"`;
 * - a string that differs: the distinct values joined by ` / `.
 * It also gets `seeds`, the number of rows, and the first row's provenance.
 * When no point has more than one row, the rows come back unchanged, so a
 * one-seed report is exactly what it was before seeds existed.
 *
 * @example
 * ```ts
 * import { summarizeSeeds } from "./seed_summary.ts";
 * const rows = [
 *   { x: 1, y: 2, seed: 1 },
 *   { x: 1, y: 4, seed: 2 },
 *   { x: 2, y: 5, seed: 1 },
 *   { x: 2, y: 5, seed: 2 },
 * ];
 * const [a, b] = summarizeSeeds(rows, ["x"]);
 * if (a.y !== 3 || a.y_min !== 2 || a.y_max !== 4 || a.seeds !== 2) throw new Error();
 * if (b.y !== 5) throw new Error();
 * ```
 */
export function summarizeSeeds(rows: readonly Row[], parameterKeys: readonly string[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = JSON.stringify(parameterKeys.map((k) => row[k] ?? null));
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  if (groups.size === rows.length) return [...rows];
  const parameters = new Set(parameterKeys);
  return [...groups.values()].map((group) => summarizeGroup(group, parameters));
}

function summarizeGroup(group: readonly Row[], parameters: ReadonlySet<string>): Row {
  const first = group[0];
  const out: Row = {};
  const keys: string[] = [];
  for (const row of group) {
    for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  }
  for (const key of keys) {
    if (parameters.has(key) || key === "seed") {
      out[key] = first[key];
      continue;
    }
    const values = group.filter((row) => Object.hasOwn(row, key)).map((row) => row[key]);
    Object.assign(out, summarizeField(key, values, group.length));
  }
  out[SEEDS_KEY] = group.length;
  return out;
}

function summarizeField(key: string, values: readonly Value[], rows: number): Row {
  if (values.every((v) => typeof v === "number")) {
    const numbers = values as number[];
    const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
    return {
      [key]: mean,
      [key + MIN_SUFFIX]: Math.min(...numbers),
      [key + MAX_SUFFIX]: Math.max(...numbers),
    };
  }
  const distinct = [...new Set(values)];
  if (distinct.length === 1) return { [key]: distinct[0] };
  if (values.every((v) => typeof v === "boolean")) {
    const held = values.filter((v) => v === true).length;
    return { [key]: false, [`${key}_seeds`]: `${held} of ${rows}` };
  }
  return { [key]: distinct.map(String).join(" / ") };
}
