/**
 * The grids of the `snapshot` experiment: every snapshot and restore
 * method (copy-before-write under both of its rules), storage profile and
 * batch size, for one guest in the quick grid and several memory sizes and
 * guests in the full grid.
 *
 * @module
 */

import { DIRTY_LOG_METHODS } from "../../core/machine/machine_config.ts";
import {
  COW_RULE_NAMES,
  RESTORE_METHODS,
  SNAPSHOT_METHODS,
} from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import { cartesian } from "../cartesian.ts";
import type { TypedGrids } from "../define_experiment.ts";
import type { SnapshotPoint } from "./point.ts";

/** A guest: the fraction of its touches that write and the fraction of memory it touches. */
export type Guest = Pick<SnapshotPoint, "write_fraction" | "working_set_fraction">;

/** The guest of the quick grid and of the plots: the library's defaults. */
export const DEFAULT_GUEST: Guest = { write_fraction: 0.2, working_set_fraction: 0.25 };

/** What varies between the quick and the full grid. */
interface GridShape {
  batches: readonly number[];
  memoriesGib: readonly number[];
  guests: readonly Guest[];
}

function buildGrid(shape: GridShape): SnapshotPoint[] {
  const points: SnapshotPoint[] = [];
  const phases = [["snapshot", SNAPSHOT_METHODS], ["restore", RESTORE_METHODS]] as const;
  for (const [phase, methods] of phases) {
    for (const guest of shape.guests) {
      for (
        const p of cartesian({
          phase: [phase],
          method: methods,
          storage: STORAGE_PROFILE_NAMES,
          memory_gib: shape.memoriesGib,
          batch_pages: shape.batches,
          write_fraction: [guest.write_fraction],
          working_set_fraction: [guest.working_set_fraction],
        })
      ) {
        // Pre-copy runs once per way of logging dirty pages; copy-before-write
        // under QEMU's rule and under the pessimistic one.
        if (p.method === "dirty-precopy") {
          for (const dirty_log of DIRTY_LOG_METHODS) {
            points.push({ ...p, dirty_log, cow_rule: "none" });
          }
        } else if (p.method === "concurrent-cow") {
          for (const cow_rule of COW_RULE_NAMES) points.push({ ...p, dirty_log: "none", cow_rule });
        } else points.push({ ...p, dirty_log: "none", cow_rule: "none" });
      }
    }
  }
  return points;
}

/** The quick and full grids of the `snapshot` experiment. */
export const SNAPSHOT_GRIDS: TypedGrids<SnapshotPoint> = {
  quick: buildGrid({ batches: [1, 8, 64, 512], memoriesGib: [0.0625], guests: [DEFAULT_GUEST] }),
  full: buildGrid({
    batches: [1, 4, 16, 64, 256, 1024],
    memoriesGib: [0.25, 1, 4],
    // Light, default and write-heavy guests.
    guests: [
      { write_fraction: 0.05, working_set_fraction: 0.1 },
      DEFAULT_GUEST,
      { write_fraction: 0.5, working_set_fraction: 0.5 },
    ],
  }),
  default: "quick",
};
