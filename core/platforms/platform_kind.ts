/**
 * What the machine builder hands a platform, and what the platform registry
 * holds for each platform: its name, what it needs of the machine, and how
 * to build it. A new platform is one more registered {@linkcode PlatformKind}.
 *
 * @module
 */

import type { CacheHierarchy } from "../caches/cache_hierarchy.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";
import type { HostMemory } from "../mem/host_memory.ts";
import type { PageTable } from "../mmu/page_table.ts";
import type { GuestKernel, Platform } from "../os/platform.ts";
import type { Stats } from "../cost/stats.ts";

/** The hypervisor's map of guest-physical memory onto the host's memory. */
export interface HostMap {
  /** Guest-physical → host frames. */
  readonly table: PageTable;
  /** Backs a guest-physical frame on first use (a fixed page size or a large-page policy). */
  readonly mapper: DemandMapper;
}

/** Shadow-paging options, resolved: see `resolveShadowConfig` in core/platforms/shadow/shadow_config.ts. */
export interface ResolvedShadowConfig {
  /** Canonical strategy name: `baseline`, `all`, or names joined by `+`. */
  strategies: string;
  /** Shadow entries filled per hidden fault with the `batch` strategy. */
  batch: number;
  /** Idle shadow tables kept by the `shadow-cache` strategy. */
  cacheSize: number;
}

/** Everything a platform is built from. */
export interface PlatformOptions {
  /** vCPUs. */
  vcpus: number;
  /** Radix levels of every table. */
  levels: 4 | 5;
  /** Cost profile, with the machine's TLB geometry. */
  cost: CostModel;
  /** Page-walk caches on. */
  walkCache: boolean;
  /** Nested TLB on (nested paging). */
  nestedTlb: boolean;
  /** PTE data cache on (with `caches`: whether walk references are cached at all). */
  pteCache: boolean;
  /** The machine's caches, which data accesses and walk references go through; null with caches off. */
  caches: CacheHierarchy | null;
  /** Whether the guest kernel uses PCIDs; without, a flushing CR3 load empties the TLB. */
  pcid: boolean;
  /** Each vCPU's counters and cycles. */
  stats: readonly Stats[];
  /** The guest kernel faults are raised to. */
  kernel: GuestKernel;
  /** The host map, on platforms with a host layer; null natively. */
  host: HostMap | null;
  /** The host's memory: what frames hold, and where shadow tables live. */
  hostMemory: HostMemory;
  /** Shadow options, on the shadow platform; null elsewhere. */
  shadow: ResolvedShadowConfig | null;
}

/** One entry of the platform registry. */
export interface PlatformKind {
  /** The name users write (`--mode`, `platform`). */
  readonly name: string;
  /** One line for help texts and reports. */
  readonly description: string;
  /** Whether it has a host layer: a host table, host page sizes and a host policy. */
  readonly hostLayer: boolean;
  /** Whether it has a nested TLB (2-D walks). */
  readonly nestedTlb: boolean;
  /** Whether it takes shadow-paging options. */
  readonly shadowOptions: boolean;
  /** Builds the platform and every vCPU's MMU. */
  create(options: PlatformOptions): Platform;
}
