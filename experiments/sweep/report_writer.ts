/**
 * Writes an experiment's output files: `ID.json` (the run record and rows),
 * `ID.csv` and `ID.html`, and the folder's `index.html` listing every
 * experiment that has a report there. Files are written whole and renamed
 * into place, so a reader never sees half a report.
 *
 * @module
 */

import { describeConfig } from "../../core/base/config_fields.ts";
import { COST_MODEL_FIELDS, type CostModel } from "../../core/cost/cost_model.ts";
import { columnsOf, toCsv } from "../../reports/csv.ts";
import { renderExperimentPage } from "../../reports/experiment_page.ts";
import { type IndexEntry, renderIndexPage } from "../../reports/index_page.ts";
import { renderDictionaryPage } from "../../reports/dictionary_page.ts";
import { dictionarySections } from "../columns.ts";
import type { Experiment, GridSize, Row } from "../experiment.ts";
import { PROVENANCE_KEYS } from "./run_sweep.ts";
import { UsageError } from "../cli/usage_error.ts";
import { summarizeSeeds } from "./seed_summary.ts";
import { modelAssumptions } from "./model_assumptions.ts";
import { gridOf } from "./grid.ts";

/** The contents of `ID.json`. */
export interface RunRecord {
  /** Experiment id. */
  experiment: string;
  /** Experiment title. */
  title: string;
  /** The question it answers. */
  question: string;
  /** The headline finding computed from `rows`. */
  headline: string;
  /** Grid size. */
  size: GridSize;
  /** Seed of every point's first run. */
  seed: number;
  /** Runs of every point, seeds `seed`, `seed + 1`, … (absent in records older than seeds: 1). */
  seeds?: number;
  /** `K/N` when the rows cover one shard only. */
  shard?: string;
  /** Absolute paths of the lackey traces replayed as extra workloads, when any. */
  traces?: string[];
  /** The full cost profile. */
  profile: CostModel;
  /** vmlab version. */
  vmlab_version: string;
  /** Git commit, when there is one. */
  git_commit?: string;
  /** When the files were written, ISO 8601. */
  generated: string;
  /** Runs covered: points of the grid (or of the shard's slice) × seeds. */
  points: number;
  /** Covered runs without a row. */
  missing: number;
  /** Command that reproduces the rows. */
  command?: string;
  /** Rows in grid order, every seed's row (the report's sections see them summarised over seeds). */
  rows: Row[];
}

/** What a finished (or partial) sweep hands to {@linkcode writeExperimentReport}. */
export interface ReportInput {
  /** Grid size. */
  size: GridSize;
  /** Seed of every point's first run. */
  seed: number;
  /** Runs of every point (default 1). */
  seeds?: number;
  /** `K/N` when the rows cover one shard only. */
  shard?: string;
  /** Traces replayed as extra workloads, when any. */
  traces?: readonly string[];
  /** Cost profile. */
  cost: CostModel;
  /** vmlab version. */
  version: string;
  /** Git commit, when there is one. */
  commit?: string;
  /** Runs covered: points × seeds. */
  points: number;
  /** Rows in grid order, every seed's. */
  rows: Row[];
  /** Command that reproduces the rows. */
  command?: string;
  /** Time stamp; default now. */
  generated?: Date;
}

// The profile table's units and meanings: the same declaration a JSON profile is validated against.
const PROFILE_FIELDS = Object.fromEntries(
  describeConfig(COST_MODEL_FIELDS).map((
    d,
  ) => [d.field, { unit: d.unit, description: d.description }]),
);

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

function displayDate(iso: string): string {
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
}

function headlineOf(experiment: Experiment, rows: readonly Row[]): string {
  if (rows.length === 0) return "No rows yet: the sweep has not finished any point.";
  try {
    return experiment.headline(rows);
  } catch (error) {
    return `The headline could not be computed from these rows: ${(error as Error).message}`;
  }
}

/**
 * Writes `ID.json`, `ID.csv` and `ID.html` for one experiment into `outDir`.
 *
 * @example
 * ```ts ignore
 * import { writeExperimentReport } from "./report_writer.ts";
 * await writeExperimentReport("reports/out", experiment, { size: "quick", seed: 1, cost, version: "0.1.0", points: 4, rows });
 * ```
 */
export async function writeExperimentReport(
  outDir: string,
  experiment: Experiment,
  input: ReportInput,
): Promise<RunRecord> {
  const generated = (input.generated ?? new Date()).toISOString();
  const seeds = input.seeds ?? 1;
  const parameterKeys = new Set(Object.keys(experiment.parameters));
  const summary = summarizeSeeds(input.rows, [...parameterKeys]);
  const headline = headlineOf(experiment, summary);
  const record: RunRecord = {
    experiment: experiment.id,
    title: experiment.title,
    question: experiment.question,
    headline,
    size: input.size,
    seed: input.seed,
    ...(seeds > 1 ? { seeds } : {}),
    ...(input.shard ? { shard: input.shard } : {}),
    ...(input.traces && input.traces.length > 0 ? { traces: [...input.traces] } : {}),
    profile: input.cost,
    vmlab_version: input.version,
    ...(input.commit ? { git_commit: input.commit } : {}),
    generated,
    points: input.points,
    missing: input.points - input.rows.length,
    ...(input.command ? { command: input.command } : {}),
    rows: input.rows,
  };
  const resultKeys = columnsOf(input.rows).filter((k) =>
    !parameterKeys.has(k) && !PROVENANCE_KEYS.includes(k)
  );
  const page = renderExperimentPage({
    id: experiment.id,
    title: experiment.title,
    question: experiment.question,
    headline,
    sections: experiment.sections,
    rows: input.rows,
    summary,
    parameters: experiment.parameters,
    resultKeys,
    profile: input.cost as unknown as Record<string, unknown>,
    assumptions: modelAssumptions(input.cost),
    profileFields: PROFILE_FIELDS,
    provenance: {
      seed: input.seed,
      seeds,
      size: input.size,
      version: input.version,
      commit: input.commit,
      generated: displayDate(generated),
      points: input.points,
      missing: record.missing,
      shard: input.shard,
      // A shard's banner says how much of the whole grid it holds.
      ...(input.shard
        ? { gridPoints: gridOf(experiment, input.size, input.traces).length * seeds }
        : {}),
      command: input.command,
    },
  });
  await Deno.mkdir(outDir, { recursive: true });
  const base = `${outDir}/${experiment.id}`;
  await writeAtomically(`${base}.json`, JSON.stringify(record, null, 2) + "\n");
  await writeAtomically(`${base}.csv`, toCsv(input.rows));
  await writeAtomically(`${base}.html`, page);
  return record;
}

/**
 * Reads `ID.json` of an experiment in a folder, or `undefined` when absent.
 *
 * @throws {UsageError} when the file cannot be read or parsed.
 * @example
 * ```ts ignore
 * import { readRunRecord } from "./report_writer.ts";
 * const record = await readRunRecord("reports/out", "translation");
 * ```
 */
export async function readRunRecord(dir: string, id: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/${id}.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new UsageError(`Cannot read "${dir}/${id}.json": ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as RunRecord;
  } catch (error) {
    throw new UsageError(`Cannot read "${dir}/${id}.json": ${(error as Error).message}`);
  }
}

/** File name of the data dictionary page in a report folder. */
export const DICTIONARY_FILE = "columns.html";

/**
 * Writes `index.html` listing every registered experiment that has an
 * `ID.json` in `outDir`, in registry order, and beside it the data
 * dictionary `columns.html` that the index links; returns the index's path.
 *
 * @example
 * ```ts ignore
 * import { writeIndex } from "./report_writer.ts";
 * import { EXPERIMENTS } from "../registry.ts";
 * const path = await writeIndex("reports/out", EXPERIMENTS, "0.1.0");
 * ```
 */
export async function writeIndex(
  outDir: string,
  registry: Readonly<Record<string, Experiment>>,
  version: string,
): Promise<string> {
  const entries: IndexEntry[] = [];
  for (const id of Object.keys(registry)) {
    const record = await readRunRecord(outDir, id);
    if (!record) continue;
    entries.push({
      id,
      title: record.title,
      question: record.question,
      headline: record.headline,
      rows: record.rows.length,
      missing: record.missing,
      size: record.size + (record.shard ? ` (shard ${record.shard})` : ""),
      profile: record.profile.name,
      generated: displayDate(record.generated),
    });
  }
  const path = `${outDir}/index.html`;
  await Deno.mkdir(outDir, { recursive: true });
  // The data dictionary of the experiments in the folder (of all, in a folder without any).
  const present = entries.length > 0
    ? Object.fromEntries(entries.map((e) => [e.id, registry[e.id]]))
    : registry;
  await writeAtomically(
    `${outDir}/${DICTIONARY_FILE}`,
    renderDictionaryPage(dictionarySections(present), version),
  );
  await writeAtomically(path, renderIndexPage(entries, version, DICTIONARY_FILE));
  return path;
}
