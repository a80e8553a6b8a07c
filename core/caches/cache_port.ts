/**
 * One vCPU's way through the cache hierarchy: its private L1D and L2, then
 * the last-level cache its machine's vCPUs share, then DRAM.
 *
 * @module
 */

import { CACHE_LEVEL_COUNT, CacheLevel } from "./cache_level.ts";
import type { LineCache } from "./line_cache.ts";
import { Counter, Cycle, type Stats } from "../cost/stats.ts";

/**
 * What a reference through a {@linkcode CachePort} is charged as: a line of
 * a data access, or a page-table entry read by a walk. A code is the first
 * row of its kind in the port's charge tables (a row per cache level).
 */
export const RefKind = {
  /** A line of a data access: `data_refs`, `data_<level>`, and the level's data cycles. */
  DATA: 0,
  /** A walk's read of a table entry: `walk_refs`, `walk_refs_<level>`, the PTE-cache or memory count, and the level's walk cycles. */
  WALK: CACHE_LEVEL_COUNT,
} as const;

// References a port holds back before it looks them up anyway: 256 KiB of
// lines and kinds, within the host's L2 beside the caches' own arrays.
const LOG_CAPACITY = 1 << 15;

/** The ports over one last-level cache, and which of them holds references back. */
interface LlcSharers {
  /** The port whose held references are still to be looked up, if any: at most one. */
  holder: CachePort | null;
}

// By last-level cache: its ports may belong to several hierarchies (machines
// that share a host's LLC).
const SHARERS = new WeakMap<LineCache, LlcSharers>();

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
 * References charged to statistics (walks' table entries, data lines: see
 * {@linkcode CachePort.ref}) can be held back for a while and looked up
 * later, in the order they came ({@linkcode CachePort.begin}): a vCPU's
 * chunk is run that way, since what a reference costs changes nothing
 * else the chunk does (no walk, TLB or translation depends on it) and no
 * one reads the statistics before the chunk ends. Anything else that
 * reaches the caches first looks up what is held, so every level sees its
 * lines in the same order either way.
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
  // By row (kind + level): the counters a reference adds one to (a third
  // of −1: none), the cycle class it is charged to and the cycles. Tables
  // rather than tests: which level serves a reference is as good as random,
  // and a branch on it mispredicts.
  readonly #firstCounter = new Int32Array(2 * CACHE_LEVEL_COUNT);
  readonly #secondCounter = new Int32Array(2 * CACHE_LEVEL_COUNT);
  readonly #thirdCounter = new Int32Array(2 * CACHE_LEVEL_COUNT);
  readonly #cycleClass = new Int32Array(2 * CACHE_LEVEL_COUNT);
  readonly #cycles = new Float64Array(2 * CACHE_LEVEL_COUNT);
  // The references held back, in order (see begin): lines, and their kinds.
  // Allocated by the first begin: a port that never holds back (one only
  // streamed through, or a test's) keeps none.
  #lines = new Float64Array(0);
  #kinds = new Uint8Array(0);
  #held = 0;
  // The statistics that references held back are charged to; null when
  // references are looked up as they come.
  #deferredFor: Stats | null = null;
  readonly #sharers: LlcSharers;
  readonly #tally = new Int32Array(2 * CACHE_LEVEL_COUNT);

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
    let sharers = SHARERS.get(llc);
    if (sharers === undefined) {
      sharers = { holder: null };
      SHARERS.set(llc, sharers);
    }
    this.#sharers = sharers;
    for (let level = 0; level < CACHE_LEVEL_COUNT; level++) {
      const data = RefKind.DATA + level;
      this.#firstCounter[data] = Counter.DATA_REFS;
      this.#secondCounter[data] = Counter.DATA_L1D + level;
      this.#cycleClass[data] = Cycle.DATA;
      this.#cycles[data] = this.dataCycles[level];
      this.#thirdCounter[data] = -1;
      const walk = RefKind.WALK + level;
      const dram = level === CacheLevel.DRAM;
      this.#firstCounter[walk] = Counter.WALK_REFS_L1D + level;
      this.#secondCounter[walk] = dram ? Counter.WALK_REFS_MEMORY : Counter.WALK_REFS_PTE_CACHE;
      this.#cycleClass[walk] = dram ? Cycle.WALK_MEMORY : Cycle.WALK_PTE_CACHE;
      this.#cycles[walk] = this.walkCycles[level];
      this.#thirdCounter[walk] = Counter.WALK_REFS;
    }
  }

  /**
   * Reads non-negative line number `line` (see `lineOf`).
   * @returns the {@linkcode CacheLevel} that served it
   */
  access(line: number): number {
    // References held back, this port's or another's over the same LLC, come first.
    const holder = this.#sharers.holder;
    if (holder !== null) holder.#lookUpHeld();
    // Small enough to be inlined where it is called; the lookups are not.
    return line === this.#last ? CacheLevel.L1D : this.#lookup(line);
  }

  /**
   * Reads line `line` as a reference of `kind` ({@linkcode RefKind}) and
   * charges it to `stats`: its counters and its level's cycles. Between
   * {@linkcode CachePort.begin} and {@linkcode CachePort.end} with the same
   * statistics, the reference is held back and looked up, in order, with
   * the others of its chunk.
   *
   * @example A data line and a walk reference, charged as they come
   * ```ts
   * import { CachePort, RefKind } from "./cache_port.ts";
   * import { LineCache } from "./line_cache.ts";
   * import { Counter, Cycle, Stats } from "../cost/stats.ts";
   * const port = new CachePort(new LineCache(2, 1), new LineCache(8, 2), new LineCache(64, 8),
   *   { data: [4, 7, 25, 95], walk: [4, 14, 50, 190] });
   * const stats = new Stats();
   * port.ref(10, RefKind.DATA, stats);
   * port.ref(10, RefKind.WALK, stats);
   * if (stats.counters[Counter.DATA_DRAM] !== 1 || stats.cycles[Cycle.DATA] !== 95) throw new Error();
   * if (stats.counters[Counter.WALK_REFS_L1D] !== 1 || stats.cycles[Cycle.WALK_PTE_CACHE] !== 4) {
   *   throw new Error();
   * }
   * ```
   */
  ref(line: number, kind: number, stats: Stats): void {
    if (stats === this.#deferredFor) {
      let held = this.#held;
      if (held === LOG_CAPACITY) {
        this.#lookUpHeld();
        held = 0;
      }
      if (held === 0) {
        // Another port's held references reach the shared LLC before this one's.
        const holder = this.#sharers.holder;
        if (holder !== null) holder.#lookUpHeld();
        this.#sharers.holder = this;
      }
      this.#lines[held] = line;
      this.#kinds[held] = kind;
      this.#held = held + 1;
      return;
    }
    this.charge(kind, this.access(line), stats);
  }

  /**
   * Charges `stats` for one reference of `kind` ({@linkcode RefKind}) that
   * `level` ({@linkcode CacheLevel}) served, without looking anything up:
   * what {@linkcode CachePort.ref} charges once it knows the level (a walk
   * memory whose entries are not cached charges its reads to DRAM so).
   *
   * @example A walk's read from DRAM
   * ```ts
   * import { CachePort, RefKind } from "./cache_port.ts";
   * import { CacheLevel } from "./cache_level.ts";
   * import { LineCache } from "./line_cache.ts";
   * import { Counter, Cycle, Stats } from "../cost/stats.ts";
   * const port = new CachePort(new LineCache(2, 1), new LineCache(8, 2), new LineCache(64, 8),
   *   { data: [4, 7, 25, 95], walk: [4, 14, 50, 190] });
   * const stats = new Stats();
   * port.charge(RefKind.WALK, CacheLevel.DRAM, stats);
   * if (stats.counters[Counter.WALK_REFS_MEMORY] !== 1 || stats.cycles[Cycle.WALK_MEMORY] !== 190) {
   *   throw new Error();
   * }
   * ```
   */
  charge(kind: number, level: number, stats: Stats): void {
    const row = kind + level;
    this.#count(stats.counters, row, 1);
    stats.cycles[this.#cycleClass[row]] += this.#cycles[row];
  }

  /** Adds `count` references of row `row` to its counters. */
  #count(counters: Float64Array, row: number, count: number): void {
    counters[this.#firstCounter[row]] += count;
    counters[this.#secondCounter[row]] += count;
    const third = this.#thirdCounter[row];
    if (third >= 0) counters[third] += count;
  }

  /**
   * From now until {@linkcode CachePort.end}, holds back the references
   * charged to `stats` and looks them up at the end, in the order they
   * came. One tight loop over a chunk's lines costs less than the same
   * lookups spread between its walks (the nested command +6 %, medians of
   * 6 alternating runs). Any use of a port over the same last-level cache
   * first looks up what is held, so every level sees its lines in the
   * order they came.
   *
   * @example Held until the end, then charged as if each had been looked up as it came
   * ```ts
   * import { CachePort, RefKind } from "./cache_port.ts";
   * import { LineCache } from "./line_cache.ts";
   * import { Counter, Stats } from "../cost/stats.ts";
   * const port = new CachePort(new LineCache(2, 1), new LineCache(8, 2), new LineCache(64, 8),
   *   { data: [4, 7, 25, 95], walk: [4, 14, 50, 190] });
   * const stats = new Stats();
   * port.begin(stats);
   * port.ref(10, RefKind.DATA, stats);
   * port.ref(10, RefKind.DATA, stats);
   * if (stats.counters[Counter.DATA_REFS] !== 0) throw new Error("held");
   * port.end();
   * if (stats.counters[Counter.DATA_DRAM] !== 1 || stats.counters[Counter.DATA_L1D] !== 1) {
   *   throw new Error();
   * }
   * ```
   */
  begin(stats: Stats): void {
    if (this.#deferredFor !== null) this.end();
    if (this.#lines.length === 0) {
      this.#lines = new Float64Array(LOG_CAPACITY);
      this.#kinds = new Uint8Array(LOG_CAPACITY);
    }
    this.#deferredFor = stats;
  }

  /** Looks up and charges the references held back since {@linkcode CachePort.begin}, and stops holding them. */
  end(): void {
    this.#lookUpHeld();
    this.#deferredFor = null;
  }

  /** Looks up the references held back, in order, and charges them. */
  #lookUpHeld(): void {
    const n = this.#held;
    if (n === 0) return;
    // Reset first: the lookups below must not come back here.
    this.#held = 0;
    this.#sharers.holder = null;
    const stats = this.#deferredFor!;
    const cycles = stats.cycles;
    const lines = this.#lines;
    const kinds = this.#kinds;
    const tally = this.#tally;
    const cycleClass = this.#cycleClass;
    const cost = this.#cycles;
    for (let k = 0; k < n; k++) {
      const line = lines[k];
      const row = kinds[k] + (line === this.#last ? CacheLevel.L1D : this.#lookup(line));
      tally[row]++;
      // One add a reference, in order: the sums are those of charging
      // each as it came, to the last bit, whatever the cycles.
      cycles[cycleClass[row]] += cost[row];
    }
    const counters = stats.counters;
    for (let row = 0; row < tally.length; row++) {
      const count = tally[row];
      if (count === 0) continue;
      this.#count(counters, row, count);
      tally[row] = 0;
    }
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
    // Held references first: they may reach the LLC, which a hierarchy's flush empties next.
    const holder = this.#sharers.holder;
    if (holder !== null) holder.#lookUpHeld();
    this.l1d.flushAll();
    this.l2.flushAll();
    this.#last = -1;
  }
}
