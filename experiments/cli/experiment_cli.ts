/**
 * `deno task experiment`: runs registered experiments as resumable,
 * shardable sweeps in Web Workers and writes self-contained HTML reports,
 * CSV and JSON to an output folder; `merge` joins shard outputs.
 *
 * @module
 */

import type { Experiment, GridSize } from "../experiment.ts";
import { resolveProfile } from "./profile_option.ts";
import { createProgress, formatDuration, type ProgressStream } from "../sweep/progress.ts";
import { gitCommit, VMLAB_VERSION } from "../sweep/provenance.ts";
import { EXPERIMENTS } from "../registry.ts";
import { formatShard, resolveShard, type Shard, SHARD_COUNT_VARIABLE } from "../sweep/shard.ts";
import { runSweep, SweepError } from "../sweep/run_sweep.ts";
import { DEFAULT_SEEDS } from "../sweep/grid.ts";
import { UsageError } from "./usage_error.ts";
import { parseCommandLine } from "./command_line.ts";
import { checkOutDir, fileProblem } from "./out_dir.ts";
import { readTrace } from "./trace_file.ts";
import { experimentTraceFormat } from "../trace_workload.ts";
import { TraceError } from "../../core/workload/lackey.ts";
import { PointError } from "../parameters.ts";

// The report writer brings Observable Plot and linkedom: loaded while the
// first sweep runs rather than before it starts, its Workers busy meanwhile.
const loadReportWriter = () => import("../sweep/report_writer.ts");

/** Default output folder. */
export const DEFAULT_OUT_DIR = "reports/out";

/** Default seed. */
export const DEFAULT_SEED = 1;

const HELP = `Usage:
  deno task experiment [ID...] [options]     run experiments (all of them when no ID is given)
  deno task experiment merge DIR... [--out DIR]
                                             join the outputs of shards into one report
  deno task experiment --list                list the experiments and their questions

Options:
  --quick            run the quick grid (a first look, well under a minute)
  --full             run the full grid (publication-grade; can take long)
                     (neither: each experiment's default grid)
  --out DIR          output folder (default ${DEFAULT_OUT_DIR})
  --seed N           seed of every point's first run, a non-negative integer (default ${DEFAULT_SEED})
  --seeds N          runs of every point, with seeds from --seed up: reports show the mean and spread
                     (default ${DEFAULT_SEEDS.quick} for the quick grid, ${DEFAULT_SEEDS.full} for the full grid)
  --workers N        Web Workers run at once (default: the number of cores)
  --profile NAME|PATH
                     cost profile by name, or a JSON profile file (default: the default profile)
  --shard K/N        run only the K-th of N slices of each grid, for batch schedulers
  --shard auto[/N]   the slice from a SLURM array job (SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP,
                     _COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with N or
                     ${SHARD_COUNT_VARIABLE} the shard count); see examples/
  --trace PATH       also replay this trace: valgrind lackey, ChampSim (.champsim, .champsimtrace) or vmtrace
                     as a workload, in experiments that can (large-pages); repeatable
  --fresh            discard rows already in the output folder instead of resuming
  --list             list the experiments
  -h, --help         show this help

Finished points are appended to DIR/ID.jsonl as they finish: run an interrupted
command again to resume it. Progress goes to stderr; open DIR/index.html when done.
`;

/** Injected I/O of {@linkcode runCli}, for tests. */
export interface CliOptions {
  /** Experiments by id. Default the registry {@linkcode EXPERIMENTS}. */
  registry?: Readonly<Record<string, Experiment>>;
  /** URL of the module whose `EXPERIMENTS` export is `registry` (Workers load it). */
  registryUrl?: string;
  /** Writes one line of results. Default: to stdout. */
  print?: (line: string) => void;
  /** Stream for progress and errors. Default `Deno.stderr`. */
  stderr?: ProgressStream;
  /** Stops running sweeps (as Ctrl-C does). Default: wired to SIGINT. */
  signal?: AbortSignal;
}

function parseCount(option: string, text: string | undefined, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`--${option}: expected an integer >= ${minimum}, got "${text}"`);
  }
  return value;
}

function writeText(stream: ProgressStream, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

const OPTIONS = {
  quick: { type: "boolean" },
  full: { type: "boolean" },
  out: { type: "string" },
  seed: { type: "string" },
  seeds: { type: "string" },
  workers: { type: "string" },
  profile: { type: "string" },
  shard: { type: "string" },
  trace: { type: "string", multiple: true },
  fresh: { type: "boolean" },
  list: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * A `--trace` path made absolute (rows record it), after one streaming pass
 * through the whole trace: a bad line, a truncated `.gz` or an empty trace
 * stops the command in one line naming the file (and the line) before any
 * point runs, rather than after the points before the trace's.
 */
async function checkTrace(path: string): Promise<string> {
  let absolute: string;
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) throw new UsageError(`--trace "${path}": not a file`);
    absolute = Deno.realPathSync(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--trace "${path}": cannot read it (${fileProblem(error)})`);
  }
  let accesses = 0;
  try {
    // Read as the points will read it.
    const format = experimentTraceFormat(path);
    for await (const chunk of readTrace(path, { format })) accesses += chunk.length;
  } catch (error) {
    if (error instanceof TraceError) throw new UsageError(`--trace: ${error.message}`);
    throw error;
  }
  if (accesses === 0) throw new UsageError(`--trace "${path}": the trace has no accesses`);
  return absolute;
}

function indexLines(path: string): string[] {
  let absolute = path;
  try {
    absolute = Deno.realPathSync(path);
  } catch {
    // Keep the relative path: the folder may not be readable.
  }
  return [`Open ${path}`, `  ${new URL(`file://${absolute}`).href}`];
}

/**
 * Runs the command line and returns the exit code: 0 when done, 1 when an
 * experiment failed, 2 for a usage error, 130 when interrupted.
 *
 * @example
 * ```ts ignore
 * import { runCli } from "./experiment_cli.ts";
 * Deno.exit(await runCli(["translation", "--quick"]));
 * ```
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<number> {
  const registry = options.registry ?? EXPERIMENTS;
  const registryUrl = options.registryUrl ?? new URL("../registry.ts", import.meta.url).href;
  const print = options.print ?? ((line: string) => console.log(line));
  const stderr = options.stderr ?? Deno.stderr;
  // Control characters from user input (a newline in an id) must not break the one-line message.
  const error = (message: string): void =>
    writeText(
      stderr,
      // deno-lint-ignore no-control-regex -- control characters are exactly what must be escaped
      `error: ${message.replace(/[\x00-\x1f]/g, (c) => JSON.stringify(c).slice(1, -1))}\n`,
    );

  let controller: AbortController | undefined;
  let onSignal: (() => void) | undefined;
  try {
    const { values, positionals } = parseCommandLine(args, OPTIONS);
    if (values.help) {
      print(HELP.trimEnd());
      return 0;
    }
    if (values.list) {
      for (const experiment of Object.values(registry)) {
        print(`${experiment.id.padEnd(16)} ${experiment.title}`);
        print(`${"".padEnd(16)} ${experiment.question}`);
      }
      return 0;
    }
    const outDir = (values.out ?? DEFAULT_OUT_DIR).replace(/\/+$/, "") || "/";
    const commit = await gitCommit();

    if (positionals[0] === "merge") {
      const dirs = positionals.slice(1);
      if (dirs.length === 0) {
        throw new UsageError("merge: name at least one output folder to merge");
      }
      for (
        const option of [
          "quick",
          "full",
          "seed",
          "seeds",
          "workers",
          "profile",
          "shard",
          "trace",
          "fresh",
        ] as const
      ) {
        if (values[option] !== undefined) {
          throw new UsageError(`merge: --${option} does not apply to merge`);
        }
      }
      await checkOutDir(outDir);
      const { mergeOutputs } = await import("../sweep/merge.ts");
      const { writeIndex } = await loadReportWriter();
      const merged = await mergeOutputs(dirs, outDir, registry, { version: VMLAB_VERSION, commit });
      for (const m of merged) {
        const gap = m.rows < m.points ? ` (${m.points - m.rows} points missing)` : "";
        print(`${m.id}: ${m.rows} of ${m.points} rows${gap} → ${outDir}/${m.id}.html`);
      }
      for (const line of indexLines(await writeIndex(outDir, registry, VMLAB_VERSION))) print(line);
      return 0;
    }

    const ids = positionals.length > 0 ? positionals : Object.keys(registry);
    for (const id of ids) {
      if (!Object.hasOwn(registry, id)) {
        throw new UsageError(
          `Unknown experiment "${id}"; known experiments: ${Object.keys(registry).join(", ")}`,
        );
      }
    }
    if (values.quick && values.full) throw new UsageError("--quick and --full exclude each other");
    const chosen: GridSize | undefined = values.quick ? "quick" : values.full ? "full" : undefined;
    const seed = parseCount("seed", values.seed, 0) ?? DEFAULT_SEED;
    const seedsGiven = parseCount("seeds", values.seeds, 1);
    const workers = parseCount("workers", values.workers, 1) ??
      (navigator.hardwareConcurrency || 1);
    const shard: Shard | undefined = values.shard === undefined
      ? undefined
      : resolveShard(values.shard);
    const cost = await resolveProfile(values.profile);
    if (values.trace !== undefined) {
      const named = positionals.length > 0;
      const replaying = ids.filter((id) => registry[id].withTraces !== undefined);
      const refusing = ids.filter((id) => registry[id].withTraces === undefined);
      if (replaying.length === 0 || (named && refusing.length > 0)) {
        const able = Object.keys(registry).filter((id) => registry[id].withTraces !== undefined);
        throw new UsageError(
          `--trace: ${refusing.join(", ")} cannot replay traces; experiments that can: ${
            able.join(", ") || "none"
          }`,
        );
      }
    }

    const traces: string[] = [];
    for (const path of values.trace ?? []) traces.push(await checkTrace(path));
    await checkOutDir(outDir);

    controller = new AbortController();
    const signal = options.signal ?? controller.signal;
    if (!options.signal) {
      let interrupts = 0;
      onSignal = (): void => {
        // A second Ctrl-C leaves at once; finished rows are already on disk.
        if (++interrupts > 1) Deno.exit(130);
        controller?.abort();
      };
      Deno.addSignalListener("SIGINT", onSignal);
    }
    const progress = createProgress({ stream: stderr });
    const reportWriter = loadReportWriter();
    // Awaited after the first sweep; a failure to load is reported there, not left unhandled.
    reportWriter.catch(() => undefined);
    for (const id of ids) {
      const experiment = registry[id];
      const size = chosen ?? experiment.grids.default;
      const seeds = seedsGiven ?? DEFAULT_SEEDS[size];
      if (values.fresh) await Deno.remove(`${outDir}/${id}.jsonl`).catch(() => undefined);
      const started = performance.now();
      const result = await runSweep({
        experiment,
        registryUrl,
        size,
        seed,
        seeds,
        cost,
        outDir,
        workers,
        shard,
        traces: experiment.withTraces ? traces : [],
        version: VMLAB_VERSION,
        commit,
        progress,
        signal,
      });
      const replayed = experiment.withTraces ? traces : [];
      const command = [
        "deno task experiment",
        id,
        `--${size}`,
        `--seed ${seed}`,
        `--seeds ${seeds}`,
        `--profile ${values.profile ?? cost.name}`,
        ...(shard ? [`--shard ${formatShard(shard)}`] : []),
        ...replayed.map((t) => `--trace ${t}`),
      ].join(" ");
      const { writeExperimentReport, writeIndex } = await reportWriter;
      await writeExperimentReport(outDir, experiment, {
        size,
        seed,
        seeds,
        shard: shard ? formatShard(shard) : undefined,
        traces: replayed,
        cost,
        version: VMLAB_VERSION,
        commit,
        points: result.points,
        rows: result.rows,
        command,
      });
      const seconds = (performance.now() - started) / 1000;
      print(
        `${id}: ${result.rows.length} of ${result.points} rows (${result.computed} computed, ${result.reused} resumed) in ${
          formatDuration(seconds)
        } (${seconds.toFixed(1)} s) → ${outDir}/${id}.html`,
      );
      if (result.interrupted) {
        await writeIndex(outDir, registry, VMLAB_VERSION);
        writeText(
          stderr,
          `interrupted: ${result.rows.length} of ${result.points} points of ${id} are saved in ${outDir}/${id}.jsonl; run the same command again to resume\n`,
        );
        return 130;
      }
    }
    const { writeIndex } = await reportWriter;
    for (const line of indexLines(await writeIndex(outDir, registry, VMLAB_VERSION))) print(line);
    return 0;
  } catch (caught) {
    if (caught instanceof UsageError) {
      error(caught.message);
      return 2;
    }
    if (caught instanceof SweepError) {
      error(caught.message);
      if (caught.workerStack) writeText(stderr, caught.workerStack + "\n");
      return 1;
    }
    // A grid point that does not fit its experiment's parameters, found by
    // a typed withTraces() while merging (a sweep reports it as a
    // SweepError): the experiment's bug, as a failing run is, in one line.
    if (caught instanceof PointError) {
      error(caught.message);
      return 1;
    }
    throw caught;
  } finally {
    if (onSignal) Deno.removeSignalListener("SIGINT", onSignal);
  }
}

if (import.meta.main) Deno.exit(await runCli(Deno.args));
