/**
 * The `policy` method's agent decides per message between copying through
 * transfer pages and remapping, by size: below a threshold a copy is
 * cheaper, from it on a remap. The threshold is derived from the cost
 * profile when the run is built — an estimate of each method's cycles from
 * the profile's numbers alone — and the sweep's measured crossover is
 * reported beside it.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { sharedLlcLines } from "../caches/cache_hierarchy.ts";
import { MAX_MESSAGE_BYTES } from "./bus_params.ts";

/** What the estimate needs of a run's settings. */
export interface PolicyInputs {
  /** vCPUs of the sender (a remap shoots all of them down). */
  vcpus: number;
  /** Whether the receiver reads the payload. */
  receiverTouches: boolean;
  /** Pages of the lending buffer (copies land in a buffer as large). */
  bufferPages: number;
  /** Whether the cache hierarchy is modelled. */
  caches: boolean;
}

/**
 * Estimated cycles of a 2-D walk whose upper levels the walk caches hold:
 * about five references (the guest leaf, and its host walk's lower levels),
 * each from L2.
 */
function walkEstimate(cost: CostModel): number {
  return 5 * cost.caches.l2HitCycles;
}

/**
 * Estimated cycles of moving one message of `pages` pages by remap: the
 * sender's hypercall with its shootdown, the receiver's hypercall giving
 * the pages back, four host-map updates per page, and the refills the
 * flushes cause — the sender's next write to each page, and with
 * `receiverTouches` the receiver's first touch of each page, whose lines
 * come from the shared cache instead of its own.
 */
export function remapEstimate(inputs: PolicyInputs, cost: CostModel, pages: number): number {
  const bus = cost.bus;
  const walk = walkEstimate(cost);
  const hypercall = cost.vmExitCycles + bus.remapHypercallCycles + bus.tlbFlushCycles;
  const others = inputs.vcpus - 1;
  // Both sides lose their TLBs to the flushes: a handful of refills of the
  // rings and buffers each touches every message.
  const fixed = 2 * hypercall +
    others * (bus.shootdownIpiCycles + cost.vmExitCycles + bus.tlbFlushCycles) + 4 * walk;
  let perPage = 4 * bus.pteUpdateCycles + walk;
  if (inputs.receiverTouches && inputs.caches) {
    const c = cost.caches;
    perPage += walk + 64 * (c.llcHitCycles - c.l1dHitCycles) / c.memoryLevelParallelism;
  }
  return fixed + pages * perPage;
}

/**
 * Estimated cycles of copying one message of `bytes` bytes out of the
 * transfer pages: the call, and the bytes at the rate of lines from DRAM
 * when the buffer the copies land in is larger than the last-level cache
 * the partitions share (it is by default), else at the in-cache rate.
 */
export function copyEstimate(inputs: PolicyInputs, cost: CostModel, bytes: number): number {
  const bus = cost.bus;
  const llcBytes = sharedLlcLines(cost.caches, inputs.vcpus + 1) * 64;
  const rate = !inputs.caches || inputs.bufferPages * 4096 > llcBytes
    ? bus.copyDramCyclesPerByte
    : bus.copyCyclesPerByte;
  return bus.copySetupCycles + bytes * rate;
}

/**
 * The smallest message size (bytes) a remap is estimated to cost no more
 * than a copy at; above the largest message (16 MiB + 1) when never.
 *
 * @example The default guest remaps large messages and copies small ones
 * ```ts
 * import { policyThresholdBytes } from "./policy.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const t = policyThresholdBytes(
 *   { vcpus: 1, receiverTouches: false, bufferPages: 4096, caches: true },
 *   getProfile("intel-skylake-sp"),
 * );
 * if (!(t > 4096 && t < 1 << 20)) throw new Error(`threshold ${t}`);
 * ```
 */
export function policyThresholdBytes(inputs: PolicyInputs, cost: CostModel): number {
  const maxPages = Math.ceil(MAX_MESSAGE_BYTES / 4096);
  for (let pages = 1; pages <= maxPages; pages++) {
    const remap = remapEstimate(inputs, cost, pages);
    // Within one page count the remap costs the same; the copy grows by the byte.
    const low = (pages - 1) * 4096 + 1;
    const high = pages * 4096;
    if (copyEstimate(inputs, cost, high) < remap) continue;
    let lo = low;
    let hi = high;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (copyEstimate(inputs, cost, mid) >= remap) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  return MAX_MESSAGE_BYTES + 1;
}
