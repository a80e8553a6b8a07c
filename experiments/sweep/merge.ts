/**
 * Joins the output folders of shards (or of any runs of the same sweep) into
 * one: rows are matched to the grid by point id, so the merged report equals
 * the report of an unsharded run, whatever order the shards finished in.
 *
 * @module
 */

import type { Experiment, Row } from "../experiment.ts";
import { gridOf, sweepRuns } from "./grid.ts";
import { canonicalJson, pointId } from "./point_id.ts";
import { readRunRecord, type RunRecord, writeExperimentReport } from "./report_writer.ts";
import { loadRows, POINT_ID_KEY } from "./row_store.ts";
import { UsageError } from "../cli/usage_error.ts";
import { formerColumnIn } from "../columns.ts";

/** One merged experiment. */
export interface MergedExperiment {
  /** Experiment id. */
  id: string;
  /** Runs in its sweep: points of the grid × seeds. */
  points: number;
  /** Runs with a row after the merge. */
  rows: number;
}

/**
 * Merges the rows in `dirs` experiment by experiment and writes `ID.jsonl`
 * and the report files of each into `outDir` (which may be one of `dirs`).
 * Every folder holding an experiment must agree on its grid size, seeds,
 * traces, cost profile, vmlab version and git commit (when both record one),
 * and its rows must come from one version and commit.
 *
 * @example
 * ```ts ignore
 * import { mergeOutputs } from "./merge.ts";
 * import { EXPERIMENTS } from "../registry.ts";
 * await mergeOutputs(["out/1", "out/2"], "reports/out", EXPERIMENTS, { version: "0.1.0" });
 * ```
 * @throws {UsageError} when the folders disagree, hold no experiment, or a file is unreadable.
 */
export async function mergeOutputs(
  dirs: readonly string[],
  outDir: string,
  registry: Readonly<Record<string, Experiment>>,
  options: { version: string; commit?: string },
): Promise<MergedExperiment[]> {
  for (const dir of dirs) {
    const info = await Deno.stat(dir).catch(() => undefined);
    if (!info?.isDirectory) throw new UsageError(`merge: "${dir}" is not a folder`);
  }
  const merged: MergedExperiment[] = [];
  for (const [id, experiment] of Object.entries(registry)) {
    const records: { dir: string; record: RunRecord }[] = [];
    for (const dir of dirs) {
      const record = await readRunRecord(dir, id);
      if (record) records.push({ dir, record });
    }
    if (records.length === 0) continue;
    const first = records[0];
    for (const { dir, record } of records.slice(1)) {
      const differ = (what: string): never => {
        throw new UsageError(
          `merge: "${dir}/${id}.json" and "${first.dir}/${id}.json" differ in ${what}; only runs of the same sweep can be merged`,
        );
      };
      for (const field of ["size", "seed", "seeds", "profile", "traces"] as const) {
        if (canonicalJson(record[field] ?? null) !== canonicalJson(first.record[field] ?? null)) {
          differ(field === "size" ? "grid (--quick or --full)" : field);
        }
      }
      // Rows of another version or commit may come from another model: not one sweep's.
      if (record.vmlab_version !== first.record.vmlab_version) {
        differ(`vmlab version (${record.vmlab_version} and ${first.record.vmlab_version})`);
      }
      const [a, b] = [record.git_commit, first.record.git_commit];
      if (a !== undefined && b !== undefined && a !== b) {
        differ(`git commit (${a.slice(0, 12)} and ${b.slice(0, 12)})`);
      }
    }
    const { size, seed, profile, traces } = first.record;
    const seeds = first.record.seeds ?? 1;
    const byId = new Map<string, Row>();
    for (const { dir } of records) {
      const stored = await loadRows(`${dir}/${id}.jsonl`, { repair: false });
      const former = formerColumnIn(id, stored);
      if (former !== undefined) {
        throw new UsageError(
          `merge: "${dir}/${id}.jsonl" was written by an earlier vmlab (${former}); run that shard again`,
        );
      }
      for (const row of stored) {
        const key = row[POINT_ID_KEY] as string;
        if (!byId.has(key)) byId.set(key, row);
      }
    }
    const grid = gridOf(experiment, size, traces);
    const ids = sweepRuns(grid, seed, seeds).map((run) =>
      pointId(id, run.point, run.seed, profile)
    );
    const inGrid = new Set(ids);
    const rows = ids.filter((key) => byId.has(key)).map((key) => byId.get(key) as Row);
    const others = [...byId.values()].filter((row) => !inGrid.has(row[POINT_ID_KEY] as string));
    await Deno.mkdir(outDir, { recursive: true });
    const lines = [...rows, ...others].map((row) => JSON.stringify(row) + "\n").join("");
    const temporary = `${outDir}/${id}.jsonl.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temporary, lines);
    await Deno.rename(temporary, `${outDir}/${id}.jsonl`);
    const versions = new Set(rows.map((row) => row.vmlab_version));
    const commits = new Set(rows.map((row) => row.git_commit).filter((c) => c !== undefined));
    if (versions.size > 1 || commits.size > 1) {
      const what = versions.size > 1
        ? `vmlab versions ${[...versions].join(" and ")}`
        : `git commits ${[...commits].map((c) => String(c).slice(0, 12)).join(" and ")}`;
      throw new UsageError(
        `merge: the rows of ${id} come from ${what} (a sweep resumed after an upgrade?); only runs of the same sweep can be merged`,
      );
    }
    await writeExperimentReport(outDir, experiment, {
      size,
      seed,
      seeds,
      cost: profile,
      version: versions.size === 1 ? String([...versions][0]) : options.version,
      commit: first.record.git_commit ?? options.commit,
      points: ids.length,
      rows,
      traces,
      command: first.record.command?.replace(/ --shard \S+/, ""),
    });
    merged.push({ id, points: ids.length, rows: rows.length });
  }
  if (merged.length === 0) {
    throw new UsageError(
      `merge: no experiment output (ID.json) in ${dirs.map((d) => `"${d}"`).join(", ")}`,
    );
  }
  return merged;
}
