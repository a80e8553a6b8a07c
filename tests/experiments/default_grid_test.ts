// The README says what a plain `deno task experiment` runs: every
// experiment's quick grid, and how many points that is.
import assert from "node:assert/strict";
import { EXPERIMENTS } from "../../experiments/registry.ts";

Deno.test("a plain deno task experiment runs every quick grid, as many points as the README says", async () => {
  for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
    assert.equal(experiment.grids.default, "quick", `${id}'s default grid`);
  }
  const points = Object.values(EXPERIMENTS).reduce((n, e) => n + e.grids.quick.length, 0);
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const said = readme.match(
    /plain `deno task experiment` runs every experiment's \*\*quick\*\* grid \(each grid's default: ([\d,]+)\s+points/,
  );
  assert.ok(said, "the README says what a plain deno task experiment runs");
  assert.equal(Number(said[1].replaceAll(",", "")), points);
});
