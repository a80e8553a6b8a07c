/**
 * A `replication` point's run: one replication of a running guest from a
 * production host to a backup, with the failure the point asks for at an
 * instant drawn from its stratum, as `runReplication` runs it.
 *
 * @module
 */

import { Prng } from "../../core/base/prng.ts";
import { runReplication } from "../../core/replication/replication.ts";
import {
  type ReplicationOptions,
  resolveReplicationOptions,
} from "../../core/replication/replication_params.ts";
import { DEFAULT_SIM_TIME_LIMIT_S } from "../../core/snapshot/state_params.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { ReplicationPoint } from "./point.ts";

/**
 * Intervals that pass before the failure window opens: by then the backup
 * has applied a few checkpoints and a link that cannot keep up has fallen
 * behind, as it would in a long run.
 */
export const WARM_INTERVALS = 3;

/** When a point's link goes down (ms): once {@linkcode WARM_INTERVALS} intervals have passed. */
export function outageAtMs(point: ReplicationPoint): number {
  return WARM_INTERVALS * point.interval_ms;
}

/** The heartbeat interval of a point's hosts (ms): the option's default. */
function heartbeatMs(point: ReplicationPoint): number {
  return resolveReplicationOptions({ method: point.method }).heartbeatMs;
}

/**
 * The window the failure falls in (ms from the start), one interval long:
 * with a link outage, the last interval of the outage (the longest the
 * backup has been cut off); otherwise the interval that starts
 * {@linkcode WARM_INTERVALS} + j intervals in, j a whole number of
 * intervals below one heartbeat drawn from the seed. A failure's recovery
 * point depends on where it falls between two captures, which whole
 * intervals do not move; its detection depends on where it falls between
 * two heartbeats, which j spreads over the whole heartbeat, as it is for a
 * host that has run for a while (without j every Remus failure would fall
 * in the first heartbeat interval, and its detection would shrink as the
 * interval grows).
 */
export function failureWindow(
  point: ReplicationPoint,
  seed: number,
): { start: number; span: number } {
  const span = point.interval_ms;
  if (point.link_outage_ms > 0) {
    return { start: outageAtMs(point) + Math.max(0, point.link_outage_ms - span), span };
  }
  const perBeat = Math.ceil(heartbeatMs(point) / span);
  // Its own stream, apart from the strata's u.
  const j = Math.floor(new Prng(seed, 0x10000 + point.instant).next() * perBeat);
  return { start: (WARM_INTERVALS + j) * span, span };
}

/**
 * When the failing host fails (ms): window start + span × (k + u) / F for
 * the point's stratum k of F, u drawn from the seed's stream k. Every
 * configuration of one seed shares its u (common random numbers), so that
 * curves over intervals compare like with like; over the F strata the mean
 * recovery point is that of a failure uniform over an interval.
 */
export function failureInstantMs(point: ReplicationPoint, seed: number): number {
  if (point.instant >= point.instants) {
    throw new RangeError(
      `replication: instant ${point.instant} is not below instants ${point.instants}`,
    );
  }
  const u = new Prng(seed, point.instant).next();
  const { start, span } = failureWindow(point, seed);
  // Whole microseconds: the instant reads cleanly in the CSV.
  return Math.round((start + span * (point.instant + u) / point.instants) * 1000) / 1000;
}

/**
 * The options of a point. Fields only some methods or failures use are given
 * only to them (a dirty rate and a memory restore to the memory methods, a
 * restore to a production failure), and given whenever the point sets them
 * otherwise, so that the options refuse a point that contradicts its method.
 */
export function replicationOptions(point: ReplicationPoint, seed: number): ReplicationOptions {
  const memory = point.method !== "disk";
  const production = point.failure === "production";
  const expected = !production ? "none" : memory ? undefined : "boot";
  if (
    expected !== undefined
      ? point.restore !== expected
      : point.restore === "boot" || point.restore === "none"
  ) {
    throw new RangeError(
      `replication: ${point.method} with failure ${point.failure} cannot restore by ${point.restore}`,
    );
  }
  const failAtMs = point.failure === "none" ? undefined : failureInstantMs(point, seed);
  const options: ReplicationOptions = {
    method: point.method,
    intervalMs: point.interval_ms,
    ...(memory || point.memory_gib !== 0 ? { memoryGib: point.memory_gib } : {}),
    link: point.link,
    failure: point.failure,
    ...(failAtMs !== undefined ? { failAtMs } : {}),
    ...(memory || point.dirty_rate_mib_s !== 0 || point.wws_fraction !== 0
      ? { dirtyRateMibS: point.dirty_rate_mib_s, wwsFraction: point.wws_fraction }
      : {}),
    ...(production && memory ? { restore: point.restore as ReplicationOptions["restore"] } : {}),
    ...(point.link_outage_ms > 0
      ? { linkOutageAtMs: outageAtMs(point), linkOutageMs: point.link_outage_ms }
      : {}),
  };
  if (point.failure === "backup") {
    // Long enough for the production host to notice: its heartbeats' timeout
    // and two intervals more.
    const s = resolveReplicationOptions(options);
    options.durationMs = failAtMs! + s.heartbeatMs * s.missedBeats + 2 * point.interval_ms;
  }
  // Intervals of minutes fail after a quarter of an hour or more, past the
  // default limit on simulated time: the limit grows with them.
  const endS = Math.ceil(
    ((options.durationMs ?? failAtMs ?? 5 * point.interval_ms) + 5 * point.interval_ms) / 1000,
  ) + 600;
  if (endS > DEFAULT_SIM_TIME_LIMIT_S) options.simTimeLimitS = endS;
  return options;
}

/** Runs one `replication` point; returns the measurements, without the point's own fields. */
export function runReplicationPoint(point: ReplicationPoint, context: RunContext): Row {
  const result = runReplication(
    replicationOptions(point, context.seed),
    context.cost,
    context.seed,
  );
  // Figures a run could not measure (a recovery point without failover) are
  // NaN: they are left out of the row (empty in the CSV), never written as
  // numbers.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !Number.isNaN(value)) row[key] = value;
  }
  return row;
}
