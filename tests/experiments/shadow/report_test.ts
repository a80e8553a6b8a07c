import assert from "node:assert/strict";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";

Deno.test("shadow's report renders every section from a tiny sweep", async () => {
  const points = SHADOW.grids.quick.filter((p) => p.workload === "threads").map((p) => ({
    ...p,
    accesses: 1500,
  }));
  const rows = await runPoints(SHADOW, points);
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
