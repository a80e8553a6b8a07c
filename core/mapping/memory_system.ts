/**
 * The physical memory of one machine for large-page studies: its guest RAM
 * (a buddy allocator, fragmented as configured), the guest mapper (guest 2M
 * pages), the host mapper (the hypervisor's policy) over the host's memory,
 * and what they counted, summarised as a {@linkcode LargePageReport}.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import type { PageTable } from "../mmu/page_table.ts";
import { PageSize } from "../base/page_size.ts";
import type { Stats } from "../cost/stats.ts";
import { BuddyAllocator } from "../mem/buddy_allocator.ts";
import { fragment } from "../mem/fragmentation.ts";
import { GuestMapper } from "./guest_mapper.ts";
import type { HostMemory } from "../mem/host_memory.ts";
import { HostMapper, type RemapListener } from "./host_mapper.ts";
import type { ResolvedMemoryConfig } from "./memory_config.ts";
import { PromotionAgent, type RemoteFlush } from "./promotion_agent.ts";

/** What a guest's page-fault handler counts of the page sizes it mapped. */
export interface GuestPageCounts {
  /** 2M pages mapped. */
  readonly largePages: number;
  /** 4K pages mapped. */
  readonly smallPages: number;
  /** First guest-physical frame of every 2M page mapped. */
  readonly largeFrames: readonly number[];
}

const FRAMES_PER_MIB = 256;

/** Large-page counters of a run. */
export interface LargePageReport {
  /** Share of host-backed guest memory backed by host 2M or 1G pages, 0 to 1. */
  host_large_fraction: number;
  /** Share of guest-mapped memory the guest maps with 2M pages, 0 to 1. */
  guest_large_mapped_fraction: number;
  /** Host 4K, 2M and 1G pages mapped. */
  host_pages_4k: number;
  /** Host 2M pages mapped. */
  host_pages_2m: number;
  /** Host 1G pages mapped. */
  host_pages_1g: number;
  /** Guest 2M pages mapped. */
  guest_pages_2m: number;
  /** Guest 4K pages mapped. */
  guest_pages_4k: number;
  /** Guest 2M pages whose host backing is smaller, so their TLB entries (and shadow entries) are 4K. */
  splintered_pages: number;
  /** 2M regions promoted by `opportunistic+promote`. */
  promotions: number;
  /** Cycles the promotion agent spent: copies and zaps (the vCPUs' kicks are theirs). */
  promotion_cycles: number;
  /** Passes of the promotion agent. */
  promotion_passes: number;
  /** Passes of the promotion agent cut short because no free 2M block was left. */
  promotion_alloc_failures: number;
  /** Other tenants' frames still allocated in host memory. */
  tenant_frames: number;
}

/**
 * The physical memory of a machine.
 *
 * @example Half-fragmented host memory
 * ```ts
 * import { MemorySystem } from "./memory_system.ts";
 * import { HostMemory } from "../mem/host_memory.ts";
 * import { resolveMemoryConfig } from "./memory_config.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { Stats } from "../cost/stats.ts";
 * const config = resolveMemoryConfig({ fragmentation: 0.5, guestMemoryMib: 1024 });
 * const host = new HostMemory({ mib: config.hostMemoryMib, fragmentation: 0.5 });
 * const memory = new MemorySystem(config, getProfile("intel-skylake-sp"), new Stats(), host);
 * if (host.tenants.length !== 512) throw new Error(); // half of 2 GiB's 1024 2M blocks
 * ```
 */
export class MemorySystem {
  /** The configuration. */
  readonly config: ResolvedMemoryConfig;
  /** The host's memory (shared with the other machines on the host), or null natively. */
  readonly hostMemory: HostMemory | null;
  /** Guest physical memory. */
  readonly guestFrames: BuddyAllocator;
  /** The first-touch guest's mapper (guest 2M pages where chosen). */
  readonly guest: GuestMapper;
  /** The hypervisor's first-touch mapper, or null natively. */
  readonly host: HostMapper | null;
  /** The khugepaged-like agent of `opportunistic+promote`, or null under other policies. */
  readonly promotion: PromotionAgent | null;
  /** The host table, set by the machine builder. */
  hostTable: PageTable | null = null;
  /** Told of every remapped region (a shadow platform), set by the machine builder. */
  remapListener: RemapListener | null = null;
  /** Who maps guest pages and counts their sizes (the first-touch mapper, or the guest OS). */
  guestCounts: GuestPageCounts;

  /**
   * Builds and fragments guest memory over the host's memory.
   * @param config the resolved memory configuration
   * @param cost the profile promotion costs come from
   * @param stats where promotion cycles are charged
   * @param hostMemory the host's memory, built with a size (a buddy allocator); null natively
   */
  constructor(
    config: ResolvedMemoryConfig,
    cost: CostModel,
    stats: Stats,
    hostMemory: HostMemory | null,
  ) {
    if (hostMemory !== null && hostMemory.buddy === null) {
      throw new RangeError("MemorySystem needs a host memory with a size");
    }
    this.config = config;
    this.hostMemory = hostMemory;
    this.guestFrames = new BuddyAllocator(config.guestMemoryMib * FRAMES_PER_MIB);
    fragment(this.guestFrames, config.guestFragmentation, config.seed + 1);
    this.guest = new GuestMapper({
      frames: this.guestFrames,
      largeFraction: config.guestLargeFraction,
      seed: config.seed,
    });
    this.guestCounts = this.guest;
    this.host = hostMemory === null ? null : new HostMapper({
      policy: config.hostPolicy,
      frames: hostMemory.buddy!,
      guestFrames: this.guestFrames.frames,
      stats,
      // 512 copies of a 4 KiB page at the profile's pageCopyCycles (≈ 500,
      // Vogt et al., Middleware 2015, secondary; see core/cost/cost_model.ts).
      pageCopyCycles: cost.pageCopyCycles,
      // Estimate: the invalidation after a remap (INVEPT, or a shadow zap and
      // flush) is charged like the profile's invlpg handler (an estimate in
      // core/cost/cost_model.ts); the TLB refills it causes are modelled, not charged here.
      flushCycles: cost.exitHandlerCycles.invlpg,
      versions: hostMemory.versions,
      tableFrames: hostMemory.tableFrames,
    });
    const p = config.promotion;
    // Milliseconds of guest time to cycles, sped up by the time scale.
    const cyclesPerMs = (cost.clockGhz * 1e6) / p.timeScale;
    this.promotion = this.host === null || config.hostPolicy !== "opportunistic+promote"
      ? null
      : new PromotionAgent({
        host: this.host,
        regions: Math.floor(this.guestFrames.frames / 512),
        pagesToScan: p.pagesToScan,
        scanSleepCycles: p.scanSleepMs * cyclesPerMs,
        allocSleepCycles: p.allocSleepMs * cyclesPerMs,
        maxPtesNone: p.maxPtesNone,
      });
  }

  /** Other tenants' frames still allocated in host memory. */
  get tenants(): Float64Array {
    return this.hostMemory?.tenants ?? new Float64Array(0);
  }

  /**
   * Frees every other tenant's frame: the tenants exit (a neighbour VM shuts
   * down), and their blocks coalesce where whole. Nothing calls this on its
   * own: a run that wants the scenario says so.
   */
  releaseTenants(): void {
    this.hostMemory?.releaseTenants();
  }

  /**
   * Lets the promotion agent run every pass due by guest-time cycle `now`
   * (see {@linkcode PromotionAgent.runUntil}); nothing under other policies.
   * @returns regions promoted
   */
  promote(vcpus: RemoteFlush, now: number): number {
    if (this.promotion === null || this.hostTable === null) return 0;
    return this.promotion.runUntil(now, this.hostTable, vcpus, this.remapListener);
  }

  /**
   * The promotion agent's passes back to back, once round guest RAM, without
   * waiting (see {@linkcode PromotionAgent.scanOnce}): for tests and what-if
   * comparisons; nothing under other policies.
   * @returns regions promoted
   */
  promoteAll(vcpus: RemoteFlush): number {
    if (this.promotion === null || this.hostTable === null) return 0;
    return this.promotion.scanOnce(this.hostTable, vcpus, this.remapListener);
  }

  /** Counters of the run so far. */
  report(): LargePageReport {
    const host = this.host;
    const guest = this.guestCounts;
    let splintered = 0;
    const table = this.hostTable;
    if (table !== null) {
      for (const frame of guest.largeFrames) {
        for (let i = 0; i < 512; i++) {
          if (table.translate(frame + i) < 0) continue;
          if (table.lastSize < PageSize.SIZE_2M) splintered++;
          break;
        }
      }
    }
    const guestMapped = guest.largePages * 512 + guest.smallPages;
    const backed = host?.backedFrames ?? 0;
    return {
      host_large_fraction: host === null || backed === 0 ? 0 : host.largeFrames / backed,
      guest_large_mapped_fraction: guestMapped === 0 ? 0 : (guest.largePages * 512) / guestMapped,
      host_pages_4k: host?.pages4k ?? 0,
      host_pages_2m: host?.pages2m ?? 0,
      host_pages_1g: host?.pages1g ?? 0,
      guest_pages_2m: guest.largePages,
      guest_pages_4k: guest.smallPages,
      splintered_pages: splintered,
      promotions: host?.promotions ?? 0,
      promotion_cycles: host?.promotionCycles ?? 0,
      promotion_passes: this.promotion?.passes ?? 0,
      promotion_alloc_failures: this.promotion?.allocFailures ?? 0,
      tenant_frames: this.tenants.length,
    };
  }
}
