/**
 * A software walk of a radix page table that records the table visited at
 * each level: what a kernel or hypervisor does when it must know which
 * table pages an entry depends on (to notify writes, or to write-protect
 * them). Not charged: callers charge the work as handler cycles.
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

/**
 * Walks `table` for 4 KiB page `vpn`, writing the id of the table read at
 * each level into `path[level]` (levels numbered from the leaf, 1, up), and
 * the level of the leaf found (1 for a 4 KiB page, 2 for 2 MiB, 3 for 1 GiB)
 * into `path[0]`.
 *
 * @returns the leaf entry's index into `table.entries`, or `-level` when the
 *   entry at `level` is not present (the walk stopped there)
 *
 * @example
 * ```ts
 * import { tablePath } from "./table_path.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * const table = new PageTable(4, new BumpFrameAllocator());
 * const path = new Int32Array(6);
 * if (tablePath(table, 0x1234, path) !== -4) throw new Error("empty table stops at the root");
 * table.map(0x1234, 99, 0, 0);
 * const e = tablePath(table, 0x1234, path);
 * if (table.entries[e] !== 99 || path[4] !== table.root) throw new Error();
 * ```
 */
export function tablePath(table: PageTable, vpn: number, path: Int32Array): number {
  const lo = vpn >>> 0;
  const hi = (vpn - lo) / 4294967296;
  let id = table.root;
  for (let level = table.levels; level >= 1; level--) {
    path[level] = id;
    const e = id * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
    const f = table.flags[e];
    if ((f & PTE_PRESENT) === 0) return -level;
    if ((f & PTE_LEAF) !== 0) {
      path[0] = level;
      return e;
    }
    id = table.entries[e];
  }
  return -1;
}

/**
 * Calls `visit(vpn, entry, level)` for every present leaf of `table` (of any
 * size; `vpn` is its first 4 KiB page, `level` 1 for 4 KiB, 2 for 2 MiB, 3
 * for 1 GiB), in address order. Off the hot path: fork, exit and tests use it.
 *
 * @example
 * ```ts
 * import { forEachLeaf } from "./table_path.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * const table = new PageTable(4, new BumpFrameAllocator());
 * table.map(7, 1, 0, 0);
 * table.map(3 * 512, 2, 0, 0);
 * const seen: number[] = [];
 * forEachLeaf(table, (vpn) => seen.push(vpn));
 * if (seen.join() !== "7,1536") throw new Error();
 * ```
 */
export function forEachLeaf(
  table: PageTable,
  visit: (vpn: number, entry: number, level: number) => void,
): void {
  const span = [0, 1, 512, 262144, 134217728, 68719476736];
  const recurse = (id: number, level: number, base: number): void => {
    for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
      const e = id * ENTRIES_PER_TABLE + i;
      const f = table.flags[e];
      if ((f & PTE_PRESENT) === 0) continue;
      const vpn = base + i * span[level];
      if ((f & PTE_LEAF) !== 0) visit(vpn, e, level);
      else recurse(table.entries[e], level - 1, vpn);
    }
  };
  recurse(table.root, table.levels, 0);
}
