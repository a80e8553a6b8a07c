/**
 * The validation of the `translation` report: translation's share of run
 * time with 4K and 2M pages natively, the nested/native cost ratio, the
 * latency of a steady-state 2-D walk, and the reference counts of cold
 * walks, each beside the closest published figure.
 *
 * @module
 */

import type { ValidationCase } from "../../reports/report_section.ts";
import type { Row } from "../experiment.ts";
import { findRow, largest } from "../rows.ts";
import { measuredRows } from "./_tables.ts";
import {
  BASU_ISCA_2013,
  BHARGAVA_ASPLOS_2008,
  MARGARITOV_THESIS_2021,
  PHAM_THESIS_2016,
} from "../published_sources.ts";
import { PUBLISHED_REFS } from "./_cold_walk.ts";

/** Translation cycles over all cycles of a row, in %. */
function sharePercent(row: Row): number {
  return 100 * Number(row.translation_cycles_per_access) / Number(row.cycles_per_access);
}

/**
 * The validation cases of the `translation` experiment from its rows; cases
 * whose rows are missing are left out.
 *
 * @example
 * ```ts
 * import { translationValidation } from "./_validation.ts";
 * if (translationValidation([]).length !== 0) throw new Error("no rows, no cases");
 * ```
 */
export function translationValidation(rows: readonly Row[]): ValidationCase[] {
  const out: ValidationCase[] = [];
  const steady = measuredRows(rows, 4).filter((r) => r.workload === "random");
  const footprint = largest(steady, "footprint_mib");
  const at = (mode: string, guest: string, host?: string) =>
    findRow(steady, {
      mode,
      guest_page: guest,
      ...(host ? { host_page: host } : {}),
      footprint_mib: footprint,
    });
  const gib = footprint / 1024;
  const where = `uniform random accesses over ${gib} GiB, 4-level tables, steady state`;
  const native4k = at("native", "4k");
  const native2m = at("native", "2m");
  const nested = at("nested", "4k", "4k");
  if (native4k) {
    out.push({
      case: "Share of run time in address translation, native, 4K pages",
      lab: sharePercent(native4k),
      published: [20, 50],
      unit: "%",
      citation: PHAM_THESIS_2016,
      note:
        `Lab: ${where}; translation is TLB lookups, walk-cache hits and walk references, over every cycle including data accesses through the cache hierarchy. Published: 20–50 % of run time for large footprints with poor locality. The lab's program does one cycle of other work per access; a real one computes between accesses, which lowers its share.`,
    });
    out.push({
      case: "Share of run time in TLB misses, native, 4K pages (upper end)",
      lab: sharePercent(native4k),
      published: 51,
      unit: "%",
      citation: BASU_ISCA_2013,
      note:
        "Lab: the same row. Published: up to 51 % of execution time in TLB misses for big-memory workloads (databases, in-memory caches, graph analytics) on 4K pages.",
    });
  }
  if (native2m) {
    out.push({
      case: "Share of run time in address translation, native, 2M pages",
      lab: sharePercent(native2m),
      published: [0, 10],
      unit: "%",
      citation: BASU_ISCA_2013,
      note:
        `Lab: ${where}, 2M pages. Published: still up to 10 % of execution time with large pages. The lab's footprint is ${gib} GiB; Basu's workloads span tens to hundreds of GiB, beyond the 2M TLB reach (1,536 × 2 MiB = 3 GiB on Skylake).`,
    });
  }
  if (native4k && nested) {
    const walkLatency = Number(nested.walk_cycles_per_access) * Number(nested.accesses) /
      Number(nested.walks);
    out.push({
      case: "Cycles of one 2-D walk, 4K/4K, steady state",
      lab: walkLatency,
      published: [100, 999],
      unit: "cycles",
      citation: MARGARITOV_THESIS_2021,
      note:
        `Lab: walk cycles (walk-cache and nested-TLB hits, walk references by the level of the hierarchy that served them) per walk of nested 4K/4K, ${where}. Published: "hundreds of cycles", taken as 100–999.`,
    });
  }
  const cold = rows.filter((r) => r.translation_caches === "off" && r.mode === "nested");
  for (const [guest, host, levels] of COLD_CASES) {
    const published = PUBLISHED_REFS[`${levels}/nested/${guest}/${host}`];
    const row = findRow(cold, { guest_page: guest, host_page: host, levels });
    if (row === undefined || row.cold_walk_refs_per_walk === undefined) continue;
    out.push({
      case:
        `References of a cold 2-D walk, ${guest.toUpperCase()}/${host.toUpperCase()}, ${levels} levels`,
      lab: Number(row.cold_walk_refs_per_walk),
      published,
      unit: "references",
      citation: BHARGAVA_ASPLOS_2008,
      note:
        "Lab: one walk with every translation cache empty. Published: (n+1)(m+1)−1 for n guest and m host levels walked. An exact count: any difference is a bug.",
    });
  }
  return out;
}

/** The cold 2-D walks compared (guest page, host page, levels), of those with a published count. */
const COLD_CASES: readonly (readonly [string, string, number])[] = [
  ["4k", "4k", 4],
  ["4k", "4k", 5],
  ["2m", "2m", 4],
  ["1g", "1g", 4],
];
