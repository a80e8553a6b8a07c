/**
 * Native execution and hardware nested paging: the hardware walks the
 * guest's own tables (natively, or in two dimensions through the host table),
 * so page-table writes, CR3 loads and INVLPG never exit. The only exits in
 * nested mode are the guest's IPIs (a write to the APIC's interrupt command
 * register). Guest memory is taken as backed by the host up front: neither
 * mode charges host page faults.
 *
 * @module
 */

import type { CostModel } from "../cost.ts";
import type { FrameAllocator } from "../mem/frame_allocator.ts";
import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
import type { Mmu } from "../mmu/mmu.ts";
import { NativeWalker } from "../mmu/native_walker.ts";
import { NestedWalker } from "../mmu/nested_walker.ts";
import { type PageTable, PTE_ACCESSED, PTE_DIRTY, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PageTable as Table } from "../mmu/page_table.ts";
import type { PageWalker } from "../mmu/page_walker.ts";
import { Tlb } from "../mmu/tlb.ts";
import { WalkCache } from "../mmu/walk_cache.ts";
import { WalkMemory } from "../mmu/walk_memory.ts";
import type { AddressSpace } from "../os/address_space.ts";
import type { GuestKernel, Platform } from "../os/platform.ts";
import { PageSize } from "../page_size.ts";
import { Counter, Cycle, type Stats } from "../stats.ts";
import { ExitReason } from "./exit_reason.ts";
import { buildVcpuMmu } from "./vcpu_mmu.ts";

/** Options of a {@linkcode HardwarePlatform}. */
export interface HardwarePlatformOptions {
  /** `native` or `nested`. */
  mode: "native" | "nested";
  /** vCPUs (CPUs, natively). */
  vcpus: number;
  /** Radix levels of guest and host tables. */
  levels: 4 | 5;
  /** Guest-physical frames the guest's tables and pages come from. */
  guestFrames: FrameAllocator;
  /** Whether the guest uses PCIDs; without, a flushing CR3 load empties the whole TLB. */
  pcid: boolean;
  /** Cost profile. */
  cost: CostModel;
  /** Counters and cycles. */
  stats: Stats;
}

/**
 * Per-vCPU walker that follows the loaded address space: it raises the
 * guest's page fault for an unmapped page, then lets the mode's walker (one
 * per address space, sharing this vCPU's caches) walk.
 */
class ProcessWalker implements PageWalker {
  leafSize: PageSize = PageSize.SIZE_4K;
  table: PageTable | null = null;
  inner: PageWalker | null = null;
  readonly #kernel: GuestKernel;
  readonly #vcpu: number;
  readonly #flushCaches: () => void;

  constructor(kernel: GuestKernel, vcpu: number, flushCaches: () => void) {
    this.#kernel = kernel;
    this.#vcpu = vcpu;
    this.#flushCaches = flushCaches;
  }

  walk(vpn: number, tag: number): number {
    const table = this.table!;
    while (table.leafEntry(vpn) < 0) this.#kernel.pageFault(this.#vcpu, vpn, 0);
    const inner = this.inner!;
    const frame = inner.walk(vpn, tag);
    this.leafSize = inner.leafSize;
    return frame;
  }

  flush(): void {
    this.#flushCaches();
  }
}

/**
 * The platform of native and nested runs.
 *
 * @example See {@linkcode buildVirtualMachine} in virtual_machine.ts, which builds it.
 * ```ts
 * import { buildVirtualMachine } from "./virtual_machine.ts";
 * import { getProfile } from "../cost.ts";
 * const vm = buildVirtualMachine({ mode: "nested" }, getProfile("intel-skylake-sp"));
 * vm.os.event(1, 0, 1, 0, 0); // spawn pid 1
 * vm.os.event(5, 0, 1, 0, 0); // switch vCPU 0 to it
 * vm.platform.access(0, 0x400, 1);
 * if (vm.stats.report().counters.vm_exits !== 0) throw new Error("nested paging does not exit");
 * ```
 */
export class HardwarePlatform implements Platform {
  /** The vCPUs' MMUs. */
  readonly mmus: Mmu[];
  /** Host table (guest-physical → host), nested mode only. */
  readonly hostTable: PageTable | null;
  readonly #kernel: GuestKernel;
  readonly #stats: Stats;
  readonly #walkers: ProcessWalker[];
  readonly #make: ((vcpu: number, mm: AddressSpace) => PageWalker)[];
  readonly #inner: Map<number, PageWalker>[];
  readonly #nested: boolean;
  readonly #pcid: boolean;
  readonly #ipiExitCycles: number;
  readonly #ipiCycles: number;
  readonly #base: number;
  readonly #lastStore: Float64Array;

  /**
   * Builds every vCPU's MMU and caches.
   * @param kernel the guest kernel that handles page faults
   * @param options mode, vCPUs, depth, guest frames, costs, stats
   */
  constructor(kernel: GuestKernel, options: HardwarePlatformOptions) {
    const { cost, stats, vcpus, levels } = options;
    this.#kernel = kernel;
    this.#stats = stats;
    this.#nested = options.mode === "nested";
    this.#pcid = options.pcid;
    this.#base = cost.baseCyclesPerAccess;
    this.#ipiExitCycles = cost.vmExitCycles + cost.exitHandlerCycles.ipi;
    this.#ipiCycles = cost.ipiRoundTripCycles;
    // Each vCPU has its own caches; the PTE data cache stands for the shared L2/LLC view.
    const memory = new WalkMemory(stats, {
      lines: cost.pteCache.entries,
      ways: cost.pteCache.ways,
      hitCycles: cost.pteCacheHitCycles,
      memoryCycles: cost.pteMemoryCycles,
    });
    const hostFrames = new BumpFrameAllocator();
    this.hostTable = this.#nested ? new Table(levels, hostFrames) : null;
    this.mmus = [];
    this.#walkers = [];
    this.#make = [];
    this.#inner = [];
    this.#lastStore = new Float64Array(vcpus).fill(-1);
    for (let v = 0; v < vcpus; v++) {
      const pwc = new WalkCache(levels, cost.walkCache.entries, cost.walkCache.ways);
      let flushCaches: () => void;
      let make: (vcpu: number, mm: AddressSpace) => PageWalker;
      if (this.#nested) {
        const host = new NativeWalker(this.hostTable!, {
          frames: hostFrames,
          pageSize: PageSize.SIZE_4K,
          walkCache: new WalkCache(levels, cost.walkCache.entries, cost.walkCache.ways),
          memory,
          stats,
          walkCacheHitCycles: cost.walkCacheHitCycles,
        });
        const ntlb = new Tlb(cost.nestedTlb.entries, cost.nestedTlb.ways);
        flushCaches = () => {
          pwc.flushAll();
          ntlb.flushAll();
          host.flush();
        };
        make = (_vcpu, mm) =>
          new NestedWalker(mm.table, {
            guestFrames: options.guestFrames,
            guestPageSize: PageSize.SIZE_4K,
            guestWalkCache: pwc,
            host,
            nestedTlb: ntlb,
            memory,
            stats,
            walkCacheHitCycles: cost.walkCacheHitCycles,
            nestedTlbHitCycles: cost.nestedTlbHitCycles,
          });
      } else {
        flushCaches = () => pwc.flushAll();
        make = (_vcpu, mm) =>
          new NativeWalker(mm.table, {
            frames: options.guestFrames,
            pageSize: PageSize.SIZE_4K,
            walkCache: pwc,
            memory,
            stats,
            walkCacheHitCycles: cost.walkCacheHitCycles,
          });
      }
      const walker = new ProcessWalker(kernel, v, flushCaches);
      this.#walkers.push(walker);
      this.#make.push(make);
      this.#inner.push(new Map());
      this.mmus.push(buildVcpuMmu(walker, cost, stats));
    }
  }

  /** One access (see {@linkcode Platform.access}). */
  access(vcpu: number, vpn: number, write: number): number {
    const stats = this.#stats;
    const counters = stats.counters;
    counters[Counter.ACCESSES]++;
    stats.cycles[Cycle.COMPUTE] += this.#base;
    const mm = this.#kernel.loaded(vcpu)!;
    const mmu = this.mmus[vcpu];
    let frame = mmu.translate(vpn, mm.id);
    if (write === 0) return frame;
    counters[Counter.WRITES]++;
    if (this.#lastStore[vcpu] === vpn) return frame;
    // The hardware checks the cached permission and sets the dirty flag on
    // the first write through an entry; a write to a write-protected page
    // is the guest's copy-on-write fault.
    const table = mm.table;
    let e = table.leafEntry(vpn);
    if ((table.flags[e] & PTE_WRITABLE) === 0) {
      this.#kernel.pageFault(vcpu, vpn, 1);
      frame = mmu.translate(vpn, mm.id);
      e = table.leafEntry(vpn);
    }
    table.flags[e] |= PTE_ACCESSED | PTE_DIRTY;
    this.#lastStore[vcpu] = vpn;
    return frame;
  }

  /** Loads CR3: no exit in either mode; PCID tags keep other spaces' entries. */
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    const walker = this.#walkers[vcpu];
    this.#lastStore[vcpu] = -1;
    if (mm === null) {
      walker.table = null;
      walker.inner = null;
      return;
    }
    const cache = this.#inner[vcpu];
    let inner = cache.get(mm.id);
    if (inner === undefined) {
      inner = this.#make[vcpu](vcpu, mm);
      cache.set(mm.id, inner);
    }
    walker.table = mm.table;
    walker.inner = inner;
    if (flush) {
      if (this.#pcid) this.mmus[vcpu].flushTag(mm.id);
      else this.mmus[vcpu].flushAll();
    }
  }

  /** Hardware does not see page-table writes. */
  pteWritten(): void {}

  /** Hardware keeps the guest's flags exact: nothing to do before a read. */
  pteRead(): void {}

  /** INVLPG: no exit. */
  invlpg(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.mmus[vcpu].flushPage(vpn, mm.id);
    this.#lastStore[vcpu] = -1;
  }

  /** CR3 reload: no exit. */
  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.mmus[vcpu].flushTag(mm.id);
    this.#lastStore[vcpu] = -1;
  }

  /** IPIs to every target (an exit each in nested mode), which then flush. */
  shootdown(
    vcpu: number,
    targets: Int32Array,
    count: number,
    mm: AddressSpace,
    vpn: number,
    pages: number,
  ): void {
    for (let i = 0; i < count; i++) {
      this.#stats.cycles[Cycle.GUEST_KERNEL] += this.#ipiCycles;
      if (this.#nested) this.#stats.exit(ExitReason.IPI, this.#ipiExitCycles);
      const t = targets[i];
      if (pages === 0) this.flushTlb(t, mm);
      else for (let p = 0; p < pages; p++) this.invlpg(t, mm, vpn + p);
    }
    void vcpu;
  }

  /** Bytes of host page-table pages. */
  get hostTableBytes(): number {
    return this.hostTable?.bytes ?? 0;
  }
}
