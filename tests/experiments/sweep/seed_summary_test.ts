import assert from "node:assert/strict";
import fc from "fast-check";
import { summarizeSeeds } from "../../../experiments/sweep/seed_summary.ts";
import { sweepRuns } from "../../../experiments/sweep/grid.ts";
import type { Row } from "../../../experiments/experiment.ts";

Deno.test("summarizeSeeds() returns one-seed rows unchanged", () => {
  const rows = [{ x: 1, y: 2, seed: 1 }, { x: 2, y: 3, seed: 1 }];
  assert.deepEqual(summarizeSeeds(rows, ["x"]), rows);
});

Deno.test("summarizeSeeds() keeps equal strings, marks differing booleans and joins differing strings", () => {
  const rows: Row[] = [
    { x: 1, ok: true, kind: "a", same: "s", seed: 1 },
    { x: 1, ok: false, kind: "b", same: "s", seed: 2 },
    { x: 1, ok: true, kind: "a", same: "s", seed: 3 },
  ];
  const [row] = summarizeSeeds(rows, ["x"]);
  assert.equal(row.ok, false);
  assert.equal(row.ok_seeds, "2 of 3");
  assert.equal(row.kind, "a / b");
  assert.equal(row.same, "s");
  assert.equal(row.seed, 1);
  assert.equal(row.seeds, 3);
});

Deno.test("summarizeSeeds() averages only the rows that have a measurement", () => {
  const [row] = summarizeSeeds([{ x: 1, t: 4 }, { x: 1 }], ["x"]);
  assert.equal(row.t, 4);
  assert.equal(row.seeds, 2);
});

// Reference: for each distinct parameter value in order of first appearance,
// the arithmetic mean, minimum and maximum of the measurement, computed the
// plain way.
function reference(rows: readonly { x: number; y: number }[]): Row[] {
  const xs = [...new Set(rows.map((r) => r.x))];
  return xs.map((x) => {
    const ys = rows.filter((r) => r.x === x).map((r) => r.y);
    let sum = 0;
    for (const y of ys) sum += y;
    return { x, y: sum / ys.length, y_min: Math.min(...ys), y_max: Math.max(...ys), n: ys.length };
  });
}

Deno.test("summarizeSeeds() agrees with a plain mean, min and max per point (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 2, max: 4 }),
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 20, maxLength: 20 }),
      (xs, seeds, values) => {
        const points = [...new Set(xs)].map((x) => ({ x }));
        const rows = sweepRuns(points, 1, seeds).map((run, i) => ({
          x: run.point.x as number,
          y: values[i % values.length],
          seed: run.seed,
        }));
        const got = summarizeSeeds(rows, ["x"]);
        const want = reference(rows);
        assert.equal(got.length, want.length);
        for (let i = 0; i < want.length; i++) {
          assert.equal(got[i].x, want[i].x);
          assert.ok(Math.abs(Number(got[i].y) - Number(want[i].y)) < 1e-9);
          assert.equal(got[i].y_min, want[i].y_min);
          assert.equal(got[i].y_max, want[i].y_max);
          assert.equal(got[i].seeds, want[i].n);
          assert.ok(Number(got[i].y_min) <= Number(got[i].y) + 1e-9);
          assert.ok(Number(got[i].y) <= Number(got[i].y_max) + 1e-9);
        }
      },
    ),
  );
});

Deno.test("sweepRuns() refuses a seed count below 1", () => {
  assert.throws(() => sweepRuns([{ x: 1 }], 1, 0), /seeds must be a positive integer, got 0/);
});
