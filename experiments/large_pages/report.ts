/**
 * The report of the `large-pages` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { fragmentationPlot, timelinePlot } from "./_plots.ts";
import { SAMPLE_ACCESSES, SAMPLE_WARMUP_ACCESSES } from "./_timeline.ts";
import { reading } from "./_prose.ts";
import { promotionRows, tableRows, traceRows } from "./_tables.ts";
import { largePagesValidation } from "./_validation.ts";

export { headline as largePagesHeadline } from "./_prose.ts";

/** The sections of the `large-pages` report. */
export const LARGE_PAGES_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      `The lab's figures beside published ones: translation's share of run time with 4K and 2M pages, the reference counts of cold 2-D walks, and how long khugepaged takes to collapse a region at its default rate.`,
    cases: largePagesValidation,
  },
  {
    kind: "plot",
    title: "Guest memory backed by host large pages",
    caption:
      "Share of host-backed guest memory mapped by host 2M or 1G pages, nested mode, main slice, at the measured window. The same first-touch decisions are made in shadow mode. With the other tenants staying, promotion has no free block to use and its line lies on opportunistic's; the purple line is promotion after the tenants exit, once the promotion agent has run for the horizon (see the timeline below). With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      fragmentationPlot(rows, "host_large_fraction", "Host large-page share (0–1)", {
        oneMode: true,
      }),
  },
  {
    kind: "plot",
    title: "Cycles per access",
    caption:
      "All cycles per access in the measured window (compute, TLB, walks, exits). One panel per mode and guest 2M share; dashed: opportunistic+promote with the tenants staying, dotted: 1g, both drawn over opportunistic (thick) where they agree; purple: promotion after the tenants exit, measured after the promotion horizon (its copies ran on a host thread during the horizon: see the timeline and the promotion table). Where the host 4K line and the others meet, fragmentation has erased what opportunism won. The host 4K line is flat: fragmentation decides nothing under a 4K host policy, and table pages come from pageblocks of their own, so fragmentation does not move them. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) => fragmentationPlot(rows, "cycles_per_access", "Cycles per access (cycles)"),
  },
  {
    kind: "plot",
    title: "TLB misses per thousand accesses",
    caption:
      "L2 TLB misses (walks) per 1,000 accesses. A TLB entry covers the smaller of the guest page and its host backing, so host large pages cut misses only where the guest maps 2M pages. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      fragmentationPlot(
        rows,
        "l2_tlb_misses_per_kilo_access",
        "L2 TLB misses per 1,000 accesses (misses)",
      ),
  },
  {
    kind: "plot",
    title: "Memory references per walk",
    caption:
      "Page-table references per walk with the profile's walk caches, nested TLB and data caches. Host large pages shorten the host dimension of a nested walk even under guest 4K pages. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) => fragmentationPlot(rows, "walk_refs_per_walk", "References per walk (refs)"),
  },
  {
    kind: "plot",
    title: "Promotion over time: memory on host large pages",
    caption:
      `Share of host-backed guest memory on host 2M pages against guest time, after the other tenants exit at first touch, largest guest 2M share, main slice, one line per fragmentation level at which anything was promoted. The promotion agent runs at Linux khugepaged's default rate (4,096 pages scanned every 10 s, a minute's pause after a failed allocation): 8 of guest RAM's 2M regions per pass, scanned in guest-physical order whether backed or not. Guest time is not compressed; the guest is sampled instead: per 10 s interval, ${
        formatNumber(SAMPLE_WARMUP_ACCESSES)
      } warm-up and ${
        formatNumber(SAMPLE_ACCESSES)
      } measured accesses stand for the interval's accesses (again only after a pass that changed something). With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.`,
    plot: (rows) => timelinePlot(rows, "large", "Host large-page share (0–1)"),
  },
  {
    kind: "plot",
    title: "Promotion over time: cycles per access",
    caption:
      "The guest's cycles per access over each 10 s interval against guest time, the same rows: the interval's guest time divided by the accesses it holds, the kicks that flush the vCPU's TLBs after each collapse and the refills that follow included. The promotion agent's copies run on a host thread and are not in these lines: they add a few thousandths of a cycle per access (promotion table). With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) => timelinePlot(rows, "cyclesPerAccess", "Cycles per access (cycles)"),
  },
  {
    kind: "table",
    title: "What promotion buys back, at what copy cost",
    caption:
      "Promotion after the other tenants exit against opportunistic (tenants staying) at the same point, main slice, where anything was promoted. frag.: host fragmentation. Copy: the promotion agent's cycles, 512 page copies (2 MiB) and one zap per region, on a host thread. Agent: those cycles against the guest's over the horizon. Large at touch: share of guest memory on host large pages at first touch (after the horizon it is 1 wherever anything was promoted). After: cycles per access measured after the horizon; over horizon: the whole horizon's cycles (guest and agent) per access, the slow climb included. To 90 %: guest time until 90 % of memory is on host large pages.",
    columns: [
      { key: "mode" },
      { key: "guest_large_fraction", label: "guest 2M", digits: 2 },
      { key: "fragmentation", label: "frag.", digits: 3 },
      { key: "promotions", label: "promoted", unit: "regions" },
      { key: "promotion_mcycles", label: "copy", unit: "M cycles", digits: 1 },
      { key: "agent_percent", label: "agent", unit: "% of guest time", digits: 4 },
      { key: "host_large_before", label: "large at touch", digits: 2 },
      { key: "opportunistic_cpa", label: "opportunistic", unit: "cycles/acc.", digits: 2 },
      { key: "promote_cpa", label: "after", unit: "cycles/acc.", digits: 2 },
      { key: "horizon_cpa", label: "over horizon", unit: "cycles/acc.", digits: 2 },
      { key: "minutes_to_90pct", label: "to 90 %", unit: "min", digits: 1 },
    ],
    rows: promotionRows,
  },
  {
    kind: "table",
    title: "Traces",
    caption:
      "Traces given with --trace (lackey, ChampSim or vmtrace; none when the table is empty): each replayed once to first-touch and warm up, then measured whole (accesses: the count measured), at the lowest and highest fragmentation and the largest guest 2M share of the grid, largest footprint (guest RAM): the only points traces run at.",
    columns: [
      { key: "trace" },
      { key: "accesses", unit: "measured" },
      { key: "mode" },
      { key: "policy" },
      { key: "tenants" },
      { key: "fragmentation", digits: 3 },
      { key: "host_large_fraction", label: "host large", unit: "share", digits: 2 },
      { key: "l2_tlb_misses_per_kilo_access", label: "L2 TLB misses", unit: "per 1,000" },
      { key: "cycles_per_access", label: "cycles", unit: "per access", digits: 2 },
    ],
    rows: traceRows,
  },
  {
    kind: "table",
    title: "Page-table memory",
    caption:
      "Bytes of guest, host and shadow table pages at the lowest and highest fragmentation, largest guest 2M share, main slice. Splintered pages: guest 2M pages backed by host 4K pages.",
    columns: [
      { key: "mode" },
      { key: "policy" },
      { key: "fragmentation", digits: 3 },
      { key: "guest_kib", label: "guest tables", unit: "KiB" },
      { key: "host_kib", label: "host tables", unit: "KiB" },
      { key: "shadow_kib", label: "shadow tables", unit: "KiB" },
      { key: "total_kib", label: "total", unit: "KiB" },
      { key: "splintered_pages", label: "splintered guest 2M pages" },
    ],
    rows: tableRows,
  },
];
