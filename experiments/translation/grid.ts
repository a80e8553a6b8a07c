/**
 * The grids of the `translation` experiment: every configuration measured
 * with the profile's caches over workloads and footprints, plus a cold-walk
 * point per configuration and depth with every translation cache off.
 *
 * @module
 */

import type { TypedGrids } from "../define_experiment.ts";
import { cartesian } from "../cartesian.ts";
import type { WorkloadName } from "../../core/workload/workloads.ts";
import { CONFIGURATIONS } from "./_configurations.ts";
import type { TranslationPoint } from "./point.ts";

/** Footprint at which the cold-walk reference counts are measured (MiB). */
const WALK_COUNT_FOOTPRINT_MIB = 65536;
/** Accesses of a cold-walk point: every one misses the TLBs, so a few thousand walks suffice. */
const WALK_COUNT_ACCESSES = 4096;

/** What varies between the quick and the full grid. */
interface GridShape {
  levels: readonly (4 | 5)[];
  workloads: readonly WorkloadName[];
  footprintsMib: readonly number[];
  accesses: number;
  warmup: number;
}

/** Points of every configuration, measured points first, then the cold walks. */
function buildGrid(shape: GridShape): TranslationPoint[] {
  const measured = {
    caches: ["on"],
    levels: shape.levels,
    workload: shape.workloads,
    footprint_mib: shape.footprintsMib,
    accesses: [shape.accesses],
    warmup_accesses: [shape.warmup],
  } as const;
  const cold = {
    caches: ["off"],
    levels: [4, 5],
    workload: ["random"],
    footprint_mib: [WALK_COUNT_FOOTPRINT_MIB],
    accesses: [WALK_COUNT_ACCESSES],
    warmup_accesses: [0],
  } as const;
  return [measured, cold].flatMap((kind) =>
    CONFIGURATIONS.flatMap((config) =>
      cartesian({
        caches: kind.caches,
        mode: [config.mode],
        guest_page: [config.guest_page],
        host_page: [config.host_page],
        levels: kind.levels,
        workload: kind.workload,
        footprint_mib: kind.footprint_mib,
        accesses: kind.accesses,
        warmup_accesses: kind.warmup_accesses,
      })
    )
  );
}

/** The quick and full grids of the `translation` experiment. */
export const TRANSLATION_GRIDS: TypedGrids<TranslationPoint> = {
  quick: buildGrid({
    levels: [4, 5],
    workloads: ["strided", "zipf", "random"],
    footprintsMib: [1, 64, 4096, 65536],
    accesses: 24_576,
    warmup: 8_192,
  }),
  full: buildGrid({
    levels: [4, 5],
    workloads: ["strided", "zipf", "random", "pointer-chase", "gups"],
    footprintsMib: [1, 8, 64, 512, 4096, 32768, 262144],
    accesses: 262_144,
    warmup: 65_536,
  }),
  default: "quick",
};
