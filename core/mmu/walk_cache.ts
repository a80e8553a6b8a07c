/**
 * Page-walk caches: one small TLB-like cache per upper level, mapping the
 * virtual-address prefix that selects an entry at that level to the table it
 * points to, so a walk can start lower down (Intel's PML4/PDPTE/PDE caches,
 * AMD's page-directory cache).
 *
 * @module
 */

import { LEVEL_SPAN } from "./page_table.ts";
import { Tlb } from "./tlb.ts";

/**
 * The page-walk caches of one walker. A hit at level `L` yields the id of the
 * level `L − 1` table, so the walk reads only levels `L − 1` down to the leaf.
 *
 * @example Cache the PD pointer of a walk and skip to it
 * ```ts
 * import { WalkCache } from "./walk_cache.ts";
 * const pwc = new WalkCache(4, 32, 4);
 * pwc.insert(3, 0x12345, 0, 17); // the level-3 entry on page 0x12345's path points to table 17
 * if (pwc.lookup(0x12345, 0) !== 2 || pwc.table !== 17) throw new Error();
 * ```
 */
export class WalkCache {
  /** Table id found by the last hit of {@linkcode WalkCache.lookup}. */
  table = 0;
  /** Whether the caches hold anything at all (false: 0 entries per level). */
  readonly enabled: boolean;
  #levels: number;
  #caches: Tlb[];

  /**
   * Creates empty caches, one per cached upper level.
   * @param levels radix depth of the table walked (4 or 5)
   * @param entries entries per cached level; 0 disables the caches
   * @param ways associativity of each level's cache
   */
  constructor(levels: number, entries: number, ways: number) {
    this.#levels = levels;
    this.enabled = entries > 0;
    this.#caches = [];
    for (let level = 0; level <= levels; level++) {
      this.#caches.push(new Tlb(level >= 2 ? entries : 0, ways));
    }
  }

  /**
   * Finds the lowest cached level on page `vpn`'s path.
   * @returns the level the walk must start at (its table id in {@linkcode WalkCache.table}), or 0 on a miss
   */
  lookup(vpn: number, tag: number): number {
    if (!this.enabled) return 0;
    for (let level = 2; level <= this.#levels; level++) {
      const cache = this.#caches[level];
      const slot = cache.lookup(Math.floor(vpn / LEVEL_SPAN[level - 1]), 0, tag);
      if (slot >= 0) {
        this.table = cache.values[slot];
        return level - 1;
      }
    }
    return 0;
  }

  /** Caches that the level-`level` entry on `vpn`'s path points to table `table`. */
  insert(level: number, vpn: number, tag: number, table: number): void {
    if (!this.enabled) return;
    this.#caches[level].insert(Math.floor(vpn / LEVEL_SPAN[level - 1]), 0, tag, table, 0);
  }

  /** Empties every level. */
  flushAll(): void {
    for (const cache of this.#caches) cache.flushAll();
  }

  /** Empties every level's entries of one tag. */
  flushTag(tag: number): void {
    for (const cache of this.#caches) cache.flushTag(tag);
  }
}
