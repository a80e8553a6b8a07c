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
import { type LargePagesPoint, MODES } from "./point.ts";
import { traceWorkload } from "../trace_workload.ts";

/** What varies between the quick and the full grid. */
interface GridShape {
  fragmentations: readonly number[];
  guestLargeFractions: readonly number[];
  footprintsMib: readonly number[];
  workloads: readonly string[];
  accesses: number;
  warmup: number;
  promotionSeconds: number;
}

/**
 * Every policy with the other tenants staying, and promotion once more with
 * them exiting after first touch: the one scenario in which blocks free up
 * for the promotion agent (the other policies never look again).
 */
function buildGrid(shape: GridShape): LargePagesPoint[] {
  const axes = {
    mode: MODES,
    fragmentation: shape.fragmentations,
    guest_large_fraction: shape.guestLargeFractions,
    workload: shape.workloads,
    footprint_mib: shape.footprintsMib,
    accesses: [shape.accesses],
    warmup_accesses: [shape.warmup],
  };
  const stay = cartesian({ ...axes, policy: HOST_POLICIES, tenants: ["stay"] });
  const exit = cartesian({ ...axes, policy: ["opportunistic+promote"], tenants: ["exit"] });
  return [...stay, ...exit].map((p) => ({
    mode: p.mode,
    policy: p.policy,
    fragmentation: p.fragmentation,
    guest_large_fraction: p.guest_large_fraction,
    tenants: p.tenants,
    promotion_seconds: p.policy === "opportunistic+promote" ? shape.promotionSeconds : 0,
    workload: p.workload,
    footprint_mib: p.footprint_mib,
    accesses: p.accesses,
    warmup_accesses: p.warmup_accesses,
  }));
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
    // 1 GiB is 512 regions: 64 passes of 8 regions, 640 s at khugepaged's rate.
    promotionSeconds: 900,
  }),
  full: buildGrid({
    fragmentations: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    guestLargeFractions: [0, 0.5, 1],
    footprintsMib: [1024, 8192],
    workloads: ["random", "zipf", "gups", "pointer-chase"],
    accesses: 262_144,
    warmup: 65_536,
    // 8 GiB's 4,096 regions take 85 minutes at khugepaged's rate: the full
    // grid shows the first half hour.
    promotionSeconds: 1_800,
  }),
  default: "quick",
};

/**
 * The grid plus, for each trace, the points the report's trace table shows:
 * those of the grid's first synthetic workload at its largest footprint and
 * guest 2M share, at the lowest and highest fragmentation, with that trace
 * as the workload. Trace points leave `accesses` and `warmup_accesses` out:
 * a trace runs whole, and its row holds the accesses it ran.
 */
export function withLackeyTraces(
  grid: readonly LargePagesPoint[],
  traces: readonly string[],
): LargePagesPoint[] {
  const first = grid[0]?.workload;
  const synthetic = grid.filter((p) => p.workload === first);
  const footprint = Math.max(...synthetic.map((p) => p.footprint_mib));
  const share = Math.max(...synthetic.map((p) => p.guest_large_fraction));
  const fragmentations = synthetic.map((p) => p.fragmentation);
  const ends = [Math.min(...fragmentations), Math.max(...fragmentations)];
  const template = synthetic.filter((p) =>
    p.footprint_mib === footprint && p.guest_large_fraction === share &&
    ends.includes(p.fragmentation)
  );
  const out = [...grid];
  for (const trace of traces) {
    for (const { accesses: _, warmup_accesses: __, ...p } of template) {
      out.push({ ...p, workload: traceWorkload(trace) });
    }
  }
  return out;
}
