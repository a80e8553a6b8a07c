import assert from "node:assert/strict";
import { defineExperiment } from "../../experiments/define_experiment.ts";
import type { Point, Row } from "../../experiments/experiment.ts";
import { EXPERIMENTS } from "../../experiments/registry.ts";
import { LARGE_PAGES } from "../../experiments/large_pages/experiment.ts";
import { SHADOW } from "../../experiments/shadow/experiment.ts";
import { SNAPSHOT } from "../../experiments/snapshot/experiment.ts";
import { MIGRATION } from "../../experiments/migration/experiment.ts";
import { REPLICATION } from "../../experiments/replication/experiment.ts";
import { TRANSLATION } from "../../experiments/translation/experiment.ts";
import { COST } from "./fixtures/small_sweep.ts";

const PARAMETERS = {
  mode: { kind: "choice", values: ["native", "nested"], description: "paging mode" },
  x: { kind: "integer", min: 0, description: "the input (points)" },
  label: { kind: "string", description: "a label" },
} as const;

/** A typed experiment that records the points its typed code was given. */
function recording() {
  const seen: { run: Point[]; cell: Point[]; traces: Point[][] } = {
    run: [],
    cell: [],
    traces: [],
  };
  const experiment = defineExperiment({
    id: "typed",
    title: "Typed",
    question: "Does the typed point survive the generic boundary?",
    parameters: PARAMETERS,
    grids: {
      quick: [{ mode: "native", x: 1, label: "a" }, { mode: "nested", x: 2, label: "b" }],
      full: [{ mode: "nested", x: 3, label: "c" }],
      default: "quick",
    },
    cell(point) {
      seen.cell.push(point);
      return point.mode;
    },
    withTraces(grid, traces) {
      seen.traces.push([...grid]);
      return [...grid, ...traces.map((t) => ({ mode: "native" as const, x: 0, label: t }))];
    },
    run(point): Row {
      seen.run.push(point);
      // Typed fields: arithmetic and string methods without casts.
      return { y: point.x * 10, upper: point.label.toUpperCase(), nested: point.mode === "nested" };
    },
    sections: [],
    headline: () => "",
  });
  return { experiment, seen };
}

Deno.test("defineExperiment() erases to an Experiment with parameter descriptions for the report", () => {
  const { experiment } = recording();
  assert.deepEqual(experiment.parameters, {
    mode: "paging mode",
    x: "the input (points)",
    label: "a label",
  });
  assert.equal(experiment.grids.quick.length, 2);
});

Deno.test("defineExperiment() names a run module's export after run, and refuses an unnamed run", () => {
  function runNamed(): Row {
    return {};
  }
  const base = {
    id: "named",
    title: "Named",
    question: "Which export do Workers call?",
    parameters: PARAMETERS,
    grids: { quick: [], full: [], default: "quick" as const },
    sections: [],
    headline: () => "",
  };
  const named = defineExperiment({ ...base, run: runNamed, runModule: "file:///run.ts" });
  assert.deepEqual(named.runModule, { url: "file:///run.ts", name: "runNamed" });
  assert.equal(defineExperiment({ ...base, run: runNamed }).runModule, undefined);
  assert.throws(
    () => defineExperiment({ ...base, run: (): Row => ({}), runModule: "file:///run.ts" }),
    /^TypeError: experiment "named": runModule needs run to be a named export of it, got a function named "run"$/,
  );
});

Deno.test("a typed point round-trips through JSON, as to a Worker and back, into run, cell and withTraces", async () => {
  const { experiment, seen } = recording();
  for (const point of experiment.grids.quick) {
    const sent: Point = JSON.parse(JSON.stringify(point));
    assert.deepEqual(experiment.parsePoint(sent), point);
    assert.equal(experiment.cell!(sent), point.mode);
    const row = await experiment.run(sent, { seed: 1, cost: COST });
    assert.deepEqual(row, {
      y: point.x * 10,
      upper: point.label.toUpperCase(),
      nested: point.mode === "nested",
    });
  }
  assert.deepEqual(seen.run, experiment.grids.quick);
  assert.deepEqual(seen.cell, experiment.grids.quick);
  const extended = experiment.withTraces!(experiment.grids.quick, ["t.lackey"]);
  assert.deepEqual(seen.traces, [experiment.grids.quick]);
  assert.deepEqual(extended.at(-1), { mode: "native", x: 0, label: "t.lackey" });
});

Deno.test("defineExperiment() refuses a malformed point at run, cell and withTraces in one line naming experiment and parameter", async () => {
  const { experiment, seen } = recording();
  const bad: Point = { mode: "native", x: -1, label: "a" };
  const message = 'experiment "typed": parameter "x" must be an integer >= 0, got -1';
  await assert.rejects(async () => await experiment.run(bad, { seed: 1, cost: COST }), {
    name: "PointError",
    message,
  });
  assert.throws(() => experiment.cell!(bad), { message });
  assert.throws(() => experiment.withTraces!([bad], ["t"]), { message });
  assert.throws(
    () => experiment.run({ mode: "native", x: 1 }, { seed: 1, cost: COST }),
    { message: 'experiment "typed": parameter "label" is missing' },
  );
  assert.deepEqual(seen, { run: [], cell: [], traces: [] }, "typed code never saw them");
});

for (const experiment of [TRANSLATION, SHADOW, LARGE_PAGES, SNAPSHOT, MIGRATION, REPLICATION]) {
  Deno.test(`${experiment.id}: every grid point round-trips through JSON to the same typed point`, () => {
    assert.equal(EXPERIMENTS[experiment.id], experiment, "registered");
    for (const point of [...experiment.grids.quick, ...experiment.grids.full]) {
      assert.deepEqual(experiment.parsePoint(JSON.parse(JSON.stringify(point))), point);
    }
  });
}
