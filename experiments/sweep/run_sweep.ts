/**
 * The sweep runner: runs the points of an experiment's grid (or of one shard
 * of it) in Web Workers, appends each finished row to `ID.jsonl` in the
 * output folder as it arrives, and skips points whose rows are already
 * there, so an interrupted sweep resumes where it stopped.
 *
 * @module
 */

import type { CostModel } from "../../core/cost/cost_model.ts";
import { gridOf, sweepRuns } from "./grid.ts";
import type { Experiment, GridSize, Point, Row } from "../experiment.ts";
import { PointError } from "../parameters.ts";
import type { Progress } from "./progress.ts";
import { pointId } from "./point_id.ts";
import { appendRow, loadRows, POINT_ID_KEY } from "./row_store.ts";
import { formerColumnIn } from "../columns.ts";
import { inShard, type Shard } from "./shard.ts";
import { nextJob, planJobs } from "./plan_jobs.ts";
import type { CellReply, CellRequest } from "./sweep_message.ts";

/** Fields the runner adds to every row after the parameters and measurements. */
export const PROVENANCE_KEYS: readonly string[] = [
  "seed",
  "profile",
  "vmlab_version",
  "git_commit",
  POINT_ID_KEY,
];

const WORKER_URL = new URL("./sweep_worker.ts", import.meta.url).href;

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  /** The experiment to run. */
  experiment: Experiment;
  /** URL of a module whose `EXPERIMENTS` export holds `experiment` (Workers load it). */
  registryUrl: string;
  /** Grid size to run. */
  size: GridSize;
  /** Seed of every point's first run; its other runs take the next seeds. */
  seed: number;
  /**
   * Runs of every point, with seeds `seed`, `seed + 1`, …: the spread over
   * them says how much a result owes to the seed. Default 1.
   */
  seeds?: number;
  /** Cost profile of every point. */
  cost: CostModel;
  /** Folder of `ID.jsonl`; created if missing. */
  outDir: string;
  /** Workers running at once (at least 1). */
  workers: number;
  /** Run only this slice of the grid. Default: the whole grid. */
  shard?: Shard;
  /** Traces to replay as extra workloads (see {@linkcode Experiment.withTraces}). */
  traces?: readonly string[];
  /** vmlab version recorded in each row. */
  version: string;
  /** Git commit recorded in each row, when there is one. */
  commit?: string;
  /** Progress reporter. Default: none. */
  progress?: Progress;
  /** Stops the sweep: running Workers are terminated, finished rows stay on disk. */
  signal?: AbortSignal;
}

/** What {@linkcode runSweep} did. */
export interface SweepResult {
  /** Finished rows of the selected runs, in grid order (a point's seeds in order). */
  rows: Row[];
  /** Runs selected (every point of the grid, or of the shard's slice, once per seed). */
  points: number;
  /** Runs computed by this call. */
  computed: number;
  /** Runs whose rows were already on disk. */
  reused: number;
  /** Whether the signal stopped the sweep before every run finished. */
  interrupted: boolean;
}

/** A point's run failed or returned something that is not a flat row: a bug in the experiment. */
export class SweepError extends Error {
  /** The stack inside the Worker, when there is one. */
  readonly workerStack?: string;

  /** Creates the error. */
  constructor(message: string, workerStack?: string) {
    super(message);
    this.name = "SweepError";
    this.workerStack = workerStack;
  }
}

/**
 * A short, single-line `key=value ...` description of a point; strings with
 * spaces, quotes or control characters are written as JSON strings.
 *
 * @example
 * ```ts
 * import { describePoint } from "./run_sweep.ts";
 * if (describePoint({ mode: "nested", levels: 4 }) !== "mode=nested levels=4") throw new Error();
 * if (describePoint({ label: "a b" }) !== 'label="a b"') throw new Error();
 * ```
 */
export function describePoint(point: Point): string {
  return Object.entries(point).map(([k, v]) =>
    `${k}=${typeof v === "string" && !/^[\w.:\/+-]*$/.test(v) ? JSON.stringify(v) : v}`
  ).join(" ");
}

function assembleRow(
  experiment: Experiment,
  point: Point,
  result: unknown,
  provenance: Row,
): Row {
  const where = `experiment "${experiment.id}" at point ${describePoint(point)}`;
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    throw new SweepError(`${where}: run() returned ${JSON.stringify(result)}, not a flat row`);
  }
  const row: Row = { ...point };
  for (const [key, value] of Object.entries(result)) {
    const ok = (typeof value === "number" && Number.isFinite(value)) ||
      typeof value === "string" || typeof value === "boolean";
    if (!ok) {
      throw new SweepError(
        `${where}: field "${key}" is ${String(value)}, not a finite number, string or boolean`,
      );
    }
    if (Object.hasOwn(row, key) || PROVENANCE_KEYS.includes(key)) {
      throw new SweepError(`${where}: field "${key}" clashes with a parameter or provenance field`);
    }
    row[key] = value;
  }
  return { ...row, ...provenance };
}

/**
 * The points of the sweep, each checked against the experiment's parameters
 * (when it declares them) here, once, before any Worker starts: a point that
 * does not fit — a trace point made wrong, a grid drifted from its
 * parameters — stops the sweep with the one-line message naming the
 * experiment and the parameter.
 */
function checkedGrid(
  experiment: Experiment,
  size: GridSize,
  traces: readonly string[] | undefined,
): readonly Point[] {
  try {
    const grid = gridOf(experiment, size, traces);
    if (experiment.parsePoint) { for (const point of grid) experiment.parsePoint(point); }
    return grid;
  } catch (error) {
    if (error instanceof PointError) throw new SweepError(error.message);
    throw error;
  }
}

/**
 * Runs the selected points of a grid that have no row on disk yet, a fresh
 * Worker per cell (see `Experiment.cell`; large cells cut into pieces, the
 * largest jobs first, see {@linkcode planJobs}; a Worker goes on with the
 * next piece of its cell, see {@linkcode nextJob}), at most `workers` at once,
 * and returns all finished rows of the selection in grid order.
 *
 * @example
 * ```ts ignore
 * import { runSweep } from "./run_sweep.ts";
 * import { EXPERIMENTS } from "../registry.ts";
 * const result = await runSweep({
 *   experiment: EXPERIMENTS.translation, registryUrl: new URL("../registry.ts", import.meta.url).href,
 *   size: "quick", seed: 1, cost, outDir: "reports/out", workers: 2, version: "0.1.0",
 * });
 * ```
 * @throws {SweepError} when a point does not fit the experiment's parameters, or a point's run
 * fails; rows finished before stay on disk.
 */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const { experiment, size, seed, cost } = options;
  const seeds = options.seeds ?? 1;
  const runs = sweepRuns(checkedGrid(experiment, size, options.traces), seed, seeds);
  const grid = runs.map((run) => run.point);
  const ids = runs.map((run) => pointId(experiment.id, run.point, run.seed, cost));
  const selected = grid.map((_, i) => i).filter((i) => !options.shard || inShard(i, options.shard));
  await Deno.mkdir(options.outDir, { recursive: true });
  const path = `${options.outDir}/${experiment.id}.jsonl`;
  const byId = new Map<string, Row>();
  const stored = await loadRows(path);
  const former = formerColumnIn(experiment.id, stored);
  if (former !== undefined) {
    throw new SweepError(
      `"${path}" holds rows an earlier vmlab wrote (${former}): run with --fresh to compute them again`,
    );
  }
  for (const row of stored) byId.set(row[POINT_ID_KEY] as string, row);
  const pending = selected.filter((i) => !byId.has(ids[i]));
  const reused = selected.length - pending.length;

  const cells = new Map<string, number[]>();
  const cellOf = (i: number): string => experiment.cell ? experiment.cell(grid[i]) : String(i);
  for (const i of pending) {
    const key = cellOf(i);
    const cell = cells.get(key);
    if (cell) cell.push(i);
    else cells.set(key, [i]);
  }
  const jobs = planJobs([...cells.values()], options.workers).slice();

  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  options.signal?.addEventListener("abort", onOuterAbort);
  if (options.signal?.aborted) stop.abort();
  let failure: SweepError | undefined;
  let computed = 0;
  const varying = Object.keys(grid[0] ?? {}).filter((key) =>
    selected.some((i) => grid[i][key] !== grid[selected[0]][key])
  );
  // A point may leave an optional parameter out (a trace point's accesses): not "undefined".
  const describe = (point: Point): string =>
    describePoint(
      Object.fromEntries(varying.filter((key) => key in point).map((key) => [key, point[key]])),
    );
  const label = experiment.id +
    (options.shard ? ` [shard ${options.shard.index}/${options.shard.count}]` : "");
  options.progress?.start(label, selected.length, reused);

  const fail = (error: SweepError): void => {
    failure ??= error;
    stop.abort();
  };

  /**
   * A Worker that runs jobs one after another until closed; `run` resolves
   * when its job is done, or at once when the sweep stops.
   */
  const startWorker = () => {
    const worker = new Worker(WORKER_URL, { type: "module" });
    let done: (() => void) | null = null;
    let open = true;
    const finish = (): void => {
      const resolve = done;
      done = null;
      resolve?.();
    };
    const close = (): void => {
      if (!open) return;
      open = false;
      worker.terminate();
      stop.signal.removeEventListener("abort", close);
      finish();
    };
    stop.signal.addEventListener("abort", close);
    worker.onmessage = (event: MessageEvent<CellReply>): void => {
      if (!open) return;
      const reply = event.data;
      if (reply.kind === "done") return finish();
      const point = grid[reply.index] ?? {};
      if (reply.kind === "error") {
        const where = reply.index < 0
          ? `experiment "${experiment.id}" could not load its run`
          : `experiment "${experiment.id}" failed at point ${describePoint(point)}`;
        return fail(new SweepError(`${where}: ${reply.message}`, reply.stack));
      }
      try {
        const provenance: Row = {
          seed: runs[reply.index].seed,
          profile: cost.name,
          vmlab_version: options.version,
        };
        if (options.commit !== undefined) provenance.git_commit = options.commit;
        provenance[POINT_ID_KEY] = ids[reply.index];
        const row = assembleRow(experiment, point, reply.row, provenance);
        appendRow(path, row);
        byId.set(ids[reply.index], row);
        computed++;
        options.progress?.advance(
          describe(point) + (seeds > 1 ? ` seed=${runs[reply.index].seed}` : ""),
          reply.milliseconds,
        );
      } catch (error) {
        fail(
          error instanceof SweepError ? error : new SweepError(
            `Cannot save a row of experiment "${experiment.id}" to "${path}": ${
              (error as Error).message
            }`,
          ),
        );
      }
    };
    worker.onerror = (event: ErrorEvent): void => {
      event.preventDefault();
      fail(new SweepError(`experiment "${experiment.id}": Worker failed: ${event.message}`));
    };
    const run = (indices: readonly number[]): Promise<void> =>
      new Promise((resolve) => {
        if (!open) return resolve();
        done = resolve;
        const request: CellRequest = {
          registryUrl: options.registryUrl,
          experimentId: experiment.id,
          ...(experiment.runModule ? { runModule: experiment.runModule } : {}),
          cost,
          points: indices.map((index) => ({ index, point: grid[index], seed: runs[index].seed })),
        };
        worker.postMessage(request);
      });
    return { run, close };
  };

  // Each slot runs jobs in a Worker of its own, and keeps it for the next
  // job when that is another piece of the same cell (see nextJob): a fresh
  // Worker costs its start and its warm-up, about 0.1 s.
  const slot = async (): Promise<void> => {
    let worker: ReturnType<typeof startWorker> | null = null;
    let cell: string | null = null;
    while (!stop.signal.aborted) {
      const k = nextJob(jobs, cell, cellOf);
      if (k < 0) break;
      const [job] = jobs.splice(k, 1);
      const jobCell = cellOf(job[0]);
      if (worker === null || jobCell !== cell) {
        worker?.close();
        worker = startWorker();
        cell = jobCell;
      }
      await worker.run(job);
    }
    worker?.close();
  };
  try {
    const slots = Math.max(1, Math.min(options.workers, jobs.length));
    await Promise.all(Array.from({ length: slots }, slot));
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
    options.progress?.finish();
  }
  if (failure) throw failure;
  const rows = selected.filter((i) => byId.has(ids[i])).map((i) => byId.get(ids[i]) as Row);
  return {
    rows,
    points: selected.length,
    computed,
    reused,
    interrupted: rows.length < selected.length,
  };
}
