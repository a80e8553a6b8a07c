/**
 * The plots of the `snapshot` report: a measure against batch size, one
 * panel per storage profile, one line per method.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { RESTORE_METHODS } from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import type { Row } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { spreadBand, spreadOf } from "../seed_spread.ts";
import {
  RESTORE_COLOURS,
  RESTORE_LABELS,
  SNAPSHOT_COLOURS,
  SNAPSHOT_LABELS,
  SNAPSHOT_VARIANTS,
  storageLabel,
  variantOf,
} from "./_labels.ts";
import { plotted } from "./_tables.ts";

/**
 * Per phase, two lines that often coincide: the first is drawn wide
 * underneath, the second dashed on top, so that both show where they meet.
 * Pre-copy's two ways of logging dirty pages often end in the same final
 * round; lazy restore and lazy restore with a sweep start at the same time.
 */
const COINCIDING: Readonly<Record<BatchPlotSpec["phase"], readonly [string, string]>> = {
  snapshot: [SNAPSHOT_LABELS["dirty-precopy"], SNAPSHOT_LABELS["dirty-precopy-pml"]],
  restore: [RESTORE_LABELS.lazy, RESTORE_LABELS["lazy-sweep"]],
};

/** How {@linkcode batchPlot} draws one measure. */
export interface BatchPlotSpec {
  /** Phase whose rows are plotted. */
  phase: "snapshot" | "restore";
  /** Row field plotted: its mean over seeds, and its spread where seeds disagree. */
  measure: string;
  /** Y-axis label with unit. */
  yLabel: string;
  /** Log scale (values at or below zero are dropped) or linear from zero. */
  log: boolean;
  /** Methods shown, in legend order. */
  methods: readonly string[];
}

/**
 * One panel per storage profile, batch size on a log x axis, one line per
 * method.
 */
export function batchPlot(rows: readonly Row[], spec: BatchPlotSpec): Plot.PlotOptions {
  const shown = plotted(rows, spec.phase).filter((r) => spec.methods.includes(variantOf(r)));
  if (shown.length === 0) throw new Error(`no ${spec.phase} rows`);
  const labels = spec.phase === "snapshot" ? SNAPSHOT_LABELS : RESTORE_LABELS;
  const colours = spec.phase === "snapshot" ? SNAPSHOT_COLOURS : RESTORE_COLOURS;
  const allMethods = spec.phase === "snapshot" ? SNAPSHOT_VARIANTS : RESTORE_METHODS;
  const storages = STORAGE_PROFILE_NAMES.filter((s) => shown.some((r) => r.storage === s));
  const data = shown
    .map((r) => {
      const spread = spreadOf(r, spec.measure);
      return {
        batch: Number(r.batch_pages),
        value: Number(r[spec.measure]),
        // A log scale cannot reach down to zero: such a spread leaves a gap in its band.
        low: spec.log && !(spread.low > 0) ? NaN : spread.low,
        high: spread.high,
        method: labels[variantOf(r)] ?? variantOf(r),
        storage: storageLabel(String(r.storage)),
      };
    })
    .filter((d) => Number.isFinite(d.value) && (!spec.log || d.value > 0))
    .sort((a, b) => a.batch - b.batch);
  const [under, over] = COINCIDING[spec.phase];
  const batches = distinct(data.map((d) => d.batch)).sort((a, b) => a - b);
  const channels = { x: "batch", y: "value", stroke: "method", fx: "storage" } as const;
  return {
    width: 1100,
    height: 400,
    marginLeft: 64,
    marginRight: 16,
    marginTop: 52,
    marginBottom: 48,
    style: { fontSize: "12px" },
    // Panel names sit above the y-axis label rather than on it.
    fx: { label: null, domain: storages.map(storageLabel), padding: 0.08, tickPadding: 26 },
    // Batch sizes grow geometrically, so evenly spaced points read as a log scale.
    x: {
      type: "point",
      domain: batches,
      label: "Batch size (pages, log scale) →",
      labelAnchor: "center",
      padding: 0.3,
    },
    // Nice bounds and insets keep the extreme lines (copy-before-write's pause, the bottom one;
    // stop-and-copy's loss of 1, the top one) off the frame, where they could not be seen.
    y: spec.log
      ? {
        type: "log",
        label: `↑ ${spec.yLabel} (log scale)`,
        grid: true,
        tickFormat: ",~g",
        nice: true,
        insetTop: 8,
        insetBottom: 8,
      }
      : {
        type: "linear",
        label: `↑ ${spec.yLabel}`,
        grid: true,
        zero: true,
        nice: true,
        insetTop: 8,
        insetBottom: 8,
      },
    color: {
      legend: true,
      domain: allMethods.filter((m) => spec.methods.includes(m)).map((m) => labels[m]),
      range: allMethods.map((m, i) => [m, colours[i]] as const)
        .filter(([m]) => spec.methods.includes(m)).map(([, c]) => c),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      spreadBand(data, { x: "batch", fill: "method", fx: "storage" }),
      Plot.line(data.filter((d) => d.method === under), {
        ...channels,
        strokeWidth: 5,
        strokeOpacity: 0.55,
      }),
      Plot.line(data.filter((d) => d.method !== under && d.method !== over), {
        ...channels,
        strokeWidth: 1.8,
      }),
      Plot.line(data.filter((d) => d.method === over), {
        ...channels,
        strokeWidth: 1.8,
        strokeDasharray: "6,4",
      }),
      Plot.dot(data, { ...channels, fill: "method", r: 2.5 }),
    ],
  };
}
