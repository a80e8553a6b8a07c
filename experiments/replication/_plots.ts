/**
 * The plots of the `replication` report: the recovery point and the guest's
 * overhead against the interval per method (the trade-off), link use
 * against the dirty rate with the saturation point, Remus's output delay,
 * and the recovery time by restore.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Row } from "../experiment.ts";
import { spreadBand } from "../seed_spread.ts";
import { INTERVALS, METHODS } from "./grid.ts";
import {
  duration,
  linkLabel,
  linkMibS,
  METHOD_COLOURS,
  METHOD_LABELS,
  METHOD_SHORT,
  methodOf,
} from "./_labels.ts";
import {
  configsOf,
  linksOf,
  mainRows,
  meanOf,
  ofMethod,
  rtoBars,
  statOf,
  tradeoffRows,
} from "./_tables.ts";
import { BASE_GUEST } from "./grid.ts";

/** The colour scale of the methods the rows have. */
function methodScale(rows: readonly Row[]): Plot.ScaleOptions {
  const shown = METHODS.filter((m) => rows.some((r) => r.method === m));
  return {
    legend: true,
    domain: shown.map((m) => METHOD_LABELS[m]),
    range: shown.map((m) => METHOD_COLOURS[m]),
  };
}

/**
 * A log x scale over checkpoint intervals, and its axis: a tick at every
 * interval of the rows, labelled as a duration. The axis is an explicit
 * mark because Plot thins the labels of a log scale's ticks (keeping only
 * those whose leading digit is small) whatever function formats them.
 */
function intervalAxis(
  intervals: readonly number[],
  label: string,
): { x: Plot.ScaleOptions; axis: Plot.Markish } {
  const ticks = [...new Set(intervals)].sort((a, b) => a - b);
  return {
    x: { type: "log", inset: 10 },
    axis: Plot.axisX(ticks, {
      text: (d: number) => duration(d),
      tickRotate: -50,
      fontSize: 10,
      label,
      labelAnchor: "center",
    }),
  };
}

/** A panel row's name: the guest's dirty rate. */
function ratePanel(rate: number): string {
  return `dirty rate ${rate} MiB/s`;
}

/** One point of a trade-off plot: a configuration's mean over its instants, and their range. */
interface TradeoffPoint {
  interval: number;
  value: number;
  low: number;
  high: number;
  bound: number;
  method: string;
  link: string;
  panel: string;
}

function tradeoffPoints(rows: readonly Row[], key: string): TradeoffPoint[] {
  return configsOf(rows).map((c) => {
    const s = statOf(c.rows, key);
    return {
      interval: Number(c.first.interval_ms),
      value: s.mean,
      low: s.low,
      high: s.high,
      bound: meanOf(c.rows, "rpo_bound_ms"),
      method: METHOD_LABELS[methodOf(c.first)],
      link: linkLabel(String(c.first.link)),
      panel: ratePanel(Number(c.first.dirty_rate_mib_s)),
    };
  }).filter((p) => Number.isFinite(p.value)).sort((a, b) => a.interval - b.interval);
}

/** Layout shared by the trade-off plots: links side by side, dirty rates one above the other. */
function tradeoffFrame(rows: readonly Row[], rates: readonly number[]) {
  const links = linksOf(rows);
  return {
    width: 1100,
    height: 110 + 280 * rates.length,
    marginLeft: 72,
    marginRight: 150,
    marginTop: 40,
    marginBottom: 64,
    style: { fontSize: "12px" },
    fx: { label: null, domain: links.map(linkLabel), padding: 0.08 },
    fy: { label: null, domain: rates.map(ratePanel), padding: 0.12 },
    color: methodScale(rows),
  };
}

/**
 * Mean recovery point over the failure instants against the interval, per
 * method (log–log), with the range over instants as a band, the model's
 * bound (interval + commit) dashed, and RPO = interval dotted.
 */
export function rpoPlot(rows: readonly Row[]): Plot.PlotOptions {
  const { rows: shown, rates } = tradeoffRows(rows);
  if (shown.length === 0) throw new Error("no trade-off rows");
  const data = tradeoffPoints(shown, "rpo_ms");
  const channels = { x: "interval", stroke: "method", fx: "link", fy: "panel" } as const;
  const intervals = data.map((d) => d.interval);
  const diagonal = [Math.min(...intervals), Math.max(...intervals)];
  const { x, axis } = intervalAxis(intervals, "Checkpoint interval (log scale) →");
  return {
    ...tradeoffFrame(shown, rates),
    x,
    y: {
      type: "log",
      label: "↑ Recovery point, RPO (ms, log scale)",
      grid: true,
      tickFormat: duration,
      // The largest bound and the smallest RPO would sit on the frame.
      insetTop: 8,
      insetBottom: 8,
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      axis,
      Plot.line(diagonal, { x: (d) => d, y: (d) => d, stroke: "#999", strokeDasharray: "1,3" }),
      spreadBand(data, { x: "interval", fill: "method", fx: "link", fy: "panel" }),
      Plot.line(data, { ...channels, y: "bound", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      Plot.line(data, { ...channels, y: "value", strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, y: "value", fill: "method", r: 3 }),
    ],
  };
}

/**
 * The fraction of its progress the guest lost against the interval, per
 * memory method, with the part the host-page split alone costs
 * (1 − 1 / translation_slowdown) as a dashed line.
 */
export function overheadPlot(rows: readonly Row[]): Plot.PlotOptions {
  const { rows: all, rates } = tradeoffRows(rows);
  const shown = all.filter((r) => r.method !== "disk");
  if (shown.length === 0) throw new Error("no memory-method rows");
  const data = tradeoffPoints(shown, "guest_slowdown");
  const split = configsOf(shown).map((c) => ({
    interval: Number(c.first.interval_ms),
    value: 1 - 1 / meanOf(c.rows, "translation_slowdown"),
    method: METHOD_LABELS[methodOf(c.first)],
    link: linkLabel(String(c.first.link)),
    panel: ratePanel(Number(c.first.dirty_rate_mib_s)),
  })).sort((a, b) => a.interval - b.interval);
  const channels = { x: "interval", stroke: "method", fx: "link", fy: "panel" } as const;
  const { x, axis } = intervalAxis(
    data.map((d) => d.interval),
    "Checkpoint interval (log scale) →",
  );
  return {
    ...tradeoffFrame(shown, rates),
    x,
    y: {
      label: "↑ Guest slowdown (fraction of progress lost)",
      grid: true,
      zero: true,
      nice: true,
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      axis,
      Plot.line(split, { ...channels, y: "value", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      spreadBand(data, { x: "interval", fill: "method", fx: "link", fy: "panel" }),
      Plot.line(data, { ...channels, y: "value", strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, y: "value", fill: "method", r: 3 }),
    ],
  };
}

/**
 * Link use against the dirty rate, one line per memory method and interval
 * run at two rates or more, one panel per link: measured (solid), what the
 * checkpoints needed (dashed), the link's bandwidth (grey rule), and a
 * cross on every configuration whose link was saturated in some run.
 */
export function bandwidthPlot(rows: readonly Row[]): Plot.PlotOptions {
  const memory = mainRows(rows).filter((r) =>
    r.method !== "disk" && Number(r.wws_fraction) === BASE_GUEST.wws_fraction
  );
  const configs = configsOf(memory);
  const series = (r: Row) => `${METHOD_SHORT[methodOf(r)]} ${duration(Number(r.interval_ms))}`;
  const rateCount = new Map<string, Set<number>>();
  for (const c of configs) {
    const key = `${series(c.first)}/${c.first.link}`;
    if (!rateCount.has(key)) rateCount.set(key, new Set());
    rateCount.get(key)!.add(Number(c.first.dirty_rate_mib_s));
  }
  const kept = configs.filter((c) =>
    rateCount.get(`${series(c.first)}/${c.first.link}`)!.size >= 2
  );
  if (kept.length === 0) throw new Error("no configuration ran at two dirty rates");
  const data = kept.map((c) => ({
    rate: Number(c.first.dirty_rate_mib_s),
    used: meanOf(c.rows, "bandwidth_mib_s"),
    needed: meanOf(c.rows, "bandwidth_needed_mib_s"),
    saturated: c.rows.some((r) => r.link_saturated === true || r.link_saturated_seeds),
    series: series(c.first),
    link: linkLabel(String(c.first.link)),
  })).sort((a, b) => a.rate - b.rate);
  const links = linksOf(kept.map((c) => c.first));
  const seriesNames = [
    ...new Set(
      [...kept].sort((a, b) =>
        METHODS.indexOf(methodOf(a.first)) - METHODS.indexOf(methodOf(b.first)) ||
        Number(a.first.interval_ms) - Number(b.first.interval_ms)
      ).map((c) => series(c.first)),
    ),
  ];
  // Shades of the method's colour, lighter for shorter intervals.
  const shades = {
    remus: ["#fb923c", "#ea580c", "#c2410c", "#7c2d12"],
    async: ["#60a5fa", "#2563eb", "#1d4ed8", "#1e3a8a"],
  } as const;
  const colourOf = (c: (typeof kept)[number]) => {
    const m = methodOf(c.first) === "remus" ? "remus" : "async";
    return shades[m][Math.max(0, INTERVALS[m].indexOf(Number(c.first.interval_ms))) % 4];
  };
  const channels = { x: "rate", stroke: "series", fx: "link" } as const;
  const rates = [...new Set(data.map((d) => d.rate))].sort((a, b) => a - b);
  return {
    width: 1100,
    height: 460,
    marginLeft: 72,
    marginRight: 120,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: links.map(linkLabel), padding: 0.08 },
    x: {
      type: "log",
      label: "Dirty rate the guest is given, unhindered (MiB/s, log scale) →",
      labelAnchor: "center",
      ticks: rates,
      tickFormat: (d: number) => String(d),
      inset: 12,
    },
    y: {
      type: "log",
      label: "↑ Replication stream (MiB/s, log scale)",
      // Room above the fastest link's bandwidth for its label.
      domain: [
        0.8 * Math.min(...data.flatMap((d) => [d.used, d.needed]), ...rates),
        1.5 * Math.max(...data.flatMap((d) => [d.used, d.needed]), ...links.map(linkMibS)),
      ],
      grid: true,
      tickFormat: (d: number) => d.toLocaleString("en-US", { maximumFractionDigits: 1 }),
    },
    color: {
      legend: true,
      domain: seriesNames,
      range: seriesNames.map((name) => colourOf(kept.find((c) => series(c.first) === name)!)),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.ruleY(links.map((l) => ({ link: linkLabel(l), mib: linkMibS(l) })), {
        y: "mib",
        fx: "link",
        stroke: "#888",
        strokeWidth: 1.5,
      }),
      Plot.text(links.map((l) => ({ link: linkLabel(l), mib: linkMibS(l) })), {
        y: "mib",
        fx: "link",
        text: () => "the link's bandwidth",
        frameAnchor: "left",
        dx: 4,
        dy: -7,
        fill: "#666",
        fontSize: 10,
      }),
      // The guest's dirty rate itself: what a stream of every dirtied page would need.
      Plot.line(rates, { x: (d) => d, y: (d) => d, stroke: "#999", strokeDasharray: "1,3" }),
      Plot.line(data, { ...channels, y: "needed", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      Plot.line(data, { ...channels, y: "used", strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, y: "used", fill: "series", r: 3 }),
      Plot.dot(data.filter((d) => d.saturated), {
        ...channels,
        y: "used",
        symbol: "times",
        r: 7,
        stroke: "#111",
        strokeWidth: 2,
      }),
    ],
  };
}

/**
 * Remus: how long a client-visible output was held, mean (solid) and
 * longest (dashed), against the interval, one line per dirty rate and
 * panel per link; dotted: output delay = interval.
 */
export function outputDelayPlot(rows: readonly Row[]): Plot.PlotOptions {
  const remus = ofMethod(mainRows(rows), "remus").filter((r) =>
    Number(r.wws_fraction) === BASE_GUEST.wws_fraction
  );
  if (remus.length === 0) throw new Error("no Remus rows");
  const data = configsOf(remus).map((c) => ({
    interval: Number(c.first.interval_ms),
    mean: meanOf(c.rows, "output_delay_ms"),
    max: statOf(c.rows, "output_delay_max_ms").high,
    rate: `${c.first.dirty_rate_mib_s} MiB/s`,
    link: linkLabel(String(c.first.link)),
  })).sort((a, b) => a.interval - b.interval);
  const rates = [...new Set(remus.map((r) => Number(r.dirty_rate_mib_s)))].sort((a, b) => a - b)
    .map((r) => `${r} MiB/s`);
  const intervals = data.map((d) => d.interval);
  const diagonal = [Math.min(...intervals), Math.max(...intervals)];
  const channels = { x: "interval", stroke: "rate", fx: "link" } as const;
  const { x, axis } = intervalAxis(intervals, "Remus's checkpoint interval (log scale) →");
  return {
    width: 1100,
    height: 440,
    marginLeft: 72,
    marginRight: 120,
    marginTop: 40,
    marginBottom: 64,
    style: { fontSize: "12px" },
    fx: { label: null, domain: linksOf(remus).map(linkLabel), padding: 0.08 },
    x,
    y: {
      type: "log",
      label: "↑ Output held before release (ms, log scale)",
      grid: true,
      nice: true,
      tickFormat: duration,
    },
    color: {
      legend: true,
      label: "dirty rate",
      domain: rates,
      range: ["#fdba74", "#ea580c", "#7c2d12", "#431407"].slice(0, rates.length),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      axis,
      Plot.line(diagonal, { x: (d) => d, y: (d) => d, stroke: "#999", strokeDasharray: "1,3" }),
      Plot.line(data, { ...channels, y: "max", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      Plot.line(data, { ...channels, y: "mean", strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, y: "mean", fill: "rate", r: 3 }),
    ],
  };
}

/** The parts of the recovery time, in the order they are stacked. */
const RTO_PARTS = [
  ["detect", "detection (stream timeout or missed heartbeats)", "#94a3b8"],
  ["activation", "activation (fencing, addresses, preparing the guest)", "#f59e0b"],
  ["restore_ms", "restore (reading memory) or boot", "#7c3aed"],
] as const;

/** The recovery time per method and restore: detection, activation and restore stacked. */
export function rtoPlot(rows: readonly Row[]): Plot.PlotOptions {
  const bars = rtoBars(rows);
  if (bars.length === 0) throw new Error("no failover rows");
  const data = bars.flatMap((b) =>
    RTO_PARTS.map(([key, label]) => ({ bar: b.label, part: label, ms: Math.max(0, b[key]) }))
  );
  return {
    width: 1100,
    height: 90 + 34 * bars.length,
    marginLeft: 130,
    marginRight: 40,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    y: { label: null, domain: bars.map((b) => b.label) },
    x: {
      label:
        "Recovery time, RTO: from the failure to the guest's first instruction on the backup (s) →",
      grid: true,
      tickFormat: (d: number) => `${d / 1000}`,
    },
    color: {
      legend: true,
      domain: RTO_PARTS.map(([, label]) => label),
      range: RTO_PARTS.map(([, , colour]) => colour),
    },
    marks: [
      Plot.barX(data, { y: "bar", x: "ms", fill: "part", order: RTO_PARTS.map(([, l]) => l) }),
      Plot.text(bars, {
        y: "label",
        x: "rto",
        text: (b: { rto: number }) => duration(b.rto),
        dx: 4,
        textAnchor: "start",
        fontSize: 11,
      }),
      Plot.ruleX([0]),
    ],
  };
}
