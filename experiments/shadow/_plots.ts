/**
 * The plots of the `shadow` report: cost relative to native, exits by
 * reason, and hidden faults against batch size.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { EXIT_REASON_NAMES } from "../../core/base/exit_reason.ts";
import type { Row, Value } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { hasSpread, type Spread, spreadBand, spreadOf } from "../seed_spread.ts";
import { CONFIG_COLOURS, CONFIG_LABELS, configLabel } from "./_labels.ts";
import { mainRows, maxVcpus, publishedRows } from "./_tables.ts";

/** `1 vCPU`, `4 vCPUs`: the symbol legend's label of a vCPU count. */
function vcpuLabel(vcpus: Value): string {
  return `${vcpus} vCPU${vcpus === 1 ? "" : "s"}`;
}

/**
 * The spread over seeds of `numerator / denominator` of a row, both
 * positive, conservatively: the smallest numerator over the largest
 * denominator up to the largest over the smallest. Exact when the
 * denominator is the same for every seed (a point's measured accesses).
 */
function ratioSpread(row: Row, numerator: string, denominator: string, scale = 1): Spread {
  const n = spreadOf(row, numerator);
  const d = spreadOf(row, denominator);
  return { low: (scale * n.low) / d.high, high: (scale * n.high) / d.low };
}

/**
 * Horizontal bars from `low` to `high` through the dots of a plot with
 * configurations down the y axis, one vertical offset per vCPU count so that
 * the bars of two counts in one row stay apart; none when no seeds disagree.
 */
function horizontalSpreadBars(
  data: readonly (Spread & { vcpus: string })[],
  vcpuLabels: readonly string[],
): Plot.Markish[] {
  if (!hasSpread(data)) return [];
  // Within the dots' radius (4 px) whatever the number of counts.
  const step = vcpuLabels.length > 1 ? Math.min(5, 8 / (vcpuLabels.length - 1)) : 0;
  return vcpuLabels.map((vcpus, i) =>
    Plot.ruleY(data.filter((d) => d.vcpus === vcpus && d.high > d.low), {
      fy: "workload",
      y: "config",
      x1: "low",
      x2: "high",
      stroke: "config",
      strokeWidth: 1.4,
      strokeOpacity: 0.8,
      dy: step * (i - (vcpuLabels.length - 1) / 2),
    })
  );
}

/** Cycles per access over native's, per workload and configuration, one symbol per vCPU count. */
export function slowdownPlot(rows: readonly Row[]): Plot.PlotOptions {
  const main = mainRows(rows);
  const workloads = distinct(main.map((r) => String(r.workload)));
  const data = main.map((r) => {
    // The spread is exact per seed: each seed's own ratio, overhead_vs_native + 1.
    // The dot stays the ratio of the means, a native-weighted mean of those
    // ratios and so within their range (and, for one seed, the ratio itself).
    const overhead = spreadOf(r, "overhead_vs_native");
    return {
      workload: String(r.workload),
      config: configLabel(r),
      vcpus: vcpuLabel(r.vcpus),
      slowdown: Number(r.cycles_per_access) / Number(r.native_cycles_per_access),
      low: 1 + overhead.low,
      high: 1 + overhead.high,
    };
  });
  const vcpuLabels = distinct(data.map((d) => d.vcpus));
  return {
    width: 1100,
    height: 180 + 150 * workloads.length,
    marginLeft: 150,
    marginRight: 90,
    marginBottom: 40,
    style: { fontSize: "12px" },
    fy: { label: null, domain: workloads },
    y: { domain: CONFIG_LABELS as string[], label: null },
    x: {
      type: "log",
      label: "Cycles per access relative to native (×, log scale) →",
      grid: true,
      tickFormat: "~g",
      // Native sits at 1, the smallest ratio: without an inset its dashed line is the frame's edge.
      insetLeft: 14,
      insetRight: 14,
    },
    symbol: { legend: true, domain: vcpuLabels },
    color: { domain: CONFIG_LABELS as string[], range: CONFIG_COLOURS as string[] },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.ruleX([1], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.dot(data, {
        fy: "workload",
        y: "config",
        x: "slowdown",
        stroke: "config",
        symbol: "vcpus",
        r: 4,
        strokeWidth: 1.8,
      }),
      ...horizontalSpreadBars(data, vcpuLabels),
    ],
  };
}

/** VM exits per 1,000 accesses by reason, at the largest vCPU count, native left out. */
export function exitsPlot(rows: readonly Row[]): Plot.PlotOptions {
  const vcpus = maxVcpus(rows);
  const main = mainRows(rows).filter((r) => r.vcpus === vcpus && r.mode !== "native");
  const workloads = distinct(main.map((r) => String(r.workload)));
  const reasons = EXIT_REASON_NAMES.filter((name) =>
    main.some((r) => Number(r[`exits_${name}`]) > 0)
  );
  const data = main.flatMap((r) =>
    reasons.map((reason) => ({
      workload: String(r.workload),
      config: configLabel(r),
      reason: reason.replaceAll("_", " "),
      perKilo: (1000 * Number(r[`exits_${reason}`])) / Number(r.measured_accesses),
    }))
  );
  // Error bars on each stack's total, exact per seed: every seed's own
  // exits per 1,000 accesses, all reasons together.
  const totals = main.map((r) => ({
    workload: String(r.workload),
    config: configLabel(r),
    ...spreadOf(r, "exits_per_kilo_access"),
  })).filter((t) => t.high > t.low);
  return {
    width: 1100,
    height: 180 + 150 * workloads.length,
    marginLeft: 150,
    marginRight: 90,
    style: { fontSize: "12px" },
    fy: { label: null, domain: workloads },
    y: { domain: CONFIG_LABELS.filter((l) => l !== "native") as string[], label: null },
    x: { label: "VM exits per 1,000 accesses (exits) →", grid: true },
    color: {
      legend: true,
      domain: reasons.map((r) => r.replaceAll("_", " ")),
      scheme: "tableau10",
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.barX(data, { fy: "workload", y: "config", x: "perKilo", fill: "reason" }),
      Plot.ruleX([0]),
      ...(totals.length === 0 ? [] : [
        Plot.ruleY(totals, { fy: "workload", y: "config", x1: "low", x2: "high", stroke: "#111" }),
        // Caps at both ends, a third of the bar's height.
        Plot.tickX(totals.flatMap((t) => [{ ...t, x: t.low }, { ...t, x: t.high }]), {
          fy: "workload",
          y: "config",
          x: "x",
          stroke: "#111",
          insetTop: 5,
          insetBottom: 5,
        }),
      ]),
    ],
  };
}

/** Hidden faults per 1,000 accesses against batch size, the batch strategy alone. */
export function batchPlot(rows: readonly Row[]): Plot.PlotOptions {
  // The baseline fills one entry per hidden fault: batch size 1.
  const data = publishedRows(rows).filter((r) =>
    r.mode === "shadow" && (r.strategy === "batch" || r.strategy === "baseline")
  ).map((r) => ({
    workload: String(r.workload),
    batch: Number(r.batch),
    vcpus: vcpuLabel(r.vcpus),
    hidden: (1000 * Number(r.exits_hidden_fault)) / Number(r.measured_accesses),
    // Conservative from the two measures' ranges (exact: measured accesses do not vary by seed).
    ...ratioSpread(r, "exits_hidden_fault", "measured_accesses", 1000),
  }));
  const sizes = distinct(data.map((d) => d.batch)).sort((a, b) => a - b);
  const vcpuLabels = distinct(data.map((d) => d.vcpus));
  // The vCPU counts often coincide: the first is drawn as open rings on a solid line, the others
  // as smaller filled dots on dashed lines over it, so that a count hidden under another still shows.
  const [first, ...others] = vcpuLabels;
  const firstData = data.filter((d) => d.vcpus === first);
  const otherData = data.filter((d) => d.vcpus !== first);
  const channels = { fx: "workload", x: "batch", y: "hidden", stroke: "vcpus", z: "vcpus" };
  return {
    width: 1100,
    height: 360,
    marginLeft: 64,
    marginTop: 48,
    marginBottom: 56,
    style: { fontSize: "12px" },
    fx: { label: null, padding: 0.12 },
    x: {
      type: "point",
      domain: sizes,
      label: "Batch size (shadow entries per hidden fault) →",
      labelOffset: 44,
      labelAnchor: "center",
    },
    y: {
      label: "↑ Hidden faults per 1,000 accesses (exits)",
      grid: true,
      zero: true,
      nice: true,
      insetTop: 10,
    },
    color: { legend: true, domain: vcpuLabels },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      spreadBand(data, { fx: "workload", x: "batch", fill: "vcpus" }),
      Plot.line(firstData, { ...channels, strokeWidth: 2 }),
      Plot.dot(firstData, { ...channels, r: 5.5, strokeWidth: 1.8, fill: "white" }),
      ...(others.length === 0 ? [] : [
        Plot.line(otherData, { ...channels, strokeWidth: 1.6, strokeDasharray: "5,3" }),
        Plot.dot(otherData, { ...channels, fill: "vcpus", r: 2.8 }),
      ]),
    ],
  };
}
