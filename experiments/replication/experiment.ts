/**
 * The `replication` experiment: how much a guest replicated to a backup
 * host can lose (RPO), how long it is down after its host fails (RTO), and
 * what protection costs it (pauses, dirty logging, held outputs, link
 * bandwidth), per method, interval, dirty rate, link and failure instant.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { REPLICATION_GRIDS } from "./grid.ts";
import { REPLICATION_PARAMETERS, type ReplicationPoint } from "./point.ts";
import { REPLICATION_SECTIONS, replicationHeadline } from "./report.ts";
import { runReplicationPoint } from "./run.ts";

/**
 * The `replication` experiment: Remus-style checkpoints every 25–200 ms
 * with outputs held until acknowledged, asynchronous checkpoints every
 * seconds to a minute, and disk replication every 30 s to 15 min, across
 * dirty rate, writable working set and link, each failing at several seeded
 * instants; restores resident, full and lazy; link outages and a failing
 * backup.
 *
 * @example Run one point in-process
 * ```ts
 * import { REPLICATION } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = REPLICATION.grids.quick.find((p) => p.method === "remus")!;
 * const small = { ...point, memory_gib: 1 / 64 };
 * const row = await REPLICATION.run(small, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.lost_pages !== 0 || row.released_outputs_lost !== 0) throw new Error("lost data");
 * ```
 */
export const REPLICATION: TypedExperiment<ReplicationPoint> = defineExperiment({
  id: "replication",
  title: "Disaster recovery by replication (Remus, asynchronous checkpoints, disk replication)",
  question:
    "For a guest replicated to a backup host by Remus-style checkpoints, asynchronous checkpoints or disk replication, how much work does a failure lose (RPO) and how long is the guest down (RTO) at each checkpoint interval, what does protection cost the guest (pauses, dirty logging, held outputs) and the link, and when does the link stop keeping up?",
  parameters: REPLICATION_PARAMETERS,
  grids: REPLICATION_GRIDS,
  // One cell for the whole grid, its Workers going from piece to piece: the
  // replication methods' classes share the call sites without slowing them
  // measurably, while a Worker per method, link and memory size (a few
  // points each) spent more on starting and compiling than on the points.
  // With two Workers: quick grid 9.4–9.7 s → 5.3–5.5 s, full grid 97 → 88 s.
  cell: () => "all",
  run: runReplicationPoint,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: replicationHeadline,
  sections: REPLICATION_SECTIONS,
});
