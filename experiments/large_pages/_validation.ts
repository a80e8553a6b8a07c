/**
 * The `large-pages` experiment beside published figures: for each case the
 * lab's closest comparable number, computed from the rows (or, for the
 * architectural reference counts, from the model itself), the published
 * one, and where it comes from (shared/REFERENCES.md). Data only: the
 * report's validation section renders it.
 *
 * @module
 */

import { getProfile } from "../../core/cost/profiles.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import type { Row } from "../experiment.ts";
import { findRow } from "../rows.ts";
import { isPromotionAfterExit, mainSlice, tenantsStay } from "./_tables.ts";
import { parseTimelines } from "./_timeline.ts";
import type { ValidationCase } from "../../reports/report_section.ts";
import { BASU_ISCA_2013, BHARGAVA_ASPLOS_2008, PHAM_THESIS_2016 } from "../published_sources.ts";
import { PUBLISHED_REFS } from "../translation/_cold_walk.ts";

const KHUGEPAGED =
  "Linux mm/khugepaged.c defaults: pages_to_scan = HPAGE_PMD_NR × 8 = 4,096, scan_sleep_millisecs = 10,000 (Documentation/admin-guide/mm/transhuge.rst)";

/**
 * References of one 2-D walk with every translation cache empty (walk
 * caches and nested TLB off, TLB flushed), measured on the model.
 */
function coldNestedWalk(guestPage: "4k" | "2m", hostPage: "4k" | "2m", cost: CostModel): number {
  const machine = buildMachine(
    { platform: "nested", guestPage, hostPage, walkCache: false, nestedTlb: false },
    cost,
  );
  const mmu = machine.vcpus[0].mmu;
  // The first access maps the page (guest fault, host backing); the second walks it cold.
  mmu.translate(0x10000, 0);
  mmu.flushAll();
  machine.resetStats();
  mmu.translate(0x10000, 0);
  const counters = machine.report().counters;
  return counters.walk_refs / counters.walks;
}

/** Translation's share of all cycles of a row, in %. */
function translationPercent(row: Row | undefined): number | undefined {
  if (row === undefined) return undefined;
  const share = row.translation_share !== undefined
    ? Number(row.translation_share)
    : Number(row.translation_cycles_per_access) / Number(row.cycles_per_access);
  return Number.isFinite(share) ? 100 * share : undefined;
}

/**
 * The validation cases of the `large-pages` experiment, from its rows.
 * Cases whose rows are missing are left out.
 *
 * @example
 * ```ts
 * import { largePagesValidation } from "./_validation.ts";
 * const cases = largePagesValidation([]);
 * const walk = cases.find((c) => c.case.includes("4K guest on 4K host"))!;
 * if (walk.lab !== 24 || walk.published !== 24) throw new Error(`${walk.lab}`);
 * ```
 */
export function largePagesValidation(rows: readonly Row[]): ValidationCase[] {
  const out: ValidationCase[] = [];
  const slice = mainSlice(rows);
  const stay = tenantsStay(slice.rows);
  const frag0 = Math.min(...stay.map((r) => Number(r.fragmentation)));
  const where =
    `${slice.workload} accesses over ${slice.footprint} MiB, nested, ${frag0} fragmentation`;
  const small = translationPercent(
    findRow(stay, { mode: "nested", policy: "4k", fragmentation: frag0, guest_large_fraction: 0 }),
  );
  const guestLarge = Math.max(...stay.map((r) => Number(r.guest_large_fraction)));
  const large = translationPercent(
    findRow(stay, {
      mode: "nested",
      policy: "opportunistic",
      fragmentation: frag0,
      guest_large_fraction: guestLarge,
    }),
  );
  const noData =
    "The lab's share is translation cycles over all cycles, data accesses through the cache hierarchy included; the workload does one cycle of other work per access and touches pages uniformly at random, so its share sits above a real program's, which computes between accesses and has some locality.";
  if (small !== undefined) {
    out.push({
      case: "Share of run time in address translation, 4K pages",
      lab: small,
      published: 51,
      unit: "%",
      citation: BASU_ISCA_2013,
      note:
        `Lab: ${where}, guest 4K on host 4K (2-D walks). Published: up to 51 % of execution time in TLB misses for big-memory workloads on native 4K pages. ${noData}`,
    });
    out.push({
      case:
        "Share of run time in address translation, large footprint with poor locality, 4K pages",
      lab: small,
      published: 50,
      unit: "%",
      citation: PHAM_THESIS_2016,
      note:
        `Lab: the same row. Published: 20–50 % of run time for large footprints with poor locality (the upper end is compared: uniform random access is the poorest locality). ${noData}`,
    });
  }
  if (large !== undefined) {
    out.push({
      case: "Share of run time in address translation, 2M pages",
      lab: large,
      published: 10,
      unit: "%",
      citation: BASU_ISCA_2013,
      note:
        `Lab: ${where}, guest 2M on host 2M (opportunistic backing, every region large). Published: still up to 10 % with large pages, native. The lab's 1 GiB fits the 2M TLB reach of the profile (1,536 L2 entries × 2 MiB), so almost nothing misses; Basu's workloads span tens of GiB. ${noData}`,
    });
  }
  const cost = getProfile("intel-skylake-sp");
  for (
    const [guest, host, published] of [
      ["4k", "4k", PUBLISHED_REFS["4/nested/4k/4k"]],
      ["2m", "4k", PUBLISHED_REFS["4/nested/2m/4k"]],
      ["2m", "2m", PUBLISHED_REFS["4/nested/2m/2m"]],
    ] as const
  ) {
    out.push({
      case: `References of a cold 2-D walk, ${guest === "4k" ? "4K" : "2M"} guest on ${
        host === "4k" ? "4K" : "2M"
      } host, 4 levels`,
      lab: coldNestedWalk(guest, host, cost),
      published,
      unit: "references",
      citation: BHARGAVA_ASPLOS_2008,
      note:
        "Lab: one walk of the model's nested walker with walk caches, nested TLB and TLB empty. Published: (n+1)(m+1)−1 for n guest and m host levels walked; a guest 2M page splintered by host 4K pages keeps 19.",
    });
  }
  const promotion = slice.rows.filter((r) => isPromotionAfterExit(r) && Number(r.promotions) > 0)
    .sort((a, b) => Number(b.fragmentation) - Number(a.fragmentation))[0];
  if (promotion !== undefined) {
    // Each seed's timeline (one per distinct timeline of a summarised row):
    // the interval in which its last region was collapsed; the lab's figure
    // is their mean, the regions their mean count.
    const collapsed = parseTimelines(promotion).map((steps) => {
      const final = steps.at(-1)?.promotions ?? 0;
      return steps.find((s) => s.promotions === final && final > 0)?.seconds;
    });
    const regions = Math.round(Number(promotion.promotions));
    if (collapsed.length > 0 && collapsed.every((s) => s !== undefined)) {
      out.push({
        case:
          `Guest time to collapse ${regions} 2M regions on 4K pages at khugepaged's default rate`,
        lab: (collapsed as number[]).reduce((a, b) => a + b, 0) / collapsed.length,
        published: Math.ceil(regions / 8) * 10,
        unit: "s",
        citation: KHUGEPAGED,
        note:
          `Lab: the promotion timeline of ${promotion.mode}, ${promotion.fragmentation} fragmentation, guest ${promotion.guest_large_fraction} 2M, tenants exited after first touch: guest time of the interval in which the last region was collapsed. Published: derived from the defaults, 8 regions (4,096 pages) per 10 s pass when every region scanned is collapsible, none failing for want of a free block; a measured khugepaged rate is not published.`,
      });
    }
  }
  return out;
}
