/**
 * The report of the `translation` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { effectivePage } from "./_configurations.ts";
import {
  configurationGridPlot,
  EFFECTIVE_PAGE_LABELS,
  footprintPlot,
  refsPerWalkPlot,
} from "./_plots.ts";
import { reading } from "./_prose.ts";
import { coldTableRows, reproduceRows, slowdownRows, walkCountRows } from "./_tables.ts";
import { translationValidation } from "./_validation.ts";

export { headline as translationHeadline } from "./_prose.ts";

/** The sections of the `translation` report. */
export const TRANSLATION_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      "The lab's figures beside published ones: translation's share of run time natively with 4K and 2M pages, the latency of a 2-D walk, and the reference counts of cold 2-D walks. The papers measured real programs on whole machines; the lab's program is a uniform random walk over its footprint that does one cycle of other work per access, which puts its translation share near the top of the published ranges.",
    cases: translationValidation,
  },
  {
    kind: "plot",
    title: "Translation cycles per access",
    caption:
      "Cycles spent translating addresses (TLB lookups, walk-cache hits, walk references, nested-TLB hits) per access, 4-level tables, in steady state: tables populated, TLBs and translation caches warmed. A row of panels per workload, a column per guest page size; in each panel the dashed grey line is native paging with that page size and the coloured lines nested paging over 4K, 2M and 1G host pages. Points with no translation cycles are left off the log scale. With several seeds, points are means and bars span the lowest to the highest seed.",
    plot: (rows) =>
      configurationGridPlot(
        rows,
        "translation_cycles_per_access",
        "Translation cycles per access (cycles)",
      ),
  },
  {
    kind: "plot",
    title: "TLB misses per thousand accesses",
    caption:
      "Second-level TLB misses, i.e. page walks, per thousand accesses, 4-level tables, in steady state. A TLB entry maps guest-virtual to host-physical memory at the smaller of the guest and host page sizes, so native and nested configurations with the same smaller page size miss equally and share a line: nesting costs nothing in misses, only in the walk each miss starts. Each curve rises where the footprint passes the TLB reach of its page size. With several seeds, points are means and bars span the lowest to the highest seed.",
    plot: (rows) =>
      footprintPlot(rows, {
        measure: "l2_tlb_misses_per_kilo_access",
        yLabel: "L2 TLB misses per 1,000 accesses (misses)",
        log: false,
        series: (row) => `${effectivePage(row)} translations`,
        domain: EFFECTIVE_PAGE_LABELS,
        range: ["#1d4ed8", "#f0883e", "#15803d"],
        dashed: () => false,
      }),
  },
  {
    kind: "plot",
    title: "Memory references per walk",
    caption:
      "References per page walk for random accesses with 4-level tables: grey with every translation cache off (the cold 2-D walk, (n+1)(m+1)−1), blue with the profile's walk caches, nested TLB and data caches at the largest footprint, in steady state.",
    plot: refsPerWalkPlot,
  },
  {
    kind: "table",
    title: "Cold walk references: published, expected and measured",
    caption:
      "Measured with walk caches and nested TLB off and walk references sent to DRAM, random accesses over 64 GiB, on cold tables without warm-up: a walk's reference count does not depend on whether the page was mapped before (a first touch maps it uncharged and the walk goes on). n and m are the guest and host levels walked (4 for 4K pages on 4-level tables, one fewer per page-size step). Published: Bhargava et al., ASPLOS 2008, and the x86-64 manuals (REFERENCES.md).",
    columns: [
      { key: "levels", label: "levels" },
      { key: "configuration", label: "configuration", unit: "guest/host" },
      { key: "formula", label: "formula" },
      { key: "published", label: "published", unit: "refs/walk" },
      { key: "expected", label: "expected", unit: "refs/walk" },
      { key: "measured", label: "measured", unit: "refs/walk", digits: 2 },
      { key: "walks", label: "walks measured" },
      { key: "matches", label: "matches" },
    ],
    rows: walkCountRows,
  },
  {
    kind: "table",
    title: "Nested against native at the largest footprint",
    caption:
      "Translation cycles per access in steady state, 4-level tables, at the largest footprint of the sweep. Slowdown is nested 4K/4K over native 4K.",
    columns: [
      { key: "workload" },
      { key: "native_4k", label: "native 4K", unit: "cycles/access", digits: 2 },
      { key: "nested_4k_4k", label: "nested 4K/4K", unit: "cycles/access", digits: 2 },
      { key: "slowdown", label: "slowdown", unit: "×", digits: 2 },
      { key: "nested_2m_2m", label: "nested 2M/2M", unit: "cycles/access", digits: 2 },
      { key: "nested_1g_1g", label: "nested 1G/1G", unit: "cycles/access", digits: 2 },
    ],
    rows: slowdownRows,
  },
  {
    kind: "table",
    title: "Steady state against cold tables",
    caption:
      "Translation cycles per access for random accesses at the largest footprint, 4-level tables: cold, on tables built as the accesses first touch their pages and without warm-up (what runs measured before warm-up and populating existed); steady, populated and warmed. First touches: pages the cold run mapped on first touch, guest and host counted apart, per access.",
    columns: [
      { key: "configuration", label: "configuration", unit: "guest/host" },
      { key: "footprint" },
      { key: "cold", label: "cold tables", unit: "cycles/access", digits: 2 },
      { key: "first_touches", label: "first touches", unit: "maps/access", digits: 3 },
      { key: "steady", label: "steady state", unit: "cycles/access", digits: 2 },
      { key: "warmup", label: "warm-up", unit: "accesses" },
    ],
    rows: coldTableRows,
  },
  {
    kind: "table",
    title: "Reproduce a row",
    caption:
      "For every row, the one command that reproduces its counters exactly, run from the repository's root (add --json for every counter): the same machine, workload, seed, warm-up and population as the sweep. A row computed with a cost profile read from a JSON file shows that profile's name: give the file to --profile instead.",
    columns: [
      { key: "configuration", label: "configuration", unit: "guest/host" },
      { key: "levels" },
      { key: "workload" },
      { key: "footprint" },
      { key: "translation_caches", label: "translation caches" },
      { key: "command", label: "command", wrap: true },
    ],
    rows: reproduceRows,
  },
];
