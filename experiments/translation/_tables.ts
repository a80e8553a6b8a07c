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
import { DEFAULT_PROFILE } from "../../core/cost/profiles.ts";
import { formatMib } from "../size_format.ts";
import { simCommand } from "../sim_command.ts";
import { TRANSLATION_PARAMETERS, type TranslationPoint } from "./point.ts";
import { translationSimRun } from "./run.ts";

/** Rows measured in steady state (translation caches on, tables populated), at one table depth. */
export function measuredRows(rows: readonly Row[], levels: number): Row[] {
  return rows.filter((r) =>
    r.translation_caches === "on" && r.populate !== "off" && r.levels === levels
  );
}

/**
 * The configurations measured on cold tables too, beside their steady
 * state: translation cycles per access both ways, and first touches.
 */
export function coldTableRows(rows: readonly Row[]): Row[] {
  const cold = rows.filter((r) => r.translation_caches === "on" && r.populate === "off");
  const steady = measuredRows(rows, 4);
  const out: Row[] = [];
  for (const r of cold) {
    const warm = findRow(steady, {
      workload: r.workload,
      footprint_mib: r.footprint_mib,
      mode: r.mode,
      guest_page: r.guest_page,
      host_page: r.host_page,
    });
    const row: Row = {
      configuration: configLabel(r),
      footprint: formatMib(Number(r.footprint_mib)),
      cold: Number(r.translation_cycles_per_access),
      first_touches: Number(r.demand_maps) / Number(r.accesses),
    };
    if (warm) {
      row.steady = Number(warm.translation_cycles_per_access);
      row.warmup = Number(warm.warmup_accesses);
    }
    out.push(row);
  }
  return out;
}

/**
 * For every row, the `deno task sim` command that reproduces its numbers,
 * with the row's seed and profile (seed 1 and the default profile where a
 * row does not record them).
 */
export function reproduceRows(rows: readonly Row[]): Row[] {
  return rows.map((r) => {
    const point = Object.fromEntries(
      Object.keys(TRANSLATION_PARAMETERS).map((k) => [k, r[k]]),
    ) as unknown as TranslationPoint;
    const seed = typeof r.seed === "number" ? r.seed : 1;
    const profile = typeof r.profile === "string" ? r.profile : DEFAULT_PROFILE;
    return {
      configuration: configLabel(r),
      levels: r.levels,
      workload: r.workload,
      footprint: formatMib(Number(r.footprint_mib)),
      translation_caches: r.translation_caches,
      command: simCommand(translationSimRun(point, seed, profile)),
    };
  });
}

/** The cold-walk check: published, expected and measured references per configuration and depth. */
export function walkCountRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.translation_caches === "off").map((r) => {
    const key = `${r.levels}/${r.mode}/${r.guest_page}/${r.host_page}`;
    const published = PUBLISHED_REFS[key];
    const measured = r.walk_refs_per_walk === undefined ? NaN : Number(r.walk_refs_per_walk);
    const guest = levelsWalked(Number(r.levels), String(r.guest_page));
    const out: Row = {
      levels: r.levels,
      configuration: configLabel(r),
      formula: r.mode === "native"
        ? `n = ${guest}`
        : `(${guest}+1)(${levelsWalked(Number(r.levels), String(r.host_page))}+1)−1`,
      expected: Number(r.cold_walk_refs_per_walk),
      walks: Number(r.walks),
      matches: measured === Number(r.cold_walk_refs_per_walk) &&
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
