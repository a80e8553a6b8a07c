/**
 * The memory-management unit: a hierarchy of TLBs (an L1 per page size and a
 * unified L2) in front of a page walker, charging every access its
 * translation cost.
 *
 * @module
 */

import type { AccessChunk } from "../base/access_chunk.ts";
import { AccessKind } from "../base/access_chunk.ts";
import { type CachePort, RefKind } from "../caches/cache_port.ts";
import { CacheLevel } from "../caches/cache_level.ts";
import type { PageVersions } from "../mem/page_versions.ts";
import { addRepeated, Counter, Cycle, type Stats } from "../cost/stats.ts";
import { LEVEL_SPAN } from "./page_table.ts";
import { type PageWalker, PREFETCH_MIN_TABLES } from "./page_walker.ts";
import type { Tlb } from "./tlb.ts";

// Accesses whose walks' entries are read ahead at a time: their lines must
// still be in the host's L2 when the walks come to them, and a nested walk
// reads some 15 other lines of the simulator's own state (a window of 512
// gave the same as 128 or 256; the whole chunk of 4096, nothing).
const PREFETCH_WINDOW = 256;

// 1 for the access kinds that write, by kind code: a table rather than a
// test, whose branch a random mix of loads and stores mispredicts often
// enough to cost the TLB-hit path a tenth of its time.
const WRITES_OF_KIND = new Uint8Array(256);
WRITES_OF_KIND[AccessKind.STORE] = 1;
WRITES_OF_KIND[AccessKind.MODIFY] = 1;

/**
 * How many of the first `n` accesses of kinds `kind` write. Four kinds at a
 * time, as the bytes of a 32-bit word: of the kinds 0 to 3, STORE (1) and
 * MODIFY (2) are those whose two low bits differ, so `(k ^ k >>> 1) & 1`
 * per byte marks them, and a multiplication sums the four marks into the
 * top byte. A chunk holding any other kind is counted through the table.
 * One pass that loads a byte, a table entry and adds, per access, cost the
 * TLB-hit stream about 5 %.
 */
function countWrites(kind: Uint8Array, n: number): number {
  let writes = 0;
  let from = 0;
  if ((kind.byteOffset & 3) === 0) {
    const words = new Uint32Array(kind.buffer, kind.byteOffset, n >>> 2);
    let bits = 0;
    for (let w = 0; w < words.length; w++) {
      const k = words[w];
      bits |= k;
      writes += Math.imul((k ^ (k >>> 1)) & 0x01010101, 0x01010101) >>> 24;
    }
    if ((bits & 0xfcfcfcfc) === 0) from = words.length * 4;
    else writes = 0;
  }
  for (let i = from; i < n; i++) writes += WRITES_OF_KIND[kind[i]];
  return writes;
}

/** The TLBs and costs an {@linkcode Mmu} works with. */
export interface MmuOptions {
  /** L1 TLBs indexed by page-size code (4K, 2M, 1G); a 0-entry TLB is skipped. */
  l1: readonly [Tlb, Tlb, Tlb];
  /** Unified L2 TLB holding every page size. */
  l2: Tlb;
  /** Counters and cycles. */
  stats: Stats;
  /** Cycles of non-memory work per access. */
  baseCyclesPerAccess: number;
  /** Cycles of an L1 TLB hit. */
  l1TlbHitCycles: number;
  /** Cycles of an L2 TLB lookup. */
  l2TlbHitCycles: number;
  /** Versions of the frames written, when contents are tracked (default: not tracked). */
  versions?: PageVersions | null;
  /**
   * The vCPU's caches, which every data access goes through after its
   * translation (the machine's caches on); null or absent: data accesses
   * are not charged (the translation-only model).
   */
  caches?: CachePort | null;
}

/**
 * Translates and charges accesses: the translation, then (with caches) the
 * data lines the access reads or writes, in the vCPU's L1D, L2, the shared
 * last-level cache or DRAM, at the translated machine frame. An access that
 * straddles a page boundary translates both pages and reads its bytes in
 * each.
 *
 * The last translated page is remembered: a repeat access to it is an L1 hit
 * without a lookup. That is exact, not an approximation — the entry is
 * already the most recently used of its set, so the lookup would change
 * nothing — and it is forgotten on every flush and whenever the page was not
 * left in an L1 TLB.
 *
 * @example Build a native MMU by hand and run one access
 * ```ts
 * import { Mmu } from "./mmu.ts";
 * import { Tlb } from "./tlb.ts";
 * import { NativeWalker } from "./native_walker.ts";
 * import { PageTable } from "./page_table.ts";
 * import { WalkCache } from "./walk_cache.ts";
 * import { WalkMemory } from "./walk_memory.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const stats = new Stats();
 * const frames = new BumpFrameAllocator();
 * const walker = new NativeWalker(new PageTable(4, frames), {
 *   frames, pageSize: 0, stats, walkCacheHitCycles: 1, walkCache: new WalkCache(4, 32, 4),
 *   memory: new WalkMemory(stats, { lines: 512, ways: 8, hitCycles: 14, memoryCycles: 200 }),
 * });
 * const mmu = new Mmu(walker, {
 *   l1: [new Tlb(64, 4), new Tlb(32, 4), new Tlb(4, 4)], l2: new Tlb(1536, 12), stats,
 *   baseCyclesPerAccess: 1, l1TlbHitCycles: 0, l2TlbHitCycles: 9,
 * });
 * mmu.access(0x1000, 0, 8, 0, 0);
 * mmu.access(0x1000, 8, 8, 0, 0);
 * if (stats.counters[Counter.WALKS] !== 1) throw new Error();
 * ```
 */
export class Mmu {
  /** Counters and cycles. */
  readonly stats: Stats;
  /** The walker that fills the TLBs. */
  readonly walker: PageWalker;
  /**
   * Versions of the host frames the MMU's stores write, or null while
   * contents are not tracked (a store then costs one array write less).
   */
  versions: PageVersions | null;
  /**
   * When the chunk loops have the walker read ahead the last-level entries
   * of their accesses' walks ({@linkcode PageWalker.prefetch}): `"auto"`
   * (the default) in a chunk that follows one in which at least half the
   * accesses walked, over tables of at least
   * {@linkcode PREFETCH_MIN_TABLES} pages; `"always"`; or `"off"`. Only the
   * host's speed depends on it, never a count, a cycle or a mapping.
   */
  prefetch: "auto" | "always" | "off" = "auto";
  #l1_4k: Tlb;
  #l1_2m: Tlb;
  #l1_1g: Tlb;
  #l1: readonly [Tlb, Tlb, Tlb];
  #l2: Tlb;
  #base: number;
  #l1Cycles: number;
  #l2Cycles: number;
  #lastVpn = -1;
  #lastTag = -1;
  #lastFrame = 0;
  #caches: CachePort | null;
  #runState = new Float64Array(4);
  #walkedOften = false;

  /**
   * Creates an MMU with empty TLBs.
   * @param walker what walks on an L2 miss
   * @param options TLBs and costs
   */
  constructor(walker: PageWalker, options: MmuOptions) {
    this.walker = walker;
    this.stats = options.stats;
    this.#l1 = options.l1;
    this.#l1_4k = options.l1[0];
    this.#l1_2m = options.l1[1];
    this.#l1_1g = options.l1[2];
    this.#l2 = options.l2;
    this.#base = options.baseCyclesPerAccess;
    this.#l1Cycles = options.l1TlbHitCycles;
    this.#l2Cycles = options.l2TlbHitCycles;
    this.versions = options.versions ?? null;
    this.#caches = options.caches ?? null;
  }

  /** The vCPU's caches data accesses go through, or null (caches off). */
  get caches(): CachePort | null {
    return this.#caches;
  }

  /** Runs every access of a chunk. */
  run(chunk: AccessChunk): void {
    // A chunk walks about as often as the one before it: a stream that walks
    // for most accesses reads its walks' last-level entries ahead, and one
    // that mostly hits its TLBs does not pay for the pass.
    const walks = this.stats.counters[Counter.WALKS];
    const mode = this.prefetch;
    // The first access whose walk's entries are read ahead: none (the
    // chunk's end) when not prefetching.
    const ahead = mode === "always" || (mode === "auto" && this.#walkedOften) ? 0 : chunk.length;
    // A loop per case rather than tests per access (tracking versions is
    // rare, and a test alone costs the plain loop a few per cent), each in a
    // method of its own so that each is compiled with its access inlined.
    const port = this.#caches;
    if (port === null) {
      if (this.versions !== null) this.#runTracked(chunk, ahead);
      else this.#runPlain(chunk, ahead);
    } else {
      // The chunk's lines, its walks' and its data's, are looked up at its
      // end (CachePort.begin); an exception does not leave them held.
      port.begin(this.stats);
      try {
        if (this.versions !== null) this.#runTracked(chunk, ahead);
        else this.#runCached(chunk, ahead);
      } finally {
        port.end();
      }
    }
    this.#walkedOften = (this.stats.counters[Counter.WALKS] - walks) * 2 >= chunk.length &&
      this.walker.tablePages() >= PREFETCH_MIN_TABLES;
  }

  // The chunk loops count per chunk what every access adds alike (accesses,
  // compute, stores, first translations, and the L1 hits of 4K pages they
  // take themselves), look the 4K L1 TLB up in line and keep the last page
  // in locals, handing it back to the fields before anything else
  // translates: the TLB-hit path is most of a run, and per-access stores to
  // Float64 counters and fields cost it more than the lookup. Costs are
  // added with addRepeated, so every counter and cycle is as per access, to
  // the last bit (tests/core/mmu/mmu_run_test.ts). Nothing
  // reads a vCPU's statistics in the middle of its chunk. The plain loop
  // keeps the slot rather than the frame: it never needs the frame.

  #runPlain(chunk: AccessChunk, ahead: number): void {
    const n = chunk.length;
    const { vpn, offset, size, kind, space } = chunk;
    const l1 = this.#l1_4k;
    const writes = countWrites(kind, n);
    let hits = 0;
    let straddles = 0;
    let lastVpn = this.#lastVpn;
    let lastTag = this.#lastTag;
    let lastSlot = -1;
    // After an access that hit the 4K L1, the accesses that follow go
    // through the TLB's own run of hits (Tlb.hitRun) until one needs more
    // than a hinted entry: a miss, a hint that fails, a second page.
    let hitting = false;
    const run = this.#runState;
    for (let i = 0; i < n; i++) {
      if (i >= ahead) ahead = this.#prefetch(vpn, i, n);
      if (hitting) {
        run[0] = lastVpn;
        run[1] = lastTag;
        run[2] = lastSlot;
        run[3] = hits;
        i = l1.hitRun(chunk, i, run);
        lastVpn = run[0];
        lastTag = run[1];
        lastSlot = run[2];
        hits = run[3];
        if (i >= n) break;
        if (i >= ahead) ahead = this.#prefetch(vpn, i, n);
      }
      const page = vpn[i];
      const tag = space[i];
      hitting = true;
      if (page === lastVpn && tag === lastTag) hits++;
      else {
        const slot = l1.lookup(page, 0, tag);
        if (slot >= 0) {
          hits++;
          lastVpn = page;
          lastTag = tag;
          lastSlot = slot;
        } else {
          hitting = false;
          if (lastSlot >= 0) this.#remember(lastVpn, lastTag, l1.values[lastSlot]);
          this.#translateBeyondL1(page, tag);
          lastVpn = this.#lastVpn;
          lastTag = this.#lastTag;
          lastSlot = -1;
        }
      }
      if (offset[i] + size[i] > 4096) {
        straddles++;
        if (lastSlot >= 0) this.#remember(lastVpn, lastTag, l1.values[lastSlot]);
        this.translate(page + 1, tag);
        lastVpn = this.#lastVpn;
        lastTag = this.#lastTag;
        lastSlot = -1;
      }
    }
    if (lastSlot >= 0) this.#remember(lastVpn, lastTag, l1.values[lastSlot]);
    this.#counted(n, writes, hits, straddles);
  }

  #runCached(chunk: AccessChunk, ahead: number): void {
    const n = chunk.length;
    const { vpn, offset, size, kind, space } = chunk;
    const l1 = this.#l1_4k;
    const writes = countWrites(kind, n);
    let hits = 0;
    let straddles = 0;
    let lastVpn = this.#lastVpn;
    let lastTag = this.#lastTag;
    let lastFrame = this.#lastFrame;
    let local = false;
    for (let i = 0; i < n; i++) {
      if (i >= ahead) ahead = this.#prefetch(vpn, i, n);
      const page = vpn[i];
      const tag = space[i];
      if (page === lastVpn && tag === lastTag) hits++;
      else {
        const slot = l1.lookup(page, 0, tag);
        if (slot >= 0) {
          hits++;
          lastVpn = page;
          lastTag = tag;
          lastFrame = l1.values[slot];
          local = true;
        } else {
          if (local) this.#remember(lastVpn, lastTag, lastFrame);
          lastFrame = this.#translateBeyondL1(page, tag);
          lastVpn = this.#lastVpn;
          lastTag = this.#lastTag;
          local = false;
        }
      }
      const from = offset[i];
      const bytes = size[i];
      const end = from + (bytes === 0 ? 1 : bytes);
      if (end > 4096) {
        this.#data(lastFrame, from, 4096);
        straddles++;
        if (local) this.#remember(lastVpn, lastTag, lastFrame);
        this.#data(this.translate(page + 1, tag), 0, end - 4096);
        lastVpn = this.#lastVpn;
        lastTag = this.#lastTag;
        lastFrame = this.#lastFrame;
        local = false;
      } else if (((end - 1) ^ from) < 64) {
        // Within one line: the common case, without the loop.
        this.#line(lastFrame * 64 + (from >>> 6));
      } else this.#data(lastFrame, from, end);
    }
    if (local) this.#remember(lastVpn, lastTag, lastFrame);
    this.#counted(n, writes, hits, straddles);
  }

  /** Hands a chunk loop's last page, in the 4K L1 TLB, back to the fields. */
  #remember(vpn: number, tag: number, frame: number): void {
    this.#lastVpn = vpn;
    this.#lastTag = tag;
    this.#lastFrame = frame;
  }

  /**
   * Adds what a chunk loop counted: `n` accesses (their compute and first
   * translations), `writes` stores, `hits` translations it served from a 4K
   * L1 entry, `straddles` second pages (translated, and counted, apart).
   */
  #counted(n: number, writes: number, hits: number, straddles: number): void {
    const counters = this.stats.counters;
    const cycles = this.stats.cycles;
    counters[Counter.ACCESSES] += n;
    addRepeated(cycles, Cycle.COMPUTE, n, this.#base);
    counters[Counter.WRITES] += writes;
    counters[Counter.TRANSLATIONS] += n;
    counters[Counter.L1_TLB_HITS] += hits;
    addRepeated(cycles, Cycle.L1_TLB, hits, this.#l1Cycles);
    counters[Counter.PAGE_STRADDLES] += straddles;
  }

  #runTracked(chunk: AccessChunk, ahead: number): void {
    const n = chunk.length;
    const { vpn, offset, size, kind, space } = chunk;
    for (let i = 0; i < n; i++) {
      if (i >= ahead) ahead = this.#prefetch(vpn, i, n);
      this.#tracked(vpn[i], offset[i], size[i], kind[i], space[i]);
    }
  }

  /**
   * Has the walker read ahead the entries of the next window of accesses
   * from `i` (of `n`).
   * @returns the first access after the window
   */
  #prefetch(vpn: Float64Array, i: number, n: number): number {
    const to = i + PREFETCH_WINDOW < n ? i + PREFETCH_WINDOW : n;
    this.walker.prefetch(vpn, i, to);
    return to;
  }

  /**
   * One access of `size` bytes at `offset` in 4 KiB page `vpn` of address
   * space `tag` (a store writes the versions of the frames it lands in, when
   * they are tracked).
   */
  access(vpn: number, offset: number, size: number, kind: number, tag: number): void {
    if (this.versions !== null) this.#tracked(vpn, offset, size, kind, tag);
    else if (this.#caches === null) this.#plain(vpn, offset, size, kind, tag);
    else this.#cached(vpn, offset, size, kind, tag);
  }

  /** An access with caches off: its translation only. */
  #plain(vpn: number, offset: number, size: number, kind: number, tag: number): void {
    const counters = this.stats.counters;
    counters[Counter.ACCESSES]++;
    this.stats.cycles[Cycle.COMPUTE] += this.#base;
    if (kind === AccessKind.STORE || kind === AccessKind.MODIFY) counters[Counter.WRITES]++;
    this.translate(vpn, tag);
    if (offset + size > 4096) {
      counters[Counter.PAGE_STRADDLES]++;
      this.translate(vpn + 1, tag);
    }
  }

  /** An access with caches on: its translation, then its data lines. */
  #cached(vpn: number, offset: number, size: number, kind: number, tag: number): void {
    const counters = this.stats.counters;
    counters[Counter.ACCESSES]++;
    this.stats.cycles[Cycle.COMPUTE] += this.#base;
    if (kind === AccessKind.STORE || kind === AccessKind.MODIFY) counters[Counter.WRITES]++;
    const frame = this.translate(vpn, tag);
    const end = offset + (size === 0 ? 1 : size);
    if (end > 4096) {
      this.#data(frame, offset, 4096);
      counters[Counter.PAGE_STRADDLES]++;
      this.#data(this.translate(vpn + 1, tag), 0, end - 4096);
    } else if (((end - 1) ^ offset) < 64) {
      // Within one line: the common case, without the loop.
      this.#line(frame * 64 + (offset >>> 6));
    } else this.#data(frame, offset, end);
  }

  #tracked(vpn: number, offset: number, size: number, kind: number, tag: number): void {
    const write = this.begin(kind === AccessKind.STORE || kind === AccessKind.MODIFY);
    const versions = this.versions!;
    const frame = this.translate(vpn, tag);
    if (write) versions.write(frame);
    const end = offset + (size === 0 ? 1 : size);
    if (end > 4096) {
      if (this.#caches !== null) this.#data(frame, offset, 4096);
      this.stats.counters[Counter.PAGE_STRADDLES]++;
      const next = this.translate(vpn + 1, tag);
      if (write) versions.write(next);
      if (this.#caches !== null) this.#data(next, 0, end - 4096);
    } else if (this.#caches !== null) this.#data(frame, offset, end);
  }

  /**
   * Reads (or writes) bytes `offset` to `offset + size - 1` of machine frame
   * `frame` through the vCPU's caches, charging each line by the level that
   * served it; nothing with caches off. For a caller that translates by
   * other means (a platform's access); the bytes must lie in the frame.
   */
  data(frame: number, offset: number, size: number): void {
    if (this.#caches !== null) this.#data(frame, offset, offset + (size === 0 ? 1 : size));
  }

  /**
   * Runs bytes `offset` to `offset + size - 1` of machine frame `frame`
   * through the vCPU's caches as a copy streams them: each line is looked
   * up, filled where it missed, and counted by the level that served it,
   * but not charged its latency — a streaming copy's cost is its
   * throughput, which the caller charges (prefetchers hide the latency of
   * sequential lines). Nothing with caches off.
   * @returns lines served by DRAM (with caches off: every line)
   */
  stream(frame: number, offset: number, size: number): number {
    const first = frame * 64 + (offset >>> 6);
    const last = frame * 64 + ((offset + (size === 0 ? 1 : size) - 1) >>> 6);
    if (this.#caches === null) return last - first + 1;
    const counters = this.stats.counters;
    let dram = 0;
    for (let line = first; line <= last; line++) {
      const level = this.#caches.access(line);
      counters[Counter.DATA_REFS]++;
      counters[Counter.DATA_L1D + level]++;
      if (level === CacheLevel.DRAM) dram++;
    }
    return dram;
  }

  /**
   * Whether a TLB still holds a translation of 4 KiB page `vpn` of `tag`
   * (a look that changes nothing: no LRU update, nothing counted): what a
   * shootdown must have removed.
   */
  holds(vpn: number, tag: number): boolean {
    if (vpn === this.#lastVpn && tag === this.#lastTag) return true;
    for (let size = 0; size < 3; size++) {
      const span = LEVEL_SPAN[size];
      const page = size === 0 ? vpn : Math.floor(vpn / span);
      if (this.#l1[size].probe(page, size, tag) >= 0) return true;
      if (this.#l2.probe(page, size, tag) >= 0) return true;
    }
    return false;
  }

  /** The lines of bytes `from` (inclusive) to `to` (exclusive) of `frame`, `to` at most 4096. */
  #data(frame: number, from: number, to: number): void {
    const last = frame * 64 + ((to - 1) >>> 6);
    for (let line = frame * 64 + (from >>> 6); line <= last; line++) this.#line(line);
  }

  /** Reads one line through the caches and charges it by the level that served it. */
  #line(line: number): void {
    this.#caches!.ref(line, RefKind.DATA, this.stats);
  }

  /**
   * Counts one access and charges its non-memory work; for a caller that
   * translates by other means (a platform that checks write permissions).
   * @returns `write`
   */
  begin(write: boolean): boolean {
    this.stats.counters[Counter.ACCESSES]++;
    this.stats.cycles[Cycle.COMPUTE] += this.#base;
    if (write) this.stats.counters[Counter.WRITES]++;
    return write;
  }

  /**
   * Translates 4 KiB page `vpn` of address space `tag` through the TLBs,
   * walking on a miss.
   * @returns the 4 KiB machine frame
   */
  translate(vpn: number, tag: number): number {
    const counters = this.stats.counters;
    const cycles = this.stats.cycles;
    counters[Counter.TRANSLATIONS]++;
    if (vpn === this.#lastVpn && tag === this.#lastTag) {
      counters[Counter.L1_TLB_HITS]++;
      cycles[Cycle.L1_TLB] += this.#l1Cycles;
      return this.#lastFrame;
    }
    const slot = this.#l1_4k.lookup(vpn, 0, tag);
    if (slot >= 0) return this.#l1Hit(vpn, tag, this.#l1_4k.values[slot]);
    return this.#translateBeyondL1(vpn, tag);
  }

  /**
   * The rest of {@linkcode Mmu.translate} once the 4K L1 TLB missed (its
   * translation counted by the caller): the large-page L1s, the L2, a walk.
   */
  #translateBeyondL1(vpn: number, tag: number): number {
    const counters = this.stats.counters;
    const cycles = this.stats.cycles;
    let slot: number;
    if (this.#l1_2m.sizeCounts[1] !== 0) {
      const page = Math.floor(vpn / 512);
      slot = this.#l1_2m.lookup(page, 1, tag);
      if (slot >= 0) return this.#l1Hit(vpn, tag, this.#l1_2m.values[slot] + (vpn - page * 512));
    }
    if (this.#l1_1g.sizeCounts[2] !== 0) {
      const page = Math.floor(vpn / 262144);
      slot = this.#l1_1g.lookup(page, 2, tag);
      if (slot >= 0) {
        return this.#l1Hit(vpn, tag, this.#l1_1g.values[slot] + (vpn - page * 262144));
      }
    }
    counters[Counter.L1_TLB_MISSES]++;
    cycles[Cycle.L2_TLB] += this.#l2Cycles;
    const l2 = this.#l2;
    for (let size = 0; size < 3; size++) {
      if (l2.sizeCounts[size] === 0) continue;
      const span = LEVEL_SPAN[size];
      const page = size === 0 ? vpn : Math.floor(vpn / span);
      slot = l2.lookup(page, size, tag);
      if (slot >= 0) {
        counters[Counter.L2_TLB_HITS]++;
        const base = l2.values[slot];
        return this.#fillL1(vpn, tag, page, size, base, base + (vpn - page * span));
      }
    }
    counters[Counter.L2_TLB_MISSES]++;
    counters[Counter.WALKS]++;
    const frame = this.walker.walk(vpn, tag);
    const size = this.walker.leafSize;
    const span = LEVEL_SPAN[size];
    const page = size === 0 ? vpn : Math.floor(vpn / span);
    const base = frame - (vpn - page * span);
    l2.insert(page, size, tag, base, 0);
    return this.#fillL1(vpn, tag, page, size, base, frame);
  }

  /** Empties every TLB and the walker's caches (a full flush). */
  flushAll(): void {
    this.#l1_4k.flushAll();
    this.#l1_2m.flushAll();
    this.#l1_1g.flushAll();
    this.#l2.flushAll();
    this.walker.flush();
    this.#lastVpn = -1;
  }

  /** Empties the TLB entries of one address-space tag (PWCs are flushed whole). */
  flushTag(tag: number): void {
    this.#l1_4k.flushTag(tag);
    this.#l1_2m.flushTag(tag);
    this.#l1_1g.flushTag(tag);
    this.#l2.flushTag(tag);
    this.walker.flush();
    this.#lastVpn = -1;
  }

  /** Empties the TLB entries covering 4 KiB page `vpn` of `tag` (INVLPG). */
  flushPage(vpn: number, tag: number): void {
    this.#l1_4k.flushPage(vpn, tag);
    this.#l1_2m.flushPage(vpn, tag);
    this.#l1_1g.flushPage(vpn, tag);
    this.#l2.flushPage(vpn, tag);
    this.walker.flush();
    this.#lastVpn = -1;
  }

  /**
   * Empties the TLB entries overlapping `pages` 4 KiB pages from `vpn` of
   * `tag`: INVLPG of a guest page of that many 4 KiB pages, whose
   * translations may be cached as smaller pieces (PWCs are flushed whole).
   */
  flushRange(vpn: number, pages: number, tag: number): void {
    this.#l1_4k.flushRange(vpn, pages, tag);
    this.#l1_2m.flushRange(vpn, pages, tag);
    this.#l1_1g.flushRange(vpn, pages, tag);
    this.#l2.flushRange(vpn, pages, tag);
    this.walker.flush();
    this.#lastVpn = -1;
  }

  #l1Hit(vpn: number, tag: number, frame: number): number {
    this.stats.counters[Counter.L1_TLB_HITS]++;
    this.stats.cycles[Cycle.L1_TLB] += this.#l1Cycles;
    this.#lastVpn = vpn;
    this.#lastTag = tag;
    this.#lastFrame = frame;
    return frame;
  }

  #fillL1(
    vpn: number,
    tag: number,
    page: number,
    size: number,
    base: number,
    frame: number,
  ): number {
    const slot = this.#l1[size].insert(page, size, tag, base, 0);
    this.#lastVpn = slot >= 0 ? vpn : -1;
    this.#lastTag = tag;
    this.#lastFrame = frame;
    return frame;
  }
}
