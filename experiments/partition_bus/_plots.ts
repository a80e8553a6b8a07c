/**
 * The plots of the `partition-bus` report: throughput and cycles per byte
 * against message size per method (the crossover and the policy's
 * threshold marked), exits and interrupts per message against the offered
 * rate per signalling mode, latency percentiles, and what a remap costs as
 * the sender's vCPUs grow.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { BusMethod, Signalling } from "../../core/bus/bus_params.ts";
import type { Row } from "../experiment.ts";
import { spreadBars, spreadOf } from "../seed_spread.ts";
import { METHODS, SIGNALLINGS, VCPU_METHODS } from "./grid.ts";
import {
  METHOD_COLOURS,
  METHOD_LABELS,
  rateLabel,
  SIGNALLING_COLOURS,
  SIGNALLING_LABELS,
  sizeLabel,
  touchesLabel,
} from "./_labels.ts";
import {
  capacityRows,
  crossoverOf,
  crossoverRows,
  signallingRows,
  sizesOf,
  touchesOf,
  touchesPanels,
  vcpuRows,
} from "./_tables.ts";

/** The colour scale of the methods the rows have. */
function methodScale(rows: readonly Row[], methods: readonly BusMethod[] = METHODS) {
  const shown = methods.filter((m) => rows.some((r) => r.method === m));
  return {
    legend: true,
    domain: shown.map((m) => METHOD_LABELS[m]),
    range: shown.map((m) => METHOD_COLOURS[m]),
  };
}

/** The colour scale of the signalling modes the rows have. */
function signallingScale(rows: readonly Row[]) {
  const shown = SIGNALLINGS.filter((s) => rows.some((r) => r.signalling === s));
  return {
    legend: true,
    domain: shown.map((s) => SIGNALLING_LABELS[s]),
    range: shown.map((s) => SIGNALLING_COLOURS[s]),
  };
}

/**
 * An explicit axis of ticks at the given values: Plot thins the labels of
 * a log scale's ticks whatever function formats them.
 */
function ticksAxis(
  values: readonly number[],
  format: (v: number) => string,
  label: string,
): Plot.Markish {
  return Plot.axisX([...new Set(values)].sort((a, b) => a - b), {
    text: format,
    fontSize: 10,
    label,
    labelAnchor: "center",
  });
}

/** One point of a size plot: a method's measure at a size, with its spread over seeds. */
function sizePoints(rows: readonly Row[], key: string, slice = crossoverRows) {
  return slice(rows).map((r) => ({
    bytes: Number(r.message_bytes),
    value: Number(r[key]),
    ...spreadOf(r, key),
    method: METHOD_LABELS[String(r.method) as BusMethod],
    panel: touchesLabel(r.receiver_touches === true),
  })).filter((p) => Number.isFinite(p.value) && p.value > 0).sort((a, b) => a.bytes - b.bytes);
}

/** Layout of the size plots: one panel per receiver setting, side by side. */
function sizeFrame(rows: readonly Row[]) {
  const panels = touchesPanels(rows);
  return {
    width: 1100,
    height: 500,
    marginLeft: 72,
    marginRight: 40,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: panels, padding: 0.08 },
    x: { type: "log" as const, inset: 10 },
    color: methodScale(crossoverRows(rows)),
  };
}

/**
 * What each method can carry, against message size (log–log): the
 * capacity slice's throughput, every message offered at once.
 */
export function throughputPlot(rows: readonly Row[]): Plot.PlotOptions {
  const data = sizePoints(rows, "throughput_mib_s", capacityRows);
  if (data.length === 0) throw new Error("no capacity rows");
  const channels = { x: "bytes", stroke: "method" } as const;
  const sizes = sizesOf(capacityRows(rows));
  return {
    ...sizeFrame(rows),
    fx: undefined,
    width: 760,
    color: methodScale(capacityRows(rows)),
    y: {
      type: "log",
      label: "↑ Payload carried (MiB/s, log scale)",
      grid: true,
      tickFormat: (d: number) => d.toLocaleString("en-US", { maximumFractionDigits: 1 }),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ticksAxis(sizes, sizeLabel, "Message size (log scale) →"),
      spreadBars(data, channels),
      Plot.line(data, { ...channels, y: "value", strokeWidth: 1.6 }),
      Plot.dot(data, { ...channels, y: "value", fill: "method", r: 2.5 }),
    ],
  };
}

/**
 * Cycles per byte against message size, per method (log–log), with the
 * measured crossover (the first size at which remap costs fewer cycles per
 * byte than transfer pages; solid grey) and the policy's threshold derived
 * from the cost profile (dashed) in each panel.
 */
export function cyclesPerBytePlot(rows: readonly Row[]): Plot.PlotOptions {
  const data = sizePoints(rows, "cycles_per_byte");
  if (data.length === 0) throw new Error("no crossover rows");
  const channels = { x: "bytes", stroke: "method", fx: "panel" } as const;
  const sizes = sizesOf(crossoverRows(rows));
  const marks: { bytes: number; panel: string; text: string; dash: string }[] = [];
  for (const touches of touchesOf(crossoverRows(rows))) {
    const c = crossoverOf(rows, touches);
    const panel = touchesLabel(touches);
    if (Number.isFinite(c.firstBytes)) {
      marks.push({
        bytes: c.firstBytes,
        panel,
        text: `measured crossover ${sizeLabel(c.firstBytes)}`,
        dash: "none",
      });
    }
    if (Number.isFinite(c.thresholdBytes) && c.thresholdBytes <= sizes.at(-1)!) {
      marks.push({
        bytes: c.thresholdBytes,
        panel,
        text: `policy threshold ${sizeLabel(c.thresholdBytes)}`,
        dash: "5,4",
      });
    }
  }
  return {
    ...sizeFrame(rows),
    y: {
      type: "log",
      label: "↑ Cycles per byte delivered, both partitions and the hypervisor (log scale)",
      grid: true,
      tickFormat: (d: number) => d.toLocaleString("en-US", { maximumFractionDigits: 2 }),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ticksAxis(sizes, sizeLabel, "Message size (log scale) →"),
      ...marks.map((m, i) => [
        Plot.ruleX([m], {
          x: "bytes",
          fx: "panel",
          stroke: "#555",
          strokeWidth: 1.3,
          strokeDasharray: m.dash,
        }),
        Plot.text([m], {
          x: "bytes",
          fx: "panel",
          text: "text",
          frameAnchor: "top",
          // Left of its rule, one label a line, so that neither runs into the next panel.
          textAnchor: "end",
          dx: -4,
          dy: 6 + 14 * i,
          fill: "#333",
          fontSize: 10,
          stroke: "white",
          strokeWidth: 3,
          paintOrder: "stroke",
        }),
      ]).flat(),
      spreadBars(data, channels),
      Plot.line(data, { ...channels, y: "value", strokeWidth: 1.6 }),
      Plot.dot(data, { ...channels, y: "value", fill: "method", r: 2.5 }),
    ],
  };
}

/** The signalling slice's panels: one per batch, named. */
function batchPanel(batch: number): string {
  return batch === 1
    ? "batch 1 (a doorbell per message)"
    : `batch ${batch} (up to ${batch} per doorbell)`;
}

function batchesOf(rows: readonly Row[]): number[] {
  return [...new Set(rows.map((r) => Number(r.batch)))].sort((a, b) => a - b);
}

/**
 * Exits and interrupts per message against the offered rate, per
 * signalling mode: columns are batches, rows the two measures. Linear y:
 * suppression shows as a fall towards 0, no suppression as a flat 1.
 */
export function notificationPlot(rows: readonly Row[]): Plot.PlotOptions {
  const shown = signallingRows(rows);
  if (shown.length === 0) throw new Error("no signalling rows");
  const measures = [
    ["exits_per_msg", "VM exits per message (both partitions)"],
    ["interrupts_per_msg", "interrupts the receiver took per message"],
  ] as const;
  const data = shown.flatMap((r) =>
    measures.map(([key, label]) => ({
      rate: Number(r.offered_msgs_s),
      value: Number(r[key]),
      ...spreadOf(r, key),
      mode: SIGNALLING_LABELS[String(r.signalling) as Signalling],
      batch: batchPanel(Number(r.batch)),
      measure: label,
    }))
  );
  const channels = { x: "rate", stroke: "mode", fx: "batch", fy: "measure" } as const;
  const rates = [...new Set(shown.map((r) => Number(r.offered_msgs_s)))];
  return {
    width: 1100,
    height: 640,
    marginLeft: 60,
    marginRight: 40,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: batchesOf(shown).map(batchPanel), padding: 0.08 },
    // The row facets are named inside each panel.
    fy: { label: null, axis: null, domain: measures.map(([, l]) => l), padding: 0.12 },
    x: { type: "log", inset: 10 },
    y: { label: "↑ per message delivered", grid: true, zero: true, nice: true },
    color: signallingScale(shown),
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ticksAxis(rates, rateLabel, "Offered rate (messages/s, log scale) →"),
      Plot.ruleY([1], { stroke: "#999", strokeDasharray: "1,3" }),
      spreadBars(data, channels),
      // vmbus's rule and the event index often give the same counts: vmbus
      // is drawn wide and faint under the others so that both stay visible.
      Plot.line(data.filter((d) => d.mode === SIGNALLING_LABELS.vmbus), {
        ...channels,
        y: "value",
        strokeWidth: 6,
        strokeOpacity: 0.45,
      }),
      Plot.line(data.filter((d) => d.mode !== SIGNALLING_LABELS.vmbus), {
        ...channels,
        y: "value",
        strokeWidth: 1.6,
      }),
      Plot.dot(data, { ...channels, y: "value", fill: "mode", r: 2.5 }),
      Plot.text(measures.map(([, l]) => ({ measure: l })), {
        fy: "measure",
        text: "measure",
        frameAnchor: "top-left",
        dx: 6,
        dy: 6,
        fontWeight: "bold",
        fill: "#1c2024",
        stroke: "white",
        strokeWidth: 4,
        paintOrder: "stroke",
      }),
    ],
  };
}

/** Latency from arrival to the receiver's done against the offered rate: p50 solid, p99 dashed, per mode. */
export function latencyPlot(rows: readonly Row[]): Plot.PlotOptions {
  const shown = signallingRows(rows);
  if (shown.length === 0) throw new Error("no signalling rows");
  const data = shown.map((r) => ({
    rate: Number(r.offered_msgs_s),
    p50: Number(r.latency_p50_us),
    p99: Number(r.latency_p99_us),
    mode: SIGNALLING_LABELS[String(r.signalling) as Signalling],
    batch: batchPanel(Number(r.batch)),
  }));
  const channels = { x: "rate", stroke: "mode", fx: "batch" } as const;
  const rates = [...new Set(shown.map((r) => Number(r.offered_msgs_s)))];
  return {
    width: 1100,
    height: 460,
    marginLeft: 72,
    marginRight: 40,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: batchesOf(shown).map(batchPanel), padding: 0.08 },
    x: { type: "log", inset: 10 },
    y: {
      type: "log",
      label: "↑ Latency, arrival to the receiver's done (µs, log scale)",
      grid: true,
      tickFormat: (d: number) => d.toLocaleString("en-US", { maximumFractionDigits: 1 }),
    },
    color: signallingScale(shown),
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ticksAxis(rates, rateLabel, "Offered rate (messages/s, log scale) →"),
      Plot.line(data, { ...channels, y: "p99", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      // As in the notification plot: vmbus wide and faint under event-idx.
      Plot.line(data.filter((d) => d.mode === SIGNALLING_LABELS.vmbus), {
        ...channels,
        y: "p50",
        strokeWidth: 6,
        strokeOpacity: 0.45,
      }),
      Plot.line(data.filter((d) => d.mode !== SIGNALLING_LABELS.vmbus), {
        ...channels,
        y: "p50",
        strokeWidth: 1.8,
      }),
      Plot.dot(data, { ...channels, y: "p50", fill: "mode", r: 2.5 }),
    ],
  };
}

/**
 * Cycles per message against the sender's vCPUs, per method, one panel per
 * message size; dashed: remap's own share (host-map updates, shootdowns,
 * flushes, hypercalls).
 */
export function vcpuPlot(rows: readonly Row[]): Plot.PlotOptions {
  const shown = vcpuRows(rows);
  if (shown.length === 0) throw new Error("no vCPU rows");
  const data = shown.map((r) => ({
    vcpus: Number(r.vcpus),
    value: Number(r.cycles_per_msg),
    ...spreadOf(r, "cycles_per_msg"),
    remap: Number(r.remap_cycles_per_msg),
    method: METHOD_LABELS[String(r.method) as BusMethod],
    size: sizeLabel(Number(r.message_bytes)),
  }));
  const remapData = data.filter((d) => d.remap > 0);
  const channels = { x: "vcpus", stroke: "method", fx: "size" } as const;
  const vcpus = [...new Set(data.map((d) => d.vcpus))].sort((a, b) => a - b);
  return {
    width: 1100,
    height: 440,
    marginLeft: 72,
    marginRight: 40,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: sizesOf(shown).map(sizeLabel), padding: 0.08 },
    x: { type: "log", base: 2, inset: 12, ticks: vcpus, tickFormat: (d: number) => String(d) },
    y: {
      type: "log",
      label: "↑ Cycles per message (log scale)",
      grid: true,
      tickFormat: (d: number) => d.toLocaleString("en-US"),
    },
    color: methodScale(shown, VCPU_METHODS),
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.axisX({
        ticks: vcpus,
        tickFormat: (d: number) => String(d),
        label: "vCPUs of the sending guest (log scale) →",
        labelAnchor: "center",
      }),
      Plot.line(remapData, { ...channels, y: "remap", strokeDasharray: "5,4", strokeWidth: 1.2 }),
      spreadBars(data, channels),
      Plot.line(data, { ...channels, y: "value", strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, y: "value", fill: "method", r: 3 }),
    ],
  };
}
