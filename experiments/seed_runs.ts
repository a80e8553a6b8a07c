/**
 * How many runs a result row stands for. A full sweep summarises each point
 * over several seeds into one row (see `summarizeSeeds`): `seeds` says how
 * many, a measure is their mean, and a boolean on which the seeds disagree
 * says for how many it held in `KEY_seeds`, e.g. `"2 of 3"`. Tables that
 * count runs (no lost data, how many converged) count them through here.
 *
 * @module
 */

import type { Row } from "./experiment.ts";

/**
 * Runs a row stands for: its seeds when summarised over several, else 1.
 *
 * @example
 * ```ts
 * import { runsOf } from "./seed_runs.ts";
 * if (runsOf({ seeds: 3 }) !== 3 || runsOf({}) !== 1) throw new Error();
 * ```
 */
export function runsOf(r: Row): number {
  return typeof r.seeds === "number" ? r.seeds : 1;
}

/**
 * Runs of a row for which boolean measure `key` held.
 *
 * @example
 * ```ts
 * import { runsWhere } from "./seed_runs.ts";
 * if (runsWhere({ seeds: 3, ok: false, ok_seeds: "2 of 3" }, "ok") !== 2) throw new Error();
 * ```
 */
export function runsWhere(r: Row, key: string): number {
  if (r[key] === true) return runsOf(r);
  const held = typeof r[`${key}_seeds`] === "string"
    ? /^(\d+) of \d+$/.exec(String(r[`${key}_seeds`]))
    : null;
  return held ? Number(held[1]) : 0;
}

/**
 * The sum over `rows` of a count over all their runs (a summarised row's
 * mean times its seeds).
 *
 * @example
 * ```ts
 * import { runsTotal } from "./seed_runs.ts";
 * if (runsTotal([{ seeds: 3, lost: 1 / 3 }, { lost: 2 }], "lost") !== 3) throw new Error();
 * ```
 */
export function runsTotal(rows: readonly Row[], key: string): number {
  // Rounded: a mean of whole counts times the seeds is whole up to rounding.
  return rows.reduce((s, r) => s + Math.round(Number(r[key] ?? 0) * runsOf(r)), 0);
}
