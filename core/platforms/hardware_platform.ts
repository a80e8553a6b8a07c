/**
 * What native execution and hardware nested paging have in common: the
 * hardware walks the guest's own tables (natively, or in two dimensions
 * through the host table), so page-table writes, CR3 loads and INVLPG never
 * exit; a missing guest entry is a page fault the hardware raises to the
 * guest kernel in the middle of the walk; a store checks the permission the
 * leaf grants and sets its dirty flag. The subclasses build the walkers and
 * say whether an IPI exits.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";
import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
import type { Mmu } from "../mmu/mmu.ts";
import { PageTable, PTE_ACCESSED, PTE_DIRTY, PTE_WRITABLE } from "../mmu/page_table.ts";
import type { PageWalker } from "../mmu/page_walker.ts";
import { NativeWalker } from "../mmu/native_walker.ts";
import { WalkCache } from "../mmu/walk_cache.ts";
import { PageSize } from "../base/page_size.ts";
import { buildVcpuMmu } from "../mmu/vcpu_mmu.ts";
import { createWalkMemories, type WalkMemory } from "../mmu/walk_memory.ts";
import type { AddressSpace } from "../os/address_space.ts";
import type { Shootdown } from "../os/shootdown.ts";
import type { GuestKernel, Platform } from "../os/platform.ts";
import { Cycle, type Stats } from "../cost/stats.ts";
import type { PlatformOptions } from "./platform_kind.ts";

/**
 * A guest entry found not present mid-walk: the page fault the hardware
 * raises to the guest kernel of one vCPU, which maps the page (and counts it
 * as it sees fit) before the walk goes on.
 */
export class GuestFaultMapper implements DemandMapper {
  readonly #kernel: GuestKernel;
  readonly #vcpu: number;

  /**
   * Raises faults of `vcpu` to `kernel`.
   * @param kernel the guest kernel
   * @param vcpu the vCPU whose walks fault
   */
  constructor(kernel: GuestKernel, vcpu: number) {
    this.#kernel = kernel;
    this.#vcpu = vcpu;
  }

  /** The guest maps the page covering `vpn` of the table being walked. */
  map(_table: PageTable, vpn: number): void {
    this.#kernel.pageFault(this.#vcpu, vpn, 0);
  }
}

/**
 * The table a vCPU's walker holds before the guest loads an address space:
 * empty, in frames of its own so that no machine allocator is touched.
 */
export function noAddressSpace(levels: 4 | 5): PageTable {
  return new PageTable(levels, new BumpFrameAllocator());
}

/** A walker the vCPU points at the address space it loads. */
export interface SpaceWalker extends PageWalker {
  /** Makes the walker walk `table`. */
  load(table: PageTable): void;
}

/** The shared part of the native and nested platforms. */
export abstract class HardwarePlatform implements Platform {
  /** Registry name. */
  abstract readonly name: string;
  /** The vCPUs' MMUs. */
  readonly mmus: Mmu[] = [];
  /** Host table (guest-physical → host), or null natively. */
  readonly hostTable: PageTable | null;
  /** No shadow tables. */
  readonly shadowTableBytes = 0;
  /** The guest kernel. */
  protected readonly kernel: GuestKernel;
  /** Each vCPU's statistics. */
  protected readonly stats: readonly Stats[];
  /** The cost profile. */
  protected readonly cost: CostModel;
  readonly #walkers: SpaceWalker[] = [];
  readonly #pcid: boolean;
  readonly #ipiCycles: number;
  readonly #lastStore: Float64Array;

  /**
   * Builds every vCPU's walker and MMU.
   * @param options the machine's parts and costs
   */
  constructor(options: PlatformOptions) {
    const { cost, stats, vcpus } = options;
    this.kernel = options.kernel;
    this.stats = stats;
    this.cost = cost;
    this.hostTable = options.host?.table ?? null;
    this.#pcid = options.pcid;
    this.#ipiCycles = cost.ipiRoundTripCycles;
    this.#lastStore = new Float64Array(vcpus).fill(-1);
    const memories = createWalkMemories(stats, cost, options.pteCache, options.caches);
    for (let v = 0; v < vcpus; v++) {
      const walker = this.buildWalker(v, options, memories[v]);
      this.#walkers.push(walker);
      this.mmus.push(buildVcpuMmu(walker, cost, stats[v], { caches: options.caches?.ports[v] }));
    }
  }

  /** Builds vCPU `vcpu`'s walker over the walk memory it charges. */
  protected abstract buildWalker(
    vcpu: number,
    options: PlatformOptions,
    memory: WalkMemory,
  ): SpaceWalker;

  /** Charges the exit an IPI sent by `vcpu` takes, if the platform traps IPIs. */
  protected abstract ipiExit(vcpu: number): void;

  /** A page-walk cache of the profile's geometry, empty when the machine turns them off. */
  protected static walkCache(options: PlatformOptions): WalkCache {
    const { cost } = options;
    return new WalkCache(
      options.levels,
      options.walkCache ? cost.walkCache.entries : 0,
      cost.walkCache.ways,
    );
  }

  /**
   * A one-dimensional walker of `table` for `vcpu` with its own walk cache;
   * `demandMapper` says what a missing entry means (the guest's fault, or
   * the host mapping a page on first touch).
   */
  protected static nativeWalker(
    table: PageTable,
    demandMapper: DemandMapper,
    vcpu: number,
    options: PlatformOptions,
    memory: WalkMemory,
  ): NativeWalker {
    return new NativeWalker(table, {
      frames: options.hostMemory.frames,
      pageSize: PageSize.SIZE_4K,
      demandMapper,
      walkCache: HardwarePlatform.walkCache(options),
      memory,
      stats: options.stats[vcpu],
      walkCacheHitCycles: options.cost.walkCacheHitCycles,
    });
  }

  /** Sets up `vcpu` on `mm` before the guest runs. */
  start(vcpu: number, mm: AddressSpace): void {
    this.#walkers[vcpu].load(mm.table);
  }

  /** One access (see {@linkcode Platform.access}). */
  access(vcpu: number, vpn: number, write: number, offset: number = 0): number {
    const mmu = this.mmus[vcpu];
    mmu.begin(write !== 0);
    const mm = this.kernel.loaded(vcpu)!;
    let frame = mmu.translate(vpn, mm.id);
    if (write === 0) {
      mmu.data(frame, offset, 1);
      return frame;
    }
    if (this.#lastStore[vcpu] !== vpn) {
      // The hardware checks the cached permission and sets the dirty flag on
      // the first write through an entry; a write to a write-protected page
      // is the guest's copy-on-write fault.
      const table = mm.table;
      let e = table.leafEntry(vpn);
      if ((table.flags[e] & PTE_WRITABLE) === 0) {
        this.kernel.pageFault(vcpu, vpn, 1);
        frame = mmu.translate(vpn, mm.id);
        e = table.leafEntry(vpn);
      }
      table.flags[e] |= PTE_ACCESSED | PTE_DIRTY;
      this.#lastStore[vcpu] = vpn;
    }
    mmu.versions?.write(frame);
    mmu.data(frame, offset, 1);
    return frame;
  }

  /** Loads CR3: no exit; PCID tags keep other spaces' entries. */
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    this.#lastStore[vcpu] = -1;
    if (mm === null) return;
    this.#walkers[vcpu].load(mm.table);
    if (flush) {
      if (this.#pcid) this.mmus[vcpu].flushTag(mm.id);
      else this.mmus[vcpu].flushAll();
    }
  }

  /** Hardware does not see page-table writes. */
  pteWritten(): void {}

  /** Hardware keeps the guest's flags exact: nothing to do before a read. */
  pteRead(): void {}

  /** INVLPG: no exit; drops every TLB entry of the guest page, whatever size it was cached at. */
  invlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void {
    if (pages === 1) this.mmus[vcpu].flushPage(vpn, mm.id);
    else this.mmus[vcpu].flushRange(vpn, pages, mm.id);
    this.#lastStore[vcpu] = -1;
  }

  /** CR3 reload: no exit. */
  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.mmus[vcpu].flushTag(mm.id);
    this.#lastStore[vcpu] = -1;
  }

  /** IPIs to every target (an exit each where IPIs trap), which then flush. */
  shootdown(vcpu: number, request: Shootdown): void {
    const { targets, mm, vpn, pages, stride } = request;
    for (let i = 0; i < request.count; i++) {
      this.stats[vcpu].cycles[Cycle.GUEST_KERNEL] += this.#ipiCycles;
      this.ipiExit(vcpu);
      const t = targets[i];
      if (pages === 0) this.flushTlb(t, mm);
      else for (let p = 0; p < pages; p += stride) this.invlpg(t, mm, vpn + p, stride);
    }
  }

  /** A promotion moved a region: the TLBs are flushed by the promotion itself. */
  remapped(): void {}

  /** A guest-physical frame went away: every vCPU flushes its TLBs and walk caches (INVEPT). */
  unmapped(): void {
    for (let v = 0; v < this.mmus.length; v++) {
      this.mmus[v].flushAll();
      this.#lastStore[v] = -1;
    }
  }
}
