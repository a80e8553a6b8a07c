/**
 * Server-side rendering of Observable Plot figures to markup, with the
 * `document` injected from linkedom (no browser, no global DOM), so that
 * reports carry their plots as inline SVG and open offline.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { SafeHtml } from "./html.ts";

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/** The part of a DOM element this module uses (Deno's type library has no DOM). */
interface MarkupElement {
  readonly tagName: string;
  readonly outerHTML: string;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): Iterable<MarkupElement>;
}

/**
 * Renders Observable Plot options (`PlotOptions`, typed `object` to keep
 * Plot's types out of the public API) to inline markup: an `<svg>`, or a `<figure>` holding
 * the legend and the `<svg>` when the options ask for a legend. Every `<svg>`
 * gets its `xmlns`, so the markup is also valid when saved as an SVG file.
 *
 * @example Render a line plot
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { renderPlot } from "./plot_svg.ts";
 * const svg = renderPlot({
 *   x: { label: "footprint (MiB)" },
 *   marks: [Plot.lineY([1, 4, 9])],
 * });
 * if (!svg.value.includes('xmlns="http://www.w3.org/2000/svg"')) throw new Error();
 * ```
 */
export function renderPlot(options: object): SafeHtml {
  const window = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
    document: Plot.PlotOptions["document"];
  };
  const plotOptions: Plot.PlotOptions = {
    ...(options as Plot.PlotOptions),
    document: window.document,
  };
  const figure = Plot.plot(plotOptions) as unknown as MarkupElement;
  if (figure.tagName.toLowerCase() === "svg") figure.setAttribute("xmlns", SVG_NAMESPACE);
  for (const svg of figure.querySelectorAll("svg")) svg.setAttribute("xmlns", SVG_NAMESPACE);
  return new SafeHtml(figure.outerHTML);
}
