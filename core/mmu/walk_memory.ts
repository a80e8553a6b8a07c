/**
 * Where a page walk's references are served from. With the machine's caches
 * on, the walking vCPU's cache hierarchy (L1D, L2, the shared last-level
 * cache, DRAM), the same caches its data accesses go through; with caches
 * off, the translation-only model's PTE cache or memory. Shared by the guest
 * and host sides of a 2-D walk, since both read host-physical memory
 * through the same caches.
 *
 * @module
 */

import type { CacheHierarchy } from "../caches/cache_hierarchy.ts";
import { CacheLevel } from "../caches/cache_level.ts";
import { type CachePort, RefKind } from "../caches/cache_port.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { addRepeated, Counter, Cycle, type Stats } from "../cost/stats.ts";
import { LineCache } from "../caches/line_cache.ts";

/**
 * Charges walk references. A reference reads the 8-byte entry `index` of the
 * table page in physical frame `frame`; eight entries share a 64-byte line.
 *
 * @example A second read of a neighbouring entry hits the cache
 * ```ts
 * import { WalkMemory } from "./walk_memory.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const stats = new Stats();
 * const memory = new WalkMemory(stats, { lines: 512, ways: 8, hitCycles: 14, memoryCycles: 200 });
 * memory.ref(100, 0);
 * memory.ref(100, 1);
 * if (stats.counters[Counter.WALK_REFS_PTE_CACHE] !== 1) throw new Error();
 * ```
 */
export class WalkMemory {
  #stats: Stats;
  #cache: LineCache;
  #hitCycles: number;
  #memoryCycles: number;
  #port: CachePort | null;
  #cacheable: boolean;
  /**
   * Every reference goes to memory (caches off and no PTE cache, or caches
   * on with page-table entries not cacheable): a walker may then charge
   * several at once with {@linkcode WalkMemory.memoryRefs}.
   */
  readonly uncached: boolean;

  /**
   * Creates the walk memory with an empty PTE cache, or over a vCPU's caches.
   * @param stats where references are counted and charged
   * @param options PTE cache geometry (`lines: 0` disables it) and the cycles of a hit and of a memory reference; or the vCPU's cache port
   */
  constructor(stats: Stats, options: WalkMemoryOptions) {
    this.#stats = stats;
    this.#port = options.caches ?? null;
    this.#cacheable = options.cacheable ?? true;
    this.#cache = options.shared ??
      new LineCache(this.#port === null ? options.lines : 0, options.ways);
    this.#hitCycles = options.hitCycles;
    this.#memoryCycles = options.memoryCycles;
    this.uncached = this.#port === null ? this.#cache.entries === 0 : !this.#cacheable;
  }

  /**
   * The same cache, charging another vCPU's statistics: the PTE cache stands
   * for the caches the vCPUs share, while each vCPU's counters are its own
   * (caches off; with caches on each vCPU has a walk memory over its own port).
   *
   * @example
   * ```ts
   * import { WalkMemory } from "./walk_memory.ts";
   * import { Counter, Stats } from "../cost/stats.ts";
   * const a = new Stats();
   * const b = new Stats();
   * const first = new WalkMemory(a, { lines: 512, ways: 8, hitCycles: 14, memoryCycles: 200 });
   * first.ref(100, 0);
   * first.sharedWith(b).ref(100, 1);
   * if (b.counters[Counter.WALK_REFS_PTE_CACHE] !== 1) throw new Error("the line is shared");
   * ```
   */
  sharedWith(stats: Stats): WalkMemory {
    if (this.#port !== null) {
      throw new RangeError("a walk memory over a vCPU's caches is that vCPU's alone");
    }
    return new WalkMemory(stats, {
      lines: 0,
      ways: 1,
      hitCycles: this.#hitCycles,
      memoryCycles: this.#memoryCycles,
      shared: this.#cache,
    });
  }

  /** Reads entry `index` of the table page at physical frame `frame`. */
  ref(frame: number, index: number): void {
    if (this.#port !== null) {
      this.#throughCaches(this.#port, frame * 64 + (index >>> 3));
      return;
    }
    const counters = this.#stats.counters;
    counters[Counter.WALK_REFS]++;
    if (this.uncached) {
      counters[Counter.WALK_REFS_MEMORY]++;
      this.#stats.cycles[Cycle.WALK_MEMORY] += this.#memoryCycles;
      return;
    }
    if (this.#cache.access(frame * 64 + (index >>> 3))) {
      counters[Counter.WALK_REFS_PTE_CACHE]++;
      this.#stats.cycles[Cycle.WALK_PTE_CACHE] += this.#hitCycles;
    } else {
      counters[Counter.WALK_REFS_MEMORY]++;
      this.#stats.cycles[Cycle.WALK_MEMORY] += this.#memoryCycles;
    }
  }

  /**
   * Charges `count` references of an {@linkcode WalkMemory.uncached} walk
   * memory at once: what `count` calls of {@linkcode WalkMemory.ref} would
   * charge, to the last bit (one by one where memory cycles are fractional).
   *
   * @example
   * ```ts
   * import { WalkMemory } from "./walk_memory.ts";
   * import { Counter, Cycle, Stats } from "../cost/stats.ts";
   * const stats = new Stats();
   * new WalkMemory(stats, { lines: 0, ways: 1, hitCycles: 14, memoryCycles: 189 }).memoryRefs(4);
   * if (stats.counters[Counter.WALK_REFS_MEMORY] !== 4 || stats.cycles[Cycle.WALK_MEMORY] !== 756) {
   *   throw new Error();
   * }
   * ```
   */
  memoryRefs(count: number): void {
    const counters = this.#stats.counters;
    counters[Counter.WALK_REFS] += count;
    counters[Counter.WALK_REFS_MEMORY] += count;
    let each = this.#memoryCycles;
    if (this.#port !== null) {
      counters[Counter.WALK_REFS_L1D + CacheLevel.DRAM] += count;
      each = this.#port.walkCycles[CacheLevel.DRAM];
    }
    addRepeated(this.#stats.cycles, Cycle.WALK_MEMORY, count, each);
  }

  #throughCaches(port: CachePort, line: number): void {
    if (this.#cacheable) {
      port.ref(line, RefKind.WALK, this.#stats);
      return;
    }
    // With PTE caching off, entries are read from DRAM without touching the caches.
    port.charge(RefKind.WALK, CacheLevel.DRAM, this.#stats);
  }

  /** Empties the PTE cache (with caches on the hierarchy is not this walk memory's to flush). */
  flush(): void {
    this.#cache.flushAll();
  }
}

/** Options of {@linkcode WalkMemory}. */
export interface WalkMemoryOptions {
  /** 64-byte lines in the PTE cache; 0 disables it. */
  lines: number;
  /** Associativity of the PTE cache. */
  ways: number;
  /** Cycles of a reference that hits the PTE cache. */
  hitCycles: number;
  /** Cycles of a reference that goes to memory. */
  memoryCycles: number;
  /** A cache to share (another vCPU's); `lines` and `ways` are then not used. */
  shared?: LineCache;
  /**
   * The walking vCPU's way through the cache hierarchy (caches on): each
   * reference goes L1D → L2 → LLC → DRAM and is charged that level's whole
   * latency; the PTE cache fields are then not used.
   */
  caches?: CachePort | null;
  /** With `caches`: false reads every entry from DRAM without touching the caches (default true). */
  cacheable?: boolean;
}

/**
 * The walk memory of each of a platform's vCPUs. With `caches` (the
 * machine's caches on), each vCPU's references go through its own port of
 * the hierarchy, and `pteCache` false sends them to DRAM instead. Without,
 * one PTE cache of the profile's geometry (or none when `pteCache` is false)
 * stands for the caches the vCPUs share, each vCPU charging its own stats.
 *
 * @example
 * ```ts
 * import { createWalkMemories } from "./walk_memory.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const stats = [new Stats()];
 * const [memory] = createWalkMemories(stats, getProfile("amd-zen3"), false, null);
 * memory.ref(100, 0);
 * memory.ref(100, 0);
 * if (stats[0].counters[Counter.WALK_REFS_MEMORY] !== 2) throw new Error("no cache: memory twice");
 * ```
 */
export function createWalkMemories(
  stats: readonly Stats[],
  cost: CostModel,
  pteCache: boolean,
  caches: CacheHierarchy | null,
): WalkMemory[] {
  if (caches !== null) {
    return stats.map((s, v) =>
      new WalkMemory(s, {
        lines: 0,
        ways: 1,
        hitCycles: 0,
        memoryCycles: 0,
        caches: caches.ports[v],
        cacheable: pteCache,
      })
    );
  }
  const memory = new WalkMemory(stats[0], {
    lines: pteCache ? cost.pteCache.entries : 0,
    ways: cost.pteCache.ways,
    hitCycles: cost.pteCacheHitCycles,
    memoryCycles: cost.pteMemoryCycles,
  });
  return stats.map((s) => memory.sharedWith(s));
}
