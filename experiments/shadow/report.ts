/**
 * The report of the `shadow` experiment: its sections in order, each with
 * the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { batchPlot, exitsPlot, slowdownPlot } from "./_plots.ts";
import { reading } from "./_prose.ts";
import { bestSingleRows, comparisonRows, stressRows } from "./_tables.ts";
import { shadowValidation } from "./_validation.ts";

export { headline as shadowHeadline } from "./_prose.ts";

/** The sections of the `shadow` report. */
export const SHADOW_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      `The lab's figures beside published ones for the closest cases: nested against shadow on compile-like and TLB-heavy workloads, the 2-D walk latency, and the OS event rates the workloads are calibrated to. The papers measured whole systems (system calls, I/O, 2008–2020 hardware); the lab models translation, exits and the memory hierarchy of one profile, so its gaps between platforms are expected to be narrower where system work dominates and wider where TLB misses do.`,
    cases: shadowValidation,
  },
  {
    kind: "plot",
    title: "Cost relative to native, by workload and configuration",
    caption:
      "Cycles per access (translation, exits, guest-kernel and hypervisor work, compute) divided by native's on the same workload and vCPU count, at the published event rates; log scale, the dashed line is native. Shadow configurations: the unoptimised baseline, each strategy alone, all together. overhead_vs_native in shadow.csv is this ratio minus one. With several seeds, dots are the ratio of the mean cycles and bars span the lowest to the highest seed's own ratio.",
    plot: slowdownPlot,
  },
  {
    kind: "plot",
    title: "VM exits by reason",
    caption:
      "VM exits per 1,000 measured accesses, by exit reason, at the largest vCPU count of the sweep and the published event rates. Native never exits and is left out; nested exits only for IPIs. With several seeds, bars are means and the black error bars span the lowest to the highest seed's exits, all reasons together.",
    plot: exitsPlot,
  },
  {
    kind: "table",
    title: "Where shadow paging beats nested paging, and why",
    caption:
      "Cycles per access of native, nested and the cheapest shadow configuration, per workload and vCPU count, at the published event rates; within 1 % neither wins.",
    columns: [
      { key: "workload" },
      { key: "vcpus", label: "vCPUs" },
      { key: "native", unit: "cycles/access", digits: 1 },
      { key: "nested", unit: "cycles/access", digits: 1 },
      { key: "best_shadow", label: "best shadow" },
      { key: "best_shadow_cpa", label: "best shadow", unit: "cycles/access", digits: 1 },
      { key: "winner" },
      { key: "why", wrap: true },
    ],
    rows: comparisonRows,
  },
  {
    kind: "table",
    title: "The single strategy that buys the most",
    caption:
      "Cycles per access of the unoptimised shadow MMU, of the best single strategy, and of all strategies together; saving is the best single strategy's, as a fraction of the baseline.",
    columns: [
      { key: "workload" },
      { key: "vcpus", label: "vCPUs" },
      { key: "baseline", unit: "cycles/access", digits: 1 },
      { key: "best_single", label: "best single strategy" },
      { key: "best_single_cpa", label: "with it", unit: "cycles/access", digits: 1 },
      { key: "saving", unit: "fraction", digits: 2 },
      { key: "all", label: "all strategies", unit: "cycles/access", digits: 1 },
    ],
    rows: bestSingleRows,
  },
  {
    kind: "table",
    title: "At the stress rates of earlier versions",
    caption:
      'The churn-heavy rates earlier versions ran by default (a build fault every 8 accesses, a server switch every 500, a 16-page unmap every 256 accesses in threads; OS workload option rates: "stress"), a few configurations: cycles per access, and all strategies over nested (ratio).',
    columns: [
      { key: "workload" },
      { key: "vcpus", label: "vCPUs" },
      { key: "native", unit: "cycles/access", digits: 1 },
      { key: "nested", unit: "cycles/access", digits: 1 },
      { key: "baseline", label: "shadow baseline", unit: "cycles/access", digits: 1 },
      { key: "all", label: "shadow, all", unit: "cycles/access", digits: 1 },
      { key: "ratio", label: "all / nested", unit: "×", digits: 2 },
      { key: "winner" },
    ],
    rows: stressRows,
  },
  {
    kind: "plot",
    title: "Batched population: hidden faults against batch size",
    caption:
      "Hidden page faults per 1,000 accesses with the batch strategy alone, by batch size; size 1 is the baseline. The quick grid runs only 8 (KVM's PTE_PREFETCH_NUM), the full grid 1, 8, 64 and 512. Without lazy flags a batch fills only guest entries already marked accessed, as KVM's prefetch does. One vCPU is drawn as open rings on a solid line, more vCPUs as filled dots on a dashed line: where a ring circles a dot, the vCPU counts give the same rate. With several seeds, points are means and the shaded bands span the lowest to the highest seed.",
    plot: batchPlot,
  },
];
