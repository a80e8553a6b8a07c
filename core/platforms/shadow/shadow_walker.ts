/**
 * The hardware walk under shadow paging: one dimension, over the shadow
 * table loaded on the vCPU (guest-virtual → host frames), with the page-walk
 * and PTE caches charged as in a native walk. A missing entry is a hidden
 * page fault: the hypervisor fills it, and the access restarts with a new
 * walk — or, for a guest whose pages are there from the start, the walk goes
 * on as if the entry had always been there, so that walk counts equal those
 * over a populated shadow table (the fill is still charged as an exit).
 *
 * @module
 */

import {
  ENTRIES_PER_TABLE,
  LEVEL_SPAN,
  PTE_ACCESSED,
  PTE_LEAF,
  PTE_PRESENT,
  radixIndex,
} from "../../mmu/page_table.ts";
import type { PageWalker } from "../../mmu/page_walker.ts";
import type { WalkCache } from "../../mmu/walk_cache.ts";
import type { WalkMemory } from "../../mmu/walk_memory.ts";
import { PageSize } from "../../base/page_size.ts";
import { Counter, Cycle, type Stats } from "../../cost/stats.ts";
import type { FlagTracking } from "./lazy_flags.ts";
import type { ShadowTable } from "./shadow_table.ts";

/** What the walker needs of the shadow platform. */
export interface ShadowFaults {
  /** Per vCPU: the shadow table loaded, or null. */
  readonly current: readonly (ShadowTable | null)[];
  /** 1 while a store is being translated, so a hidden fault knows it is a write fault. */
  readonly writing: number;
  /** Handles a hidden fault of `vcpu` on `vpn`. */
  hiddenFault(vcpu: number, vpn: number, write: number): void;
}

/** The parts of one vCPU's walker. */
export interface ShadowWalkerOptions {
  /** The platform whose shadow tables are walked and which fills them. */
  faults: ShadowFaults;
  /** The vCPU. */
  vcpu: number;
  /** Its page-walk caches. */
  walkCache: WalkCache;
  /** Where references are served from and charged. */
  memory: WalkMemory;
  /** The vCPU's counters and cycles. */
  stats: Stats;
  /** Cycles of a page-walk-cache hit. */
  walkCacheHitCycles: number;
  /** The flag policy, told when the hardware sets an accessed flag. */
  flags: FlagTracking;
  /** Go on after a fill instead of restarting (a guest whose pages are there from the start). */
  resume: boolean;
}

/**
 * Per-vCPU walker of the loaded shadow table.
 *
 * @example Built by the shadow platform
 * ```ts
 * import { buildMachine } from "../../machine/build_machine.ts";
 * import { getProfile } from "../../cost/profiles.ts";
 * const machine = buildMachine({ platform: "shadow" }, getProfile("intel-skylake-sp"));
 * machine.vcpus[0].mmu.access(0x400, 0, 8, 0, 0);
 * if (machine.report().counters.exits_hidden_fault !== 1) throw new Error();
 * ```
 */
export class ShadowWalker implements PageWalker {
  /** Size of the shadow leaf the last walk found. */
  leafSize: PageSize = PageSize.SIZE_4K;
  readonly #faults: ShadowFaults;
  readonly #vcpu: number;
  readonly #pwc: WalkCache;
  readonly #memory: WalkMemory;
  readonly #stats: Stats;
  readonly #pwcCycles: number;
  readonly #flags: FlagTracking;
  readonly #resume: boolean;
  #prefetched = 0;

  /**
   * Creates the walker.
   * @param options the platform, the vCPU, its caches and costs
   */
  constructor(options: ShadowWalkerOptions) {
    this.#faults = options.faults;
    this.#vcpu = options.vcpu;
    this.#pwc = options.walkCache;
    this.#memory = options.memory;
    this.#stats = options.stats;
    this.#pwcCycles = options.walkCacheHitCycles;
    this.#flags = options.flags;
    this.#resume = options.resume;
  }

  // The walk loop is kept apart from the native, nested and shadow walkers' on
  // purpose (STYLE.md point 13): each walker's call sites stay monomorphic in
  // the per-access path, and this one restarts on hidden faults and tracks lazy flags.
  /** Translates 4 KiB page `vpn` to its host frame, filling the shadow on a hidden fault. */
  walk(vpn: number, tag: number): number {
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    restart: for (;;) {
      const shadow = this.#faults.current[this.#vcpu]!;
      const pt = shadow.table;
      let level = pt.levels;
      let table = pt.root;
      const start = this.#pwc.lookup(vpn, tag);
      if (start > 0) {
        level = start;
        table = this.#pwc.table;
        this.#stats.counters[Counter.WALK_CACHE_HITS]++;
        this.#stats.cycles[Cycle.WALK_CACHE] += this.#pwcCycles;
      }
      for (;;) {
        const index = radixIndex(lo, hi, level);
        this.#memory.ref(pt.tableFrame[table], index);
        const e = table * ENTRIES_PER_TABLE + index;
        if ((pt.flags[e] & PTE_PRESENT) === 0) {
          // The fault's error code says whether the access writes.
          this.#faults.hiddenFault(this.#vcpu, vpn, this.#faults.writing);
          if (!this.#resume || (pt.flags[e] & PTE_PRESENT) === 0) continue restart;
        }
        const flags = pt.flags[e];
        if ((flags & PTE_LEAF) !== 0) {
          if ((flags & PTE_ACCESSED) === 0) {
            // The hardware sets the shadow's accessed flag; the flag policy
            // decides when the guest's copy catches up.
            pt.flags[e] = flags | PTE_ACCESSED;
            this.#flags.hardwareSet(shadow, vpn);
          }
          this.leafSize = (level - 1) as PageSize;
          return pt.entries[e] + (lo & (LEVEL_SPAN[level - 1] - 1));
        }
        table = pt.entries[e];
        this.#pwc.insert(level, vpn, tag, table);
        level--;
      }
    }
  }

  /**
   * Reads ahead the last-level entries of walks of `pages` in the loaded
   * shadow table (see {@linkcode PageWalker.prefetch}).
   */
  prefetch(pages: Float64Array, from: number, to: number): void {
    // No shadow loaded (no address space yet): nothing a walk would read.
    const pt = this.#faults.current[this.#vcpu]?.table;
    // Kept, so that the reads are not optimized away.
    if (pt !== undefined) this.#prefetched = pt.readAhead(pages, from, to);
  }

  /** Table pages of the loaded shadow table (0 while none is). */
  tablePages(): number {
    return this.#faults.current[this.#vcpu]?.table.tableCount ?? 0;
  }

  /** Empties the page-walk caches. */
  flush(): void {
    this.#pwc.flushAll();
  }
}
