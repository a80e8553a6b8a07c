/**
 * The `large-pages` experiment: how much TLB reach and translation cost a
 * VM wins or loses from large pages as host memory fragments, per host
 * backing policy, under nested paging and under shadow paging's page-size
 * rule — and what promotion buys back at what copy cost.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { LARGE_PAGES_GRIDS, withLackeyTraces } from "./grid.ts";
import { LARGE_PAGES_PARAMETERS, type LargePagesPoint } from "./point.ts";
import { LARGE_PAGES_SECTIONS, largePagesHeadline } from "./report.ts";
import { runLargePages } from "./run.ts";

/**
 * The `large-pages` experiment.
 *
 * @example Free host memory backs a 2M guest with host large pages
 * ```ts
 * import { LARGE_PAGES } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = LARGE_PAGES.grids.quick.find((p) =>
 *   p.mode === "nested" && p.policy === "opportunistic" && p.fragmentation === 0 &&
 *   p.guest_large_fraction === 1
 * )!;
 * const row = await LARGE_PAGES.run({ ...point, footprint_mib: 64, accesses: 1024 }, {
 *   seed: 1,
 *   cost: getProfile("intel-skylake-sp"),
 * });
 * if (row.host_large_fraction !== 1) throw new Error(`got ${row.host_large_fraction}`);
 * ```
 */
export const LARGE_PAGES: TypedExperiment<LargePagesPoint> = defineExperiment({
  id: "large-pages",
  title: "Large pages, host backing policies and fragmentation",
  question:
    "How much TLB reach and translation cost does a VM win or lose, per host backing policy, as host memory fragments — in nested and in shadow mode — and what does promotion buy back at what copy cost?",
  parameters: LARGE_PAGES_PARAMETERS,
  grids: LARGE_PAGES_GRIDS,
  cell: (point) => `${point.mode}/${point.policy}`,
  withTraces: withLackeyTraces,
  run: runLargePages,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: largePagesHeadline,
  sections: LARGE_PAGES_SECTIONS,
});
