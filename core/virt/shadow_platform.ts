/**
 * Shadow paging: the hardware walks shadow tables (guest-virtual → host
 * frame) that the hypervisor builds from the guest's tables and the host
 * map. The hypervisor write-protects the guest's table pages it shadows and
 * traps CR3 loads, INVLPG, hidden page faults and IPIs, charging every exit
 * its round trip plus the handler's work, by reason. Six strategies
 * ({@linkcode SHADOW_STRATEGIES}) each remove a class of exits or flushes.
 *
 * The unoptimised baseline follows the classic design (Adams & Agesen,
 * ASPLOS 2006; KVM's shadow MMU, arch/x86/kvm/mmu/): no VPID, so every exit
 * and every switch flushes the vCPU's TLB; a shadow table lives only while
 * some vCPU has it loaded; one entry per hidden fault; a shadow entry is
 * writable only once the guest's dirty flag is set, so the first write to a
 * clean page exits; every write to a shadowed guest table page exits.
 *
 * @module
 */

import type { CostModel } from "../cost.ts";
import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
import type { Mmu } from "../mmu/mmu.ts";
import {
  type PageTable,
  PageTable as Table,
  PTE_ACCESSED,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_WRITABLE,
} from "../mmu/page_table.ts";
import type { PageWalker } from "../mmu/page_walker.ts";
import { WalkCache } from "../mmu/walk_cache.ts";
import { WalkMemory } from "../mmu/walk_memory.ts";
import type { AddressSpace } from "../os/address_space.ts";
import type { GuestKernel, Platform } from "../os/platform.ts";
import { tablePath } from "../os/table_path.ts";
import { PageSize } from "../page_size.ts";
import { Counter, Cycle, type Stats } from "../stats.ts";
import { EXIT_REASON_COUNT, EXIT_REASON_NAMES, ExitReason } from "./exit_reason.ts";
import { radixWalk } from "./radix_walk.ts";
import { SHADOW_STRATEGIES } from "./shadow_strategies.ts";
import { ShadowTable } from "./shadow_table.ts";
import { buildVcpuMmu } from "./vcpu_mmu.ts";

/** Options of a {@linkcode ShadowPlatform}. */
export interface ShadowPlatformOptions {
  /** vCPUs. */
  vcpus: number;
  /** Radix levels of guest and shadow tables. */
  levels: 4 | 5;
  /** Strategy mask (bits of {@linkcode SHADOW_STRATEGIES}); 0 is the baseline. */
  strategies: number;
  /** Shadow entries filled per hidden fault with batched population (1 to 512, a power of two). */
  batch: number;
  /** Idle shadow tables kept by the shadow cache (address spaces). */
  cacheSize: number;
  /** Whether the guest uses PCIDs; without, a flushing CR3 load empties the vCPU's TLB. */
  pcid: boolean;
  /** Cost profile. */
  cost: CostModel;
  /** Counters and cycles. */
  stats: Stats;
}

/** Shadow-paging events of a run. */
export interface ShadowCounts {
  /** Shadow tables built (an empty table started for a guest CR3). */
  tablesBuilt: number;
  /** CR3 loads that found their shadow table kept by the cache. */
  cacheHits: number;
  /** Shadow entries filled by hidden faults. */
  fills: number;
  /** Extra shadow entries filled by batched population. */
  prefetched: number;
  /** Shadow entries removed because the guest entry changed. */
  zaps: number;
  /** Out-of-sync guest table pages resynchronised at flush points. */
  resyncs: number;
  /** Shadow table pages whose flags were copied back to the guest. */
  propagations: number;
}

/** An out-of-sync guest leaf table page: whose it is and the first page it maps. */
interface UnsyncPage {
  mm: AddressSpace;
  base: number;
}

/** Per-vCPU walker of the loaded shadow table; a missing entry is a hidden fault. */
class ShadowWalker implements PageWalker {
  leafSize: PageSize = PageSize.SIZE_4K;
  readonly #platform: ShadowPlatform;
  readonly #vcpu: number;
  readonly #pwc: WalkCache;
  readonly #memory: WalkMemory;
  readonly #stats: Stats;
  readonly #pwcCycles: number;
  readonly #lazy: boolean;

  constructor(
    platform: ShadowPlatform,
    vcpu: number,
    pwc: WalkCache,
    memory: WalkMemory,
    stats: Stats,
    pwcCycles: number,
    lazy: boolean,
  ) {
    this.#platform = platform;
    this.#vcpu = vcpu;
    this.#pwc = pwc;
    this.#memory = memory;
    this.#stats = stats;
    this.#pwcCycles = pwcCycles;
    this.#lazy = lazy;
  }

  walk(vpn: number, tag: number): number {
    for (;;) {
      const shadow = this.#platform.current[this.#vcpu]!;
      const table = shadow.table;
      const e = radixWalk(table, vpn, tag, this.#pwc, this.#memory, this.#stats, this.#pwcCycles);
      if (e >= 0) {
        const flags = table.flags[e];
        if ((flags & PTE_ACCESSED) === 0) {
          // The hardware sets the shadow's accessed flag; with lazy flags the
          // guest's copy is brought up to date when it reads the page.
          table.flags[e] = flags | PTE_ACCESSED;
          if (this.#lazy) this.#platform.markPending(shadow, vpn);
        }
        return table.entries[e];
      }
      // The fault's error code says whether the access writes.
      this.#platform.hiddenFault(this.#vcpu, vpn, this.#platform.writing);
    }
  }

  flush(): void {
    this.#pwc.flushAll();
  }
}

/**
 * The shadow-paging platform.
 *
 * @example Every strategy on: a second pass over the pages takes no exit
 * ```ts
 * import { buildVirtualMachine } from "./virtual_machine.ts";
 * import { getProfile } from "../cost.ts";
 * const vm = buildVirtualMachine({ mode: "shadow", strategies: "all" }, getProfile("intel-skylake-sp"));
 * vm.os.event(1, 0, 1, 0, 0); // spawn pid 1
 * vm.os.event(5, 0, 1, 0, 0); // switch vCPU 0 to it
 * for (let p = 0; p < 64; p++) vm.platform.access(0, 0x400 + p, 1);
 * const exits = vm.stats.report().counters.vm_exits;
 * for (let p = 0; p < 64; p++) vm.platform.access(0, 0x400 + p, 1);
 * if (vm.stats.report().counters.vm_exits !== exits) throw new Error();
 * ```
 */
export class ShadowPlatform implements Platform {
  /** The vCPUs' MMUs. */
  readonly mmus: Mmu[];
  /** Per vCPU: the shadow table loaded, or null. */
  readonly current: (ShadowTable | null)[];
  /** The host map: guest-physical frame → host frame. */
  readonly hostTable: PageTable;
  /** 1 while a store is being translated, so a hidden fault knows it is a write fault. */
  writing = 0;
  /** Shadow-paging events of the run. */
  readonly counts: ShadowCounts = {
    tablesBuilt: 0,
    cacheHits: 0,
    fills: 0,
    prefetched: 0,
    zaps: 0,
    resyncs: 0,
    propagations: 0,
  };
  readonly #kernel: GuestKernel;
  readonly #stats: Stats;
  readonly #base: number;
  readonly #exitCycles: Float64Array;
  readonly #roundTrip: number;
  readonly #ipiCycles: number;
  readonly #resyncCycles: number;
  readonly #prefetchCycles: number;
  readonly #propagateCycles: number;
  readonly #tagged: boolean;
  readonly #cache: boolean;
  readonly #batch: number;
  readonly #lazy: boolean;
  readonly #oos: boolean;
  readonly #pv: boolean;
  readonly #cacheSize: number;
  readonly #pcid: boolean;
  readonly #levels: 4 | 5;
  readonly #hostFrames = new BumpFrameAllocator();
  // Shadow table pages live in host memory apart from guest memory (4 TiB up).
  readonly #shadowFrames = new BumpFrameAllocator(2 ** 30);
  /** Every live shadow table by guest CR3 (root frame), least recently loaded first. */
  readonly #shadows = new Map<number, ShadowTable>();
  /** Per guest frame: shadow tables built from it (it is write-protected while > 0). */
  #protect: Int32Array = new Int32Array(1 << 16);
  readonly #unsync = new Map<number, UnsyncPage>();
  readonly #tags: Int32Array;
  readonly #lastStore: Float64Array;
  readonly #deferred: Int32Array;
  readonly #path = new Int32Array(6);
  #nextId = 1;

  /**
   * Builds every vCPU's MMU; no shadow table exists until a CR3 load.
   * @param kernel the guest kernel faults are reflected to
   * @param options strategies, vCPUs, costs
   */
  constructor(kernel: GuestKernel, options: ShadowPlatformOptions) {
    const { cost, stats, vcpus, levels, strategies } = options;
    this.#kernel = kernel;
    this.#stats = stats;
    this.#levels = levels;
    this.#base = cost.baseCyclesPerAccess;
    this.#roundTrip = cost.vmExitCycles;
    this.#ipiCycles = cost.ipiRoundTripCycles;
    this.#resyncCycles = cost.shadowResyncPageCycles;
    this.#prefetchCycles = cost.shadowPrefetchEntryCycles;
    this.#propagateCycles = cost.shadowPropagatePageCycles;
    this.#exitCycles = new Float64Array(EXIT_REASON_COUNT);
    for (let r = 0; r < EXIT_REASON_COUNT; r++) {
      this.#exitCycles[r] = cost.vmExitCycles + cost.exitHandlerCycles[EXIT_REASON_NAMES[r]];
    }
    const on = (name: keyof typeof SHADOW_STRATEGIES) =>
      (strategies & SHADOW_STRATEGIES[name].bit) !== 0;
    this.#tagged = on("tagged-tlb");
    this.#cache = on("shadow-cache");
    this.#batch = on("batch") ? options.batch : 1;
    this.#lazy = on("lazy-flags");
    this.#oos = on("out-of-sync");
    this.#pv = on("pv-shootdown");
    this.#cacheSize = options.cacheSize;
    this.#pcid = options.pcid;
    this.hostTable = new Table(levels, this.#hostFrames);
    const memory = new WalkMemory(stats, {
      lines: cost.pteCache.entries,
      ways: cost.pteCache.ways,
      hitCycles: cost.pteCacheHitCycles,
      memoryCycles: cost.pteMemoryCycles,
    });
    this.mmus = [];
    this.current = new Array(vcpus).fill(null);
    this.#tags = new Int32Array(vcpus);
    this.#lastStore = new Float64Array(vcpus).fill(-1);
    this.#deferred = new Int32Array(vcpus);
    for (let v = 0; v < vcpus; v++) {
      const pwc = new WalkCache(levels, cost.walkCache.entries, cost.walkCache.ways);
      const walker = new ShadowWalker(
        this,
        v,
        pwc,
        memory,
        stats,
        cost.walkCacheHitCycles,
        this.#lazy,
      );
      this.mmus.push(buildVcpuMmu(walker, cost, stats));
    }
  }

  /** Bytes of live shadow table pages. */
  get shadowTableBytes(): number {
    let bytes = 0;
    for (const shadow of this.#shadows.values()) bytes += shadow.table.bytes;
    return bytes;
  }

  /** Host frame of guest frame `frame`, backing it on first use (not charged, as in nested mode). */
  hostFrame(frame: number): number {
    const host = this.hostTable.translate(frame);
    if (host >= 0) return host;
    const fresh = this.#hostFrames.alloc(PageSize.SIZE_4K);
    this.hostTable.map(frame, fresh, PageSize.SIZE_4K, PTE_WRITABLE);
    this.#stats.counters[Counter.DEMAND_MAPS]++;
    return fresh;
  }

  /** The shadow table of `mm`, if one is live. */
  shadowOf(mm: AddressSpace): ShadowTable | undefined {
    const shadow = this.#shadows.get(mm.root);
    return shadow !== undefined && shadow.mm === mm ? shadow : undefined;
  }

  /** One access (see {@linkcode Platform.access}). */
  access(vcpu: number, vpn: number, write: number): number {
    const stats = this.#stats;
    stats.counters[Counter.ACCESSES]++;
    stats.cycles[Cycle.COMPUTE] += this.#base;
    if (this.#deferred[vcpu] !== 0) this.#applyDeferred(vcpu);
    const mmu = this.mmus[vcpu];
    this.writing = write;
    let frame = mmu.translate(vpn, this.#tags[vcpu]);
    this.writing = 0;
    if (write === 0) return frame;
    stats.counters[Counter.WRITES]++;
    if (this.#lastStore[vcpu] === vpn) return frame;
    for (;;) {
      const shadow = this.current[vcpu]!;
      const table = shadow.table;
      const e = table.leafEntry(vpn);
      if (e >= 0) {
        const flags = table.flags[e];
        if ((flags & PTE_WRITABLE) !== 0) {
          if ((flags & PTE_DIRTY) === 0) {
            table.flags[e] = flags | PTE_DIRTY;
            if (this.#lazy) this.markPending(shadow, vpn);
          }
          break;
        }
      }
      this.hiddenFault(vcpu, vpn, 1);
      frame = mmu.translate(vpn, this.#tags[vcpu]);
    }
    this.#lastStore[vcpu] = vpn;
    return frame;
  }

  /**
   * A page fault in the shadow table of `vcpu` for `vpn` (`write` 1 for a
   * store): reflected to the guest when its own table says so, else filled
   * from the guest table and the host map.
   */
  hiddenFault(vcpu: number, vpn: number, write: number): void {
    const shadow = this.current[vcpu]!;
    const guest = shadow.mm.table;
    const path = this.#path;
    const ge = tablePath(guest, vpn, path);
    if (ge < 0 || (write !== 0 && (guest.flags[ge] & PTE_WRITABLE) === 0)) {
      this.#exit(vcpu, ExitReason.GUEST_FAULT);
      this.#kernel.pageFault(vcpu, vpn, write);
      return;
    }
    this.#exit(vcpu, ExitReason.HIDDEN_FAULT);
    const table = shadow.table;
    const se = table.leafEntry(vpn);
    if (se >= 0) {
      if (table.entries[se] === this.hostFrame(guest.entries[ge])) {
        // A store to a clean page mapped read-only to catch its first write.
        guest.flags[ge] |= PTE_ACCESSED | PTE_DIRTY;
        table.flags[se] |= PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
        return;
      }
      this.#zap(shadow, vpn);
    }
    // Flags are set at fill time: the guest sees the access (and the write) now.
    guest.flags[ge] |= PTE_ACCESSED | (write !== 0 ? PTE_DIRTY : 0);
    for (let level = guest.levels; level >= 1; level--) {
      this.#protectFrame(shadow, guest.tableFrame[path[level]]);
    }
    this.#install(shadow, vpn, guest.entries[ge], guest.flags[ge]);
    this.counts.fills++;
    const batch = this.#batch;
    if (batch > 1) {
      const first = vpn - vpn % batch;
      const leafTable = path[1] * 512;
      for (let page = first; page < first + batch; page++) {
        if (page === vpn) continue;
        const e = leafTable + (page % 512);
        const flags = guest.flags[e];
        if ((flags & PTE_PRESENT) === 0) continue;
        // KVM's prefetch skips guest entries not yet accessed: a shadow entry
        // the hardware then uses would leave the guest's accessed flag clear.
        // With lazy flags the shadow's own flag is copied back instead.
        if (!this.#lazy && (flags & PTE_ACCESSED) === 0) continue;
        if (table.leafEntry(page) >= 0) continue;
        this.#install(shadow, page, guest.entries[e], flags);
        this.counts.prefetched++;
        this.#stats.cycles[Cycle.HYPERVISOR] += this.#prefetchCycles;
      }
    }
  }

  /** Notes that `vpn`'s shadow entry holds a flag the guest's entry lacks (lazy flags). */
  markPending(shadow: ShadowTable, vpn: number): void {
    const guest = shadow.mm.table;
    if (tablePath(guest, vpn, this.#path) < 0) return;
    const frame = guest.tableFrame[this.#path[1]];
    if (!shadow.pending.has(frame)) shadow.pending.set(frame, vpn - vpn % 512);
  }

  /** Loads CR3: an exit; finds or builds the shadow table, resynchronises, flushes as needed. */
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    this.#exit(vcpu, ExitReason.CR3_WRITE);
    this.#lastStore[vcpu] = -1;
    const old = this.current[vcpu];
    if (old !== null) this.#release(old);
    if (mm === null) {
      this.current[vcpu] = null;
      return;
    }
    let shadow = this.shadowOf(mm);
    if (shadow === undefined) {
      shadow = new ShadowTable(this.#nextId++, mm, this.#levels, this.#shadowFrames);
      this.counts.tablesBuilt++;
    } else {
      this.#shadows.delete(mm.root);
      if (shadow.users === 0) this.counts.cacheHits++;
    }
    this.#shadows.set(mm.root, shadow);
    shadow.users++;
    this.current[vcpu] = shadow;
    this.#resyncSpace(mm);
    this.#evict();
    if (this.#tagged) {
      this.#tags[vcpu] = shadow.id;
      // Without guest PCIDs a CR3 load means "flush everything" to the guest.
      if (flush) {
        if (this.#pcid) this.mmus[vcpu].flushTag(shadow.id);
        else this.mmus[vcpu].flushAll();
      }
    }
  }

  /** The guest wrote a table entry: an exit if the page is write-protected (see the strategies). */
  pteWritten(vcpu: number, mm: AddressSpace, vpn: number, level: number, tableFrame: number): void {
    if (tableFrame >= this.#protect.length || this.#protect[tableFrame] === 0) return;
    if (this.#oos && level === 1) {
      if (this.#unsync.has(tableFrame)) return;
      // The one write fault that unprotects the page until the next flush point.
      this.#exit(vcpu, ExitReason.PT_WRITE);
      this.#unsync.set(tableFrame, { mm, base: vpn - vpn % 512 });
      return;
    }
    this.#exit(vcpu, ExitReason.PT_WRITE);
    if (level === 1) {
      const shadow = this.shadowOf(mm);
      if (shadow !== undefined) this.#zap(shadow, vpn);
    }
  }

  /** Before the guest reads a table page whose flags are pending: a fault, then the flags are copied back. */
  pteRead(vcpu: number, mm: AddressSpace, vpn: number): void {
    if (!this.#lazy) return;
    const shadow = this.shadowOf(mm);
    if (shadow === undefined || shadow.pending.size === 0) return;
    const guest = mm.table;
    if (tablePath(guest, vpn, this.#path) < 0) return;
    const frame = guest.tableFrame[this.#path[1]];
    if (!shadow.pending.has(frame)) return;
    this.#exit(vcpu, ExitReason.HIDDEN_FAULT);
    this.#propagate(shadow, frame);
  }

  /** INVLPG: an exit; resynchronises the page's table page if out of sync, drops the shadow entry. */
  invlpg(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#exit(vcpu, ExitReason.INVLPG);
    this.#invalidate(vcpu, mm, vpn);
  }

  /** CR3 reload of the same space: an exit, a flush point. */
  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.#exit(vcpu, ExitReason.CR3_WRITE);
    this.#lastStore[vcpu] = -1;
    this.#resyncSpace(mm);
    const shadow = this.shadowOf(mm);
    if (this.#tagged && shadow !== undefined) this.mmus[vcpu].flushTag(shadow.id);
  }

  /** IPIs and exits on every target, or one flush hypercall with PV shootdowns. */
  shootdown(
    vcpu: number,
    targets: Int32Array,
    count: number,
    mm: AddressSpace,
    vpn: number,
    pages: number,
  ): void {
    const cycles = this.#stats.cycles;
    if (!this.#pv) {
      for (let i = 0; i < count; i++) {
        cycles[Cycle.GUEST_KERNEL] += this.#ipiCycles;
        this.#exit(vcpu, ExitReason.IPI);
        const t = targets[i];
        if (pages === 0) this.flushTlb(t, mm);
        else for (let p = 0; p < pages; p++) this.invlpg(t, mm, vpn + p);
      }
      return;
    }
    this.#exit(vcpu, ExitReason.HYPERCALL);
    this.#resyncSpace(mm);
    const shadow = this.shadowOf(mm);
    if (shadow !== undefined && pages > 0) {
      for (let p = 0; p < pages; p++) this.#zap(shadow, vpn + p);
    }
    for (let i = 0; i < count; i++) {
      const t = targets[i];
      if (!this.#kernel.running(t)) {
        // Not running: flushed on its next entry, for free.
        this.#deferred[t] = shadow === undefined ? -1 : shadow.id;
        continue;
      }
      // A running vCPU is kicked out with a host IPI: a bare round trip.
      this.#stats.exit(ExitReason.IPI, this.#roundTrip);
      this.#lastStore[t] = -1;
      if (!this.#tagged) this.mmus[t].flushAll();
      else if (shadow !== undefined) {
        if (pages === 0) this.mmus[t].flushTag(shadow.id);
        else for (let p = 0; p < pages; p++) this.mmus[t].flushPage(vpn + p, shadow.id);
      }
    }
  }

  #applyDeferred(vcpu: number): void {
    const id = this.#deferred[vcpu];
    this.#deferred[vcpu] = 0;
    this.#lastStore[vcpu] = -1;
    if (!this.#tagged || id < 0) this.mmus[vcpu].flushAll();
    else this.mmus[vcpu].flushTag(id);
  }

  #exit(vcpu: number, reason: number): void {
    this.#stats.exit(reason, this.#exitCycles[reason]);
    if (!this.#tagged) {
      // Without VPIDs every VM entry and exit flushes the TLB.
      this.mmus[vcpu].flushAll();
      this.#lastStore[vcpu] = -1;
    }
  }

  #invalidate(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#lastStore[vcpu] = -1;
    const guest = mm.table;
    const found = tablePath(guest, vpn, this.#path);
    if (this.#oos && (found >= 0 || found === -1)) {
      const frame = guest.tableFrame[this.#path[1]];
      const page = this.#unsync.get(frame);
      if (page !== undefined) this.#resync(frame, page);
    }
    const shadow = this.shadowOf(mm);
    if (shadow !== undefined) {
      this.#zap(shadow, vpn);
      if (this.#tagged) this.mmus[vcpu].flushPage(vpn, shadow.id);
    }
  }

  #install(shadow: ShadowTable, vpn: number, guestFrame: number, guestFlags: number): void {
    const known = guestFlags & (PTE_ACCESSED | PTE_DIRTY);
    const writable = (guestFlags & PTE_WRITABLE) !== 0 &&
      (this.#lazy || (guestFlags & PTE_DIRTY) !== 0);
    shadow.table.map(
      vpn,
      this.hostFrame(guestFrame),
      PageSize.SIZE_4K,
      known | (writable ? PTE_WRITABLE : 0),
    );
  }

  #protectFrame(shadow: ShadowTable, frame: number): void {
    if (shadow.protectedFrames.has(frame)) return;
    shadow.protectedFrames.add(frame);
    if (frame >= this.#protect.length) {
      const grown = new Int32Array(Math.max(frame + 1, this.#protect.length * 2));
      grown.set(this.#protect);
      this.#protect = grown;
    }
    this.#protect[frame]++;
  }

  #zap(shadow: ShadowTable, vpn: number): void {
    if (shadow.table.unmap(vpn)) this.counts.zaps++;
  }

  /** Brings one out-of-sync page's shadow entries back in step with the guest's. */
  #resync(frame: number, page: UnsyncPage): void {
    this.#unsync.delete(frame);
    const shadow = this.shadowOf(page.mm);
    if (shadow === undefined) return;
    this.counts.resyncs++;
    this.#stats.cycles[Cycle.HYPERVISOR] += this.#resyncCycles;
    const guest = page.mm.table;
    const table = shadow.table;
    for (let i = 0; i < 512; i++) {
      const vpn = page.base + i;
      const se = table.leafEntry(vpn);
      if (se < 0) continue;
      const ge = guest.leafEntry(vpn);
      if (
        ge < 0 || this.hostTable.translate(guest.entries[ge]) !== table.entries[se] ||
        ((table.flags[se] & PTE_WRITABLE) !== 0 && (guest.flags[ge] & PTE_WRITABLE) === 0)
      ) {
        table.unmap(vpn);
        this.counts.zaps++;
      }
    }
  }

  #resyncSpace(mm: AddressSpace): void {
    if (this.#unsync.size === 0) return;
    for (const [frame, page] of this.#unsync) {
      if (page.mm === mm) this.#resync(frame, page);
    }
  }

  /** Copies the shadow's accessed/dirty flags of one guest table page into the guest's entries. */
  #propagate(shadow: ShadowTable, frame: number): void {
    const base = shadow.pending.get(frame)!;
    shadow.pending.delete(frame);
    this.counts.propagations++;
    this.#stats.cycles[Cycle.HYPERVISOR] += this.#propagateCycles;
    const guest = shadow.mm.table;
    const table = shadow.table;
    for (let i = 0; i < 512; i++) {
      const vpn = base + i;
      const se = table.leafEntry(vpn);
      if (se < 0) continue;
      const ge = guest.leafEntry(vpn);
      if (ge < 0 || this.hostTable.translate(guest.entries[ge]) !== table.entries[se]) continue;
      guest.flags[ge] |= table.flags[se] & (PTE_ACCESSED | PTE_DIRTY);
    }
  }

  #release(shadow: ShadowTable): void {
    shadow.users--;
    if (shadow.users === 0 && !this.#cache) this.#drop(shadow);
  }

  /** Keeps at most `cacheSize` idle shadow tables, dropping the least recently loaded. */
  #evict(): void {
    if (!this.#cache) return;
    let idle = 0;
    for (const shadow of this.#shadows.values()) if (shadow.users === 0) idle++;
    if (idle <= this.#cacheSize) return;
    for (const shadow of [...this.#shadows.values()]) {
      if (shadow.users !== 0) continue;
      this.#drop(shadow);
      if (--idle <= this.#cacheSize) return;
    }
  }

  #drop(shadow: ShadowTable): void {
    for (const frame of [...shadow.pending.keys()]) this.#propagate(shadow, frame);
    for (const frame of shadow.protectedFrames) {
      if (--this.#protect[frame] === 0) this.#unsync.delete(frame);
    }
    this.#shadows.delete(shadow.mm.root);
  }
}
