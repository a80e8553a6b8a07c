import assert from "node:assert/strict";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";
import type { Row } from "../../../experiments/experiment.ts";
import { spreadMarks, twoSeedRows, twoSeedSummary } from "../fixtures/second_seed.ts";

const POINTS = SHADOW.grids.quick.filter((p) => p.workload === "threads").map((p) => ({
  ...p,
  accesses: 1500,
}));

Deno.test("shadow's report renders every section from a tiny sweep", async () => {
  const rows = await runPoints(SHADOW, POINTS);
  assert.match(
    SHADOW.headline(rows),
    /^At published event rates with 4 vCPUs, shadow paging beats nested on threads\./,
  );
  assert.doesNotMatch(SHADOW.headline(rows), /no workload/, "only the clauses that hold");
  for (const section of SHADOW.sections) {
    if (section.kind === "table") assert.ok(section.rows(rows).length > 0, section.title);
    if (section.kind === "text") assert.ok(section.text(rows).includes("`threads`"));
  }
  const { plots } = await renderReport(SHADOW, rows);
  assert.equal(plots, 3);
});

Deno.test("shadow's plots draw the spread over seeds where seeds disagree, and only there", async () => {
  // A short run exits only at the stress rates; the plots draw the published rates' rows.
  const published = POINTS.filter((p) => p.rates !== "stress");
  const stress = await runPoints(SHADOW, published.map((p) => ({ ...p, rates: "stress" })));
  const rows: Row[] = stress.map((r) => ({ ...r, rates: "published" }));
  const one = spreadMarks(SHADOW, rows);
  const spread = spreadMarks(SHADOW, twoSeedSummary(SHADOW, rows));
  for (const [title, marks] of one) assert.ok(spread.get(title)! > marks, title);
  assert.deepEqual(spreadMarks(SHADOW, twoSeedSummary(SHADOW, rows, 1)), one, "seeds that agree");
  const { plots } = await renderReport(SHADOW, twoSeedRows(SHADOW, rows));
  assert.equal(plots, 3);
});
