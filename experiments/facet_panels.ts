/**
 * Plots whose panels wrap a few to a row: where each panel sits, and each
 * panel's title. Observable Plot's `fx`/`fy` facets place the panels; the
 * panel of a datum is given by its `column` and `row`.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";

/** Where a panel sits in the wrapped grid. */
export interface PanelPosition {
  /** Column, from 0 at the left. */
  column: number;
  /** Row, from 0 at the top. */
  row: number;
}

/**
 * The position of panel `index` when panels wrap `columns` to a row.
 *
 * @example
 * ```ts
 * import { panelAt } from "./facet_panels.ts";
 * const { column, row } = panelAt(4, 3);
 * if (column !== 1 || row !== 1) throw new Error();
 * ```
 */
export function panelAt(index: number, columns: number): PanelPosition {
  return { column: index % columns, row: Math.floor(index / columns) };
}

/**
 * Each panel's title in bold over a white halo, so that lines under it stay
 * readable: in the panel's top-left corner (`inside`), or just above the
 * panel (`above`) when lines run along its top edge.
 *
 * @example
 * ```ts
 * import { panelTitles } from "./facet_panels.ts";
 * import { renderPlot } from "../reports/plot_svg.ts";
 * const titles = ["random", "zipf", "gups", "strided"];
 * const svg = renderPlot({
 *   fx: { axis: null },
 *   fy: { axis: null },
 *   marks: [panelTitles(titles, 3, "inside")],
 * }).value;
 * for (const title of titles) {
 *   if (!svg.includes(`>${title}</text>`)) throw new Error(`no title ${title}`);
 * }
 * ```
 */
export function panelTitles(
  titles: readonly string[],
  columns: number,
  placement: "inside" | "above",
): Plot.Text {
  const data = titles.map((title, i) => ({ title, ...panelAt(i, columns) }));
  return Plot.text(data, {
    fx: "column",
    fy: "row",
    text: "title",
    frameAnchor: "top-left",
    ...(placement === "inside"
      ? { dx: 6, dy: 6 }
      : { textAnchor: "start", lineAnchor: "bottom", dy: -5 }),
    fontWeight: "bold",
    fontSize: 12,
    fill: "#1c2024",
    stroke: "white",
    strokeWidth: 4,
    paintOrder: "stroke",
  });
}
