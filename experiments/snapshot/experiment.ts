/**
 * The `snapshot` experiment: how short the pause of a snapshot of a running
 * guest can be, what the running guest pays, and how batch size and storage
 * speed shape both; and, for restore, when a lazy restore (start at once,
 * fetch pages on demand) beats restoring everything first.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { SNAPSHOT_GRIDS } from "./grid.ts";
import { SNAPSHOT_PARAMETERS, type SnapshotPoint } from "./point.ts";
import { SNAPSHOT_SECTIONS, snapshotHeadline } from "./report.ts";
import { runSnapshotPoint } from "./run.ts";

/**
 * The `snapshot` experiment: snapshot methods (stop-and-copy, concurrent
 * copy-before-write, dirty-logging pre-copy) and restore methods (full,
 * lazy, lazy with a sweep, working-set prefetch) across batch size, storage,
 * memory size and guest write rate and working set.
 *
 * @example Run one point in-process
 * ```ts
 * import { SNAPSHOT } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = SNAPSHOT.grids.quick.find((p) =>
 *   p.method === "concurrent-cow" && p.storage === "nvme-ssd" && p.batch_pages === 64
 * )!;
 * const row = await SNAPSHOT.run(point, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.lost_pages !== 0) throw new Error("lost data");
 * ```
 */
export const SNAPSHOT: TypedExperiment<SnapshotPoint> = defineExperiment({
  id: "snapshot",
  title: "Snapshots and restores of a running guest",
  question:
    "How short can the pause of a snapshot of a running guest be, what does the running guest pay, how do batch size and storage speed shape both — and when does a lazy restore beat restoring everything first?",
  parameters: SNAPSHOT_PARAMETERS,
  grids: SNAPSHOT_GRIDS,
  cell: (point) => `${point.phase}/${point.method}`,
  run: runSnapshotPoint,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: snapshotHeadline,
  sections: SNAPSHOT_SECTIONS,
});
