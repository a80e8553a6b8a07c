/**
 * The grids of the `replication` experiment: the trade-off (every method at
 * its intervals, on both links, failing at several seeded instants), the
 * dirty rates around the slow link's saturation point, the restore
 * methods, link outages shorter and longer than the production host's
 * patience, and a backup that fails.
 *
 * @module
 */

import type { ReplicationMethod } from "../../core/replication/replication_params.ts";
import { distinctPoints } from "../cartesian.ts";
import type { TypedGrids } from "../define_experiment.ts";
import type { PointRestore, ReplicationPoint } from "./point.ts";

/** The checkpoint intervals of each method (ms), as the full grid runs them. */
export const INTERVALS: Readonly<Record<ReplicationMethod, readonly number[]>> = {
  // Remus at 40 down to 5 checkpoints a second; xl remus defaults to 200 ms.
  remus: [25, 50, 100, 200],
  // Periodic checkpoints of seconds to a minute (QEMU COLO's default is 20 s).
  async: [1000, 5000, 20000, 60000],
  // Hyper-V Replica's three frequencies: 30 s, 5 min, 15 min.
  disk: [30000, 300000, 900000],
};

/** The methods in legend order. */
export const METHODS: readonly ReplicationMethod[] = ["remus", "async", "disk"];

/** The guest every slice starts from: 1 GiB, 64 MiB/s over a writable working set of a tenth of memory, on 1 GbE (Remus's link). */
export const BASE_GUEST = {
  memory_gib: 1,
  dirty_rate_mib_s: 64,
  wws_fraction: 0.1,
  link: "1gbe",
} as const;

/** Link outages of the grid (ms): shorter and longer than the production host's 10 s patience (giveUpMs). */
export const OUTAGES_MS: readonly number[] = [2000, 20000];

/** A memory method's failing point of the base guest; `over` replaces fields. */
function point(
  method: ReplicationMethod,
  interval_ms: number,
  instants: number,
  instant: number,
  over: Partial<ReplicationPoint> = {},
): ReplicationPoint {
  const disk = method === "disk";
  return {
    method,
    interval_ms,
    ...BASE_GUEST,
    ...(disk ? { memory_gib: 0, dirty_rate_mib_s: 0, wws_fraction: 0 } : {}),
    failure: "production",
    restore: (disk ? "boot" : "resident") satisfies PointRestore,
    link_outage_ms: 0,
    instant,
    instants,
    ...over,
  };
}

/** Every instant of a point: stratum 0 to F − 1 of F. */
function instantsOf(
  method: ReplicationMethod,
  interval: number,
  instants: number,
  over: Partial<ReplicationPoint> = {},
): ReplicationPoint[] {
  return Array.from({ length: instants }, (_, k) => point(method, interval, instants, k, over));
}

/** What varies between the quick and the full grid. */
interface GridShape {
  intervals: Readonly<Record<ReplicationMethod, readonly number[]>>;
  /** Instants per configuration on each link (the first link is the base guest's). */
  instants: Readonly<Record<string, number>>;
  /** Dirty rates of the trade-off (MiB/s). */
  tradeoffRates: readonly number[];
  /** Writable working sets of the trade-off. */
  wws: readonly number[];
  /** Memory intervals run at the saturation slice's dirty rates (both links). */
  saturationIntervals: readonly number[];
  /** Dirty rates of the saturation slice (MiB/s). */
  saturationRates: readonly number[];
  /** Memory intervals run with a full and a lazy restore. */
  restoreIntervals: readonly number[];
  /** Memory intervals of the link-outage and backup-failure runs. */
  failureIntervals: readonly number[];
  /** Instants of the link-outage and backup-failure runs. */
  failureInstants: number;
}

/** The method of a memory interval (ms). */
function methodOf(interval: number): ReplicationMethod {
  return INTERVALS.remus.includes(interval) ? "remus" : "async";
}

function buildGrid(shape: GridShape): ReplicationPoint[] {
  const points: ReplicationPoint[] = [];
  const memory = (["remus", "async"] as const).flatMap((m) =>
    shape.intervals[m].map((i) => [m, i] as const)
  );
  for (const [link, instants] of Object.entries(shape.instants)) {
    for (const dirty_rate_mib_s of shape.tradeoffRates) {
      for (const wws_fraction of shape.wws) {
        for (const [method, interval] of memory) {
          points.push(
            ...instantsOf(method, interval, instants, { link, dirty_rate_mib_s, wws_fraction }),
          );
        }
      }
    }
    for (const interval of shape.intervals.disk) {
      points.push(...instantsOf("disk", interval, instants, { link }));
    }
  }
  // The saturation slice: its first instant of the link's strata.
  for (const [link, instants] of Object.entries(shape.instants)) {
    for (const dirty_rate_mib_s of shape.saturationRates) {
      for (const interval of shape.saturationIntervals) {
        points.push(point(methodOf(interval), interval, instants, 0, { link, dirty_rate_mib_s }));
      }
    }
  }
  const baseInstants = Object.values(shape.instants)[0];
  for (const interval of shape.restoreIntervals) {
    for (const restore of ["full", "lazy"] as const) {
      points.push(point(methodOf(interval), interval, baseInstants, 0, { restore }));
    }
  }
  for (const interval of shape.failureIntervals) {
    const method = methodOf(interval);
    for (const link_outage_ms of OUTAGES_MS) {
      points.push(...instantsOf(method, interval, shape.failureInstants, { link_outage_ms }));
    }
    points.push(
      ...instantsOf(method, interval, shape.failureInstants, {
        failure: "backup",
        restore: "none",
      }),
    );
  }
  // Slices overlap (the saturation slice meets the trade-off at its rates):
  // each point once.
  return distinctPoints(points);
}

// A memory-method run costs about 0.6 s of wall time (most of it measuring
// translation per access with and without dirty logging), a disk run a
// tenth of that: the quick grid keeps to 1 GiB, the base dirty rate and two
// instants on the base link (one on 10 GbE), and puts breadth in the full
// grid.

/** The quick and full grids of the `replication` experiment. */
export const REPLICATION_GRIDS: TypedGrids<ReplicationPoint> = {
  quick: buildGrid({
    intervals: { remus: INTERVALS.remus, async: INTERVALS.async.slice(0, 3), disk: INTERVALS.disk },
    instants: { "1gbe": 2, "10gbe": 2 },
    tradeoffRates: [BASE_GUEST.dirty_rate_mib_s],
    wws: [BASE_GUEST.wws_fraction],
    saturationIntervals: [25, 1000],
    saturationRates: [16, 256],
    restoreIntervals: [25, 5000],
    failureIntervals: [25],
    failureInstants: 1,
  }),
  full: buildGrid({
    intervals: INTERVALS,
    instants: { "1gbe": 4, "10gbe": 4 },
    tradeoffRates: [16, 64, 256],
    wws: [0.1, 0.5],
    saturationIntervals: [],
    saturationRates: [],
    restoreIntervals: [...INTERVALS.remus, ...INTERVALS.async],
    failureIntervals: [25, 1000],
    failureInstants: 2,
  }),
  default: "quick",
};
