/**
 * The migration tests' guests: quick-grid points on 16 MiB of memory, small
 * enough to run in a test, and their rows, run once and shared by the
 * test files.
 *
 * @module
 */

import { LINK_PROFILES } from "../../../core/transfer/link_profile.ts";
import type { Row } from "../../../experiments/experiment.ts";
import { MIGRATION } from "../../../experiments/migration/experiment.ts";
import type { MigrationPoint } from "../../../experiments/migration/point.ts";
import { VARIANTS } from "../../../experiments/migration/grid.ts";
import { runPoints } from "../fixtures/small_sweep.ts";

/** Guest memory of the tests' points (GiB): 16 MiB. */
export const SMALL_GIB = 1 / 64;

/**
 * When the small guest's link fails (ms): halfway through one pass over its
 * memory on 10 GbE, as the grid's link-failure points fail for theirs.
 */
export const SMALL_FAIL_MS = Math.round(
  SMALL_GIB * 2 ** 30 / LINK_PROFILES["10gbe"].bytesPerSecond * 500 * 10,
) / 10;

const quick = MIGRATION.grids.quick.filter((p) => p.phase === "migrate");
const rates = quick.filter((p) => p.link_fail_ms === 0).map((p) => p.dirty_rate_mib_s);

/**
 * Every variant of the quick grid at its lowest and highest dirty rate (the
 * working set that fits at the lowest, the one that does not at the
 * highest), and the link-failure points, all on {@linkcode SMALL_GIB}.
 */
export const SMALL_POINTS: readonly MigrationPoint[] = quick
  .filter((p) =>
    p.link_fail_ms > 0 ||
    (p.dirty_rate_mib_s === Math.min(...rates) && p.wws_fraction === 0.1) ||
    (p.dirty_rate_mib_s === Math.max(...rates) && p.wws_fraction === 0.5)
  )
  .map((p) => ({
    ...p,
    memory_gib: SMALL_GIB,
    link_fail_ms: p.link_fail_ms > 0 ? SMALL_FAIL_MS : 0,
  }));

/**
 * A slow link's guest whose writable working set (64 MiB) exceeds what 1 GbE
 * sends in 300 ms, dirtied at twice the link's bandwidth: pre-copy under
 * QEMU's rule does not converge, Xen's rule stops at its round cap, hybrid
 * switches to post-copy; and dirtied at half the bandwidth, where pre-copy
 * converges in 2 rounds, as n* says.
 */
export const SLOW_LINK_POINTS: readonly MigrationPoint[] = [
  ...(["pre-copy", "pre-copy-xen", "post-copy", "hybrid"] as const).map((v) => ({
    ...VARIANTS[v],
    dirty_rate_mib_s: 240,
  })),
  { ...VARIANTS["pre-copy"], dirty_rate_mib_s: 60 },
].map((v) => ({
  phase: "migrate",
  ...v,
  link: "1gbe",
  memory_gib: 1 / 8,
  wws_fraction: 0.5,
  link_fail_ms: 0,
  children: 0,
  placement: "none",
  prefetch: false,
  multicast: false,
}));

/** The quick grid's forks of up to 4 children, on a {@linkcode SMALL_GIB} parent. */
export const SMALL_FORK_POINTS: readonly MigrationPoint[] = MIGRATION.grids.quick
  .filter((p) => p.phase === "fork" && p.children <= 4)
  .map((p) => ({ ...p, memory_gib: SMALL_GIB }));

let rows: Promise<Row[]> | undefined;

/**
 * The rows of {@linkcode SMALL_POINTS}, {@linkcode SLOW_LINK_POINTS} and
 * {@linkcode SMALL_FORK_POINTS} (seed 1), run on first use.
 */
export function smallRows(): Promise<Row[]> {
  rows ??= runPoints(MIGRATION, [...SMALL_POINTS, ...SLOW_LINK_POINTS, ...SMALL_FORK_POINTS]);
  return rows;
}

/** The columns issue #13 asks `migration.csv` to have at least. */
export const ISSUE_COLUMNS: readonly string[] = [
  "method",
  "memory_gib",
  "dirty_rate_mib_s",
  "link",
  "downtime_ms",
  "total_ms",
  "bytes_sent",
  "rounds",
  "converged",
  "degraded_ms",
  "remote_faults",
  "exits",
  "lost_pages",
  "vm_lost",
];
