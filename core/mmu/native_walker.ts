/**
 * The one-dimensional page walk of native execution (and of the host side of
 * a 2-D walk): one reference per level not skipped by the page-walk cache.
 *
 * @module
 */

import type { FrameAllocator } from "../mem/frame_allocator.ts";
import { CountedMapper, type DemandMapper, FixedSizeMapper } from "./demand_mapper.ts";
import { PageSize } from "../base/page_size.ts";
import { Counter, Cycle, type Stats } from "../cost/stats.ts";
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
import type { WalkCache } from "./walk_cache.ts";
import type { WalkMemory } from "./walk_memory.ts";

/** Parts and costs a {@linkcode NativeWalker} works with. */
export interface NativeWalkerOptions {
  /** Frames for pages mapped on first touch. */
  frames: FrameAllocator;
  /** Size of pages mapped on first touch. */
  pageSize: PageSize;
  /**
   * Maps entries found not present instead of `frames` and `pageSize` (a
   * large-page policy, or the guest kernel's page-fault handler); it counts
   * what it maps itself. By default pages of `pageSize` are mapped from
   * `frames` and counted as free first touches in `demand_maps`.
   */
  demandMapper?: DemandMapper;
  /** Page-walk caches of this walker. */
  walkCache: WalkCache;
  /** Where references are served from and charged. */
  memory: WalkMemory;
  /** Counters and cycles. */
  stats: Stats;
  /** Cycles of a page-walk-cache hit. */
  walkCacheHitCycles: number;
}

/**
 * Walks one radix table. An entry found not present is mapped on the spot
 * (first touch, counted in `demand_maps`) and the walk goes on as if it had
 * been there, so walk counts equal those over pre-populated memory.
 *
 * @example Walk a 4-level table with every cache off: 4 references
 * ```ts
 * import { NativeWalker } from "./native_walker.ts";
 * import { PageTable } from "./page_table.ts";
 * import { WalkCache } from "./walk_cache.ts";
 * import { WalkMemory } from "./walk_memory.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const frames = new BumpFrameAllocator();
 * const stats = new Stats();
 * const walker = new NativeWalker(new PageTable(4, frames), {
 *   frames, pageSize: 0, stats, walkCacheHitCycles: 1,
 *   walkCache: new WalkCache(4, 0, 1),
 *   memory: new WalkMemory(stats, { lines: 0, ways: 1, hitCycles: 1, memoryCycles: 100 }),
 * });
 * walker.walk(0x1234, 0);
 * if (stats.counters[Counter.WALK_REFS] !== 4) throw new Error();
 * ```
 */
export class NativeWalker implements PageWalker {
  /** Size of the leaf the last walk found. */
  leafSize: PageSize = PageSize.SIZE_4K;
  /** The table walked (switched when the vCPU loads another address space). */
  table: PageTable;
  #mapper: DemandMapper;
  #pwc: WalkCache;
  #memory: WalkMemory;
  #stats: Stats;
  #pwcCycles: number;
  #prefetched = 0;

  /**
   * Creates a walker over `table`.
   * @param table the radix table to walk
   * @param options caches, costs, and how to map first touches
   */
  constructor(table: PageTable, options: NativeWalkerOptions) {
    this.table = table;
    this.#mapper = options.demandMapper ??
      new CountedMapper(new FixedSizeMapper(options.frames, options.pageSize), options.stats);
    this.#pwc = options.walkCache;
    this.#memory = options.memory;
    this.#stats = options.stats;
    this.#pwcCycles = options.walkCacheHitCycles;
  }

  // The walk loop is kept apart from the native, nested and shadow walkers' on
  // purpose (STYLE.md point 13): each walker's call sites stay monomorphic in
  // the per-access path, and the 2-D walker reads each table through the host.
  /** Translates 4 KiB page `vpn` to its 4 KiB frame. */
  walk(vpn: number, tag: number): number {
    const pt = this.table;
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
    // Without any cache every reference goes to memory: they are counted
    // once per walk (levels `uncounted` down to the current one), not one by one.
    const uncached = memory.uncached;
    let uncounted = level;
    // With neither walk caches nor line caches, nothing sees the entries
    // above the table of 4K leaves but the count of references: a walk of a
    // region met before starts at that table, counting every level.
    const shortcut = uncached && !pwc.enabled;
    if (shortcut) {
      const leaves = pt.knownLeaves(lo, hi);
      if (leaves >= 0) {
        level = 1;
        table = leaves;
      }
    }
    for (;;) {
      const index = radixIndex(lo, hi, level);
      if (!uncached) memory.ref(pt.tableFrame[table], index);
      const e = table * ENTRIES_PER_TABLE + index;
      let flags = pt.flags[e];
      if ((flags & PTE_PRESENT) === 0) {
        if (uncached) {
          memory.memoryRefs(uncounted - level + 1);
          uncounted = level - 1;
        }
        // A first touch: the mapping it makes need not descend again.
        if (level === 1) pt.atLeafTable(vpn, table);
        this.#mapper.map(pt, vpn);
        flags = pt.flags[e];
      }
      if ((flags & PTE_LEAF) !== 0) {
        // Set only when clear: a store per walk would dirty every leaf line read.
        if ((flags & PTE_ACCESSED) === 0) pt.flags[e] = flags | PTE_ACCESSED;
        this.leafSize = (level - 1) as PageSize;
        if (uncached) memory.memoryRefs(uncounted - level + 1);
        return pt.entries[e] + (lo & LEAF_OFFSET_MASK[level]);
      }
      table = pt.entries[e];
      if (pwc.enabled) pwc.insert(level, vpn, tag, table);
      else if (shortcut && level === 2) pt.atLeafTable(vpn, table);
      level--;
    }
  }

  /** Reads ahead the last-level entries of walks of `pages` (see {@linkcode PageWalker.prefetch}). */
  prefetch(pages: Float64Array, from: number, to: number): void {
    // Kept, so that the reads are not optimized away.
    this.#prefetched = this.table.readAhead(pages, from, to);
  }

  /** Table pages of the table walked. */
  tablePages(): number {
    return this.table.tableCount;
  }

  /** Walks `table` from now on (the vCPU loaded another address space). */
  load(table: PageTable): void {
    this.table = table;
  }

  /** Empties the page-walk caches. */
  flush(): void {
    this.#pwc.flushAll();
  }
}
