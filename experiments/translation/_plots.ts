/**
 * The plots of the `translation` report: a measure against footprint per
 * workload, and references per walk per configuration.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Row } from "../experiment.ts";
import { distinct, largest } from "../rows.ts";
import { panelAt, panelTitles } from "../facet_panels.ts";
import { formatMib } from "../size_format.ts";
import { CONFIG_COLOURS, CONFIG_LABELS, configLabel } from "./_configurations.ts";
import { measuredRows } from "./_tables.ts";
import { spreadBars, spreadOf } from "../seed_spread.ts";

const FACET_COLUMNS = 3;

/** How {@linkcode footprintPlot} draws one measure. */
export interface FootprintPlotSpec {
  /** Row field plotted. */
  measure: string;
  /** Y-axis label with unit. */
  yLabel: string;
  /** Log scale (points at or below zero are dropped) or linear from zero. */
  log: boolean;
  /** Series of a row: its legend label. Rows of equal series, workload and footprint are drawn once. */
  series(row: Row): string;
  /** Legend labels in order. */
  domain: readonly string[];
  /** Colours of the legend labels. */
  range: readonly string[];
  /** Series drawn dashed. */
  dashed(series: string): boolean;
}

/**
 * A line plot of one measure against footprint, one panel per workload
 * (wrapped three to a row), one line per series.
 */
export function footprintPlot(rows: readonly Row[], spec: FootprintPlotSpec): Plot.PlotOptions {
  const all = measuredRows(rows, 4);
  if (all.length === 0) throw new Error("no measured rows with 4-level tables");
  const workloads = distinct(all.map((r) => String(r.workload)));
  const footprints = distinct(all.map((r) => Number(r.footprint_mib))).sort((a, b) => a - b);
  const shown = all.filter((r) =>
    r[spec.measure] !== undefined && (!spec.log || Number(r[spec.measure]) > 0)
  );
  // Rows that share a series are drawn once only if they agree; otherwise every configuration gets its own line.
  const values = new Map<string, number>();
  let agree = true;
  for (const r of shown) {
    const key = `${spec.series(r)}|${r.workload}|${r.footprint_mib}`;
    const value = Number(r[spec.measure]);
    if (values.has(key) && values.get(key) !== value) agree = false;
    values.set(key, value);
  }
  if (!agree) {
    spec = { ...spec, series: configLabel, domain: CONFIG_LABELS, range: CONFIG_COLOURS };
  }
  const seen = new Set<string>();
  const points = [];
  for (const r of shown) {
    const value = Number(r[spec.measure]);
    const series = spec.series(r);
    const key = `${series}|${r.workload}|${r.footprint_mib}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const panel = workloads.indexOf(String(r.workload));
    points.push({
      footprint: Number(r.footprint_mib),
      value,
      ...spreadOf(r, spec.measure),
      series,
      dashed: spec.dashed(series),
      ...panelAt(panel, FACET_COLUMNS),
    });
  }
  const panelRows = Math.ceil(workloads.length / FACET_COLUMNS);
  const channels = {
    x: "footprint",
    y: "value",
    stroke: "series",
    fx: "column",
    fy: "row",
    z: "series",
  } as const;
  return {
    width: 1100,
    height: 90 + 280 * panelRows,
    marginLeft: 64,
    marginRight: 16,
    marginTop: 28,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.16 },
    // Footprints grow geometrically, so evenly spaced points read as a log scale.
    x: {
      type: "point",
      domain: footprints,
      label: "Footprint (log scale) →",
      tickFormat: (d: number) => formatMib(d),
      labelAnchor: "center",
      padding: 0.3,
    },
    // The inset keeps a line at the top of the scale (1,000 misses per 1,000 accesses) off the
    // frame and clear of the panel titles.
    y: spec.log
      ? {
        type: "log",
        label: `↑ ${spec.yLabel} (log scale)`,
        grid: true,
        tickFormat: ",~g",
        insetTop: 22,
      }
      : {
        type: "linear",
        label: `↑ ${spec.yLabel}`,
        grid: true,
        zero: true,
        nice: true,
        insetTop: 22,
      },
    color: { legend: true, domain: spec.domain as string[], range: spec.range as string[] },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.line(points.filter((p) => p.dashed), {
        ...channels,
        strokeDasharray: "5,3",
        strokeWidth: 1.6,
      }),
      Plot.line(points.filter((p) => !p.dashed), { ...channels, strokeWidth: 1.8 }),
      Plot.dot(points, { ...channels, fill: "series", r: 2.5 }),
      spreadBars(points, { x: "footprint", stroke: "series", fx: "column", fy: "row" }),
      panelTitles(workloads, FACET_COLUMNS, "inside"),
    ],
  };
}

/** Legend labels of the host side of a configuration, in legend order. */
export const HOST_SIDE_LABELS: readonly string[] = [
  "native (no host)",
  "host 4K pages",
  "host 2M pages",
  "host 1G pages",
];

/** Colours of {@linkcode HOST_SIDE_LABELS}: four hues a reader tells apart at a glance. */
const HOST_SIDE_COLOURS: readonly string[] = ["#444444", "#1d4ed8", "#e8590c", "#15803d"];

function hostSide(row: Row): string {
  return row.mode === "native"
    ? HOST_SIDE_LABELS[0]
    : `host ${String(row.host_page).toUpperCase()} pages`;
}

function guestSide(row: Row): string {
  return `guest ${String(row.guest_page).toUpperCase()} pages`;
}

/**
 * One measure against footprint in a grid of panels: a row of panels per
 * workload, a column per guest page size; in each panel native paging with
 * that page size (dashed) and nested paging over each host page size, four
 * lines in four hues instead of twelve shades in one panel. The y scale is
 * shared, so panels compare across page sizes too. Points at or below zero
 * are left off the log scale.
 */
export function configurationGridPlot(
  rows: readonly Row[],
  measure: string,
  yLabel: string,
): Plot.PlotOptions {
  const all = measuredRows(rows, 4);
  if (all.length === 0) throw new Error("no measured rows with 4-level tables");
  const workloads = distinct(all.map((r) => String(r.workload)));
  const guests = distinct(all.map(guestSide));
  const footprints = distinct(all.map((r) => Number(r.footprint_mib))).sort((a, b) => a - b);
  const points = all.filter((r) => r[measure] !== undefined && Number(r[measure]) > 0).map((r) => ({
    footprint: Number(r.footprint_mib),
    value: Number(r[measure]),
    ...spreadOf(r, measure),
    series: hostSide(r),
    guest: guestSide(r),
    workload: String(r.workload),
  }));
  const channels = {
    x: "footprint",
    y: "value",
    stroke: "series",
    fx: "guest",
    fy: "workload",
    z: "series",
  } as const;
  return {
    width: 1100,
    height: 110 + 230 * workloads.length,
    marginLeft: 64,
    marginRight: 72,
    marginTop: 58,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { domain: guests, label: null, axis: "top", padding: 0.08 },
    fy: { domain: workloads, label: null, axis: "right", padding: 0.12 },
    // Footprints grow geometrically, so evenly spaced points read as a log scale.
    x: {
      type: "point",
      domain: footprints,
      label: "Footprint (log scale) →",
      tickFormat: (d: number) => formatMib(d),
      labelAnchor: "center",
      padding: 0.3,
    },
    y: { type: "log", label: `↑ ${yLabel} (log scale)`, grid: true, tickFormat: ",~g" },
    color: {
      legend: true,
      domain: HOST_SIDE_LABELS as string[],
      range: HOST_SIDE_COLOURS as string[],
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.line(points.filter((p) => p.series !== HOST_SIDE_LABELS[0]), {
        ...channels,
        strokeWidth: 1.8,
      }),
      // Native on top, dashed, so that a nested line with the same values still shows beneath it.
      Plot.line(points.filter((p) => p.series === HOST_SIDE_LABELS[0]), {
        ...channels,
        strokeDasharray: "5,3",
        strokeWidth: 1.6,
      }),
      Plot.dot(points, { ...channels, fill: "series", r: 2.5 }),
      spreadBars(points, { x: "footprint", stroke: "series", fx: "guest", fy: "workload" }),
    ],
  };
}

/** Legend labels of the TLB size classes, smallest first. */
export const EFFECTIVE_PAGE_LABELS: readonly string[] = ["4K", "2M", "1G"].map((p) =>
  `${p} translations`
);

const COLD = "all caches off (cold walk)";
const WARM = "walk caches, nested TLB, data caches on (steady state)";

/** References per walk for random accesses on 4 levels: cold, and warm at the largest footprint. */
export function refsPerWalkPlot(rows: readonly Row[]): Plot.PlotOptions {
  const steady = measuredRows(rows, 4);
  const footprint = largest(steady, "footprint_mib");
  const data = [...steady, ...rows.filter((r) => r.translation_caches === "off")]
    .filter((r) =>
      r.levels === 4 && r.workload === "random" &&
      (r.translation_caches === "off" || r.footprint_mib === footprint)
    )
    .map((r) => ({
      config: configLabel(r),
      caches: r.translation_caches === "off" ? COLD : WARM,
      refs: r.walk_refs_per_walk === undefined ? 0 : Number(r.walk_refs_per_walk),
      // One format per series: cold counts are whole walks' references; warm ones are means,
      // one decimal each (so "2.0" beside "6.6", not "2").
      label: r.walk_refs_per_walk === undefined
        ? "no walks"
        : r.translation_caches === "off"
        ? String(r.walk_refs_per_walk)
        : Number(r.walk_refs_per_walk).toFixed(1),
    }));
  if (data.length === 0) throw new Error("no random-workload rows with 4-level tables");
  return {
    width: 1100,
    height: 400,
    marginLeft: 56,
    marginBottom: 64,
    style: { fontSize: "12px" },
    fx: { label: null, domain: CONFIG_LABELS as string[], tickRotate: -25, padding: 0.12 },
    x: { axis: null, domain: [COLD, WARM] },
    y: { label: "↑ Memory references per walk (refs)", grid: true },
    color: { legend: true, domain: [COLD, WARM], range: ["#9aa3ad", "#2f5fd0"] },
    marks: [
      Plot.barY(data, { fx: "config", x: "caches", y: "refs", fill: "caches" }),
      Plot.text(data, {
        fx: "config",
        x: "caches",
        y: "refs",
        text: "label",
        dy: -7,
        fontSize: 10,
      }),
      Plot.ruleY([0]),
    ],
  };
}
