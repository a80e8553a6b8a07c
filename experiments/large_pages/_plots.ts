/**
 * The plots of the `large-pages` report: a measure against fragmentation,
 * one line per host backing policy, one panel per mode and guest 2M share.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { HOST_POLICIES } from "../../core/mapping/memory_config.ts";
import type { Row } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { panelAt, panelTitles } from "../facet_panels.ts";
import { mainSlice, percent } from "./_tables.ts";

const POLICY_COLOURS: readonly string[] = ["#6e6e6e", "#1d4ed8", "#15803d", "#c2410c"];
/** Dashes per policy, so that policies that agree stay visible on top of each other. */
const POLICY_DASHES: readonly string[] = ["none", "none", "7,4", "2,3"];

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
    return {
      fragmentation: 100 * Number(r.fragmentation),
      value: Number(r[measure]),
      policy: String(r.policy),
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
    x: { label: "Host fragmentation: share of 2M and 1G blocks broken (%) →", domain: [0, 100] },
    y: options.log
      ? { type: "log", label: `↑ ${yLabel} (log scale)`, grid: true, tickFormat: ",~g" }
      : { label: `↑ ${yLabel}`, grid: true, zero: true, nice: true },
    color: {
      legend: true,
      domain: HOST_POLICIES as string[],
      range: POLICY_COLOURS as string[],
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ...HOST_POLICIES.map((policy, i) =>
        Plot.line(points.filter((p) => p.policy === policy), {
          ...channels,
          strokeWidth: i === 1 ? 3.2 : 1.8,
          strokeDasharray: POLICY_DASHES[i],
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
