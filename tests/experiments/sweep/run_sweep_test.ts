import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../../core/cost/profiles.ts";
import { pointId } from "../../../experiments/sweep/point_id.ts";
import { loadRows } from "../../../experiments/sweep/row_store.ts";
import { runSweep, SweepError, type SweepOptions } from "../../../experiments/sweep/run_sweep.ts";
import {
  BROKEN,
  CELLED,
  DEMO,
  FIXTURE_REGISTRY_URL,
  INVALID,
  LIGHT,
  MALFORMED,
  MISNAMED,
  SLOW,
} from "../fixtures/fixture_registry.ts";

const cost = getProfile(DEFAULT_PROFILE);

function options(outDir: string, overrides: Partial<SweepOptions> = {}): SweepOptions {
  return {
    experiment: DEMO,
    registryUrl: FIXTURE_REGISTRY_URL,
    size: "quick",
    seed: 7,
    cost,
    outDir,
    workers: 2,
    version: "9.9.9",
    commit: "0123456789abcdef0123456789abcdef01234567",
    ...overrides,
  };
}

function jsonLines(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n").filter((line) => line !== "");
}

Deno.test("runSweep() returns one row per point in grid order, with parameters, results and provenance", async () => {
  const dir = await Deno.makeTempDir();
  const result = await runSweep(options(dir));
  assert.equal(result.points, 6);
  assert.equal(result.computed, 6);
  assert.equal(result.reused, 0);
  assert.equal(result.interrupted, false);
  assert.deepEqual(
    result.rows.map((r) => [r.label, r.x]),
    DEMO.grids.quick.map((p) => [p.label, p.x]),
  );
  const first = result.rows[0];
  assert.deepEqual(Object.keys(first), [
    "label",
    "x",
    "y",
    "half",
    "even",
    "base_cycles",
    "tag",
    "seed",
    "profile",
    "vmlab_version",
    "git_commit",
    "point_id",
  ]);
  assert.equal(first.y, 1 + 7);
  assert.equal(first.base_cycles, cost.baseCyclesPerAccess);
  assert.equal(first.profile, cost.name);
  assert.equal(first.vmlab_version, "9.9.9");
  assert.equal(first.point_id, pointId("demo", DEMO.grids.quick[0], 7, cost));
  assert.equal(jsonLines(`${dir}/demo.jsonl`).length, 6);
});

Deno.test("runSweep() leaves git_commit out when there is no commit", async () => {
  const dir = await Deno.makeTempDir();
  const result = await runSweep(options(dir, { commit: undefined }));
  assert.equal("git_commit" in result.rows[0], false);
});

Deno.test("runSweep() gives the same rows with one Worker as with four", async () => {
  const one = await runSweep(options(await Deno.makeTempDir(), { workers: 1 }));
  const four = await runSweep(options(await Deno.makeTempDir(), { workers: 4 }));
  assert.deepEqual(one.rows, four.rows);
});

Deno.test("runSweep() resumes from a row file whose last line was torn, without losing or duplicating rows", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/demo.jsonl`;
  const complete = await runSweep(options(dir));
  const text = Deno.readTextFileSync(path);
  // Keep four whole rows and half of the fifth, as a kill -9 mid-write would.
  const lines = text.split("\n");
  const torn = lines.slice(0, 4).join("\n") + "\n" + lines[4].slice(0, lines[4].length >> 1);
  Deno.writeTextFileSync(path, torn);

  const resumed = await runSweep(options(dir));
  assert.equal(resumed.reused, 4);
  assert.equal(resumed.computed, 2);
  assert.deepEqual(resumed.rows, complete.rows);
  const stored = jsonLines(path);
  assert.equal(stored.length, 6);
  assert.equal(new Set(stored.map((l) => JSON.parse(l).point_id)).size, 6);
  assert.ok(Deno.readTextFileSync(path).endsWith("\n"));
});

Deno.test("runSweep() recomputes nothing when every point is on disk", async () => {
  const dir = await Deno.makeTempDir();
  await runSweep(options(dir));
  const again = await runSweep(options(dir));
  assert.equal(again.computed, 0);
  assert.equal(again.reused, 6);
  assert.equal(jsonLines(`${dir}/demo.jsonl`).length, 6);
});

Deno.test("runSweep() treats another seed or profile as other points", async () => {
  const dir = await Deno.makeTempDir();
  await runSweep(options(dir));
  const otherSeed = await runSweep(options(dir, { seed: 8 }));
  assert.equal(otherSeed.computed, 6);
  const otherProfile = await runSweep(options(dir, { cost: { ...cost, baseCyclesPerAccess: 3 } }));
  assert.equal(otherProfile.computed, 6);
  assert.equal(otherProfile.rows[0].base_cycles, 3);
  assert.equal(jsonLines(`${dir}/demo.jsonl`).length, 18);
});

Deno.test("runSweep() stopped by its signal keeps the finished rows and resumes with the rest", async () => {
  const dir = await Deno.makeTempDir();
  const controller = new AbortController();
  let finished = 0;
  const first = await runSweep(options(dir, {
    experiment: SLOW,
    workers: 2,
    signal: controller.signal,
    progress: {
      start() {},
      advance() {
        if (++finished === 3) controller.abort();
      },
      finish() {},
    },
  }));
  assert.equal(first.interrupted, true);
  assert.ok(first.rows.length >= 3 && first.rows.length < 40, `${first.rows.length} rows`);
  const saved = first.rows.length;
  const second = await runSweep(options(dir, { experiment: SLOW, workers: 4 }));
  assert.equal(second.interrupted, false);
  assert.equal(second.reused, saved);
  assert.equal(second.computed, 40 - saved);
  assert.deepEqual(second.rows.map((r) => r.x), SLOW.grids.quick.map((p) => p.x));
});

Deno.test("runSweep() resumes after the process running it is killed with SIGKILL", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/slow.jsonl`;
  const script = new URL("../fixtures/run_fixture_cli.ts", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname, "slow", "--out", dir, "--workers", "2"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Kill it once a few rows are on disk, mid-sweep.
  for (let i = 0; i < 600; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    let lines = 0;
    try {
      lines = jsonLines(path).length;
    } catch {
      // not created yet
    }
    if (lines >= 4) break;
  }
  child.kill("SIGKILL");
  await child.status;
  const saved = (await loadRows(path)).length;
  assert.ok(saved >= 4 && saved < 40, `${saved} rows saved before the kill`);

  const resumed = await runSweep(options(dir, { experiment: SLOW, seed: 1, workers: 4 }));
  assert.equal(resumed.reused, saved);
  assert.equal(resumed.computed, 40 - saved);
  assert.equal(resumed.rows.length, 40);
  const ids = jsonLines(path).map((l) => JSON.parse(l).point_id);
  assert.equal(ids.length, 40);
  assert.equal(new Set(ids).size, 40);
});

Deno.test("runSweep() runs only its shard, and the shards together cover the grid once", async () => {
  const dir = await Deno.makeTempDir();
  const seen: unknown[] = [];
  for (let index = 1; index <= 4; index++) {
    const result = await runSweep(
      options(`${dir}/${index}`, { size: "full", shard: { index, count: 4 } }),
    );
    seen.push(...result.rows.map((r) => r.point_id));
  }
  assert.equal(seen.length, DEMO.grids.full.length);
  assert.equal(new Set(seen).size, DEMO.grids.full.length);
});

Deno.test("runSweep() stops with a SweepError naming the failing point and keeps earlier rows", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => runSweep(options(dir, { experiment: BROKEN })),
    (error: unknown) => {
      assert.ok(error instanceof SweepError);
      assert.match(error.message, /experiment "broken" failed at point x=2: x must not be 2/);
      assert.match(error.workerStack ?? "", /x must not be 2/);
      return true;
    },
  );
  // One Worker runs the single cell in order: x = 0 and 1 finished before x = 2 failed.
  assert.deepEqual((await loadRows(`${dir}/broken.jsonl`)).map((r) => r.x), [0, 1]);
});

Deno.test("runSweep() refuses a point that does not fit the parameters before any Worker starts, in one line", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => runSweep(options(dir, { experiment: MALFORMED })),
    (error: unknown) => {
      assert.ok(error instanceof SweepError);
      assert.equal(
        error.message,
        'experiment "malformed": parameter "x" must be an integer, got "2"',
      );
      return true;
    },
  );
  assert.deepEqual(await loadRows(`${dir}/malformed.jsonl`), [], "no point ran");
});

Deno.test("runSweep() rejects a row that is not flat, not finite or clashes with a parameter", async () => {
  for (
    const [experiment, pattern] of [
      [INVALID.clash, /field "x" clashes with a parameter or provenance field/],
      [INVALID.nested, /field "inner" is \[object Object\], not a finite number/],
      [INVALID.nan, /field "v" is NaN, not a finite number/],
    ] as const
  ) {
    const dir = await Deno.makeTempDir();
    await assert.rejects(
      () => runSweep(options(dir, { experiment })),
      (error: unknown) => error instanceof SweepError && pattern.test(error.message),
    );
  }
});

Deno.test("runSweep() runs every point once per seed, a point's seeds together, each its own row and id", async () => {
  const dir = await Deno.makeTempDir();
  const result = await runSweep(options(dir, { seeds: 3 }));
  assert.equal(result.points, 18);
  assert.deepEqual(result.rows.slice(0, 3).map((r) => [r.x, r.seed, r.y]), [
    [1, 7, 8],
    [1, 8, 9],
    [1, 9, 10],
  ]);
  const ids = result.rows.map((r) => r.point_id);
  assert.equal(new Set(ids).size, 18);
  assert.equal(result.rows[1].point_id, pointId("demo", DEMO.grids.quick[0], 8, cost));
  // The first seed's rows are the rows of a one-seed sweep.
  const one = await runSweep(options(await Deno.makeTempDir()));
  assert.deepEqual(result.rows.filter((r) => r.seed === 7), one.rows);
});

Deno.test("runSweep() shards of a many-seed sweep cover every run once", async () => {
  const dir = await Deno.makeTempDir();
  const seen: string[] = [];
  for (let index = 1; index <= 4; index++) {
    const part = await runSweep(options(dir, { seeds: 2, shard: { index, count: 4 } }));
    seen.push(...part.rows.map((r) => `${r.x}/${r.label}/${r.seed}`));
  }
  assert.equal(seen.length, 12);
  assert.equal(new Set(seen).size, 12);
});

Deno.test("runSweep() runs an experiment with a run module from that module alone, not the registry", async () => {
  const dir = await Deno.makeTempDir();
  const result = await runSweep(options(dir, { experiment: LIGHT }));
  assert.deepEqual(result.rows.map((r) => [r.x, r.y, r.registry_loaded]), [
    [1, 17, false],
    [2, 27, false],
    [3, 37, false],
  ]);
});

Deno.test("runSweep() goes on with a piece of the same cell in the Worker that ran the last, never another cell's", async () => {
  // Two Workers, cell "a" cut into three pieces of four and "b" one piece:
  // whichever Worker finishes its piece of "a" first runs the third.
  const dir = await Deno.makeTempDir();
  const result = await runSweep(options(dir, { experiment: CELLED }));
  assert.equal(result.rows.length, 16);
  for (const row of result.rows) {
    assert.equal(row.worker_first_cell, (row.x as number) < 12 ? "a" : "b", `x=${row.x}`);
  }
  assert.equal(Math.max(...result.rows.map((row) => row.worker_points as number)), 8);
  const one = await runSweep(options(await Deno.makeTempDir(), { experiment: CELLED, workers: 1 }));
  assert.deepEqual(one.rows.map((row) => row.worker_points), [
    ...Array.from({ length: 12 }, (_, i) => i + 1),
    1,
    2,
    3,
    4,
  ]);
});

Deno.test("runSweep() fails in one line when the run module has no such function", async () => {
  const dir = await Deno.makeTempDir();
  const error = await runSweep(options(dir, { experiment: MISNAMED })).catch((e) => e);
  assert.ok(error instanceof SweepError);
  assert.match(
    error.message,
    /^experiment "misnamed" could not load its run: file:.*fixture_run\.ts has no function export "notARun"$/,
  );
});
