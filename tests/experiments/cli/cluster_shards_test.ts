/**
 * A sweep run as a cluster runs it: each shard a separate process that finds
 * its slice in the environment a SLURM array job or a Kubernetes Indexed Job
 * gives it (`--shard auto`), then one merge. The merged CSV must equal the
 * unsharded run's, row for row.
 */

import assert from "node:assert/strict";
import { runCli } from "../../../experiments/cli/experiment_cli.ts";
import { experimentCli, oneLine } from "./_cli.ts";
import { EXPERIMENTS, FIXTURE_REGISTRY_URL } from "../fixtures/fixture_registry.ts";

const EXPERIMENT_CLI = new URL("../../../experiments/cli/experiment_cli.ts", import.meta.url);
const FIXTURE_CLI = new URL("../fixtures/run_fixture_cli.ts", import.meta.url);

/** Runs an experiment command line as its own process with `env` added; fails unless it exits 0. */
async function shardProcess(script: URL, args: string[], env: Record<string, string>) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `${args.join(" ")} ${JSON.stringify(env)}: ${err}`);
}

/** runCli in this process over the real registry. */
const cli = (args: string[]) => experimentCli(args);

/** Data lines of a CSV, for a row-by-row comparison that names the first row that differs. */
async function csvLines(path: string): Promise<string[]> {
  return (await Deno.readTextFile(path)).trimEnd().split("\n");
}

/** The environment SLURM gives task `id` of `sbatch --array=min-max:step`. */
function slurmTask(id: number, min: number, max: number, step: number): Record<string, string> {
  return {
    SLURM_ARRAY_JOB_ID: "4242",
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(Math.floor((max - min) / step) + 1),
  };
}

Deno.test("snapshot --quick as 3 SLURM array tasks (--array=1-5:2) merges to the unsharded CSV", async () => {
  const dir = await Deno.makeTempDir();
  const grid = ["snapshot", "--quick", "--workers", "1"];
  // The unsharded run and the three tasks, as processes at once: the cores are the limit either way.
  await Promise.all([
    shardProcess(EXPERIMENT_CLI, [...grid, "--out", `${dir}/whole`], {}),
    ...[1, 3, 5].map((id) =>
      shardProcess(EXPERIMENT_CLI, [...grid, "--shard", "auto", "--out", `${dir}/task${id}`], {
        ...slurmTask(id, 1, 5, 2),
      })
    ),
  ]);
  for (const [id, shard] of [[1, "1/3"], [3, "2/3"], [5, "3/3"]] as const) {
    const record = JSON.parse(await Deno.readTextFile(`${dir}/task${id}/snapshot.json`));
    assert.equal(record.shard, shard);
  }
  const merged = await cli([
    "merge",
    `${dir}/task5`,
    `${dir}/task1`,
    `${dir}/task3`,
    "--out",
    `${dir}/merged`,
  ]);
  assert.equal(merged.code, 0, merged.err);
  const whole = await csvLines(`${dir}/whole/snapshot.csv`);
  const joined = await csvLines(`${dir}/merged/snapshot.csv`);
  assert.ok(whole.length > 100, "the quick grid has its rows");
  assert.deepEqual(joined, whole);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an experiment as a 4-pod Kubernetes Indexed Job merges to the unsharded CSV", async () => {
  const dir = await Deno.makeTempDir();
  const grid = ["demo", "--full", "--seeds", "2"];
  await shardProcess(FIXTURE_CLI, [...grid, "--out", `${dir}/whole`], {});
  // Two pods count from VMLAB_SHARD_COUNT, two from --shard auto/4, as the job file may write it.
  await Promise.all([0, 1, 2, 3].map((index) =>
    shardProcess(
      FIXTURE_CLI,
      [...grid, "--shard", index < 2 ? "auto" : "auto/4", "--out", `${dir}/pod${index}`],
      { JOB_COMPLETION_INDEX: String(index), ...(index < 2 ? { VMLAB_SHARD_COUNT: "4" } : {}) },
    )
  ));
  const out: string[] = [];
  const code = await runCli(
    ["merge", ...[3, 1, 0, 2].map((i) => `${dir}/pod${i}`), "--out", `${dir}/merged`],
    { registry: EXPERIMENTS, registryUrl: FIXTURE_REGISTRY_URL, print: (l) => out.push(l) },
  );
  assert.equal(code, 0);
  assert.match(out[0], /^demo: 24 of 24 rows/);
  assert.deepEqual(
    await csvLines(`${dir}/merged/demo.csv`),
    await csvLines(`${dir}/whole/demo.csv`),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--shard auto outside a cluster job is one line and exit 2", async () => {
  const { code, err } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE_CLI.pathname, "demo", "--shard", "auto", "--out", "/nonexistent"],
    // Only what Deno needs: no scheduler's variables, whatever the test runs under.
    env: Object.fromEntries(
      ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"].flatMap((name) => {
        const value = Deno.env.get(name);
        return value === undefined ? [] : [[name, value]];
      }).concat([["NO_COLOR", "1"]]),
    ),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output().then((o) => ({ code: o.code, err: new TextDecoder().decode(o.stderr) }));
  assert.equal(code, 2);
  assert.match(oneLine(err), /^error: --shard auto: neither a SLURM array job/);
});
