/**
 * Cycles per access on a machine as it is now: each vCPU runs a warm-up of
 * accesses through its MMU, then the measured accesses; the result is the
 * cycles the measured ones were charged (compute, data, TLBs, walks, exits) per
 * access. The fast, sampled drivers use it to carry what the per-access
 * model says into their touches.
 *
 * @module
 */

import { createAccessChunk } from "../base/access_chunk.ts";
import type { AccessGenerator } from "../base/access_chunk.ts";
import { Counter } from "../cost/stats.ts";
import type { Machine } from "./machine.ts";

/**
 * Measures cycles per access. `workload(vcpu, phase)` gives vCPU `vcpu`'s
 * accesses for the warm-up (`phase` 0) and the measurement (`phase` 1). The
 * vCPUs' statistics keep what the runs charged: reset them after if they
 * must not count.
 *
 * @example A nested machine pays more per access than its compute alone
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { measureCyclesPerAccess } from "./access_cost.ts";
 * import { WorkingSetAccesses } from "../workload/working_set_accesses.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
 * const pages = Uint32Array.from({ length: 4096 }, (_, i) => i);
 * const cpa = measureCyclesPerAccess(machine, (v, phase) =>
 *   new WorkingSetAccesses(pages, 10000, 0.2, 2 * v + phase));
 * if (!(cpa > 1)) throw new Error(String(cpa));
 * ```
 */
export function measureCyclesPerAccess(
  machine: Machine,
  workload: (vcpu: number, phase: number) => AccessGenerator,
): number {
  const chunk = createAccessChunk();
  let cycles = 0;
  let accesses = 0;
  for (let phase = 0; phase < 2; phase++) {
    for (const vcpu of machine.vcpus) {
      const gen = workload(vcpu.id, phase);
      const c0 = vcpu.stats.totalCycles();
      const a0 = vcpu.stats.counters[Counter.ACCESSES];
      while (gen.fill(chunk) > 0) vcpu.run(chunk);
      if (phase === 1) {
        cycles += vcpu.stats.totalCycles() - c0;
        accesses += vcpu.stats.counters[Counter.ACCESSES] - a0;
      }
    }
  }
  return accesses > 0 ? cycles / accesses : 0;
}
