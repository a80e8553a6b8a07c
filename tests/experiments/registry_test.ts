import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../core/cost/profiles.ts";
import { GRID_SIZES } from "../../experiments/experiment.ts";
import { pointId } from "../../experiments/sweep/point_id.ts";
import { EXPERIMENTS } from "../../experiments/registry.ts";
import { PROVENANCE_KEYS } from "../../experiments/sweep/run_sweep.ts";

const cost = getProfile(DEFAULT_PROFILE);

Deno.test("EXPERIMENTS lists translation first, each under its own id", () => {
  assert.equal(Object.keys(EXPERIMENTS)[0], "translation");
  for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
    assert.equal(experiment.id, id);
    assert.match(id, /^[a-z][a-z0-9-]*$/);
    assert.ok(experiment.title.length > 0 && experiment.question.endsWith("?"), id);
    assert.ok(experiment.sections.length > 0, `${id} has report sections`);
  }
});

for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
  Deno.test(`${id}: both grids are non-empty, duplicate-free, and the full grid is at least the quick one`, () => {
    assert.ok(GRID_SIZES.includes(experiment.grids.default));
    const { quick, full } = experiment.grids;
    assert.ok(quick.length > 0);
    assert.ok(full.length >= quick.length);
    for (const grid of [quick, full]) {
      const ids = grid.map((p) => pointId(id, p, 1, cost));
      assert.equal(new Set(ids).size, grid.length, "no two points are the same");
    }
  });

  Deno.test(`${id}: every grid point sets exactly the documented parameters`, () => {
    const documented = Object.keys(experiment.parameters).sort();
    for (const point of [...experiment.grids.quick, ...experiment.grids.full]) {
      assert.deepEqual(Object.keys(point).sort(), documented);
    }
    for (const key of documented) {
      assert.equal(PROVENANCE_KEYS.includes(key), false, `${key} is reserved`);
    }
  });
}

for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
  Deno.test(`${id}: its run module exports its run and loads neither Plot nor linkedom`, async () => {
    const runModule = experiment.runModule;
    assert.ok(runModule, "sweep Workers load the run module instead of the registry");
    assert.equal(typeof (await import(runModule.url))[runModule.name], "function");
    // A Worker per cell pays for every module it loads: the plotting libraries cost ~80 ms.
    const info = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", runModule.url],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(info.success);
    const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
      modules: { specifier: string }[];
    };
    const heavy = graph.modules.map((m) => m.specifier).filter((s) =>
      /observablehq|linkedom/.test(s)
    );
    assert.deepEqual(heavy, []);
  });
}
