/**
 * The plots of the `migration` report: downtime and total time against
 * dirty rate per method, bytes against rounds, the post-copy degraded
 * period, and what dirty logging costs the guest.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Row } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { spreadBand, spreadBars, spreadOf } from "../seed_spread.ts";
import { linkMibS, VARIANT_NAMES, type VariantName } from "./grid.ts";
import { guestPanel, linkLabel, VARIANT_COLOURS, VARIANT_LABELS, variantOf } from "./_labels.ts";
import { linksOf, mainRows, ofVariants } from "./_tables.ts";

/** How {@linkcode ratePlot} draws one measure. */
export interface RatePlotSpec {
  /** Row field plotted: its mean over seeds, and its spread where seeds disagree. */
  measure: string;
  /** Y-axis label with unit. */
  yLabel: string;
  /** Variants drawn, in legend order. */
  variants: readonly VariantName[];
  /** Log y scale (values at or below zero are dropped), else linear from zero. */
  log: boolean;
  /**
   * A row field the measure is divided by (e.g. the period it is part of);
   * its spread is then the smallest numerator over the largest denominator
   * up to the largest over the smallest. Rows where it is 0 are left out.
   */
  per?: string;
}

/** The colour scale of the variants the rows have. */
function colourScale(rows: readonly Row[]): Plot.ScaleOptions {
  const present = new Set(rows.map(variantOf));
  const shown = VARIANT_NAMES.filter((v) => present.has(v));
  return {
    legend: true,
    domain: shown.map((v) => VARIANT_LABELS[v]),
    range: shown.map((v) => VARIANT_COLOURS[v]),
  };
}

/** A tick label with thousands grouped and no exponent (1,000,000 rather than 1e+6). */
function grouped(d: number): string {
  return d.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** Panel rows in order: memory, then a fitting working set before one that exceeds. */
function panelOrder(rows: readonly Row[]): string[] {
  const sorted = [...rows].sort((a, b) =>
    Number(a.memory_gib) - Number(b.memory_gib) || Number(a.wws_fraction) - Number(b.wws_fraction)
  );
  return distinct(sorted.map(guestPanel));
}

/**
 * A measure against the dirty rate over the link's bandwidth (the
 * unhindered ρ), one panel per link (columns) and guest
 * (rows: memory, and whether the writable working set fits in what the
 * link sends within the downtime limit), one line per variant; a dashed
 * vertical rule at 1× (the link's bandwidth), and a cross on every run that did
 * not converge.
 */
export function ratePlot(rows: readonly Row[], spec: RatePlotSpec): Plot.PlotOptions {
  const shown = ofVariants(mainRows(rows), spec.variants).filter((r) => r.completed === true);
  if (shown.length === 0) throw new Error(`no completed rows with ${spec.measure}`);
  const links = linksOf(shown);
  const panels = panelOrder(shown);
  const point = (r: Row) => {
    let { low, high } = spreadOf(r, spec.measure);
    let value = Number(r[spec.measure]);
    if (spec.per !== undefined) {
      const d = spreadOf(r, spec.per);
      value /= Number(r[spec.per]);
      [low, high] = [low / d.high, high / d.low];
    }
    return {
      // Over the link's bandwidth, so that every link's panel spans the same axis.
      rate: Number(r.dirty_rate_mib_s) / linkMibS(String(r.link)),
      value,
      // A log scale cannot reach down to zero: such a spread leaves a gap in its band.
      low: spec.log && !(low > 0) ? NaN : low,
      high,
      variant: VARIANT_LABELS[variantOf(r) as VariantName],
      link: linkLabel(String(r.link)),
      panel: guestPanel(r),
      converged: r.converged === true,
    };
  };
  const data = shown.map(point)
    .filter((d) => Number.isFinite(d.value) && (!spec.log || d.value > 0))
    .sort((a, b) => a.rate - b.rate);
  const channels = { x: "rate", y: "value", stroke: "variant", fx: "link", fy: "panel" } as const;
  const bandwidths = links.map((l) => ({ link: linkLabel(l), rate: 1 }));
  const ratios = distinct(data.map((d) => Number(d.rate.toPrecision(2)))).sort((a, b) => a - b);
  return {
    width: 1100,
    height: 120 + 260 * panels.length,
    marginLeft: 70,
    marginRight: 200,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: links.map(linkLabel), padding: 0.08 },
    fy: { label: null, domain: panels, padding: 0.12 },
    x: {
      type: "log",
      label: "Dirty rate the guest is given, unhindered, over the link's bandwidth (log scale) →",
      labelAnchor: "center",
      ticks: ratios,
      // Apart from the panel edges, so that neighbouring panels' end ticks do not touch.
      inset: 12,
      tickFormat: (d: number) => `${d}×`,
    },
    y: spec.log
      ? {
        type: "log",
        label: `↑ ${spec.yLabel} (log scale)`,
        grid: true,
        nice: true,
        // A nice bound is often a line's own value (stop-and-copy's): keep it off the frame.
        insetTop: 8,
        tickFormat: grouped,
      }
      : { type: "linear", label: `↑ ${spec.yLabel}`, grid: true, zero: true, nice: true },
    color: colourScale(shown),
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      // The link's bandwidth: a pre-copy guest that dirties faster never catches up by itself.
      Plot.ruleX(bandwidths, { x: "rate", fx: "link", stroke: "#888", strokeDasharray: "4,3" }),
      spreadBand(data, { x: "rate", fill: "variant", fx: "link", fy: "panel" }),
      Plot.line(data, { ...channels, strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, fill: "variant", r: 2.5 }),
      // Runs that did not converge: pre-copy paused at a cap or the lab's timeout, hybrid switched.
      Plot.dot(data.filter((d) => !d.converged), {
        ...channels,
        symbol: "times",
        r: 6,
        strokeWidth: 2,
      }),
    ],
  };
}

/**
 * Bytes sent over memory (passes) against live rounds, one dot per
 * iterating run, one panel per link; a cross marks a run that did not
 * converge. Xen's legacy byte cap (3 × memory) is drawn.
 */
export function bytesPlot(
  rows: readonly Row[],
  variants: readonly VariantName[],
): Plot.PlotOptions {
  const shown = ofVariants(mainRows(rows), variants).filter((r) =>
    r.completed === true && Number(r.rounds) > 0
  );
  if (shown.length === 0) throw new Error("no pre-copy rows");
  const links = linksOf(shown);
  const data = shown.map((r) => {
    const memory = Number(r.memory_gib) * 2 ** 30;
    const spread = spreadOf(r, "bytes_sent");
    return {
      rounds: Number(r.rounds),
      passes: Number(r.bytes_sent) / memory,
      low: spread.low / memory,
      high: spread.high / memory,
      variant: VARIANT_LABELS[variantOf(r) as VariantName],
      link: linkLabel(String(r.link)),
      converged: r.converged === true,
    };
  });
  const channels = { x: "rounds", y: "passes", fx: "link" } as const;
  return {
    width: 1100,
    height: 420,
    marginLeft: 64,
    marginRight: 16,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: links.map(linkLabel), padding: 0.08 },
    x: {
      type: "log",
      label: "Live rounds before the pause (round 0 sends all memory; log scale) →",
      grid: true,
      tickFormat: ",~g",
      // Runs of one round sit at the smallest x: keep their marks off the frame.
      inset: 10,
    },
    y: {
      label: "↑ Bytes sent over guest memory (passes)",
      grid: true,
      zero: true,
      nice: true,
    },
    color: colourScale(shown),
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.ruleY([3], { stroke: "#888", strokeDasharray: "4,3" }),
      Plot.text([3], {
        y: (d: number) => d,
        text: () => "Xen's legacy byte cap: 3 × memory",
        frameAnchor: "right",
        dx: -4,
        dy: -7,
        fill: "#666",
        fontSize: 10,
      }),
      spreadBars(data, { x: "rounds", stroke: "variant", fx: "link" }),
      Plot.dot(data, { ...channels, stroke: "variant", r: 3.5, strokeWidth: 1.6 }),
      Plot.dot(data.filter((d) => !d.converged), {
        ...channels,
        symbol: "times",
        r: 6,
        stroke: "#111",
        strokeWidth: 1.2,
      }),
    ],
  };
}
