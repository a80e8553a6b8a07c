/**
 * Host and guest physical memory of one machine for large-page studies:
 * the two buddy allocators (fragmented as configured), the guest mapper
 * (guest 2M pages), the host mapper (the hypervisor's policy) and what
 * they counted, summarised as a {@linkcode LargePageReport}.
 *
 * @module
 */

import type { CostModel } from "../cost.ts";
import type { PageTable } from "../mmu/page_table.ts";
import { PageSize } from "../page_size.ts";
import type { Stats } from "../stats.ts";
import type { ShadowComposedFill } from "../virt/shadow_composed_fill.ts";
import { BuddyAllocator } from "./buddy_allocator.ts";
import { fragment } from "./fragmentation.ts";
import { GuestMapper } from "./guest_mapper.ts";
import { type Flushable, HostMapper } from "./host_mapper.ts";
import type { ResolvedMemoryConfig } from "./memory_config.ts";

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
  /** Cycles charged for promotions: copies and invalidations. */
  promotion_cycles: number;
  /** Other tenants' frames still allocated in host memory. */
  tenant_frames: number;
}

/**
 * The physical memory of a machine.
 *
 * @example Half-fragmented host memory
 * ```ts
 * import { MemorySystem } from "./memory_system.ts";
 * import { resolveMemoryConfig } from "./memory_config.ts";
 * import { getProfile } from "../cost.ts";
 * import { Stats } from "../stats.ts";
 * const config = resolveMemoryConfig({ fragmentation: 0.5, guestMemoryMib: 1024 });
 * const memory = new MemorySystem(config, getProfile("intel-skylake-sp"), new Stats(), false);
 * if (memory.tenants.length !== 512) throw new Error(); // half of 2 GiB's 1024 2M blocks
 * ```
 */
export class MemorySystem {
  /** The configuration. */
  readonly config: ResolvedMemoryConfig;
  /** Host physical memory. */
  readonly hostFrames: BuddyAllocator;
  /** Guest physical memory. */
  readonly guestFrames: BuddyAllocator;
  /** The guest OS's first-touch mapper. */
  readonly guest: GuestMapper;
  /** The hypervisor's first-touch mapper. */
  readonly host: HostMapper;
  /** Other tenants' frames in host memory (released by {@linkcode MemorySystem.releaseTenants}). */
  tenants: Float64Array;
  /** The host table, set by the machine builder. */
  hostTable: PageTable | null = null;
  /** The shadow filler in `shadow-composed` mode, set by the machine builder. */
  shadowFill: ShadowComposedFill | null = null;

  /**
   * Builds and fragments host and guest memory.
   * @param config the resolved memory configuration
   * @param cost the profile promotion costs come from
   * @param stats where promotion cycles are charged
   * @param reverseMap keep the guest reverse map a shadow MMU needs
   */
  constructor(config: ResolvedMemoryConfig, cost: CostModel, stats: Stats, reverseMap: boolean) {
    this.config = config;
    this.hostFrames = new BuddyAllocator(config.hostMemoryMib * FRAMES_PER_MIB);
    this.guestFrames = new BuddyAllocator(config.guestMemoryMib * FRAMES_PER_MIB);
    this.tenants = fragment(this.hostFrames, config.fragmentation, config.seed);
    fragment(this.guestFrames, config.guestFragmentation, config.seed + 1);
    this.guest = new GuestMapper({
      frames: this.guestFrames,
      largeFraction: config.guestLargeFraction,
      seed: config.seed,
      reverseMap,
    });
    this.host = new HostMapper({
      policy: config.hostPolicy,
      frames: this.hostFrames,
      guestFrames: this.guestFrames.frames,
      stats,
      // 512 copies of a 4 KiB page at the profile's pageCopyCycles (≈ 500,
      // Vogt et al., Middleware 2015, secondary; see core/cost.ts).
      pageCopyCycles: cost.pageCopyCycles,
      // Estimate: the invalidation after a remap (INVEPT, or a shadow zap and
      // flush) is charged like the profile's invlpg handler (an estimate in
      // core/cost.ts); the TLB refills it causes are modelled, not charged here.
      flushCycles: cost.exitHandlerCycles.invlpg,
    });
  }

  /** Frees every other tenant's frame (the tenants exit): their blocks coalesce where whole. */
  releaseTenants(): void {
    for (const frame of this.tenants) this.hostFrames.free(frame, PageSize.SIZE_4K);
    this.tenants = new Float64Array(0);
  }

  /**
   * Runs the promotion pass of `opportunistic+promote` (see
   * {@linkcode HostMapper.promote}), flushing `tlbs` if anything moved.
   * @returns regions promoted
   */
  promote(tlbs: Flushable): number {
    if (this.hostTable === null) return 0;
    return this.host.promote(this.hostTable, tlbs, this.shadowFill);
  }

  /** Counters of the run so far. */
  report(): LargePageReport {
    const host = this.host;
    const guest = this.guest;
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
    return {
      host_large_fraction: host.backedFrames === 0 ? 0 : host.largeFrames / host.backedFrames,
      guest_large_mapped_fraction: guestMapped === 0 ? 0 : (guest.largePages * 512) / guestMapped,
      host_pages_4k: host.pages4k,
      host_pages_2m: host.pages2m,
      host_pages_1g: host.pages1g,
      guest_pages_2m: guest.largePages,
      guest_pages_4k: guest.smallPages,
      splintered_pages: splintered,
      promotions: host.promotions,
      promotion_cycles: host.promotionCycles,
      tenant_frames: this.tenants.length,
    };
  }
}
