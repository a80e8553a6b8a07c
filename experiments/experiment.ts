/**
 * What an experiment declares: the question it answers, its parameter grid
 * at two sizes, a pure step from one grid point to one result row, and the
 * report sections that present the rows. The sweep runner, the CLI and the
 * report writer work from this declaration alone.
 *
 * @module
 */

import { type ConfigFields, describeField } from "../core/base/config_fields.ts";
import type { CostModel } from "../core/cost/cost_model.ts";
import type { ReportSection, Row, Value } from "../reports/report_section.ts";

export type { ReportSection, Row, Value };

/** One point of a parameter grid: parameter name → value. */
export type Point = Readonly<Record<string, Value>>;

/** Grid sizes: `quick` for a first look in well under a minute, `full` for publication. */
export type GridSize = "quick" | "full";

/** The names of the grid sizes, in increasing size. */
export const GRID_SIZES: readonly GridSize[] = ["quick", "full"];

/** The parameter grid of an experiment at both sizes. */
export interface ExperimentGrids {
  /** A first look: the whole registry's quick grids finish in well under a minute on 2 cores. */
  quick: readonly Point[];
  /** Publication-grade sweep. */
  full: readonly Point[];
  /**
   * The size `deno task experiment` runs when no size is given: chosen so
   * that all registered experiments together take a few minutes at most on
   * 2 cores.
   */
  default: GridSize;
}

/**
 * Everything a point's run may depend on besides the point itself. Nothing
 * global: a run that reads only its point and context is reproducible.
 */
export interface RunContext {
  /** Seed for every random choice of the run. */
  seed: number;
  /** Cost profile cycles are charged from. */
  cost: CostModel;
}

/** A module export that runs an experiment's points (see {@linkcode Experiment.runModule}). */
export interface RunModule {
  /** URL of the module, e.g. `new URL("./run.ts", import.meta.url).href`. */
  readonly url: string;
  /** Name of the export, a function `(point, context) => row` like {@linkcode Experiment.run}. */
  readonly name: string;
}

/**
 * An experiment as the sweep runner, the Workers and the CLI see it: points
 * are JSON records. Experiments are written with `defineExperiment`
 * (define_experiment.ts), which gives their grids and runs a typed point and
 * erases to this. `run` must be pure (its row depends only on the point and
 * the context) and synchronous or promise-returning; it runs inside a Web
 * Worker, so it must not rely on state shared with other points.
 */
export interface Experiment {
  /** Identifier on the command line and file base name: lowercase, digits, dashes. */
  id: string;
  /** Title of the report. */
  title: string;
  /** The question the experiment answers, one sentence. */
  question: string;
  /** Every parameter of a grid point with a description that states its unit. */
  parameters: Readonly<Record<string, string>>;
  /** Parameter grids. */
  grids: ExperimentGrids;
  /**
   * Groups points that may share one Worker: points with equal keys run one
   * after the other in the same fresh Worker, so hot call sites see one
   * implementation per cell (see STYLE.md, point 13); with several Workers
   * a cell much larger than the others is cut into consecutive pieces, and
   * a Worker that finishes a piece goes on with the next piece of the same
   * cell if one is left, else takes another cell in a fresh Worker.
   * Default: every point gets its own Worker.
   */
  cell?(point: Point): string;
  /**
   * For experiments that can replay traces (lackey, ChampSim, vmtrace): the
   * grid extended with points whose workload is each trace (e.g. `lackey:PATH`), used when
   * `deno task experiment` is given `--trace PATH`. Absent: traces are not
   * replayed by this experiment.
   */
  withTraces?(grid: readonly Point[], traces: readonly string[]): Point[];
  /**
   * Checks that a point fits the declared parameters and returns it; throws
   * a one-line `PointError` naming the experiment and the parameter
   * otherwise. Experiments made with `defineExperiment` have it; the sweep
   * runner checks every point of a sweep with it before any Worker starts.
   */
  parsePoint?(point: Point): Point;
  /** Runs one point; returns measurements only (the runner adds parameters and provenance). */
  run(point: Point, context: RunContext): Row | Promise<Row>;
  /**
   * Where sweep Workers find the run without the report's modules: the URL
   * of a module and the name of its export that runs a checked point as
   * `run` does. Observable Plot and d3 take a Worker about 80 ms to load,
   * longer than many cells take to run. Absent: Workers import the registry
   * and call `run`.
   */
  runModule?: RunModule;
  /** Report sections, in order. */
  sections: readonly ReportSection[];
  /** The finding in one sentence, computed from the rows, for the index page. */
  headline(rows: readonly Row[]): string;
}

/**
 * The description of a grid parameter that sets a configuration field,
 * taken from the field's declaration with its unit, so a report's
 * parameter table says what `--help` and the validator say.
 *
 * @example
 * ```ts
 * import { describeParameter } from "./experiment.ts";
 * import { STATE_OPTIONS_FIELDS } from "../core/snapshot/state_params.ts";
 * const text = describeParameter(STATE_OPTIONS_FIELDS, "batchPages");
 * if (text !== "pages per I/O: a batch of B pages of 4 KiB is one I/O, in pages") throw new Error(text);
 * ```
 */
export function describeParameter(fields: ConfigFields, path: string): string {
  const doc = describeField(fields, path);
  return doc.unit === "" ? doc.description : `${doc.description}, in ${doc.unit}`;
}
