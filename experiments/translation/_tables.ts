/**
 * The tables of the `translation` report, and the rows they and the plots
 * start from.
 *
 * @module
 */

import type { Row } from "../experiment.ts";
import { distinct, findRow, largest } from "../rows.ts";
import { levelsWalked, PUBLISHED_REFS } from "./_cold_walk.ts";
import { configLabel } from "./_configurations.ts";

/** Rows measured with the profile's caches on, at one table depth. */
export function measuredRows(rows: readonly Row[], levels: number): Row[] {
  return rows.filter((r) => r.caches === "on" && r.levels === levels);
}

/** The cold-walk check: published, expected and measured references per configuration and depth. */
export function walkCountRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.caches === "off").map((r) => {
    const key = `${r.levels}/${r.mode}/${r.guest_page}/${r.host_page}`;
    const published = PUBLISHED_REFS[key];
    const measured = r.refs_per_walk === undefined ? NaN : Number(r.refs_per_walk);
    const guest = levelsWalked(Number(r.levels), String(r.guest_page));
    const out: Row = {
      levels: r.levels,
      configuration: configLabel(r),
      formula: r.mode === "native"
        ? `n = ${guest}`
        : `(${guest}+1)(${levelsWalked(Number(r.levels), String(r.host_page))}+1)−1`,
      expected: Number(r.cold_refs_per_walk),
      walks: Number(r.walks),
      matches: measured === Number(r.cold_refs_per_walk) &&
        (published === undefined || published === measured),
    };
    if (published !== undefined) out.published = published;
    if (Number.isFinite(measured)) out.measured = measured;
    return out;
  });
}

/** Translation cycles per access of native and nested per workload, at the largest footprint. */
export function slowdownRows(rows: readonly Row[]): Row[] {
  const measured = measuredRows(rows, 4);
  if (measured.length === 0) return [];
  const footprint = largest(measured, "footprint_mib");
  const out: Row[] = [];
  for (const workload of distinct(measured.map((r) => String(r.workload)))) {
    const at = (mode: string, g: string, h: string): number =>
      Number(
        findRow(measured, { workload, footprint_mib: footprint, mode, guest_page: g, host_page: h })
          ?.translation_cycles_per_access ?? NaN,
      );
    const native = at("native", "4k", "none");
    const nested = at("nested", "4k", "4k");
    const row: Row = {
      workload,
      native_4k: native,
      nested_4k_4k: nested,
      slowdown: nested / native,
      nested_2m_2m: at("nested", "2m", "2m"),
      nested_1g_1g: at("nested", "1g", "1g"),
    };
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "number" && !Number.isFinite(v)) delete row[k];
    }
    out.push(row);
  }
  return out;
}
