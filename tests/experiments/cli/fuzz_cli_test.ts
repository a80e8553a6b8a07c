/**
 * Bad input never crashes: random command lines — the commands' real option
 * names (read from their --help) with valid and invalid values, junk words,
 * files of random bytes as traces and profiles — fed to `sim`, `state` and
 * `experiment`. Every run must succeed, or print exactly one line on stderr
 * and exit 2: never a stack trace, never another exit code. The commands run
 * in this process (their main functions, output captured), a few as
 * processes for what only a process has (stdin).
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { main as simMain } from "../../../experiments/cli/sim_cli.ts";
import { main as stateMain } from "../../../experiments/cli/state_cli.ts";
import { DEMO, FIXTURE_REGISTRY_URL } from "../fixtures/fixture_registry.ts";
import { captureMain, experimentCli, type Output, runScript } from "./_cli.ts";

const DIR = await Deno.makeTempDir({ prefix: "vmlab-fuzz-" });

/** The options a help text names, but valgrind's, which it quotes. */
function helpOptions(help: string): string[] {
  const valgrind = ["--tool", "--trace-mem", "--help"];
  return [...new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? [])].filter((o) => !valgrind.includes(o));
}

/** The options a command's --help lists. */
async function optionNames(main: (args: string[]) => Promise<number>): Promise<string[]> {
  const { out } = await captureMain(main, ["--help"]);
  return helpOptions(out);
}

async function experimentHelp(): Promise<string[]> {
  const { out } = await experimentCli(["--help"]);
  return helpOptions(out.join("\n"));
}

const SIM_OPTIONS = await optionNames(simMain);
const STATE_OPTIONS = await optionNames(stateMain);
const EXPERIMENT_OPTIONS = await experimentHelp();

// Values each kind of option takes, and the mistakes users make with them. Valid sizes
// and counts stay small, so that a run that succeeds is quick.
const VALUES = [
  ...["0", "1", "2", "4", "8", "64", "512", "0.5", "1e3", "-1", "-5", "-0.5", "1.5", "NaN"],
  ...["16M", "1M", "4K", "64K", "2P", "-64M", "1x", "12Q", "on", "off", "yes", "true"],
  ...["native", "nested", "shadow", "os", "first-touch", "all", "baseline", "batch,lazy-flags"],
  ...["zipf", "random", "build", "4k", "2m", "1g", "opportunistic", "opportunistic+promote"],
  ...["intel-skylake-sp", "amd-zen3", "nvme-ssd", "10gbe", "1/2", "2/2", "auto", "auto/2", "3/2"],
  ...["l1-4k=64x4", "l2=0", "l2=10x3", "concurrent-cow", "lazy", "pre-copy", "remus", "inline"],
  ...["", " ", "'", '"', "a\nb", "--", "=", "\u00e9\u{1F600}", "x".repeat(300)],
];

const JUNK = ["-x", "--", "--=", "-h", "---", "--no-json", "merge", "snapshot", "demo", "zz"];

/** Files of random bytes (and of random JSON) as traces, profiles and output folders. */
const FILES = fc.record({
  bytes: fc.uint8Array({ maxLength: 300 }),
  json: fc.oneof(
    fc.json({ maxDepth: 2 }),
    fc.constantFrom('{"bogus": 1}', '{"queueDepth": -1}', "[1]", '"nvme-ssd"', "{}", "null"),
  ),
  lackey: fc.array(
    fc.constantFrom("I  04000000,3", " L 7ff000398,8", " S 04016b00,8", " M 1000,4", "==1== x"),
    { maxLength: 6 },
  ),
});

type Files = { bytes: Uint8Array; json: string; lackey: string[] };

let runId = 0;

/** Writes one run's files; returns the paths the fuzzer may name. */
async function writeFiles(files: Files): Promise<string[]> {
  const base = `${DIR}/r${runId++}`;
  await Deno.mkdir(base);
  const paths = {
    raw: `${base}/raw.lackey`,
    gz: `${base}/raw.lackey.gz`,
    json: `${base}/p.json`,
    rawJson: `${base}/raw.json`,
    lackey: `${base}/t.lackey`,
  };
  await Deno.writeFile(paths.raw, files.bytes);
  await Deno.writeFile(paths.gz, files.bytes);
  await Deno.writeTextFile(paths.json, files.json);
  await Deno.writeFile(paths.rawJson, files.bytes);
  await Deno.writeTextFile(paths.lackey, files.lackey.join("\n"));
  return [
    ...Object.values(paths),
    `${base}/out`,
    `${base}/raw.lackey/out`,
    "/proc/x",
    "/etc/hostname",
    `${base}/missing.lackey`,
    base,
  ];
}

/**
 * Values that fit an option, so that a good share of the command lines reach
 * past the first check (`@fileN` is the run's N-th path: 0-1 random bytes as a
 * trace, 2 random JSON, 4 a lackey-like trace, 5-6 output folders, 7
 * /proc/x, 8 an existing file).
 */
const FITTING: Readonly<Record<string, readonly string[]>> = {
  "--out": ["@file5", "@file6", "@file7", "@file8", "@file0"],
  "--trace": ["@file0", "@file1", "@file4", "@file4", "@file9"],
  "--profile": ["@file2", "@file3", "amd-zen3"],
  "--storage": ["@file2", "nvme-ssd", "sata-ssd"],
  "--link": ["@file2", "10gbe", "1gbe"],
  "--shard": ["1/2", "2/2", "auto", "3/2"],
  "--seed": ["1", "2", "-1"],
  "--seeds": ["1", "2", "0"],
  "--workers": ["1", "2", "-1"],
  "--mode": ["native", "nested", "shadow"],
  "--method": ["concurrent-cow", "lazy", "pre-copy", "remus", "inline", "stop-and-copy"],
  // Flags: "@none" is the option alone.
  "--quick": ["@none"],
  "--full": ["@none"],
  "--fresh": ["@none"],
  "--json": ["@none"],
  "--instructions": ["@none"],
};

/** A command line: options with values (or without), junk, and the paths of the run's files. */
function argv(options: readonly string[]) {
  const anyValue = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...VALUES) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 9 }).map((i) => `@file${i}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const pair = fc.constantFrom(...options).chain((option) =>
    (Object.hasOwn(FITTING, option)
      ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FITTING[option]) }, anyValue)
      : anyValue).map((value) => value === "@none" ? [option] : [option, value])
  );
  const item = fc.oneof(
    { weight: 12, arbitrary: pair },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...options)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...JUNK)) },
    { weight: 1, arbitrary: fc.tuple(anyValue) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...options).map((o) => `${o}=-1`)) },
  );
  return fc.array(item, { maxLength: 4 }).map((items) => items.flat());
}

/** How the runs of a property ended, to check that it reaches past the first checks. */
class Outcomes {
  ok = 0;
  failed = 0;
  /** Both kinds happened: the command lines reach past the parser, and mistakes are found. */
  check(): void {
    assert.ok(this.ok > 0 && this.failed > 0, `${this.ok} succeeded, ${this.failed} failed`);
  }
  count(result: Output): Output {
    if (result.code === 0) this.ok++;
    else this.failed++;
    return result;
  }
}

/** `@fileN` words become the run's paths; stdin ("-") is left to the spawned runs. */
function resolve(words: readonly string[], paths: readonly string[]): string[] {
  return words.map((w) => /^@file\d$/.test(w) ? paths[Number(w.slice(5)) % paths.length] : w)
    .filter((w) => w !== "-" && !w.endsWith("=-"));
}

/** Success, or one line on stderr and exit code 2, without a stack trace. */
function assertClean(command: string, args: readonly string[], result: Output): void {
  const where = `${command} ${JSON.stringify(args)}`;
  if (result.code === 0) return;
  assert.equal(result.code, 2, `${where}: exit ${result.code}\n${result.err}`);
  const lines = result.err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${where}: ${lines.length} lines on stderr:\n${result.err}`);
  assert.doesNotMatch(result.err, /\bat .*\.(ts|js):\d+|Uncaught|undefined|\[object/, where);
  assert.ok(lines[0].length > 0, `${where}: an empty error line`);
}

/** Runs main() and turns an escaped exception into a failure that shows the command. */
async function inProcess(
  command: string,
  main: (args: string[]) => Promise<number>,
  args: string[],
): Promise<Output> {
  try {
    return await captureMain(main, args);
  } catch (error) {
    throw new Error(`${command} ${JSON.stringify(args)} threw: ${(error as Error).stack}`);
  }
}

const RUNS = 200;
/** Fixed for CI; VMLAB_FUZZ_SEED=N explores other command lines. */
const SEED = Number(Deno.env.get("VMLAB_FUZZ_SEED") ?? 17);

Deno.test("sim: random command lines succeed or fail in one line with exit 2", async () => {
  // Small runs first: the fuzzer's own --accesses, --footprint or --warmup come later and win.
  const base = ["--accesses", "200", "--warmup", "0", "--footprint", "1M"];
  const outcomes = new Outcomes();
  await fc.assert(
    fc.asyncProperty(argv(SIM_OPTIONS), FILES, async (words, files) => {
      const args = [...base, ...resolve(words, await writeFiles(files))];
      assertClean("sim", args, outcomes.count(await inProcess("sim", simMain, args)));
    }),
    { numRuns: RUNS, seed: SEED },
  );
  outcomes.check();
});

Deno.test("state: random command lines succeed or fail in one line with exit 2", async () => {
  const phases = ["snapshot", "restore", "migrate", "fork", "replicate", "bus", "nope"];
  const outcomes = new Outcomes();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...phases),
      argv(STATE_OPTIONS),
      FILES,
      async (phase, words, files) => {
        const small = phase === "bus" ? ["--messages", "50"] : ["--memory", "16M"];
        const args = [phase, ...small, ...resolve(words, await writeFiles(files))];
        assertClean("state", args, outcomes.count(await inProcess("state", stateMain, args)));
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
  outcomes.check();
});

Deno.test("experiment: random command lines succeed or fail in one line with exit 2", async () => {
  const main = async (args: string[]): Promise<number> => {
    const { code, err } = await experimentCli(args, {
      registry: { demo: DEMO },
      registryUrl: FIXTURE_REGISTRY_URL,
    });
    // Progress lines are not errors: what counts is the error output after them.
    if (code !== 0) {
      console.error(err.trimEnd().split("\n").filter((l) => !/^demo\b/.test(l)).join("\n"));
    }
    return code;
  };
  const outcomes = new Outcomes();
  // A relative --out lands in the temporary folder, not in the checkout.
  const cwd = Deno.cwd();
  Deno.chdir(DIR);
  try {
    await fc.assert(
      fc.asyncProperty(argv(EXPERIMENT_OPTIONS), FILES, async (words, files) => {
        const paths = await writeFiles(files);
        const args = ["--out", `${paths[5]}`, ...resolve(words, paths)];
        assertClean("experiment", args, outcomes.count(await inProcess("experiment", main, args)));
      }),
      { numRuns: 60, seed: SEED },
    );
  } finally {
    Deno.chdir(cwd);
  }
  outcomes.check();
});

Deno.test("sim --trace - with random bytes on stdin, as a process: success or one line", async () => {
  const script = new URL("../../../experiments/cli/sim_cli.ts", import.meta.url);
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
      const text = new TextDecoder().decode(bytes);
      const result = await runScript(script, ["--trace", "-"], { stdin: text });
      assertClean("sim", ["--trace", "-"], result);
    }),
    { numRuns: 3, seed: SEED },
  );
});

Deno.test("fuzz: clean up", async () => {
  await Deno.remove(DIR, { recursive: true });
});
