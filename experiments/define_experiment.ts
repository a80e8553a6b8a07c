/**
 * Typed experiments: an experiment declares its parameters as data, and its
 * grids, `cell`, `withTraces` and `run` work on the typed point those
 * parameters give. {@linkcode defineExperiment} erases the definition to the
 * generic {@linkcode Experiment} the sweep runner, the Workers and the CLI
 * use — points there are JSON records — and checks every point that crosses
 * back into typed code, so a malformed one (a bad resumed row, a hand-made
 * `--trace` point) fails with one line naming the experiment and parameter.
 *
 * @module
 */

import type { Experiment, GridSize, Point, ReportSection, Row, RunContext } from "./experiment.ts";
import { describeParameters, type ParameterSpecs, parsePoint, type PointOf } from "./parameters.ts";

/** Grids of typed points at both sizes. */
export interface TypedGrids<P> {
  /** A first look: the whole registry's quick grids finish in well under a minute on 2 cores. */
  readonly quick: readonly P[];
  /** Publication-grade sweep. */
  readonly full: readonly P[];
  /** The size `deno task experiment` runs when no size is given. */
  readonly default: GridSize;
}

/**
 * What an experiment declares, with points typed by its parameters `S`.
 * The fields mean what they mean on {@linkcode Experiment}.
 */
export interface ExperimentDefinition<S extends ParameterSpecs> {
  /** Identifier on the command line and file base name: lowercase, digits, dashes. */
  id: string;
  /** Title of the report. */
  title: string;
  /** The question the experiment answers, one sentence. */
  question: string;
  /** Every parameter: its kind, allowed values and a description that states its unit. */
  parameters: S;
  /** Parameter grids of typed points. */
  grids: TypedGrids<PointOf<S>>;
  /** Groups points that may share one Worker (see {@linkcode Experiment.cell}). */
  cell?(point: PointOf<S>): string;
  /** The grid extended with a point per trace (see {@linkcode Experiment.withTraces}). */
  withTraces?(grid: readonly PointOf<S>[], traces: readonly string[]): PointOf<S>[];
  /** Runs one point; returns measurements only. Must depend on nothing but its arguments. */
  run(point: PointOf<S>, context: RunContext): Row | Promise<Row>;
  /**
   * URL of a module that exports `run` under its own name (`run.name`) and
   * does not import the report's modules: sweep Workers load only it (see
   * {@linkcode Experiment.runModule}). Absent: Workers load the registry.
   */
  runModule?: string;
  /** Report sections, in order. */
  sections: readonly ReportSection[];
  /** The finding in one sentence, computed from the rows, for the index page. */
  headline(rows: readonly Row[]): string;
}

/** An {@linkcode Experiment} made by {@linkcode defineExperiment}: its grids keep their type. */
export interface TypedExperiment<P extends Point> extends Experiment {
  /** Parameter grids of typed points. */
  grids: TypedGrids<P>;
  /**
   * Checks a generic point against the declared parameters and returns it
   * typed; throws a `PointError` with one line naming the experiment and
   * parameter otherwise.
   */
  parsePoint(point: Point): P;
}

/**
 * Makes an experiment from a typed definition. `run`, `cell` and
 * `withTraces` check the generic points they are given before the typed code
 * sees them, and `parsePoint` lets the sweep runner check a whole sweep's
 * points once before it starts; the grids are not checked here, so that a
 * Worker loading the registry does not check every grid again.
 *
 * @example A typed point in, a one-line error for a malformed one
 * ```ts
 * import { defineExperiment } from "./define_experiment.ts";
 * const SQUARES = defineExperiment({
 *   id: "squares",
 *   title: "Squares",
 *   question: "Does y grow as x²?",
 *   parameters: { x: { kind: "integer", min: 0, description: "the input (points)" } },
 *   grids: { quick: [{ x: 1 }, { x: 2 }], full: [{ x: 1 }, { x: 2 }, { x: 3 }], default: "quick" },
 *   run: (point) => ({ y: point.x * point.x }), // point.x is a number: no cast
 *   sections: [],
 *   headline: (rows) => `${rows.length} rows.`,
 * });
 * if (SQUARES.parameters.x !== "the input (points)") throw new Error();
 * const row = await SQUARES.run({ x: 3 }, { seed: 1, cost: {} as never });
 * if (row.y !== 9) throw new Error();
 * let message = "";
 * try {
 *   await SQUARES.run({ x: "3" }, { seed: 1, cost: {} as never });
 * } catch (error) {
 *   message = (error as Error).message;
 * }
 * if (message !== 'experiment "squares": parameter "x" must be an integer >= 0, got "3"') {
 *   throw new Error(message);
 * }
 * ```
 */
export function defineExperiment<const S extends ParameterSpecs>(
  definition: ExperimentDefinition<S>,
): TypedExperiment<PointOf<S>> {
  const { id, parameters } = definition;
  const parse = (point: Point): PointOf<S> => parsePoint(id, parameters, point);
  const { cell, withTraces, run } = definition;
  const experiment: TypedExperiment<PointOf<S>> = {
    id,
    title: definition.title,
    question: definition.question,
    parameters: describeParameters(parameters),
    grids: definition.grids,
    run: (point, context) => run(parse(point), context),
    sections: definition.sections,
    headline: definition.headline,
    parsePoint: parse,
  };
  if (definition.runModule !== undefined) {
    if (run.name === "" || run.name === "run") {
      throw new TypeError(
        `experiment "${id}": runModule needs run to be a named export of it, got a function named "${run.name}"`,
      );
    }
    experiment.runModule = { url: definition.runModule, name: run.name };
  }
  if (cell) experiment.cell = (point) => cell(parse(point));
  if (withTraces) experiment.withTraces = (grid, traces) => withTraces(grid.map(parse), traces);
  return experiment;
}
