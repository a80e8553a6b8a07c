/**
 * A `migration` point's run: one live migration of a running guest between
 * two hosts, as `runMigration` runs it, or one fork of a parent into
 * children, as `runFork` runs it.
 *
 * @module
 */

import { runMigration } from "../../core/migration/migration.ts";
import type { MigrationOptions } from "../../core/migration/migration_params.ts";
import { runFork } from "../../core/migration/fork.ts";
import type { ForkOptions } from "../../core/migration/fork_params.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { MigrationPoint } from "./point.ts";

/**
 * The options of a point. A field only some methods use is given only to
 * them (pre-copy's stop rule and dirty logging, post-copy's preempt
 * channel), and given whenever the point sets it otherwise, so that the
 * options refuse a point that sets it for a method without it.
 */
export function migrationOptions(point: MigrationPoint): MigrationOptions {
  if (point.method === "fork" || point.children > 0 || point.placement !== "none") {
    throw new RangeError("migration: a migration point has no fork fields");
  }
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

/** The options of a fork point: its children, placement, link and prefetch. */
export function forkOptions(point: MigrationPoint): ForkOptions {
  const remote = point.placement === "remote";
  if (point.placement === "none" || remote === (point.link === "none")) {
    throw new RangeError(
      `migration: a fork needs a placement, and a link exactly when remote; got ${point.placement} and ${point.link}`,
    );
  }
  return {
    children: point.children,
    placement: point.placement,
    memoryGib: point.memory_gib,
    ...(remote ? { link: point.link } : {}),
    ...(point.prefetch ? { prefetch: true } : {}),
    ...(point.multicast ? { multicast: true } : {}),
  };
}

/** Runs one `migration` point; returns the measurements, without the point's own fields. */
export function runMigrationPoint(point: MigrationPoint, context: RunContext): Row {
  const result = point.phase === "fork"
    ? runFork(forkOptions(point), context.cost, context.seed)
    : runMigration(migrationOptions(point), context.cost, context.seed);
  // A migration that did not complete leaves the times it could not measure
  // as NaN: they are left out of the row (empty in the CSV), never written
  // as numbers.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !Number.isNaN(value)) row[key] = value;
  }
  return row;
}
