/**
 * The grids of the `translation` experiment: every configuration measured
 * in steady state (tables populated, TLBs and translation caches warmed)
 * over workloads and footprints, plus a cold-walk point per configuration
 * and depth with every translation cache off.
 *
 * @module
 */

import type { TypedGrids } from "../define_experiment.ts";
import { cartesian } from "../cartesian.ts";
import type { WorkloadName } from "../../core/workload/workloads.ts";
import { type Configuration, CONFIGURATIONS } from "./_configurations.ts";
import type { TranslationPoint } from "./point.ts";

/** Footprint at which the cold-walk reference counts are measured (MiB). */
const WALK_COUNT_FOOTPRINT_MIB = 65536;
/**
 * Accesses of a cold-walk point: every one misses the TLBs, so a few
 * thousand walks suffice. Cold walks need cold tables neither populated nor
 * warmed: a walk's reference count does not depend on them (a first touch
 * maps the page uncharged and the walk goes on), and populating 64 GiB for
 * each of 24 points would cost the quick grid most of its budget.
 */
const WALK_COUNT_ACCESSES = 4096;

/**
 * The configurations measured a second time on cold tables, at the largest
 * footprint: what a run without populating and warm-up would have reported.
 */
const COLD_TABLE_CONFIGS = ["native/4k/none", "nested/4k/4k", "nested/2m/2m"];

/** What varies between the quick and the full grid. */
interface GridShape {
  levels: readonly (4 | 5)[];
  workloads: readonly WorkloadName[];
  footprintsMib: readonly number[];
  accesses: number;
  warmup: number;
}

/** The fields a kind of point fixes, each with the values it takes. */
type Kind = {
  readonly [K in Exclude<keyof TranslationPoint, keyof Configuration>]:
    readonly TranslationPoint[K][];
};

/** Every point of `kind` for each configuration of `configs`. */
function pointsOf(kind: Kind, configs: readonly Configuration[]): TranslationPoint[] {
  return configs.flatMap((config) =>
    cartesian({
      translation_caches: kind.translation_caches,
      mode: [config.mode],
      guest_page: [config.guest_page],
      host_page: [config.host_page],
      levels: kind.levels,
      workload: kind.workload,
      footprint_mib: kind.footprint_mib,
      accesses: kind.accesses,
      warmup_accesses: kind.warmup_accesses,
      populate: kind.populate,
    })
  );
}

/**
 * Points of every configuration, measured in steady state first, then the
 * cold walks, then the few measured again on cold tables.
 */
function buildGrid(shape: GridShape): TranslationPoint[] {
  const measured: Kind = {
    translation_caches: ["on"],
    levels: shape.levels,
    workload: shape.workloads,
    footprint_mib: shape.footprintsMib,
    accesses: [shape.accesses],
    warmup_accesses: [shape.warmup],
    populate: ["on"],
  };
  const coldWalks: Kind = {
    translation_caches: ["off"],
    levels: [4, 5],
    workload: ["random"],
    footprint_mib: [WALK_COUNT_FOOTPRINT_MIB],
    accesses: [WALK_COUNT_ACCESSES],
    warmup_accesses: [0],
    populate: ["off"],
  };
  const coldTables: Kind = {
    translation_caches: ["on"],
    levels: [4],
    workload: ["random"],
    footprint_mib: [Math.max(...shape.footprintsMib)],
    accesses: [shape.accesses],
    warmup_accesses: [0],
    populate: ["off"],
  };
  return [
    ...pointsOf(measured, CONFIGURATIONS),
    ...pointsOf(coldWalks, CONFIGURATIONS),
    ...pointsOf(
      coldTables,
      CONFIGURATIONS.filter((c) =>
        COLD_TABLE_CONFIGS.includes(`${c.mode}/${c.guest_page}/${c.host_page}`)
      ),
    ),
  ];
}

/**
 * The quick and full grids of the `translation` experiment. Every measured
 * point populates its whole footprint first, so the largest footprints set
 * the budget: 16 GiB in the quick grid, 64 GiB in the full one (a 64 GiB
 * footprint of 4K pages has 16 million leaf entries in each of the guest
 * and host tables). The warm-up fills the 1,536-entry STLB and the
 * 16,384-line PTE cache of the profiles several times over with any of the
 * workloads: translation cycles per access move by under 1 % when the quick
 * grid's warm-up is quadrupled, by up to 14 % (2M pages, random, 64 GiB) when
 * it is cut to a third.
 */
export const TRANSLATION_GRIDS: TypedGrids<TranslationPoint> = {
  quick: buildGrid({
    levels: [4, 5],
    workloads: ["strided", "zipf", "random"],
    footprintsMib: [1, 64, 4096, 16384],
    accesses: 24_576,
    warmup: 24_576,
  }),
  full: buildGrid({
    levels: [4, 5],
    workloads: ["strided", "zipf", "random", "pointer-chase", "gups"],
    footprintsMib: [1, 8, 64, 512, 4096, 16384, 65536],
    accesses: 262_144,
    warmup: 65_536,
  }),
  default: "quick",
};
