import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { renderPlot } from "../../reports/plot_svg.ts";

Deno.test("renderPlot() returns an svg with its namespace when there is no legend", () => {
  const svg = renderPlot({ x: { label: "x (bytes)" }, marks: [Plot.lineY([1, 2, 3])] }).value;
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.includes("x (bytes)"));
});

Deno.test("renderPlot() returns a figure whose every svg has its namespace when there is a legend", () => {
  const data = [{ x: 1, y: 1, s: "a" }, { x: 2, y: 2, s: "b" }];
  const out =
    renderPlot({ color: { legend: true }, marks: [Plot.dot(data, { x: "x", y: "y", fill: "s" })] })
      .value;
  assert.match(out, /^<figure/);
  const svgs = [...out.matchAll(/<svg\b[^>]*>/g)];
  assert.equal(svgs.length, 3, "two swatches and the plot");
  for (const [tag] of svgs) assert.match(tag, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});

Deno.test("renderPlot() escapes text from the data", () => {
  const data = [{ x: "<b>&</b>", y: 1 }];
  const svg = renderPlot({ marks: [Plot.barY(data, { x: "x", y: "y" })] }).value;
  assert.ok(svg.includes("&lt;b&gt;&amp;&lt;/b&gt;"));
  assert.equal(svg.includes("<b>"), false);
});

Deno.test("renderPlot() does not touch a global document", () => {
  assert.equal("document" in globalThis, false);
  renderPlot({ marks: [Plot.lineY([1, 2])] });
  assert.equal("document" in globalThis, false);
});
