/**
 * The plots of the `large-pages` report: a measure against fragmentation,
 * one line per host backing policy (promotion once more with the other
 * tenants gone), one panel per mode and guest 2M share; and promotion over
 * guest time, one line per fragmentation level.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { HOST_POLICIES } from "../../core/mapping/memory_config.ts";
import type { Row } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { panelAt, panelTitles } from "../facet_panels.ts";
import { spreadBand, spreadOf } from "../seed_spread.ts";
import { isPromotionAfterExit, mainSlice, percent } from "./_tables.ts";
import { parseTimelines, type TimelineStep } from "./_timeline.ts";

/** The line of promotion after the other tenants exited. */
const AFTER_EXIT = "opportunistic+promote, tenants exit";

/** The lines of the fragmentation plots: each policy with the tenants staying, then promotion after they exit. */
const SERIES: readonly string[] = [...HOST_POLICIES, AFTER_EXIT];
const SERIES_COLOURS: readonly string[] = ["#6e6e6e", "#1d4ed8", "#15803d", "#c2410c", "#7c3aed"];
/** Dashes per line, so that lines that agree stay visible on top of each other. */
const SERIES_DASHES: readonly string[] = ["none", "none", "7,4", "2,3", "none"];
const SERIES_WIDTHS: readonly number[] = [1.8, 3.2, 1.8, 1.8, 2.2];

/** The line a row is drawn on. */
function seriesOf(row: Row): string {
  return isPromotionAfterExit(row) ? AFTER_EXIT : String(row.policy);
}

function facetLabel(row: Row): string {
  return `${row.mode}, guest ${percent(Number(row.guest_large_fraction))} 2M`;
}

/**
 * Lines of one measure against fragmentation, one per policy, one panel per
 * mode and guest large-page share.
 */
export function fragmentationPlot(
  rows: readonly Row[],
  measure: string,
  yLabel: string,
  options: { log?: boolean; oneMode?: boolean } = {},
): Plot.PlotOptions {
  const slice = mainSlice(rows);
  let data = slice.rows.filter((r) => r[measure] !== undefined);
  if (options.oneMode) data = data.filter((r) => r.mode === "nested");
  if (options.log) data = data.filter((r) => Number(r[measure]) > 0);
  if (data.length === 0) throw new Error(`no rows with ${measure}`);
  const facets = distinct(data.map(facetLabel)).sort();
  const columns = Math.min(facets.length, 2);
  const points = data.map((r) => {
    const i = facets.indexOf(facetLabel(r));
    const spread = spreadOf(r, measure);
    return {
      fragmentation: 100 * Number(r.fragmentation),
      value: Number(r[measure]),
      // A log scale cannot reach down to zero: such a spread leaves a gap in its band.
      low: options.log && !(spread.low > 0) ? NaN : spread.low,
      high: spread.high,
      policy: seriesOf(r),
      ...panelAt(i, columns),
      facet: options.oneMode
        ? `guest ${percent(Number(r.guest_large_fraction))} 2M`
        : facetLabel(r),
    };
  });
  const panelRows = Math.ceil(facets.length / columns);
  const channels = { x: "fragmentation", y: "value", stroke: "policy", fx: "column", fy: "row" };
  return {
    width: 1100,
    height: 90 + 280 * panelRows,
    marginLeft: 64,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.2 },
    // Insets keep lines at 0 %, 100 % and at the top of the scale (a share of 1) off the frame
    // and clear of the panel titles.
    x: {
      label: "Host fragmentation: share of 2M and 1G blocks broken (%) →",
      domain: [0, 100],
      inset: 10,
    },
    y: options.log
      ? {
        type: "log",
        label: `↑ ${yLabel} (log scale)`,
        grid: true,
        tickFormat: ",~g",
        insetTop: 22,
      }
      : { label: `↑ ${yLabel}`, grid: true, zero: true, nice: true, insetTop: 22 },
    color: {
      legend: true,
      domain: SERIES as string[],
      range: SERIES_COLOURS as string[],
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      spreadBand(points, { x: "fragmentation", fill: "policy", fx: "column", fy: "row" }),
      ...SERIES.map((series, i) =>
        Plot.line(points.filter((p) => p.policy === series), {
          ...channels,
          strokeWidth: SERIES_WIDTHS[i],
          strokeDasharray: SERIES_DASHES[i],
        })
      ),
      Plot.dot(points, { ...channels, fill: "policy", r: 2.5 }),
      // Above the panel, so that lines along the top edge stay readable.
      panelTitles(
        options.oneMode ? facets.map((f) => f.replace(/^nested, /, "")) : facets,
        columns,
        "above",
      ),
    ],
  };
}

/** Colours of the fragmentation levels of the timeline plots, least fragmented first. */
const LEVEL_COLOURS: readonly string[] = [
  "#bfdbfe",
  "#93c5fd",
  "#60a5fa",
  "#3b82f6",
  "#1d4ed8",
  "#1e3a8a",
  "#0f172a",
];

/** The timeline rows the promotion-over-time plots draw: main slice, largest guest 2M share, where anything was promoted. */
export function timelineRows(rows: readonly Row[]): Row[] {
  const slice = mainSlice(rows).rows.filter((r) =>
    isPromotionAfterExit(r) && typeof r.timeline === "string"
  );
  if (slice.length === 0) return [];
  const share = Math.max(...slice.map((r) => Number(r.guest_large_fraction)));
  return slice.filter((r) => r.guest_large_fraction === share && Number(r.promotions) > 0);
}

/**
 * One measure of the promotion timeline against guest time in minutes: a
 * line per fragmentation level, a panel per mode.
 */
export function timelinePlot(
  rows: readonly Row[],
  measure: keyof TimelineStep,
  yLabel: string,
): Plot.PlotOptions {
  const data = timelineRows(rows);
  if (data.length === 0) throw new Error("no promotion timeline with anything promoted");
  const modes = distinct(data.map((r) => String(r.mode)));
  const levels = distinct(data.map((r) => Number(r.fragmentation))).sort((a, b) => a - b);
  const points = data.flatMap((r) => {
    // Per step over the seeds' timelines: the band is exact per seed; the
    // line is the mean over the distinct timelines (a summarised row keeps
    // identical timelines of two seeds once, so it is the seeds' mean
    // exactly when every seed's timeline differs or all agree).
    const timelines = parseTimelines(r);
    return timelines[0].map((step, k) => {
      const values = timelines.flatMap((t) => (k < t.length ? [t[k][measure]] : []));
      return {
        minutes: step.seconds / 60,
        value: values.reduce((a, b) => a + b, 0) / values.length,
        low: Math.min(...values),
        high: Math.max(...values),
        level: `${percent(Number(r.fragmentation))} fragmentation`,
        ...panelAt(modes.indexOf(String(r.mode)), modes.length),
      };
    });
  });
  const domain = levels.map((f) => `${percent(f)} fragmentation`);
  const channels = { x: "minutes", y: "value", stroke: "level", fx: "column", fy: "row" };
  return {
    width: 1100,
    height: 380,
    marginLeft: 64,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.2 },
    x: { label: "Guest time since first touch (minutes) →", zero: true },
    y: { label: `↑ ${yLabel}`, grid: true, zero: true, nice: true, insetTop: 22 },
    color: {
      legend: true,
      domain,
      range: LEVEL_COLOURS.slice(LEVEL_COLOURS.length - domain.length),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      spreadBand(points, {
        x: "minutes",
        fill: "level",
        fx: "column",
        fy: "row",
        curve: "step-after",
      }),
      Plot.line(points, { ...channels, curve: "step-after", strokeWidth: 2 }),
      panelTitles(modes, modes.length, "above"),
    ],
  };
}
