// Test helper: a page table read the textbook way, a descent from the root
// with divisions and no shortcut, for the fast paths to agree with.
import type { PageTable } from "../../../core/mmu/page_table.ts";

/** The frame `vpn` translates to, or -1. */
export function slowTranslate(table: PageTable, vpn: number): number {
  let id = table.root;
  for (let level = table.levels; level >= 1; level--) {
    const e = id * 512 + Math.floor(vpn / 512 ** (level - 1)) % 512;
    const f = table.flags[e];
    if ((f & 1) === 0) return -1;
    if ((f & 4) !== 0) return table.entries[e] + vpn % 512 ** (level - 1);
    id = table.entries[e];
  }
  return -1;
}

/** The table of 4K leaves on `vpn`'s path: -1 where an entry above is absent or a leaf. */
export function slowLeaves(table: PageTable, vpn: number): number {
  let id = table.root;
  for (let level = table.levels; level >= 2; level--) {
    const e = id * 512 + Math.floor(vpn / 512 ** (level - 1)) % 512;
    const f = table.flags[e];
    if ((f & 1) === 0 || (f & 4) !== 0) return -1;
    id = table.entries[e];
  }
  return id;
}
