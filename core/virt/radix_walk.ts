/**
 * One hardware page walk over a radix table whose table pages sit in
 * machine memory (a native process's table, or a shadow table), with the
 * page-walk cache and the PTE cache charged as in {@linkcode NativeWalker}
 * — but stopping at a not-present entry instead of mapping it, so the caller
 * can raise the fault a real walk would.
 *
 * @module
 */

import {
  ENTRIES_PER_TABLE,
  type PageTable,
  PTE_LEAF,
  PTE_PRESENT,
  radixIndex,
} from "../mmu/page_table.ts";
import type { WalkCache } from "../mmu/walk_cache.ts";
import type { WalkMemory } from "../mmu/walk_memory.ts";
import { Counter, Cycle, type Stats } from "../stats.ts";

/**
 * Walks `table` for 4 KiB page `vpn` of address-space tag `tag`, counting and
 * charging every reference.
 *
 * @returns the leaf entry's index into `table.entries`, or -1 when an entry
 *   on the way is not present (a page fault)
 *
 * @example A cold walk of a 4-level table reads 4 entries
 * ```ts
 * import { radixWalk } from "./radix_walk.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { WalkCache } from "../mmu/walk_cache.ts";
 * import { WalkMemory } from "../mmu/walk_memory.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { Counter, Stats } from "../stats.ts";
 * const stats = new Stats();
 * const table = new PageTable(4, new BumpFrameAllocator());
 * table.map(0x42, 7, 0, 0);
 * const memory = new WalkMemory(stats, { lines: 0, ways: 1, hitCycles: 1, memoryCycles: 100 });
 * const e = radixWalk(table, 0x42, 0, new WalkCache(4, 0, 1), memory, stats, 1);
 * if (table.entries[e] !== 7 || stats.counters[Counter.WALK_REFS] !== 4) throw new Error();
 * if (radixWalk(table, 1 << 20, 0, new WalkCache(4, 0, 1), memory, stats, 1) !== -1) throw new Error();
 * ```
 */
export function radixWalk(
  table: PageTable,
  vpn: number,
  tag: number,
  pwc: WalkCache,
  memory: WalkMemory,
  stats: Stats,
  pwcCycles: number,
): number {
  let level = table.levels;
  let id = table.root;
  const start = pwc.lookup(vpn, tag);
  if (start > 0) {
    level = start;
    id = pwc.table;
    stats.counters[Counter.WALK_CACHE_HITS]++;
    stats.cycles[Cycle.WALK_CACHE] += pwcCycles;
  }
  const lo = vpn >>> 0;
  const hi = (vpn - lo) / 4294967296;
  for (;;) {
    const index = radixIndex(lo, hi, level);
    memory.ref(table.tableFrame[id], index);
    const e = id * ENTRIES_PER_TABLE + index;
    const flags = table.flags[e];
    if ((flags & PTE_PRESENT) === 0) return -1;
    if ((flags & PTE_LEAF) !== 0) return e;
    id = table.entries[e];
    pwc.insert(level, vpn, tag, id);
    level--;
  }
}
