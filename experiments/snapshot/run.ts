/**
 * A `snapshot` point's run: one snapshot or restore of a running guest on
 * the lab's machine, as `deno task state` runs it.
 *
 * @module
 */

import { runRestore } from "../../core/snapshot/restore.ts";
import { runSnapshot } from "../../core/snapshot/snapshot.ts";
import {
  COW_RULE_NAMES,
  COW_RULES,
  type RestoreOptions,
  type SnapshotOptions,
} from "../../core/snapshot/state_params.ts";
import type { StateRow } from "../../core/snapshot/state_row.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { SnapshotPoint } from "./point.ts";

/** Runs one `snapshot` point; returns the measurements, without the point's own fields. */
export function runSnapshotPoint(point: SnapshotPoint, context: RunContext): Row {
  const options: SnapshotOptions & RestoreOptions = {
    method: point.method,
    storage: point.storage,
    memoryGib: point.memory_gib,
    batchPages: point.batch_pages,
    writeFraction: point.write_fraction,
    workingSetFraction: point.working_set_fraction,
    ...(point.method === "dirty-precopy" ? { dirtyLog: point.dirty_log } : {}),
    // Given for every other method too, so that the options refuse it there.
    ...(point.cow_rule !== "none" ? COW_RULES[point.cow_rule] : {}),
  };
  if (point.method === "concurrent-cow" && point.cow_rule === "none") {
    throw new RangeError(
      `snapshot: cow_rule must be ${COW_RULE_NAMES.join(" or ")} for concurrent-cow`,
    );
  }
  const result: StateRow = point.phase === "restore"
    ? runRestore(options, context.cost, context.seed)
    : runSnapshot(options, context.cost, context.seed);
  // A run that gave up leaves the times it could not measure as NaN: they
  // are left out of the row (empty in the CSV), never written as numbers.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !Number.isNaN(value)) row[key] = value;
  }
  return row;
}
