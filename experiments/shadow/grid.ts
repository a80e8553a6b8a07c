/**
 * The grids of the `shadow` experiment: every OS workload and vCPU count at
 * the published event rates, run natively, nested, and shadowed with no
 * strategy, each strategy alone and all of them (the batch strategy at
 * several batch sizes in the full grid); and, for comparison with earlier
 * versions, the churn-heavy stress rates on the workloads they change, for
 * native, nested, the baseline shadow MMU and all strategies.
 *
 * @module
 */

import type { TypedGrids } from "../define_experiment.ts";
import { type ShadowPoint, STRATEGY_VALUES } from "./point.ts";
import { traceWorkload } from "../trace_workload.ts";

/** Per workload and grid: footprint (MiB) and measured accesses. */
interface WorkloadShape {
  footprint: { quick: number; full: number };
  accesses: { quick: number; full: number };
}

// At published rates page-table events are rare: a kernel build faults once
// per ~52,600 accesses (core/os/os_rates.ts), so build, server and threads
// measure hundreds of thousands of accesses to see some. A build job maps
// ~4 MiB (1,081 faults per process). bigmem's events are all in its warm-up.
const WORKLOADS: Readonly<Record<string, WorkloadShape>> = {
  build: { footprint: { quick: 4, full: 4 }, accesses: { quick: 500_000, full: 4_000_000 } },
  server: { footprint: { quick: 16, full: 64 }, accesses: { quick: 500_000, full: 4_000_000 } },
  bigmem: { footprint: { quick: 256, full: 1024 }, accesses: { quick: 100_000, full: 1_000_000 } },
  threads: { footprint: { quick: 16, full: 64 }, accesses: { quick: 500_000, full: 4_000_000 } },
};

/** Stress-rate points: the workloads whose rates they change, a few configurations, few accesses. */
const STRESS_WORKLOADS = ["build", "server", "threads"];
const STRESS_ACCESSES = 100_000;

/** What varies between the quick and the full grid. */
interface GridShape {
  size: "quick" | "full";
  vcpus: readonly number[];
  batchSizes: readonly ShadowPoint["batch"][];
  stressVcpus: readonly number[];
}

function buildGrid(shape: GridShape): ShadowPoint[] {
  const points: ShadowPoint[] = [];
  for (const [workload, { footprint, accesses }] of Object.entries(WORKLOADS)) {
    for (const vcpus of shape.vcpus) {
      const common = {
        workload,
        rates: "published" as const,
        vcpus,
        footprint_mib: footprint[shape.size],
        accesses: accesses[shape.size],
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
  for (const workload of STRESS_WORKLOADS) {
    for (const vcpus of shape.stressVcpus) {
      const common = {
        workload,
        rates: "stress" as const,
        vcpus,
        footprint_mib: WORKLOADS[workload].footprint[shape.size],
        accesses: STRESS_ACCESSES,
      };
      points.push({ ...common, mode: "native", strategy: "none", batch: 1 });
      points.push({ ...common, mode: "nested", strategy: "none", batch: 1 });
      points.push({ ...common, mode: "shadow", strategy: "baseline", batch: 1 });
      points.push({ ...common, mode: "shadow", strategy: "all", batch: 8 });
    }
  }
  return points;
}

/**
 * The grid plus, for each trace, a copy of the points of the grid's first
 * workload at the published rates, with the trace as the workload: each
 * address space of the trace a process (see core/os/trace_processes.ts). The
 * copies keep that workload's rates and footprint fields, which a trace
 * ignores, and leave accesses out: a trace runs whole, and its rows hold the
 * accesses it ran.
 */
export function withShadowTraces(
  grid: readonly ShadowPoint[],
  traces: readonly string[],
): ShadowPoint[] {
  const first = grid[0]?.workload;
  const template = grid.filter((p) => p.workload === first && p.rates === "published");
  const out = [...grid];
  for (const trace of traces) {
    for (const { accesses: _, ...p } of template) {
      out.push({ ...p, workload: traceWorkload(trace) });
    }
  }
  return out;
}

/** The quick and full grids of the `shadow` experiment. */
export const SHADOW_GRIDS: TypedGrids<ShadowPoint> = {
  quick: buildGrid({ size: "quick", vcpus: [1, 4], batchSizes: [8], stressVcpus: [4] }),
  full: buildGrid({
    size: "full",
    vcpus: [1, 2, 4, 8],
    batchSizes: [1, 8, 64, 512],
    stressVcpus: [1, 4],
  }),
  default: "quick",
};
