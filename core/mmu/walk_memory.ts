/**
 * Where a page walk's references are served from: the PTE data cache or
 * memory. Shared by the guest and host sides of a 2-D walk, since both read
 * host-physical memory through the same caches.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { Counter, Cycle, type Stats } from "../cost/stats.ts";
import { LineCache } from "./line_cache.ts";

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

  /**
   * Creates the walk memory with an empty PTE cache.
   * @param stats where references are counted and charged
   * @param options PTE cache geometry (`lines: 0` disables it) and the cycles of a hit and of a memory reference
   */
  constructor(stats: Stats, options: WalkMemoryOptions) {
    this.#stats = stats;
    this.#cache = options.shared ?? new LineCache(options.lines, options.ways);
    this.#hitCycles = options.hitCycles;
    this.#memoryCycles = options.memoryCycles;
  }

  /**
   * The same cache, charging another vCPU's statistics: the PTE cache stands
   * for the caches the vCPUs share, while each vCPU's counters are its own.
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
    const counters = this.#stats.counters;
    counters[Counter.WALK_REFS]++;
    const line = frame * 64 + (index >>> 3);
    if (this.#cache.access(line)) {
      counters[Counter.WALK_REFS_PTE_CACHE]++;
      this.#stats.cycles[Cycle.WALK_PTE_CACHE] += this.#hitCycles;
    } else {
      counters[Counter.WALK_REFS_MEMORY]++;
      this.#stats.cycles[Cycle.WALK_MEMORY] += this.#memoryCycles;
    }
  }

  /** Empties the PTE cache. */
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
}

/**
 * The walk memory a platform's vCPUs share: the profile's PTE cache (or none
 * when `pteCache` is false) and its hit and memory cycles, charging `stats`
 * until shared with another vCPU's.
 *
 * @example
 * ```ts
 * import { createWalkMemory } from "./walk_memory.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const stats = new Stats();
 * const memory = createWalkMemory(stats, getProfile("amd-zen3"), false);
 * memory.ref(100, 0);
 * memory.ref(100, 0);
 * if (stats.counters[Counter.WALK_REFS_MEMORY] !== 2) throw new Error("no cache: memory twice");
 * ```
 */
export function createWalkMemory(stats: Stats, cost: CostModel, pteCache: boolean): WalkMemory {
  return new WalkMemory(stats, {
    lines: pteCache ? cost.pteCache.entries : 0,
    ways: cost.pteCache.ways,
    hitCycles: cost.pteCacheHitCycles,
    memoryCycles: cost.pteMemoryCycles,
  });
}
