/**
 * The grids of the `shadow` experiment: every OS workload and vCPU count,
 * run natively, nested, and shadowed with no strategy, each strategy alone
 * and all of them (the batch strategy at several batch sizes in the full
 * grid).
 *
 * @module
 */

import type { TypedGrids } from "../define_experiment.ts";
import { type ShadowPoint, STRATEGY_VALUES } from "./point.ts";

/** Footprint per workload (MiB) in each grid. */
const FOOTPRINTS: Readonly<Record<string, { quick: number; full: number }>> = {
  build: { quick: 2, full: 4 },
  server: { quick: 16, full: 64 },
  bigmem: { quick: 256, full: 1024 },
  threads: { quick: 16, full: 64 },
};

/** What varies between the quick and the full grid. */
interface GridShape {
  size: "quick" | "full";
  vcpus: readonly number[];
  accesses: number;
  batchSizes: readonly ShadowPoint["batch"][];
}

function buildGrid(shape: GridShape): ShadowPoint[] {
  const points: ShadowPoint[] = [];
  for (const workload of Object.keys(FOOTPRINTS)) {
    for (const vcpus of shape.vcpus) {
      const common = {
        workload,
        vcpus,
        footprint_mib: FOOTPRINTS[workload][shape.size],
        accesses: shape.accesses,
      };
      for (const mode of ["native", "nested"] as const) {
        points.push({ ...common, mode, strategy: "none", batch: 1 });
      }
      for (const strategy of STRATEGY_VALUES) {
        const batched = strategy === "batch" || strategy === "all";
        const sizes: readonly ShadowPoint["batch"][] = strategy === "batch"
          ? shape.batchSizes
          : [8];
        const batches: readonly ShadowPoint["batch"][] = batched ? sizes : [1];
        for (const batch of batches) {
          points.push({ ...common, mode: "shadow", strategy, batch });
        }
      }
    }
  }
  return points;
}

/** The quick and full grids of the `shadow` experiment. */
export const SHADOW_GRIDS: TypedGrids<ShadowPoint> = {
  quick: buildGrid({ size: "quick", vcpus: [1, 4], accesses: 100_000, batchSizes: [8] }),
  full: buildGrid({
    size: "full",
    vcpus: [1, 2, 4, 8],
    accesses: 1_000_000,
    batchSizes: [1, 8, 64, 512],
  }),
  default: "quick",
};
