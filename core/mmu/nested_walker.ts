/**
 * The two-dimensional page walk of hardware nested paging (Intel EPT, AMD
 * NPT): every guest page-table page the guest walk reads, and the data page
 * it finds, sits at a guest-physical address that must itself be translated
 * through the host table. With every cache empty a walk of `n` guest levels
 * over `m` host levels makes (n+1)(m+1)−1 references (Bhargava et al.,
 * ASPLOS 2008).
 *
 * @module
 */

import type { FrameAllocator } from "../mem/frame_allocator.ts";
import { CountedMapper, type DemandMapper, FixedSizeMapper } from "./demand_mapper.ts";
import { PageSize } from "../base/page_size.ts";
import { Counter, Cycle, type Stats } from "../cost/stats.ts";
import type { NativeWalker } from "./native_walker.ts";
import {
  ENTRIES_PER_TABLE,
  LEAF_OFFSET_MASK,
  type PageTable,
  PTE_ACCESSED,
  PTE_LEAF,
  PTE_PRESENT,
  radixIndex,
} from "./page_table.ts";
import type { PageWalker } from "./page_walker.ts";
import type { NestedTlb } from "./nested_tlb.ts";
import type { WalkCache } from "./walk_cache.ts";
import type { WalkMemory } from "./walk_memory.ts";

/** Parts and costs a {@linkcode NestedWalker} works with. */
export interface NestedWalkerOptions {
  /** Guest-physical frames for guest pages mapped on first touch. */
  guestFrames: FrameAllocator;
  /** Size of guest pages mapped on first touch. */
  guestPageSize: PageSize;
  /**
   * Maps guest entries found not present instead of `guestFrames` and
   * `guestPageSize` (a guest with THP, or the guest kernel's page-fault
   * handler); it counts what it maps itself.
   */
  demandMapper?: DemandMapper;
  /** Page-walk caches of the guest dimension (keyed by guest-virtual prefixes). */
  guestWalkCache: WalkCache;
  /** Walker of the host table (guest-physical → host-physical), with its own caches. */
  host: NativeWalker;
  /** Nested TLB: guest-physical → host-physical translations (0 entries disables it). */
  nestedTlb: NestedTlb;
  /** Where references are served from and charged. */
  memory: WalkMemory;
  /** Counters and cycles. */
  stats: Stats;
  /** Cycles of a page-walk-cache hit. */
  walkCacheHitCycles: number;
  /** Cycles of a nested-TLB hit. */
  nestedTlbHitCycles: number;
}

/**
 * A 2-D walker: guest table walked through host translations.
 *
 * @example A cold 4K-over-4K walk on 4 levels makes 24 references
 * ```ts
 * import { NestedWalker } from "./nested_walker.ts";
 * import { NativeWalker } from "./native_walker.ts";
 * import { PageTable } from "./page_table.ts";
 * import { NestedTlb } from "./nested_tlb.ts";
 * import { WalkCache } from "./walk_cache.ts";
 * import { WalkMemory } from "./walk_memory.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const stats = new Stats();
 * const memory = new WalkMemory(stats, { lines: 0, ways: 1, hitCycles: 1, memoryCycles: 100 });
 * const hostFrames = new BumpFrameAllocator();
 * const guestFrames = new BumpFrameAllocator();
 * const host = new NativeWalker(new PageTable(4, hostFrames), {
 *   frames: hostFrames, pageSize: 0, walkCache: new WalkCache(4, 0, 1), memory, stats,
 *   walkCacheHitCycles: 1,
 * });
 * const walker = new NestedWalker(new PageTable(4, guestFrames), {
 *   guestFrames, guestPageSize: 0, guestWalkCache: new WalkCache(4, 0, 1), host,
 *   nestedTlb: new NestedTlb(0, 1), memory, stats, walkCacheHitCycles: 1, nestedTlbHitCycles: 1,
 * });
 * walker.walk(0x1234, 0);
 * if (stats.counters[Counter.WALK_REFS] !== 24) throw new Error();
 * ```
 */
export class NestedWalker implements PageWalker {
  /** Size of the TLB entry the last walk may fill: the smaller of guest and host leaf. */
  leafSize: PageSize = PageSize.SIZE_4K;
  /** The guest table walked (switched when the vCPU loads another address space). */
  guest: PageTable;
  #mapper: DemandMapper;
  #pwc: WalkCache;
  #host: NativeWalker;
  #ntlb: NestedTlb;
  #memory: WalkMemory;
  #stats: Stats;
  #pwcCycles: number;
  #ntlbCycles: number;
  #hostSize: PageSize = PageSize.SIZE_4K;
  #prefetched = 0;
  #indices = new Int32Array(256);
  #dataFrames = new Float64Array(256);
  #tableFrames = new Float64Array(256);

  /**
   * Creates a 2-D walker over the guest table `guest`.
   * @param guest the guest's radix table (its table pages in guest-physical frames)
   * @param options caches, costs, the host walker, and how to map first touches
   */
  constructor(guest: PageTable, options: NestedWalkerOptions) {
    this.guest = guest;
    this.#mapper = options.demandMapper ??
      new CountedMapper(
        new FixedSizeMapper(options.guestFrames, options.guestPageSize),
        options.stats,
      );
    this.#pwc = options.guestWalkCache;
    this.#host = options.host;
    this.#ntlb = options.nestedTlb;
    this.#memory = options.memory;
    this.#stats = options.stats;
    this.#pwcCycles = options.walkCacheHitCycles;
    this.#ntlbCycles = options.nestedTlbHitCycles;
  }

  // The walk loop is kept apart from the native, nested and shadow walkers' on
  // purpose (STYLE.md point 13): each walker's call sites stay monomorphic in
  // the per-access path, and this one translates every table frame through the host table.
  /** Translates guest 4 KiB page `vpn` to its 4 KiB host frame. */
  walk(vpn: number, tag: number): number {
    const pt = this.guest;
    let level = pt.levels;
    let table = pt.root;
    const pwc = this.#pwc;
    if (pwc.enabled) {
      const start = pwc.lookup(vpn, tag);
      if (start > 0) {
        level = start;
        table = pwc.table;
        this.#stats.counters[Counter.WALK_CACHE_HITS]++;
        this.#stats.cycles[Cycle.WALK_CACHE] += this.#pwcCycles;
      }
    }
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    const memory = this.#memory;
    for (;;) {
      const index = radixIndex(lo, hi, level);
      memory.ref(this.#hostFrame(pt.tableFrame[table]), index);
      const e = table * ENTRIES_PER_TABLE + index;
      let flags = pt.flags[e];
      if ((flags & PTE_PRESENT) === 0) {
        this.#mapper.map(pt, vpn);
        flags = pt.flags[e];
      }
      if ((flags & PTE_LEAF) !== 0) {
        // Set only when clear: a store per walk would dirty every leaf line read.
        if ((flags & PTE_ACCESSED) === 0) pt.flags[e] = flags | PTE_ACCESSED;
        const guestSize = level - 1;
        const data = this.#hostFrame(pt.entries[e] + (lo & LEAF_OFFSET_MASK[level]));
        this.leafSize = (guestSize < this.#hostSize ? guestSize : this.#hostSize) as PageSize;
        return data;
      }
      table = pt.entries[e];
      if (pwc.enabled) pwc.insert(level, vpn, tag, table);
      level--;
    }
  }

  /**
   * Reads ahead what walks of `pages` read last: the guest table's
   * last-level entry, and the host table's entries for the data's frame and
   * for the frame of the guest's table of leaves, which the nested TLB
   * misses in a large guest (see {@linkcode PageWalker.prefetch}).
   */
  prefetch(pages: Float64Array, from: number, to: number): void {
    const guest = this.guest;
    const host = this.#host.table;
    const count = to - from;
    if (this.#indices.length < count) {
      this.#indices = new Int32Array(count);
      this.#dataFrames = new Float64Array(count);
      this.#tableFrames = new Float64Array(count);
    }
    const indices = this.#indices;
    const dataFrames = this.#dataFrames;
    const tableFrames = this.#tableFrames;
    // A stream in order (a descent for 8 pages or more) has its entries,
    // and in a guest populated in order its frames' host entries, brought
    // by the host's own prefetcher.
    if (guest.lastLevelEntries(pages, from, to, indices) * 8 <= count) return;
    const entries = guest.entries;
    const flags = guest.flags;
    const tableFrame = guest.tableFrame;
    for (let i = 0; i < count; i++) {
      const e = indices[i];
      // The data's guest frame where the entry is present, else frame 0: a
      // harmless read, without a branch.
      dataFrames[i] = entries[e] * (flags[e] & PTE_PRESENT);
      tableFrames[i] = tableFrame[e >>> 9];
    }
    host.lastLevelEntries(dataFrames, 0, count, indices);
    let sum = host.readEntries(indices, count);
    host.lastLevelEntries(tableFrames, 0, count, indices);
    sum += host.readEntries(indices, count);
    // Kept, so that the reads are not optimized away.
    this.#prefetched = sum;
  }

  /** Table pages of the guest table and the host table. */
  tablePages(): number {
    return this.guest.tableCount + this.#host.table.tableCount;
  }

  /** Walks `table` from now on (the vCPU loaded another address space). */
  load(table: PageTable): void {
    this.guest = table;
  }

  /** Empties the guest page-walk caches, the nested TLB and the host walker's caches. */
  flush(): void {
    this.#pwc.flushAll();
    this.#ntlb.flushAll();
    this.#host.flush();
  }

  /** Guest-physical frame → host frame, through the nested TLB or a host walk. */
  #hostFrame(frame: number): number {
    const ntlb = this.#ntlb;
    const cached = ntlb.translate(frame);
    if (cached >= 0) {
      this.#stats.counters[Counter.NESTED_TLB_HITS]++;
      this.#stats.cycles[Cycle.NESTED_TLB] += this.#ntlbCycles;
      this.#hostSize = ntlb.size as PageSize;
      return cached;
    }
    this.#stats.counters[Counter.NESTED_TLB_MISSES]++;
    const host = this.#host.walk(frame, 0);
    const size = this.#host.leafSize;
    ntlb.insert(frame, size, host);
    this.#hostSize = size;
    return host;
  }
}
