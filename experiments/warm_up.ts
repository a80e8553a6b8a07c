/**
 * The warm-up before a measured run: the first accesses of a workload fill
 * the TLBs, walk caches and data caches, and are then left out of the
 * counts (the caller resets the statistics).
 *
 * @module
 */

import {
  type AccessChunk,
  type AccessGenerator,
  createAccessChunk,
  DEFAULT_CHUNK_CAPACITY,
} from "../core/base/access_chunk.ts";

/**
 * Runs the next `accesses` accesses of `workload` on `vcpu` (fewer if the
 * workload ends first), in chunks of at most the default capacity, so that
 * the measured part starts exactly after them.
 *
 * @example Warm up, reset, measure the rest
 * ```ts
 * import { warmUp } from "./warm_up.ts";
 * import { buildMachine } from "../core/machine/build_machine.ts";
 * import { createWorkload } from "../core/workload/workloads.ts";
 * import { createAccessChunk } from "../core/base/access_chunk.ts";
 * import { getProfile } from "../core/cost/profiles.ts";
 * const machine = buildMachine({}, getProfile("intel-skylake-sp"));
 * const workload = createWorkload("random", { accesses: 5000, footprintBytes: 1 << 24, seed: 1 });
 * warmUp(machine.vcpus[0], workload, 1000);
 * machine.resetStats();
 * const chunk = createAccessChunk();
 * while (workload.fill(chunk) > 0) machine.vcpus[0].run(chunk);
 * if (machine.report().counters.accesses !== 4000) throw new Error();
 * ```
 */
export function warmUp(
  vcpu: { run(chunk: AccessChunk): void },
  workload: AccessGenerator,
  accesses: number,
): void {
  const chunk = createAccessChunk();
  let left = accesses;
  while (left > 0) {
    const piece = left >= DEFAULT_CHUNK_CAPACITY ? chunk : createAccessChunk(left);
    const n = workload.fill(piece);
    if (n === 0) break;
    vcpu.run(piece);
    left -= n;
  }
}
