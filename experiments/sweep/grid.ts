/**
 * The points a sweep covers: an experiment's grid of one size, extended with
 * the lackey traces the run was given where the experiment replays traces.
 * The sweep runner and `merge` both call it, so a merged report covers the
 * same points as the runs it joins.
 *
 * @module
 */

import type { Experiment, GridSize, Point } from "../experiment.ts";

/**
 * The grid of `size`, plus trace points when `traces` is not empty and the
 * experiment has {@linkcode Experiment.withTraces}.
 *
 * @example
 * ```ts
 * import { gridOf } from "./grid.ts";
 * import { TRANSLATION } from "../translation/experiment.ts";
 * if (gridOf(TRANSLATION, "quick").length !== TRANSLATION.grids.quick.length) throw new Error();
 * ```
 */
export function gridOf(
  experiment: Experiment,
  size: GridSize,
  traces: readonly string[] = [],
): readonly Point[] {
  const base = experiment.grids[size];
  return traces.length > 0 && experiment.withTraces ? experiment.withTraces(base, traces) : base;
}
