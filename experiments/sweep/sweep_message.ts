/**
 * The messages between the sweep runner and its Workers: the runner sends a
 * cell of points, the Worker answers one message per point and a last one
 * when the cell is done.
 *
 * @module
 */

import type { CostModel } from "../../core/cost/cost_model.ts";
import type { Point, Row, RunModule } from "../experiment.ts";

/** Runner → Worker: run these points of this experiment. */
export interface CellRequest {
  /** Module whose `EXPERIMENTS` export holds the experiment. */
  registryUrl: string;
  /** Experiment id in that registry. */
  experimentId: string;
  /** The experiment's run module: when given, the Worker loads it instead of the registry. */
  runModule?: RunModule;
  /** Cost profile for every point. */
  cost: CostModel;
  /** The runs: each a point, its index among the sweep's runs, and its seed. */
  points: readonly { index: number; point: Point; seed: number }[];
}

/** Worker → runner: one point's outcome, or the end of the cell. */
export type CellReply =
  | { kind: "row"; index: number; row: Row; milliseconds: number }
  | { kind: "error"; index: number; message: string; stack?: string }
  | { kind: "done" };
