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
  // One cell for the whole grid, its Workers going from piece to piece.
  // Page sizes, depths and footprints change values, never the classes at
  // a call site; the two platforms' walkers and the workloads' generators
  // (called once per chunk) stay polymorphic, not megamorphic, and sharing
  // an isolate did not slow the points measurably. A fresh Worker costs its
  // start and its compiles (the quick sweep makes some 670 optimizing
  // compiles, about 1.2 s of CPU), which a cell per platform and caches
  // setting paid four or five times over. With two Workers: quick grid
  // 4.9 → 4.4 s (one Worker: 7.5 → 7.1 s), full grid 201 → 196 s.
  cell: () => "all",
  run: runTranslation,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: translationHeadline,
  sections: TRANSLATION_SECTIONS,
});
