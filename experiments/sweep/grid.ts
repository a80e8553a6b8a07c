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

/** One run of a sweep: a point of the grid under one seed. */
export interface SweepRun {
  /** The grid point. */
  point: Point;
  /** Its seed. */
  seed: number;
}

/** Runs per point when a sweep does not say: one for a first look, three for publication. */
export const DEFAULT_SEEDS: Readonly<Record<GridSize, number>> = { quick: 1, full: 3 };

/**
 * The runs of a sweep: every point once per seed, `seed`, `seed + 1`, …,
 * a point's seeds next to each other (so a Worker cell and a shard hold
 * whole points where they can). The runner and `merge` both call it, so
 * their point ids agree.
 *
 * @example
 * ```ts
 * import { sweepRuns } from "./grid.ts";
 * const runs = sweepRuns([{ x: 1 }, { x: 2 }], 7, 2);
 * if (runs.map((r) => `${r.point.x}/${r.seed}`).join() !== "1/7,1/8,2/7,2/8") throw new Error();
 * ```
 */
export function sweepRuns(points: readonly Point[], seed: number, seeds: number): SweepRun[] {
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
  }
  return points.flatMap((point) =>
    Array.from({ length: seeds }, (_, k) => ({ point, seed: seed + k }))
  );
}
