import assert from "node:assert/strict";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import type { Row } from "../../../experiments/experiment.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { cartesian } from "../../../experiments/cartesian.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";
import { spreadMarks, twoSeedRows, twoSeedSummary } from "../fixtures/second_seed.ts";

const AXES = {
  mode: ["nested", "shadow"],
  fragmentation: [0, 1],
  guest_large_fraction: [0, 1],
  workload: ["random"],
  footprint_mib: [64],
  accesses: [1024],
  warmup_accesses: [1024],
  promotion_seconds: [60],
};
const POINTS = [
  ...cartesian({ ...AXES, policy: HOST_POLICIES, tenants: ["stay"] }),
  ...cartesian({ ...AXES, policy: ["opportunistic+promote"], tenants: ["exit"] }),
];

Deno.test("large-pages report draws every plot and both tables from a small sweep", async () => {
  const { record, page, plots } = await renderReport(
    LARGE_PAGES,
    await runPoints(LARGE_PAGES, POINTS),
  );
  assert.match(record.headline, /opportunistic host large pages cut cycles per access/);
  assert.equal(plots, 6);
  assert.match(page, /the agent promoted 33 regions/);
  assert.match(page, /Promotion over time/);
  assert.doesNotMatch(page, /NaN/);
});

/** A second seed's promotion timeline: its share and cycles per access moved by `factor`. */
function movedTimeline(factor: number): (row: Row) => Row {
  return (row) => {
    if (typeof row.timeline !== "string") return row;
    const steps = JSON.parse(row.timeline) as number[][];
    const moved = steps.map((
      [s, large, cpa, ...rest],
    ) => [s, large * factor, cpa * factor, ...rest]);
    return { ...row, timeline: JSON.stringify(moved) };
  };
}

Deno.test("large-pages plots draw the spread over seeds where seeds disagree, and only there", async () => {
  const rows = await runPoints(LARGE_PAGES, POINTS);
  const one = spreadMarks(LARGE_PAGES, rows);
  const spread = spreadMarks(
    LARGE_PAGES,
    twoSeedSummary(LARGE_PAGES, rows, 1.2, movedTimeline(1.2)),
  );
  for (const [title, marks] of one) assert.ok(spread.get(title)! > marks, title);
  assert.deepEqual(spreadMarks(LARGE_PAGES, twoSeedSummary(LARGE_PAGES, rows, 1)), one);
  // Seeds whose timelines differ: the summarised row joins them, and the
  // timeline plots and the khugepaged validation case still read them.
  const { page, plots } = await renderReport(
    LARGE_PAGES,
    twoSeedRows(LARGE_PAGES, rows, 1.2, movedTimeline(1.2)),
  );
  assert.equal(plots, 6);
  assert.match(page, /Guest time to collapse 3\d 2M regions/);
  assert.doesNotMatch(page, /could not be computed/);
});
