/**
 * The `shadow` experiment: shadow page tables kept in step with the guest's
 * own tables — the unoptimised shadow MMU, each of six strategies alone, and
 * all together — against hardware nested paging, with native execution as
 * the reference, on OS workloads (a parallel `make -jN` build, a many-process
 * server, a big-memory process, a multi-threaded munmap workload) at event
 * rates measured on real programs, and several vCPU counts; a few points at
 * the churn-heavy stress rates of earlier versions for comparison.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { SHADOW_GRIDS, withShadowTraces } from "./grid.ts";
import { SHADOW_PARAMETERS, type ShadowPoint } from "./point.ts";
import { SHADOW_SECTIONS, shadowHeadline } from "./report.ts";
import { runShadow } from "./run.ts";

/**
 * The `shadow` experiment.
 *
 * @example A native point is its own reference
 * ```ts
 * import { SHADOW } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = SHADOW.grids.quick.find((p) => p.workload === "build" && p.mode === "native")!;
 * // A short run: at published rates a build faults once per ~52,600 accesses.
 * const row = await SHADOW.run({ ...point, accesses: 2000 }, {
 *   seed: 1,
 *   cost: getProfile("intel-skylake-sp"),
 * });
 * if (row.overhead_vs_native !== 0 || row.exits_per_kilo_access !== 0) throw new Error();
 * ```
 */
export const SHADOW: TypedExperiment<ShadowPoint> = defineExperiment({
  id: "shadow",
  title: "Shadow page tables against nested paging",
  question:
    "For each OS workload, which combination of shadow-page-table strategies costs the fewest cycles, and where does shadow paging beat hardware nested paging?",
  parameters: SHADOW_PARAMETERS,
  grids: SHADOW_GRIDS,
  // Rows are modelled cycle counts, not wall time, so the mix of classes a
  // Worker sees cannot change them (STYLE.md, point 13); grouping the points
  // of a workload and vCPU count in one Worker saves starting a Worker per
  // point.
  cell: (point) => `${point.workload}/${point.vcpus}`,
  withTraces: withShadowTraces,
  run: runShadow,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: shadowHeadline,
  sections: SHADOW_SECTIONS,
});
