/**
 * A `migration` point's run: one live migration of a running guest between
 * two hosts, as `runMigration` runs it.
 *
 * @module
 */

import { runMigration } from "../../core/migration/migration.ts";
import type { MigrationOptions } from "../../core/migration/migration_params.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { MigrationPoint } from "./point.ts";

/**
 * The options of a point. A field only some methods use is given only to
 * them (pre-copy's stop rule and dirty logging, post-copy's preempt
 * channel), and given whenever the point sets it otherwise, so that the
 * options refuse a point that sets it for a method without it.
 */
export function migrationOptions(point: MigrationPoint): MigrationOptions {
  const iterates = point.method === "pre-copy" || point.method === "hybrid";
  if (iterates && (point.stop_rule === "none" || point.dirty_log === "none")) {
    throw new RangeError(
      `migration: ${point.method} needs a stop_rule and a dirty_log, got ${point.stop_rule} and ${point.dirty_log}`,
    );
  }
  return {
    method: point.method,
    memoryGib: point.memory_gib,
    dirtyRateMibS: point.dirty_rate_mib_s,
    wwsFraction: point.wws_fraction,
    link: point.link,
    ...(point.stop_rule !== "none" ? { stopRule: point.stop_rule } : {}),
    ...(point.dirty_log !== "none" ? { dirtyLog: point.dirty_log } : {}),
    ...(point.auto_converge ? { autoConverge: true } : {}),
    ...(point.preempt ? { preempt: true } : {}),
    ...(point.link_fail_ms > 0 ? { linkFailMs: point.link_fail_ms } : {}),
  };
}

/** Runs one `migration` point; returns the measurements, without the point's own fields. */
export function runMigrationPoint(point: MigrationPoint, context: RunContext): Row {
  const result = runMigration(migrationOptions(point), context.cost, context.seed);
  // A migration that did not complete leaves the times it could not measure
  // as NaN: they are left out of the row (empty in the CSV), never written
  // as numbers.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !Number.isNaN(value)) row[key] = value;
  }
  return row;
}
