import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import {
  hasSpread,
  seedsNote,
  spreadBand,
  spreadBars,
  spreadOf,
} from "../../experiments/seed_spread.ts";
import { summarizeSeeds } from "../../experiments/sweep/seed_summary.ts";
import { renderPlot } from "../../reports/plot_svg.ts";

Deno.test("spread bars are drawn only through points whose seeds disagree", () => {
  const rows = summarizeSeeds([
    { x: 1, y: 10, seed: 1 },
    { x: 1, y: 14, seed: 2 },
    { x: 2, y: 5, seed: 1 },
    { x: 2, y: 5, seed: 2 },
  ], ["x"]);
  const points = rows.map((r) => ({ x: Number(r.x), y: Number(r.y), ...spreadOf(r, "y") }));
  assert.deepEqual(points[0], { x: 1, y: 12, low: 10, high: 14 });
  const svg =
    renderPlot({ marks: [Plot.dot(points, { x: "x", y: "y" }), spreadBars(points, { x: "x" })] })
      .value;
  assert.equal(svg.match(/<line /g)?.length, 1);
  assert.match(seedsNote(rows), /means over 2 seeds/);
});

Deno.test("spread bands are drawn only when some point's seeds disagree, one per line", () => {
  const points = [
    { x: 1, y: 2, low: 1, high: 3, line: "a" },
    { x: 2, y: 2, low: 2, high: 2, line: "a" },
    { x: 1, y: 5, low: 5, high: 5, line: "b" },
    { x: 2, y: 5, low: 5, high: 5, line: "b" },
  ];
  assert.equal(hasSpread(points), true);
  assert.equal(spreadBand(points.slice(2), { x: "x", fill: "line" }), null);
  const svg = renderPlot({
    marks: [
      Plot.line(points, { x: "x", y: "y", z: "line" }),
      spreadBand(points, { x: "x", fill: "line" }),
    ],
  }).value;
  const band = /<g [^>]*aria-label="area"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? "";
  assert.equal(band.match(/<path /g)?.length, 2, "a band along each line");
});
