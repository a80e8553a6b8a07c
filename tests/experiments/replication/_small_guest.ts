/**
 * The replication tests' guests: quick-grid points on 256 MiB of memory
 * (the base guest's writable working set still holds what 256 MiB/s
 * dirties in 25 ms, so the slow link saturates as in the grid), and their
 * rows, run once and shared by the test files.
 *
 * @module
 */

import type { Row } from "../../../experiments/experiment.ts";
import { REPLICATION } from "../../../experiments/replication/experiment.ts";
import type { ReplicationPoint } from "../../../experiments/replication/point.ts";
import { runPoints } from "../fixtures/small_sweep.ts";

/** Guest memory of the tests' memory-method points (GiB). */
export const SMALL_GIB = 1 / 4;

const quick = REPLICATION.grids.quick;

/**
 * On 1 GbE: every interval of the trade-off (both instants of Remus, the
 * first of the others; disk replication at 30 s and 5 min), Remus at 25 ms
 * at 256 MiB/s, both restores of Remus, the link outages and the failing
 * backup. Memory methods on {@linkcode SMALL_GIB}.
 */
export const SMALL_POINTS: readonly ReplicationPoint[] = quick
  .filter((p) =>
    p.link === "1gbe" &&
    (p.method === "remus" || p.instant === 0) &&
    (p.method !== "disk" || p.interval_ms <= 300000) &&
    (p.dirty_rate_mib_s !== 16)
  )
  .map((p) => p.method === "disk" ? p : { ...p, memory_gib: SMALL_GIB });

let rows: Promise<Row[]> | undefined;

/** The rows of {@linkcode SMALL_POINTS} (seed 1), run on first use. */
export function smallRows(): Promise<Row[]> {
  rows ??= runPoints(REPLICATION, SMALL_POINTS);
  return rows;
}

/** The columns issue #14 asks `replication.csv` to have at least. */
export const ISSUE_COLUMNS: readonly string[] = [
  "method",
  "interval_ms",
  "dirty_rate_mib_s",
  "link",
  "rpo_ms",
  "rto_ms",
  "bandwidth_mib_s",
  "link_saturated",
  "pause_ms_per_checkpoint",
  "guest_slowdown",
  "output_delay_ms",
  "lost_pages",
  "torn_checkpoints",
  "released_outputs_lost",
];
