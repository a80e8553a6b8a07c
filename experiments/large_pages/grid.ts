/**
 * The grids of the `large-pages` experiment — both modes, every host
 * backing policy, fragmentation from none to every block broken, guests on
 * 4K and on 2M pages — and the points that replay lackey traces.
 *
 * @module
 */

import { HOST_POLICIES } from "../../core/mapping/memory_config.ts";
import type { TypedGrids } from "../define_experiment.ts";
import { cartesian } from "../cartesian.ts";
import { LACKEY_PREFIX, type LargePagesPoint, MODES } from "./point.ts";

/** What varies between the quick and the full grid. */
interface GridShape {
  fragmentations: readonly number[];
  guestLargeFractions: readonly number[];
  footprintsMib: readonly number[];
  workloads: readonly string[];
  accesses: number;
  warmup: number;
}

function buildGrid(shape: GridShape): LargePagesPoint[] {
  return cartesian({
    mode: MODES,
    policy: HOST_POLICIES,
    fragmentation: shape.fragmentations,
    guest_large_fraction: shape.guestLargeFractions,
    workload: shape.workloads,
    footprint_mib: shape.footprintsMib,
    accesses: [shape.accesses],
    warmup_accesses: [shape.warmup],
  });
}

/** The quick and full grids of the `large-pages` experiment. */
export const LARGE_PAGES_GRIDS: TypedGrids<LargePagesPoint> = {
  quick: buildGrid({
    fragmentations: [0, 0.25, 0.5, 0.625, 0.75, 0.875, 1],
    guestLargeFractions: [0, 1],
    footprintsMib: [1024],
    workloads: ["random"],
    accesses: 32_768,
    warmup: 8_192,
  }),
  full: buildGrid({
    fragmentations: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    guestLargeFractions: [0, 0.5, 1],
    footprintsMib: [1024, 8192],
    workloads: ["random", "zipf", "gups", "pointer-chase"],
    accesses: 262_144,
    warmup: 65_536,
  }),
  default: "quick",
};

/**
 * The grid plus, for each trace, a copy of the points of the grid's first
 * synthetic workload with that trace as the workload. The copies keep the
 * synthetic points' accesses fields, which a trace ignores: it runs whole.
 */
export function withLackeyTraces(
  grid: readonly LargePagesPoint[],
  traces: readonly string[],
): LargePagesPoint[] {
  const first = grid[0]?.workload;
  const template = grid.filter((p) => p.workload === first);
  const out = [...grid];
  for (const trace of traces) {
    for (const p of template) out.push({ ...p, workload: `${LACKEY_PREFIX}${trace}` });
  }
  return out;
}
