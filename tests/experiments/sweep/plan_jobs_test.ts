import assert from "node:assert/strict";
import fc from "fast-check";
import { nextJob, planJobs } from "../../../experiments/sweep/plan_jobs.ts";

/** Cells of consecutive run indices with the given lengths. */
function cellsOf(lengths: readonly number[]): number[][] {
  let next = 0;
  return lengths.map((n) => Array.from({ length: n }, () => next++));
}

Deno.test("planJobs() runs every point once, each job a consecutive piece of one cell, longest first", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 8 }),
      (lengths, workers) => {
        const cells = cellsOf(lengths);
        const jobs = planJobs(cells, workers);
        assert.deepEqual(jobs.flat().sort((a, b) => a - b), cells.flat());
        const cellOf = new Map(cells.flatMap((cell, c) => cell.map((i) => [i, c])));
        for (const job of jobs) {
          assert.ok(job.length > 0);
          assert.ok(job.every((i, k) => k === 0 || i === job[k - 1] + 1), "consecutive");
          assert.ok(job.every((i) => cellOf.get(i) === cellOf.get(job[0])), "one cell");
        }
        if (workers === 1) return assert.deepEqual(jobs, cells);
        for (let k = 1; k < jobs.length; k++) assert.ok(jobs[k - 1].length >= jobs[k].length);
        const points = cells.flat().length;
        const most = Math.max(4, Math.ceil(points / (workers * 4)));
        assert.ok(jobs.every((job) => job.length <= most));
      },
    ),
  );
});

Deno.test("planJobs() cuts a cell holding most points into even pieces so two Workers share it", () => {
  const cells = cellsOf([40, 3, 3, 2]);
  const jobs = planJobs(cells, 2);
  assert.deepEqual(jobs.map((j) => j.length), [6, 6, 6, 6, 6, 5, 5, 3, 3, 2]);
  assert.deepEqual(jobs[0], [0, 1, 2, 3, 4, 5]);
});

Deno.test("planJobs() keeps cells whole and in grid order for one Worker, and never cuts below 4 points", () => {
  const cells = cellsOf([2, 7, 3]);
  assert.deepEqual(planJobs(cells, 1), cells);
  assert.deepEqual(planJobs(cellsOf([4, 1]), 4).map((j) => j.length), [4, 1]);
});

Deno.test("nextJob() takes the first job of the Worker's cell, else the first, and -1 when none is left", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 3 }), {
        maxLength: 8,
      }),
      fc.option(fc.constantFrom("even", "odd"), { nil: null }),
      (pending, cell) => {
        const cellOf = (i: number) => (i % 2 === 0 ? "even" : "odd");
        const k = nextJob(pending, cell, cellOf);
        if (pending.length === 0) return assert.equal(k, -1);
        const same = pending.findIndex((job) => cellOf(job[0]) === cell);
        assert.equal(k, same >= 0 ? same : 0);
      },
    ),
  );
});
