/**
 * The `translation` experiment: what address translation costs natively and
 * under nested (2-D) paging, across guest and host page sizes, 4- and
 * 5-level tables, footprints from cache-sized to many GiB, and workloads;
 * and a check that cold 2-D walks take the published (n+1)(m+1)−1
 * references.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { TRANSLATION_GRIDS } from "./grid.ts";
import { TRANSLATION_PARAMETERS, type TranslationPoint } from "./point.ts";
import { TRANSLATION_SECTIONS, translationHeadline } from "./report.ts";
import { runTranslation } from "./run.ts";

/**
 * The `translation` experiment.
 *
 * @example A cold 2-D walk on 4-level tables takes 24 references
 * ```ts
 * import { TRANSLATION } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = TRANSLATION.grids.quick.find((p) =>
 *   p.translation_caches === "off" && p.mode === "nested" && p.guest_page === "4k" && p.host_page === "4k" &&
 *   p.levels === 4
 * )!;
 * const row = await TRANSLATION.run({ ...point, accesses: 256 }, {
 *   seed: 1,
 *   cost: getProfile("intel-skylake-sp"),
 * });
 * if (row.walk_refs_per_walk !== 24) throw new Error(`expected 24 references, got ${row.walk_refs_per_walk}`);
 * ```
 */
export const TRANSLATION: TypedExperiment<TranslationPoint> = defineExperiment({
  id: "translation",
  title: "The cost of address translation, native and nested",
  question:
    "How many cycles per access does address translation cost natively and under nested paging, across guest and host page sizes, table depths, footprints and workloads — and do cold 2-D walks take the published number of references?",
  parameters: TRANSLATION_PARAMETERS,
  grids: TRANSLATION_GRIDS,
  // One Worker per platform and caches setting: its page sizes, workloads
  // and depths run in it one after the other. Those change values, never
  // the classes at a call site (the same walker, mapper and TLB classes
  // serve every page size), so the per-access paths stay monomorphic; the
  // workload is called once per chunk (three classes at one call site stay
  // polymorphic, not megamorphic). A fresh Worker costs about 110 ms of
  // start-up and JIT warm-up, more than most points take to run: one per
  // page-size pair (24 in the quick grid) spent 14 % of the quick sweep's
  // CPU on that.
  cell: (point) => [point.translation_caches, point.mode].join("/"),
  run: runTranslation,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: translationHeadline,
  sections: TRANSLATION_SECTIONS,
});
