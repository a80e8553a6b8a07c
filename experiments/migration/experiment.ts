/**
 * The `migration` experiment: for a guest of a given memory size, dirty
 * rate and writable working set and a given link, which live-migration
 * method gives the shortest downtime, the shortest total time, the fewest
 * bytes, and how long the guest is degraded after the switch; when
 * pre-copy stops converging, and what post-copy risks; and how fast N
 * children forked from one parent start.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { MIGRATION_GRIDS } from "./grid.ts";
import { MIGRATION_PARAMETERS, type MigrationPoint } from "./point.ts";
import { MIGRATION_SECTIONS, migrationHeadline } from "./report.ts";
import { runMigrationPoint } from "./run.ts";

/**
 * The `migration` experiment: stop-and-copy, pre-copy (QEMU's stop rule,
 * with and without auto-converge, with write protection or PML; Xen's
 * rules), post-copy (with and without a preempt channel) and hybrid, across
 * link, memory size, dirty rate and writable working set; what each
 * method does when the link fails part-way; and VM fork: children × local
 * or remote × working-set prefetch.
 *
 * @example Run one point in-process
 * ```ts
 * import { MIGRATION } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = MIGRATION.grids.quick.find((p) => p.method === "post-copy" && !p.preempt)!;
 * const small = { ...point, memory_gib: 1 / 64 };
 * const row = await MIGRATION.run(small, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.lost_pages !== 0 || row.vm_lost !== false) throw new Error("lost data");
 * ```
 */
export const MIGRATION: TypedExperiment<MigrationPoint> = defineExperiment({
  id: "migration",
  title: "Live migration (stop-and-copy, pre-copy, post-copy, hybrid) and VM fork",
  question:
    "For a guest of a given memory size, dirty rate and writable working set and a given link, which migration method gives the shortest downtime, the shortest total time and the fewest bytes, how long is the guest degraded after the switch, when does pre-copy stop converging, and what does post-copy risk? And how fast can N children forked from one parent start?",
  parameters: MIGRATION_PARAMETERS,
  grids: MIGRATION_GRIDS,
  cell: (point) => `${point.phase}/${point.method}/${point.link}/${point.memory_gib}`,
  run: runMigrationPoint,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: migrationHeadline,
  sections: MIGRATION_SECTIONS,
});
