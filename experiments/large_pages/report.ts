/**
 * The report of the `large-pages` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { fragmentationPlot } from "./_plots.ts";
import { reading } from "./_prose.ts";
import { promotionRows, tableRows, traceRows } from "./_tables.ts";

export { headline as largePagesHeadline } from "./_prose.ts";

/** The sections of the `large-pages` report. */
export const LARGE_PAGES_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "plot",
    title: "Guest memory backed by host large pages",
    caption:
      "Share of host-backed guest memory mapped by host 2M or 1G pages, nested mode, main slice. The same first-touch decisions are made in shadow mode. Promotion raises the share after the other tenants exit.",
    plot: (rows) =>
      fragmentationPlot(rows, "host_large_fraction", "Host large-page share (0–1)", {
        oneMode: true,
      }),
  },
  {
    kind: "plot",
    title: "Cycles per access",
    caption:
      "All cycles per access (compute, TLB, walks; promotion copies are charged before measuring and shown in the promotion table). One panel per mode and guest 2M share; dashed: opportunistic+promote, dotted: 1g, both drawn over opportunistic (thick) where they agree. Where the host 4K line and the others meet, fragmentation has erased what opportunism won. The 4k line moves a little with fragmentation only because table pages land elsewhere in host memory and so in other sets of the PTE cache.",
    plot: (rows) => fragmentationPlot(rows, "cycles_per_access", "Cycles per access (cycles)"),
  },
  {
    kind: "plot",
    title: "TLB misses per thousand accesses",
    caption:
      "L2 TLB misses (walks) per 1,000 accesses. A TLB entry covers the smaller of the guest page and its host backing, so host large pages cut misses only where the guest maps 2M pages.",
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
      "Page-table references per walk with the profile's walk caches, nested TLB and PTE cache. Host large pages shorten the host dimension of a nested walk even under guest 4K pages.",
    plot: (rows) => fragmentationPlot(rows, "walk_refs_per_walk", "References per walk (refs)"),
  },
  {
    kind: "table",
    title: "What promotion buys back, at what copy cost",
    caption:
      "opportunistic+promote against opportunistic at the same point, main slice, where anything was promoted. frag.: host fragmentation. Copy+flush: 512 page copies (2 MiB) plus one invalidation per region. Large before/after: share of guest memory on host large pages at first touch and after promotion. Saved: opportunistic's cycles per access minus +promote's. Break-even: accesses after which the savings repay the copies.",
    columns: [
      { key: "mode" },
      { key: "guest_large_fraction", label: "guest 2M", digits: 2 },
      { key: "fragmentation", label: "frag.", digits: 3 },
      { key: "promotions", label: "promoted", unit: "regions" },
      { key: "promotion_mcycles", label: "copy+flush", unit: "M cycles", digits: 1 },
      { key: "host_large_before", label: "large before", digits: 2 },
      { key: "host_large_after", label: "large after", digits: 2 },
      { key: "promote_cpa", label: "+promote", unit: "cycles/acc.", digits: 2 },
      { key: "saved_per_access", label: "saved", unit: "cycles/acc.", digits: 2 },
      { key: "break_even_accesses", label: "break-even", unit: "accesses", digits: 0 },
    ],
    rows: promotionRows,
  },
  {
    kind: "table",
    title: "Lackey traces",
    caption:
      "Traces given with --trace (none when the table is empty): each replayed once to first-touch and warm up, then measured, at the lowest and highest fragmentation and the largest guest 2M share of the grid, largest footprint (guest RAM).",
    columns: [
      { key: "trace" },
      { key: "mode" },
      { key: "policy" },
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
