/**
 * Shadow paging: the hardware walks shadow tables (guest-virtual → host
 * frame) that the hypervisor builds from the guest's tables and the host
 * map. A shadow entry composes the guest's leaf with the host's backing, at
 * the smaller of the two page sizes: a guest 2M page on host 2M backing gets
 * one 2M shadow entry, on host 4K backing it is splintered into 4K entries,
 * one per touched page. The hypervisor write-protects the guest's table pages
 * it shadows and traps CR3 loads, INVLPG, hidden page faults and IPIs,
 * charging every exit its round trip plus the handler's work, by reason.
 *
 * The shadow MMU is six policies (core/platforms/shadow/shadow_core.ts), one
 * per strategy, chosen when the platform is built. With every policy at its
 * baseline it is the classic design (Adams & Agesen, ASPLOS 2006; KVM's
 * shadow MMU, arch/x86/kvm/mmu/): no VPID, so every exit and every switch
 * flushes the vCPU's TLB; a shadow table lives only while some vCPU has it
 * loaded; one entry per hidden fault; a shadow entry is writable only once
 * the guest's dirty flag is set, so the first write to a clean page exits;
 * every write to a shadowed guest table page exits.
 *
 * @module
 */

import { exitCycleTable } from "../cost/cost_model.ts";
import type { HostMemory } from "../mem/host_memory.ts";
import type { Mmu } from "../mmu/mmu.ts";
import {
  ENTRIES_PER_TABLE,
  LEVEL_SPAN,
  type PageTable,
  PTE_ACCESSED,
  PTE_DIRTY,
  PTE_LEAF,
  PTE_PRESENT,
  PTE_WRITABLE,
  radixIndex,
} from "../mmu/page_table.ts";
import { buildVcpuMmu } from "../mmu/vcpu_mmu.ts";
import { WalkCache } from "../mmu/walk_cache.ts";
import { createWalkMemories } from "../mmu/walk_memory.ts";
import type { AddressSpace } from "../os/address_space.ts";
import type { Shootdown } from "../os/shootdown.ts";
import type { GuestKernel, Platform } from "../os/platform.ts";
import { tablePath } from "../os/table_path.ts";
import { PAGES_4K_PER, PageSize, spanOffset } from "../base/page_size.ts";
import { Counter, Cycle, type Stats } from "../cost/stats.ts";
import { ExitReason } from "../base/exit_reason.ts";
import type { HostMap, PlatformKind, PlatformOptions } from "./platform_kind.ts";
import type { PrefetchTarget } from "./shadow/batched_fill.ts";
import { type ShadowPolicies, shadowPolicies } from "./shadow/shadow_config.ts";
import type { ShadowCore, ShadowCounts } from "./shadow/shadow_core.ts";
import { ShadowTable } from "./shadow/shadow_table.ts";
import type { TlbTagging } from "./shadow/tagged_tlb.ts";
import { ShadowWalker } from "./shadow/shadow_walker.ts";

/** A shadow entry filled from a host-4K-backed guest-physical region that a promotion may move. */
interface Filled {
  shadow: ShadowTable;
  vpn: number;
  size: PageSize;
}

/** Where the reverse map keeps a fill from `gfn` of `size`: its 2M region, or its 1G region (negative). */
function filledKey(gfn: number, size: PageSize): number {
  return size === PageSize.SIZE_1G ? -1 - Math.floor(gfn / 262144) : Math.floor(gfn / 512);
}

const FLAGS = PTE_ACCESSED | PTE_DIRTY;

/**
 * The shadow-paging platform.
 *
 * @example Every strategy on: a second pass over the pages takes no exit
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine(
 *   { platform: "shadow", guest: "os", shadow: { strategies: "all" } },
 *   getProfile("intel-skylake-sp"),
 * );
 * const os = machine.os!;
 * os.event(1, 0, 1, 0, 0); // spawn pid 1
 * os.event(5, 0, 1, 0, 0); // switch vCPU 0 to it
 * for (let p = 0; p < 64; p++) machine.platform.access(0, 0x400 + p, 1);
 * const exits = machine.report().counters.exits;
 * for (let p = 0; p < 64; p++) machine.platform.access(0, 0x400 + p, 1);
 * if (machine.report().counters.exits !== exits) throw new Error();
 * ```
 */
export class ShadowPlatform implements Platform, ShadowCore, PrefetchTarget {
  /** Registry name. */
  readonly name = "shadow";
  /** The vCPUs' MMUs. */
  readonly mmus: Mmu[] = [];
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
  /** The guest kernel faults are reflected to. */
  readonly kernel: GuestKernel;
  /** The TLB tagging policy. */
  readonly tlb: TlbTagging;
  /** Every live shadow table by guest CR3 (root frame), least recently loaded first. */
  readonly shadows: Map<number, ShadowTable> = new Map();
  readonly #policies: ShadowPolicies;
  readonly #stats: readonly Stats[];
  readonly #host: HostMap;
  readonly #hostMemory: HostMemory;
  readonly #exitCycles: Float64Array;
  readonly #roundTrip: number;
  readonly #ipiCycles: number;
  readonly #resyncCycles: number;
  readonly #prefetchCycles: number;
  readonly #propagateCycles: number;
  readonly #pcid: boolean;
  readonly #levels: 4 | 5;
  /** Per guest frame: shadow tables built from it (it is write-protected while > 0). */
  #protect: Int32Array = new Int32Array(1 << 16);
  readonly #tags: Int32Array;
  readonly #lastStore: Float64Array;
  readonly #deferred: Int32Array;
  readonly #path = new Int32Array(6);
  /** Per guest-physical region (see `filledKey`): the shadow entries filled from it (a reverse map). */
  readonly #filled: Map<number, Filled[]> = new Map();
  readonly #released: number[] = [];
  #nextId = 1;

  /**
   * Builds every vCPU's MMU; no shadow table exists until a CR3 load.
   * @param options the machine's parts, the shadow strategies, the costs
   */
  constructor(options: PlatformOptions) {
    const { cost, stats, vcpus, levels } = options;
    if (options.host === null || options.shadow === null) {
      throw new RangeError("the shadow platform needs a host map and shadow options");
    }
    this.kernel = options.kernel;
    this.#stats = stats;
    this.#levels = levels;
    this.#host = options.host;
    this.#hostMemory = options.hostMemory;
    this.hostTable = options.host.table;
    this.#roundTrip = cost.vmExitCycles;
    this.#ipiCycles = cost.ipiRoundTripCycles;
    this.#resyncCycles = cost.shadowResyncPageCycles;
    this.#prefetchCycles = cost.shadowPrefetchEntryCycles;
    this.#propagateCycles = cost.shadowPropagatePageCycles;
    this.#exitCycles = exitCycleTable(cost);
    this.#policies = shadowPolicies(options.shadow);
    this.tlb = this.#policies.tlb;
    this.#pcid = options.pcid;
    this.current = new Array(vcpus).fill(null);
    this.#tags = new Int32Array(vcpus);
    this.#lastStore = new Float64Array(vcpus).fill(-1);
    this.#deferred = new Int32Array(vcpus);
    const memories = createWalkMemories(stats, cost, options.pteCache, options.caches);
    for (let v = 0; v < vcpus; v++) {
      const walker = new ShadowWalker({
        faults: this,
        vcpu: v,
        walkCache: new WalkCache(
          levels,
          options.walkCache ? cost.walkCache.entries : 0,
          cost.walkCache.ways,
        ),
        memory: memories[v],
        stats: stats[v],
        walkCacheHitCycles: cost.walkCacheHitCycles,
        flags: this.#policies.flags,
        resume: this.kernel.prepopulated,
      });
      this.mmus.push(buildVcpuMmu(walker, cost, stats[v], { caches: options.caches?.ports[v] }));
    }
  }

  /** Bytes of live shadow table pages. */
  get shadowTableBytes(): number {
    let bytes = 0;
    for (const shadow of this.shadows.values()) bytes += shadow.table.bytes;
    return bytes;
  }

  /** The shadow table of `mm`, if one is live. */
  shadowOf(mm: AddressSpace): ShadowTable | undefined {
    const shadow = this.shadows.get(mm.root);
    return shadow !== undefined && shadow.mm === mm ? shadow : undefined;
  }

  /** Sets up `vcpu` on `mm` before the guest runs: no exit, nothing flushed. */
  start(vcpu: number, mm: AddressSpace): void {
    this.#lastStore[vcpu] = -1;
    this.#attach(vcpu, mm);
  }

  /** One access (see {@linkcode Platform.access}). */
  access(vcpu: number, vpn: number, write: number, offset: number = 0): number {
    const mmu = this.mmus[vcpu];
    mmu.begin(write !== 0);
    if (this.#deferred[vcpu] !== 0) this.#applyDeferred(vcpu);
    this.writing = write;
    let frame = mmu.translate(vpn, this.#tags[vcpu]);
    this.writing = 0;
    if (write === 0) {
      mmu.data(frame, offset, 1);
      return frame;
    }
    if (this.#lastStore[vcpu] !== vpn) {
      for (;;) {
        const shadow = this.current[vcpu]!;
        const table = shadow.table;
        const e = table.leafEntry(vpn);
        if (e >= 0) {
          const flags = table.flags[e];
          if ((flags & PTE_WRITABLE) !== 0) {
            if ((flags & PTE_DIRTY) === 0) {
              table.flags[e] = flags | PTE_DIRTY;
              this.#policies.flags.hardwareSet(shadow, vpn);
            }
            break;
          }
        }
        this.hiddenFault(vcpu, vpn, 1);
        frame = mmu.translate(vpn, this.#tags[vcpu]);
      }
      this.#lastStore[vcpu] = vpn;
    }
    mmu.versions?.write(frame);
    mmu.data(frame, offset, 1);
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
    let ge = tablePath(guest, vpn, path);
    if (ge < 0 && this.kernel.prepopulated) {
      // The page was there all along: materialise it, inside this fill.
      this.kernel.pageFault(vcpu, vpn, write);
      ge = tablePath(guest, vpn, path);
    }
    if (ge < 0 || (write !== 0 && (guest.flags[ge] & PTE_WRITABLE) === 0)) {
      this.exit(vcpu, ExitReason.GUEST_FAULT);
      this.kernel.pageFault(vcpu, vpn, write);
      return;
    }
    this.exit(vcpu, ExitReason.HIDDEN_FAULT);
    const level = path[0];
    const table = shadow.table;
    const se = table.leafEntry(vpn);
    if (se >= 0) {
      if (table.translate(vpn) === this.#compose(vcpu, guest, vpn)) {
        // A store to a clean page mapped read-only to catch its first write.
        guest.flags[ge] |= PTE_ACCESSED | PTE_DIRTY;
        table.flags[se] |= PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
        return;
      }
      this.zap(shadow, vpn, 1);
    }
    // Flags are set at fill time: the guest sees the access (and the write) now.
    guest.flags[ge] |= PTE_ACCESSED | (write !== 0 ? PTE_DIRTY : 0);
    // The guest's table pages on the path are write-protected; the hypervisor
    // reads them in its software walk, so they are backed by host memory like
    // any guest page it touches.
    for (let l = guest.levels; l >= level; l--) {
      const frame = guest.tableFrame[path[l]];
      this.#protectFrame(shadow, frame);
      this.#backing(vcpu, frame);
    }
    this.#install(vcpu, shadow, vpn, ge, level);
    this.counts.fills++;
    if (level === 1) this.#policies.fill.neighbours(this, vcpu, shadow, vpn, path[1] * 512);
  }

  /** Fills `shadow`'s entry for `page` from guest leaf entry `entry`, if allowed and missing. */
  prefetch(vcpu: number, shadow: ShadowTable, page: number, entry: number): void {
    const flags = shadow.mm.table.flags[entry];
    if ((flags & PTE_PRESENT) === 0) return;
    if (!this.#policies.flags.prefetchable(flags)) return;
    if (shadow.table.leafEntry(page) >= 0) return;
    this.#install(vcpu, shadow, page, entry, 1);
    this.counts.prefetched++;
    this.#stats[vcpu].cycles[Cycle.HYPERVISOR] += this.#prefetchCycles;
  }

  /** Loads CR3: an exit; finds or builds the shadow table, resynchronises, flushes as needed. */
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    this.exit(vcpu, ExitReason.CR3_WRITE);
    this.#lastStore[vcpu] = -1;
    const old = this.current[vcpu];
    if (old !== null) {
      if (--old.users === 0) this.#policies.retention.idle(this, vcpu, old);
    }
    if (mm === null) {
      this.current[vcpu] = null;
      return;
    }
    const shadow = this.#attach(vcpu, mm);
    this.resyncSpace(vcpu, mm);
    this.#policies.retention.evict(this, vcpu);
    this.tlb.switched(this.mmus[vcpu], shadow, flush, this.#pcid);
  }

  /** The guest wrote a table entry: handled by the table-write policy if the page is write-protected. */
  pteWritten(vcpu: number, mm: AddressSpace, vpn: number, level: number, tableFrame: number): void {
    if (tableFrame >= this.#protect.length || this.#protect[tableFrame] === 0) return;
    this.#policies.tableWrites.written(this, vcpu, mm, vpn, level, tableFrame);
  }

  /** Before the guest reads its flags: whatever the flag policy needs. */
  pteRead(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#policies.flags.beforeGuestRead(this, vcpu, mm, vpn);
  }

  /** INVLPG: an exit; resynchronises the page's table page if out of sync, drops the shadow entries. */
  invlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void {
    this.exit(vcpu, ExitReason.INVLPG);
    this.#lastStore[vcpu] = -1;
    this.#policies.tableWrites.invalidated(this, vcpu, mm, vpn);
    const shadow = this.shadowOf(mm);
    if (shadow !== undefined) this.zap(shadow, vpn, pages);
    this.tlb.invalidated(this.mmus[vcpu], shadow, vpn, pages);
  }

  /** CR3 reload of the same space: an exit, a flush point. */
  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.exit(vcpu, ExitReason.CR3_WRITE);
    this.#lastStore[vcpu] = -1;
    this.resyncSpace(vcpu, mm);
    this.tlb.reloaded(this.mmus[vcpu], this.shadowOf(mm));
  }

  /** A shootdown, as the shootdown policy sends it. */
  shootdown(vcpu: number, request: Shootdown): void {
    this.#policies.shootdown.shootdown(this, vcpu, request);
  }

  /**
   * Guest-physical 2M region `gfn` (backed by host 4K pages until now) moved
   * to host 2M frame `hostFrame`, a promotion: shadow entries filled from it
   * point to the new frames, and a guest 2M page on it gets one 2M shadow
   * entry in place of its splintered 4K entries, whose table page returns to
   * host memory.
   */
  remapped(gfn: number, hostFrame: number): void {
    const region = Math.floor(gfn / 512);
    const filled = this.#filled.get(region);
    if (filled === undefined) return;
    const kept: Filled[] = [];
    for (const entry of filled) {
      const { shadow, vpn } = entry;
      if (this.shadowOf(shadow.mm) !== shadow) continue;
      const guest = shadow.mm.table;
      const g = guest.translate(vpn);
      if (g < 0 || Math.floor(g / 512) !== region) continue;
      const table = shadow.table;
      const se = table.leafEntry(vpn);
      if (se < 0) continue;
      if (guest.lastSize >= PageSize.SIZE_2M) this.#settleFlags(shadow, vpn);
      const flags = table.flags[table.leafEntry(vpn)] & (FLAGS | PTE_WRITABLE);
      if (guest.lastSize >= PageSize.SIZE_2M) {
        const base = vpn - spanOffset(vpn, 512);
        const released = table.collapse(base, hostFrame, PageSize.SIZE_2M, flags);
        if (released >= 0) this.#hostMemory.freeTablePage(released);
        kept.push({ shadow, vpn: base, size: PageSize.SIZE_2M });
      } else {
        table.map(vpn, hostFrame + (g - gfn), PageSize.SIZE_4K, flags);
        kept.push(entry);
      }
    }
    this.#filled.set(region, kept);
  }

  /**
   * Guest-physical frame `gfn` went away (handed to another machine): every
   * shadow entry filled from it is zapped and every vCPU's TLB flushed.
   */
  unmapped(gfn: number): void {
    for (const key of [filledKey(gfn, PageSize.SIZE_4K), filledKey(gfn, PageSize.SIZE_1G)]) {
      const filled = this.#filled.get(key);
      if (filled === undefined) continue;
      for (const { shadow, vpn, size } of filled) {
        if (this.shadowOf(shadow.mm) !== shadow) continue;
        const g = shadow.mm.table.translate(vpn);
        if (g >= 0 && gfn >= g && gfn < g + PAGES_4K_PER[size]) {
          // The flags the hardware set in the entry reach the guest before it goes.
          this.#settleFlags(shadow, vpn);
          this.zap(shadow, vpn, 1);
        }
      }
    }
    for (let v = 0; v < this.mmus.length; v++) {
      this.mmus[v].flushAll();
      this.#lastStore[v] = -1;
    }
  }

  // ------------------------------------------------------------ ShadowCore

  /** Charges `vcpu` one exit of `reason`; the TLB policy decides what the exit flushes. */
  exit(vcpu: number, reason: number): void {
    this.#stats[vcpu].exit(reason, this.#exitCycles[reason]);
    if (this.tlb.afterExit(this.mmus[vcpu])) this.#lastStore[vcpu] = -1;
  }

  /** Charges `vcpu` a bare exit round trip of `reason`. */
  kick(vcpu: number, reason: number): void {
    this.#stats[vcpu].exit(reason, this.#roundTrip);
  }

  /** The guest kernel's cost of an IPI, and the exit of sending it. */
  sendIpi(vcpu: number): void {
    this.#stats[vcpu].cycles[Cycle.GUEST_KERNEL] += this.#ipiCycles;
    this.exit(vcpu, ExitReason.IPI);
  }

  /** A trapped CR3 reload on `vcpu`. */
  guestFlush(vcpu: number, mm: AddressSpace): void {
    this.flushTlb(vcpu, mm);
  }

  /** A trapped INVLPG on `vcpu`. */
  guestInvlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void {
    this.invlpg(vcpu, mm, vpn, pages);
  }

  /** `vcpu` re-checks write permissions before its next store. */
  forgetStore(vcpu: number): void {
    this.#lastStore[vcpu] = -1;
  }

  /** Removes `shadow`'s entries for the guest page of `pages` pages at `vpn`. */
  zap(shadow: ShadowTable, vpn: number, pages: number): void {
    if (pages === 1) {
      if (shadow.table.unmap(vpn)) this.counts.zaps++;
      return;
    }
    this.counts.zaps += shadow.table.clearRange(vpn, pages === 512 ? 2 : 3);
  }

  /** `vcpu` flushes shadow table `shadowId`'s entries (everything for -1) on its next entry. */
  deferFlush(vcpu: number, shadowId: number): void {
    this.#deferred[vcpu] = shadowId;
  }

  /** Resynchronises every out-of-sync table page of `mm`. */
  resyncSpace(vcpu: number, mm: AddressSpace): void {
    this.#policies.tableWrites.resyncSpace(this, vcpu, mm);
  }

  /** Brings the shadow entries of `mm`'s leaf table page from `base` back in step with the guest's. */
  resync(vcpu: number, mm: AddressSpace, base: number): void {
    const shadow = this.shadowOf(mm);
    if (shadow === undefined) return;
    this.counts.resyncs++;
    this.#stats[vcpu].cycles[Cycle.HYPERVISOR] += this.#resyncCycles;
    const guest = mm.table;
    const table = shadow.table;
    for (let i = 0; i < 512; i++) {
      const vpn = base + i;
      const se = table.leafEntry(vpn);
      if (se < 0) continue;
      const frame = table.entries[se];
      const ge = guest.leafEntry(vpn);
      if (
        ge < 0 || this.#composeEntry(guest, ge, vpn) !== frame ||
        ((table.flags[se] & PTE_WRITABLE) !== 0 && (guest.flags[ge] & PTE_WRITABLE) === 0)
      ) {
        table.unmap(vpn);
        this.counts.zaps++;
      }
    }
  }

  /** Copies the shadow's accessed/dirty flags of one guest table page into the guest's entries. */
  propagate(vcpu: number, shadow: ShadowTable, frame: number): void {
    const key = shadow.pending.get(frame)!;
    shadow.pending.delete(frame);
    this.counts.propagations++;
    this.#stats[vcpu].cycles[Cycle.HYPERVISOR] += this.#propagateCycles;
    const level = spanOffset(key, 8);
    const base = (key - level) / 8;
    const span = LEVEL_SPAN[level - 1];
    const guest = shadow.mm.table;
    for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
      const page = base + i * span;
      const ge = guest.leafEntry(page);
      if (ge < 0 || guest.lastSize !== level - 1) continue;
      guest.flags[ge] |= this.#flagsOver(shadow, page, level);
    }
  }

  /** Propagates the pending flags of the guest table page that maps `vpn` (lazy flags), if any. */
  #settleFlags(shadow: ShadowTable, vpn: number): void {
    if (shadow.pending.size === 0) return;
    const path = this.#path;
    if (tablePath(shadow.mm.table, vpn, path) < 0) return;
    const frame = shadow.mm.table.tableFrame[path[path[0]]];
    if (shadow.pending.has(frame)) this.propagate(0, shadow, frame);
  }

  /** Drops `shadow`: flags propagated, guest table pages unprotected. */
  drop(vcpu: number, shadow: ShadowTable): void {
    for (const frame of [...shadow.pending.keys()]) this.propagate(vcpu, shadow, frame);
    for (const frame of shadow.protectedFrames) {
      if (--this.#protect[frame] === 0) this.#policies.tableWrites.unprotected(frame);
    }
    this.shadows.delete(shadow.mm.root);
  }

  // ------------------------------------------------------------ internals

  /** Finds or builds `mm`'s shadow table and makes it `vcpu`'s. */
  #attach(vcpu: number, mm: AddressSpace): ShadowTable {
    let shadow = this.shadowOf(mm);
    if (shadow === undefined) {
      shadow = new ShadowTable(this.#nextId++, mm, this.#levels, this.#hostMemory.tableFrames);
      this.counts.tablesBuilt++;
    } else {
      this.shadows.delete(mm.root);
      if (shadow.users === 0) this.counts.cacheHits++;
    }
    this.shadows.set(mm.root, shadow);
    shadow.users++;
    this.current[vcpu] = shadow;
    this.#tags[vcpu] = this.tlb.tag(shadow);
    return shadow;
  }

  #applyDeferred(vcpu: number): void {
    const id = this.#deferred[vcpu];
    this.#deferred[vcpu] = 0;
    this.#lastStore[vcpu] = -1;
    this.tlb.flushDeferred(this.mmus[vcpu], id);
  }

  /** The host frame backing guest-physical frame `gfn`, backed on first use (uncharged). */
  #backing(vcpu: number, gfn: number): number {
    const host = this.hostTable;
    const frame = host.translate(gfn);
    if (frame >= 0) return frame;
    this.#host.mapper.map(host, gfn);
    this.#stats[vcpu].counters[Counter.DEMAND_MAPS]++;
    return host.translate(gfn);
  }

  /** guest table ∘ host map for `vpn`, backing the guest page on first use. */
  #compose(vcpu: number, guest: PageTable, vpn: number): number {
    const gfn = guest.translate(vpn);
    return gfn < 0 ? -1 : this.#backing(vcpu, gfn);
  }

  /** guest leaf entry `ge` ∘ host map for `vpn` (-1 where the host has no backing yet). */
  #composeEntry(guest: PageTable, ge: number, vpn: number): number {
    guest.translate(vpn);
    return this.hostTable.translate(
      guest.entries[ge] + spanOffset(vpn, LEVEL_SPAN[guest.lastSize]),
    );
  }

  /**
   * Writes `shadow`'s entry for `vpn` from guest leaf entry `ge` at `level`:
   * the smaller of the guest page and its host backing, aligned.
   */
  #install(vcpu: number, shadow: ShadowTable, vpn: number, ge: number, level: number): void {
    const guest = shadow.mm.table;
    const guestSize = level - 1;
    const guestFlags = guest.flags[ge];
    const gfn = guest.entries[ge] + spanOffset(vpn, LEVEL_SPAN[guestSize]);
    const frame = this.#backing(vcpu, gfn);
    const hostSize = this.hostTable.lastSize;
    const size = (guestSize < hostSize ? guestSize : hostSize) as PageSize;
    const offset = spanOffset(vpn, PAGES_4K_PER[size]);
    const flags = (guestFlags & FLAGS) |
      (this.#policies.flags.writable(guestFlags) ? PTE_WRITABLE : 0);
    const released = this.#released;
    shadow.table.replace(vpn - offset, frame - offset, size, flags, released);
    if (released.length > 0) {
      // A large entry replaced a table page the vCPUs' walk caches may still
      // point into: they are flushed, as KVM flushes when it zaps a shadow page.
      for (let v = 0; v < this.mmus.length; v++) {
        this.mmus[v].flushAll();
        this.#lastStore[v] = -1;
      }
    }
    while (released.length > 0) this.#hostMemory.freeTablePage(released.pop()!);
    this.#remember(shadow, vpn - offset, gfn - offset, size);
  }

  /** Notes that `shadow`'s leaf of `size` at `vpn` was filled from guest-physical `gfn`. */
  #remember(shadow: ShadowTable, vpn: number, gfn: number, size: PageSize): void {
    const key = filledKey(gfn, size);
    let list = this.#filled.get(key);
    if (list === undefined) this.#filled.set(key, list = []);
    list.push({ shadow, vpn, size });
  }

  /**
   * Accessed/dirty flags the hardware set in `shadow`'s leaves under the
   * guest leaf at `level` for `page`, from leaves that still compose the
   * guest's mapping.
   */
  #flagsOver(shadow: ShadowTable, page: number, level: number): number {
    const t = shadow.table;
    const lo = page >>> 0;
    const hi = (page - lo) / 4294967296;
    let id = t.root;
    for (let l = t.levels; l > level; l--) {
      const e = id * ENTRIES_PER_TABLE + radixIndex(lo, hi, l);
      const f = t.flags[e];
      if ((f & PTE_PRESENT) === 0 || (f & PTE_LEAF) !== 0) return 0;
      id = t.entries[e];
    }
    return this.#collectFlags(
      shadow,
      id * ENTRIES_PER_TABLE + radixIndex(lo, hi, level),
      level,
      page,
    );
  }

  #collectFlags(shadow: ShadowTable, e: number, level: number, page: number): number {
    const t = shadow.table;
    const f = t.flags[e];
    if ((f & PTE_PRESENT) === 0) return 0;
    if ((f & PTE_LEAF) !== 0) {
      const guest = shadow.mm.table;
      const gfn = guest.translate(page);
      return gfn >= 0 && this.hostTable.translate(gfn) === t.entries[e] ? f & FLAGS : 0;
    }
    const child = t.entries[e] * ENTRIES_PER_TABLE;
    const span = LEVEL_SPAN[level - 2];
    let flags = 0;
    for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
      flags |= this.#collectFlags(shadow, child + i, level - 1, page + i * span);
    }
    return flags;
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
}

/** The shadow platform in the registry. */
export const SHADOW: PlatformKind = {
  name: "shadow",
  description:
    "shadow page tables (guest table ∘ host map) kept in step by the hypervisor, with a chosen set of strategies",
  hostLayer: true,
  nestedTlb: false,
  shadowOptions: true,
  create: (options) => new ShadowPlatform(options),
};
