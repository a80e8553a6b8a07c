/**
 * One vCPU's way through the cache hierarchy: its private L1D and L2, then
 * the last-level cache its machine's vCPUs share, then DRAM.
 *
 * @module
 */

import { CacheLevel } from "./cache_level.ts";
import type { LineCache } from "./line_cache.ts";

/**
 * A vCPU's caches, asked line by line. The hierarchy is non-inclusive and
 * fills on miss: a line is looked up level by level, nearest first; every
 * level it missed takes it (evicting its set's least recently used line),
 * the level that held it marks it most recently used, and the levels below
 * that are not touched. Nothing is invalidated in other levels when a level
 * evicts (no back-invalidation), victims are not written back (a store
 * costs what a load does: write-allocate, no write-back traffic), and no
 * coherence traffic is modelled between the vCPUs' private caches. This is
 * the simplest policy whose hit levels can be checked against a reference
 * model; Skylake-SP's last-level cache is non-inclusive too (AnandTech
 * Skylake-X review, 2017), though it is filled by L2 victims rather than on
 * miss, and Zen 3's is a victim cache of its L2s.
 *
 * The last line asked for is remembered: asking for it again is an L1D hit
 * without a lookup. That is exact, as for the MMU's last page: the line is
 * then the most recently used of its L1D set, and only this port's
 * accesses reach its L1D.
 *
 * @example A line is filled into every level on its way in
 * ```ts
 * import { CachePort } from "./cache_port.ts";
 * import { CacheLevel } from "./cache_level.ts";
 * import { LineCache } from "./line_cache.ts";
 * const port = new CachePort(new LineCache(2, 1), new LineCache(8, 2), new LineCache(64, 8),
 *   { data: [4, 7, 25, 95], walk: [4, 14, 50, 190] });
 * if (port.access(10) !== CacheLevel.DRAM) throw new Error("cold");
 * if (port.access(10) !== CacheLevel.L1D) throw new Error("now in L1D");
 * port.access(12); // evicts 10 from the one-line set 0 of L1D
 * if (port.access(10) !== CacheLevel.L2) throw new Error("still in L2");
 * ```
 */
export class CachePort {
  /** Private L1 data cache. */
  readonly l1d: LineCache;
  /** Private L2. */
  readonly l2: LineCache;
  /** The last-level cache, shared with the machine's other vCPUs. */
  readonly llc: LineCache;
  /** Cycles a data access is charged per line, by {@linkcode CacheLevel} that served it. */
  readonly dataCycles: Float64Array;
  /** Cycles a walk reference is charged, by {@linkcode CacheLevel} that served it. */
  readonly walkCycles: Float64Array;
  readonly #remember: boolean;
  #last = -1;

  /**
   * Creates a port over given caches.
   * @param l1d the vCPU's L1D
   * @param l2 the vCPU's L2
   * @param llc the shared last-level cache
   * @param cycles cycles per level (L1D, L2, LLC, DRAM) of a data access and of a walk reference
   */
  constructor(
    l1d: LineCache,
    l2: LineCache,
    llc: LineCache,
    cycles: { data: ArrayLike<number>; walk: ArrayLike<number> },
  ) {
    this.l1d = l1d;
    this.l2 = l2;
    this.llc = llc;
    this.dataCycles = Float64Array.from(cycles.data);
    this.walkCycles = Float64Array.from(cycles.walk);
    if (this.dataCycles.length !== 4 || this.walkCycles.length !== 4) {
      throw new RangeError("a cache port needs cycles for L1D, L2, LLC and DRAM");
    }
    this.#remember = l1d.entries > 0;
  }

  /**
   * Reads non-negative line number `line` (see `lineOf`).
   * @returns the {@linkcode CacheLevel} that served it
   */
  access(line: number): number {
    // Small enough to be inlined where it is called; the lookups are not.
    return line === this.#last ? CacheLevel.L1D : this.#lookup(line);
  }

  #lookup(line: number): number {
    let level: number = CacheLevel.DRAM;
    if (this.l1d.access(line)) level = CacheLevel.L1D;
    else if (this.l2.access(line)) level = CacheLevel.L2;
    else if (this.llc.access(line)) level = CacheLevel.LLC;
    if (this.#remember) this.#last = line;
    return level;
  }

  /** Empties the private caches (the shared one is its hierarchy's to flush). */
  flush(): void {
    this.l1d.flushAll();
    this.l2.flushAll();
    this.#last = -1;
  }
}
