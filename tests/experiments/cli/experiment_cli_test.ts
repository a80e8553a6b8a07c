import assert from "node:assert/strict";
import type { Experiment } from "../../../experiments/experiment.ts";
import { DEMO, EXPERIMENTS, FIXTURE_REGISTRY_URL } from "../fixtures/fixture_registry.ts";
import { experimentCli, oneLine, runScript } from "./_cli.ts";

/** Runs the CLI over the fixture registry (or another), capturing stdout lines and stderr text. */
function cli(args: string[], registry: Readonly<Record<string, Experiment>> = EXPERIMENTS) {
  return experimentCli(args, { registry, registryUrl: FIXTURE_REGISTRY_URL });
}

/** A small valid lackey trace in a temporary file (the fixture experiments never replay it). */
const TRACE = await Deno.makeTempFile({ suffix: ".lackey" });
await Deno.writeTextFile(TRACE, "I  04000000,3\n L 7ff000398,8\n S 04016b00,8\n");

function oneErrorLine(err: string): string {
  const line = oneLine(err);
  assert.match(line, /^error: /);
  return line;
}

Deno.test("runCli() rejects bad command lines with one line and exit code 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["nope"], /Unknown experiment "nope"; known experiments: demo, slow/],
    [["--bogus"], /unknown option "--bogus" \(see --help\)/],
    [["demo", "--quick", "--full"], /--quick and --full exclude each other/],
    [
      ["demo", "--trace", "/nonexistent/t.lackey"],
      /--trace "\/nonexistent\/t\.lackey": cannot read it/,
    ],
    [["slow", "--trace", "deno.json"], /--trace: slow cannot replay traces/],
    [["demo", "--seed", "x"], /--seed: expected an integer >= 0, got "x"/],
    [["demo", "--seed", "1.5"], /--seed: expected an integer >= 0/],
    [["demo", "--workers", "0"], /--workers: expected an integer >= 1, got "0"/],
    [["demo", "--seeds", "0"], /--seeds: expected an integer >= 1, got "0"/],
    [["merge", "/tmp", "--seeds", "2"], /merge: --seeds does not apply to merge/],
    [["demo", "--shard", "5/4"], /--shard: expected K\/N with 1 <= K <= N/],
    [["demo", "--shard", "0/4"], /--shard: expected K\/N/],
    [
      ["demo", "--profile", "zen9"],
      /Cannot use cost profile "zen9": no such profile; known profiles/,
    ],
    [
      ["demo", "--profile", "/no/such/profile.json"],
      /Cannot use cost profile "\/no\/such\/profile.json": no such file/,
    ],
    [["merge"], /merge: name at least one output folder/],
    [["merge", "/no/such/dir"], /merge: "\/no\/such\/dir" is not a folder/],
  ];
  for (const [args, pattern] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, err } = await cli(args);
      assert.equal(code, 2);
      assert.match(oneErrorLine(err), pattern);
    });
  }
});

Deno.test("runCli() names the file and field of an invalid profile file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mine.json`;
  await Deno.writeTextFile(path, JSON.stringify({ tlb: { l2: { ways: -3 } } }));
  const bad = await cli(["demo", "--profile", path]);
  assert.equal(bad.code, 2);
  assert.match(oneErrorLine(bad.err), new RegExp(`"${path}": field "tlb.l2.ways"`));
  await Deno.writeTextFile(path, "{ not json");
  const broken = await cli(["demo", "--profile", path]);
  assert.equal(broken.code, 2);
  assert.match(oneErrorLine(broken.err), /invalid JSON/);
});

Deno.test("runCli() runs with a profile file and records its name in every row", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mine.json`;
  await Deno.writeTextFile(path, JSON.stringify({ name: "mine", baseCyclesPerAccess: 2 }));
  const { code } = await cli(["demo", "--out", dir, "--profile", path]);
  assert.equal(code, 0);
  const record = JSON.parse(await Deno.readTextFile(`${dir}/demo.json`));
  assert.equal(record.profile.name, "mine");
  assert.ok(
    record.rows.every((r: { profile: string; base_cycles: number }) =>
      r.profile === "mine" && r.base_cycles === 2
    ),
  );
});

Deno.test("runCli() --list prints every experiment with its question", async () => {
  const { code, out } = await cli(["--list"]);
  assert.equal(code, 0);
  const text = out.join("\n");
  for (const experiment of Object.values(EXPERIMENTS)) {
    assert.ok(text.includes(experiment.id) && text.includes(experiment.question), experiment.id);
  }
});

Deno.test("runCli() --help prints the usage and exits 0", async () => {
  const { code, out } = await cli(["--help"]);
  assert.equal(code, 0);
  assert.match(out.join("\n"), /--shard K\/N/);
});

Deno.test("runCli() writes the report files and names the index page last", async () => {
  const dir = await Deno.makeTempDir();
  const { code, out, err } = await cli(["demo", "--out", dir, "--workers", "2"]);
  assert.equal(code, 0, err);
  for (const file of ["demo.jsonl", "demo.json", "demo.csv", "demo.html", "index.html"]) {
    assert.ok((await Deno.stat(`${dir}/${file}`)).isFile, file);
  }
  assert.equal(out.at(-2), `Open ${dir}/index.html`);
  assert.match(out.at(-1) ?? "", /^ {2}file:\/\/\/.*\/index\.html$/);
  assert.match(err, /^demo: 6 points\n(demo \d\/6 .*\n){6}$/);
  const index = await Deno.readTextFile(`${dir}/index.html`);
  assert.ok(index.includes('href="demo.html"'));
});

Deno.test("runCli() --full runs the full grid over 3 seeds and the default runs the experiment's default grid once", async () => {
  const dir = await Deno.makeTempDir();
  await cli(["demo", "--out", `${dir}/a`, "--full"]);
  await cli(["demo", "--out", `${dir}/b`]);
  const full = JSON.parse(await Deno.readTextFile(`${dir}/a/demo.json`));
  assert.equal(full.rows.length, 36);
  assert.equal(full.seeds, 3);
  assert.deepEqual(full.rows.slice(0, 3).map((r: { seed: number }) => r.seed), [1, 2, 3]);
  assert.match(full.command, / --seeds 3/);
  const quick = JSON.parse(await Deno.readTextFile(`${dir}/b/demo.json`));
  assert.equal(quick.rows.length, 6);
  assert.equal(quick.seeds, undefined);
});

Deno.test("runCli() --seeds runs every point that many times and the report shows the mean and the seeds", async () => {
  const dir = await Deno.makeTempDir();
  const { code, out } = await cli(["demo", "--out", dir, "--seed", "5", "--seeds", "2"]);
  assert.equal(code, 0);
  assert.match(out[0], /^demo: 12 of 12 rows \(12 computed, 0 resumed\)/);
  const record = JSON.parse(await Deno.readTextFile(`${dir}/demo.json`));
  assert.deepEqual(record.rows.slice(0, 2).map((r: { y: number }) => r.y), [1 + 5, 1 + 6]);
  // The headline sees the mean over seeds: the largest y is 3² + 5.5.
  assert.match(record.headline, /The largest y is 14\.5 /);
  const page = await Deno.readTextFile(`${dir}/demo.html`);
  assert.ok(page.includes("5 to 6 (each point runs 2 times"));
  assert.ok(page.includes("2 seeds per point"));
  // Asking for a third seed later computes only the new runs.
  const more = await cli(["demo", "--out", dir, "--seed", "5", "--seeds", "3"]);
  assert.match(more.out[0], /\(6 computed, 12 resumed\)/);
});

Deno.test("runCli() exits 1 with the failing point when an experiment fails", async () => {
  const dir = await Deno.makeTempDir();
  const { code, err } = await cli(["broken", "--out", dir]);
  assert.equal(code, 1);
  assert.match(err, /error: experiment "broken" failed at point x=2: x must not be 2/);
});

Deno.test("runCli() exits 1 with one line naming experiment and parameter for a point that does not fit", async (t) => {
  await t.step("in a sweep", async () => {
    const { code, err } = await cli(["malformed", "--out", await Deno.makeTempDir()]);
    assert.equal(code, 1);
    assert.equal(
      oneErrorLine(err),
      'error: experiment "malformed": parameter "x" must be an integer, got "2"',
    );
  });
  await t.step("in a merge, where withTraces() reads the grid", async () => {
    const dir = await Deno.makeTempDir();
    assert.equal((await cli(["demo", "--trace", TRACE, "--out", dir])).code, 0);
    const drifted = { ...DEMO, grids: { ...DEMO.grids, quick: [{ label: 7, x: 1 }] } };
    const { code, err } = await cli(["merge", dir, "--out", `${dir}/merged`], { demo: drifted });
    assert.equal(code, 1);
    assert.equal(
      oneErrorLine(err),
      'error: experiment "demo": parameter "label" must be a string, got 7',
    );
  });
});

Deno.test("runCli() shards merged equal the unsharded run", async () => {
  const dir = await Deno.makeTempDir();
  assert.equal((await cli(["demo", "--full", "--out", `${dir}/whole`, "--seed", "3"])).code, 0);
  for (const shard of ["1/3", "2/3", "3/3"]) {
    const n = shard[0];
    assert.equal(
      (await cli(["demo", "--full", "--out", `${dir}/s${n}`, "--seed", "3", "--shard", shard]))
        .code,
      0,
    );
  }
  // A partial shard report says it is partial.
  const partial = JSON.parse(await Deno.readTextFile(`${dir}/s2/demo.json`));
  assert.equal(partial.shard, "2/3");
  assert.equal(partial.rows.length, 12);

  const merged = await cli([
    "merge",
    `${dir}/s3`,
    `${dir}/s1`,
    `${dir}/s2`,
    "--out",
    `${dir}/merged`,
  ]);
  assert.equal(merged.code, 0, merged.err);
  assert.match(merged.out[0], /^demo: 36 of 36 rows → /);
  assert.equal(
    await Deno.readTextFile(`${dir}/merged/demo.csv`),
    await Deno.readTextFile(`${dir}/whole/demo.csv`),
  );
  const whole = JSON.parse(await Deno.readTextFile(`${dir}/whole/demo.json`));
  const joined = JSON.parse(await Deno.readTextFile(`${dir}/merged/demo.json`));
  assert.deepEqual(joined.rows, whole.rows);
  assert.equal(joined.missing, 0);
  assert.equal(joined.shard, undefined);
  assert.equal(joined.headline, whole.headline);
  // The merged folder resumes like any output folder: nothing left to compute.
  const resumed = await cli(["demo", "--full", "--seed", "3", "--out", `${dir}/merged`]);
  assert.match(resumed.out[0], /\(0 computed, 36 resumed\)/);
});

Deno.test("runCli() shards of a sweep with --trace merge with their trace points", async () => {
  const dir = await Deno.makeTempDir();
  const trace = await Deno.realPath(TRACE);
  const run = (out: string, more: string[]) =>
    cli(["demo", "--full", "--seed", "3", "--trace", TRACE, "--out", out, ...more]);
  assert.equal((await run(`${dir}/whole`, [])).code, 0);
  const whole = JSON.parse(await Deno.readTextFile(`${dir}/whole/demo.json`));
  assert.equal(whole.rows.length, 39);
  assert.deepEqual(whole.traces, [trace]);
  for (const shard of ["1/2", "2/2"]) {
    assert.equal((await run(`${dir}/s${shard[0]}`, ["--shard", shard])).code, 0);
  }
  const merged = await cli(["merge", `${dir}/s1`, `${dir}/s2`, "--out", `${dir}/merged`]);
  assert.equal(merged.code, 0, merged.err);
  assert.match(merged.out[0], /^demo: 39 of 39 rows → /);
  const joined = JSON.parse(await Deno.readTextFile(`${dir}/merged/demo.json`));
  assert.deepEqual(joined.rows, whole.rows);
  assert.deepEqual(joined.traces, [trace]);
});

Deno.test("runCli() merge refuses folders of different sweeps", async () => {
  const dir = await Deno.makeTempDir();
  await cli(["demo", "--out", `${dir}/a`, "--seed", "1"]);
  await cli(["demo", "--out", `${dir}/b`, "--seed", "2"]);
  const { code, err } = await cli(["merge", `${dir}/a`, `${dir}/b`, "--out", `${dir}/m`]);
  assert.equal(code, 2);
  assert.match(oneErrorLine(err), /differ in seed; only runs of the same sweep can be merged/);
});

Deno.test("the experiment command prints one error line without a stack trace and exits 2", async () => {
  const script = new URL("../fixtures/run_fixture_cli.ts", import.meta.url);
  const { code, err } = await runScript(script, ["demo", "--frobnicate"], { permissions: ["-A"] });
  assert.equal(code, 2);
  assert.match(oneErrorLine(err), /unknown option "--frobnicate" \(see --help\)/);
});

Deno.test("runCli() merge refuses shards of different grids, profiles, versions or commits in one line", async (t) => {
  const dir = await Deno.makeTempDir();
  const shard = (name: string, ...more: string[]) =>
    cli(["demo", "--shard", "1/2", "--out", `${dir}/${name}`, ...more]);
  const other = (name: string, ...more: string[]) =>
    cli(["demo", "--shard", "2/2", "--out", `${dir}/${name}`, ...more]);
  assert.equal((await shard("base")).code, 0);
  /** Rewrites the record and rows of a finished shard, as another vmlab would have written them. */
  async function edit(name: string, change: (value: Record<string, unknown>) => void) {
    const json = `${dir}/${name}/demo.json`;
    const record = JSON.parse(await Deno.readTextFile(json));
    change(record);
    await Deno.writeTextFile(json, JSON.stringify(record));
    const jsonl = `${dir}/${name}/demo.jsonl`;
    const rows = (await Deno.readTextFile(jsonl)).trimEnd().split("\n").map((l) => JSON.parse(l));
    for (const row of rows) change(row);
    await Deno.writeTextFile(jsonl, rows.map((r) => JSON.stringify(r) + "\n").join(""));
  }
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ["grid", () => other("grid", "--full"), /differ in grid \(--quick or --full\)/],
    ["profile", () => other("profile", "--profile", "amd-zen3"), /differ in profile/],
    ["seeds", () => other("seeds", "--seeds", "2"), /differ in seeds/],
    [
      "version",
      async () => {
        await other("version");
        await edit("version", (v) => {
          v.vmlab_version = "9.9.9";
        });
      },
      /differ in vmlab version \(9\.9\.9 and 0\.\d+\.\d+\)/,
    ],
    [
      "commit",
      async () => {
        await other("commit");
        await edit("commit", (v) => {
          v.git_commit = "a".repeat(40);
        });
        await edit("base", (v) => {
          v.git_commit = "b".repeat(40);
        });
      },
      /differ in git commit \(aaaaaaaaaaaa and bbbbbbbbbbbb\)/,
    ],
  ];
  for (const [name, make, pattern] of cases) {
    await t.step(name, async () => {
      await make();
      const { code, err } = await cli([
        "merge",
        `${dir}/base`,
        `${dir}/${name}`,
        "--out",
        `${dir}/m`,
      ]);
      assert.equal(code, 2, err);
      assert.match(oneErrorLine(err), pattern);
    });
  }
  await t.step("rows of two versions in one folder", async () => {
    const jsonl = `${dir}/version/demo.jsonl`;
    const lines = (await Deno.readTextFile(jsonl)).trimEnd().split("\n");
    const first = JSON.parse(lines[0]);
    first.vmlab_version = "0.0.1";
    lines[0] = JSON.stringify(first);
    await Deno.writeTextFile(jsonl, lines.join("\n") + "\n");
    const { code, err } = await cli(["merge", `${dir}/version`, "--out", `${dir}/m2`]);
    assert.equal(code, 2, err);
    assert.match(oneErrorLine(err), /the rows of demo come from vmlab versions/);
  });
});
