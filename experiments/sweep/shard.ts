/**
 * Shards: deterministic slices of a grid, so one sweep spreads over many
 * machines under any batch scheduler (`--shard 3/8` on the third of eight
 * jobs) and `merge` joins the outputs. `--shard auto` takes the slice from
 * the scheduler's environment: a SLURM array job's task or a Kubernetes
 * Indexed Job's completion index.
 *
 * @module
 */

import { UsageError } from "../cli/usage_error.ts";

/** The `index`-th (1-based) of `count` slices of a grid. */
export interface Shard {
  /** Which slice, from 1 to `count`. */
  index: number;
  /** How many slices. */
  count: number;
}

/**
 * Parses `K/N` with 1 ≤ K ≤ N.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * const shard = parseShard("2/8");
 * if (shard.index !== 2 || shard.count !== 8) throw new Error();
 * ```
 * @throws {UsageError} when the text is not of that form.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count)) {
    throw new UsageError(
      `--shard: expected K/N with 1 <= K <= N (for example 2/8), or auto, got "${text}"`,
    );
  }
  return { index, count };
}

/** Reads an environment variable; `undefined` when it is not set. */
export type EnvReader = (name: string) => string | undefined;

/** The variable that gives a Kubernetes Indexed Job's shard count, when `--shard auto` has none. */
export const SHARD_COUNT_VARIABLE = "VMLAB_SHARD_COUNT";

const SLURM_ID = "SLURM_ARRAY_TASK_ID";
const K8S_INDEX = "JOB_COMPLETION_INDEX";

/** A variable that must hold a non-negative integer (or a positive one). */
function envInteger(env: EnvReader, name: string, minimum = 0): number | undefined {
  const text = env(name);
  if (text === undefined || text.trim() === "") return undefined;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(
      `--shard auto: ${name} must be an integer of at least ${minimum}, got ${
        JSON.stringify(text)
      }`,
    );
  }
  return value;
}

/** The shard of a SLURM array task: evenly spaced indices MIN, MIN + STEP, …, MAX. */
function slurmShard(env: EnvReader, given: number | undefined): Shard {
  const id = envInteger(env, SLURM_ID) as number;
  const min = envInteger(env, "SLURM_ARRAY_TASK_MIN");
  const max = envInteger(env, "SLURM_ARRAY_TASK_MAX");
  const step = envInteger(env, "SLURM_ARRAY_TASK_STEP", 1) ?? 1;
  const count = envInteger(env, "SLURM_ARRAY_TASK_COUNT", 1);
  if (min === undefined || (max === undefined && count === undefined)) {
    throw new UsageError(
      `--shard auto: ${SLURM_ID} is set but not SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX ` +
        "or SLURM_ARRAY_TASK_COUNT (is this an array job? sbatch --array=1-N)",
    );
  }
  const spanned = max === undefined ? undefined : Math.floor((max - min) / step) + 1;
  const where = `SLURM_ARRAY_TASK_MIN=${min}, _MAX=${max ?? "unset"}, _STEP=${step}, ` +
    `_COUNT=${count ?? "unset"}`;
  const regular = " (only an array of evenly spaced indices, sbatch --array=A-B or A-B:S, " +
    "maps to shards)";
  if (max !== undefined && (max < min || (max - min) % step !== 0)) {
    throw new UsageError(`--shard auto: ${where} is not a range of tasks${regular}`);
  }
  if (spanned !== undefined && count !== undefined && spanned !== count) {
    throw new UsageError(
      `--shard auto: ${where} disagree: the range has ${spanned} tasks${regular}`,
    );
  }
  const total = (count ?? spanned) as number;
  const index = (id - min) / step + 1;
  if (id < min || !Number.isInteger(index) || index > total) {
    throw new UsageError(
      `--shard auto: ${SLURM_ID}=${id} is not one of the array's tasks (${where})`,
    );
  }
  if (given !== undefined && given !== total) {
    throw new UsageError(
      `--shard auto/${given}: the SLURM array has ${total} tasks (${where})`,
    );
  }
  return { index, count: total };
}

/** The shard of a Kubernetes Indexed Job's pod: its 0-based completion index. */
function kubernetesShard(env: EnvReader, given: number | undefined): Shard {
  const index = envInteger(env, K8S_INDEX) as number;
  const fromEnv = envInteger(env, SHARD_COUNT_VARIABLE, 1);
  if (given !== undefined && fromEnv !== undefined && given !== fromEnv) {
    throw new UsageError(
      `--shard auto/${given}: ${SHARD_COUNT_VARIABLE}=${fromEnv} says otherwise`,
    );
  }
  const count = given ?? fromEnv;
  if (count === undefined) {
    throw new UsageError(
      `--shard auto: ${K8S_INDEX}=${index} gives the shard but not how many: ` +
        `write --shard auto/N or set ${SHARD_COUNT_VARIABLE} to the Job's completions`,
    );
  }
  if (index >= count) {
    throw new UsageError(
      `--shard auto: ${K8S_INDEX}=${index} is not below the ${count} shards (it counts from 0)`,
    );
  }
  return { index: index + 1, count };
}

/**
 * Parses `--shard`: `K/N` with 1 ≤ K ≤ N, or `auto` (`auto/N`) to read the
 * shard from the scheduler that started the process:
 * - a SLURM array job (`sbatch --array=A-B[:S]`): shard
 *   `(SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP + 1`
 *   of `SLURM_ARRAY_TASK_COUNT` (or the count the range spans; the two
 *   must agree, as must N when given);
 * - a Kubernetes Indexed Job: shard `JOB_COMPLETION_INDEX + 1` of N, or of
 *   `VMLAB_SHARD_COUNT` (set it to the Job's `completions`).
 *
 * @param text the option's value
 * @param env reads the environment (default `Deno.env.get`)
 *
 * @example A SLURM array task
 * ```ts
 * import { resolveShard } from "./shard.ts";
 * import assert from "node:assert/strict";
 * const env: Record<string, string> = {
 *   SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7",
 *   SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4",
 * };
 * assert.deepEqual(resolveShard("auto", (name) => env[name]), { index: 3, count: 4 });
 * assert.deepEqual(resolveShard("2/8", () => undefined), { index: 2, count: 8 });
 * ```
 * @throws {UsageError} when the text is of neither form, no scheduler's
 *   variables are set, or they are inconsistent.
 */
export function resolveShard(text: string, env: EnvReader = (name) => Deno.env.get(name)): Shard {
  const auto = /^\s*auto(?:\/(\d+))?\s*$/.exec(text);
  if (auto === null) return parseShard(text);
  const given = auto[1] === undefined ? undefined : Number(auto[1]);
  if (given !== undefined && !(given >= 1 && Number.isSafeInteger(given))) {
    throw new UsageError(`--shard: expected auto/N with N >= 1, got "${text}"`);
  }
  const slurm = env(SLURM_ID) !== undefined;
  const kubernetes = env(K8S_INDEX) !== undefined;
  if (slurm && kubernetes) {
    throw new UsageError(
      `--shard auto: both ${SLURM_ID} and ${K8S_INDEX} are set; give --shard K/N`,
    );
  }
  if (slurm) return slurmShard(env, given);
  if (kubernetes) return kubernetesShard(env, given);
  throw new UsageError(
    `--shard auto: neither a SLURM array job (${SLURM_ID}) nor a Kubernetes Indexed Job ` +
      `(${K8S_INDEX}) started this process; give --shard K/N`,
  );
}

/**
 * Whether the grid point at `pointIndex` belongs to `shard`. Points are dealt
 * round-robin, so shards get similar mixes of cheap and expensive points.
 *
 * @example
 * ```ts
 * import { inShard } from "./shard.ts";
 * const picked = [0, 1, 2, 3, 4].filter((i) => inShard(i, { index: 2, count: 2 }));
 * if (picked.join() !== "1,3") throw new Error();
 * ```
 */
export function inShard(pointIndex: number, shard: Shard): boolean {
  return pointIndex % shard.count === shard.index - 1;
}

/**
 * Formats a shard as `K/N`.
 *
 * @example
 * ```ts
 * import { formatShard } from "./shard.ts";
 * if (formatShard({ index: 1, count: 4 }) !== "1/4") throw new Error();
 * ```
 */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
