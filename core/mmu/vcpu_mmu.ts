/**
 * Builds the MMU of one vCPU (its own TLBs in front of a given walker) from
 * a cost profile, so every platform sizes and charges TLBs the same way;
 * its stores write the versions of `versions` when contents are tracked, and
 * its data accesses go through the vCPU's caches when the machine has them.
 *
 * @module
 */

import type { CachePort } from "../caches/cache_port.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { PageVersions } from "../mem/page_versions.ts";
import type { Stats } from "../cost/stats.ts";
import { Mmu } from "./mmu.ts";
import type { PageWalker } from "./page_walker.ts";
import { Tlb } from "./tlb.ts";

/**
 * A fresh MMU with the profile's TLB geometry and costs.
 *
 * @example
 * ```ts
 * import { buildVcpuMmu } from "./vcpu_mmu.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { Stats } from "../cost/stats.ts";
 * const walker = {
 *   leafSize: 0 as const, walk: (vpn: number) => vpn + 1, flush() {}, prefetch() {}, tablePages: () => 1,
 * };
 * const mmu = buildVcpuMmu(walker, getProfile("intel-skylake-sp"), new Stats());
 * if (mmu.translate(5, 0) !== 6) throw new Error();
 * ```
 */
export function buildVcpuMmu(
  walker: PageWalker,
  cost: CostModel,
  stats: Stats,
  options: VcpuMmuOptions = {},
): Mmu {
  const t = cost.tlb;
  return new Mmu(walker, {
    l1: [
      new Tlb(t.l1_4k.entries, t.l1_4k.ways),
      new Tlb(t.l1_2m.entries, t.l1_2m.ways),
      new Tlb(t.l1_1g.entries, t.l1_1g.ways),
    ],
    l2: new Tlb(t.l2.entries, t.l2.ways),
    stats,
    baseCyclesPerAccess: cost.baseCyclesPerAccess,
    l1TlbHitCycles: cost.l1TlbHitCycles,
    l2TlbHitCycles: cost.l2TlbHitCycles,
    versions: options.versions,
    caches: options.caches,
  });
}

/** What a vCPU's MMU may have besides its TLBs. */
export interface VcpuMmuOptions {
  /** Versions its stores bump, when contents are tracked. */
  versions?: PageVersions;
  /** The vCPU's caches, when the machine has caches on. */
  caches?: CachePort | null;
}
