/**
 * Counters and the cycle breakdown of one run, in typed arrays indexed by
 * small-integer enums so hot paths bump them without hashing strings; turned
 * into plain named records only when a run ends.
 *
 * @module
 */

import { type EnumCodes, enumCodes } from "../base/enumeration.ts";
import { EXIT_REASON_COUNT, EXIT_REASON_NAMES } from "../base/exit_reason.ts";

/** Snake-case counter names, in code order: the one list {@linkcode Counter} is built from. */
export const COUNTER_NAMES = [
  // Memory accesses issued by the workload (a straddling access counts once).
  "accesses",
  // Page translations looked up (a straddling access needs two).
  "translations",
  // Translations that hit an L1 TLB.
  "l1_tlb_hits",
  // Translations that missed every L1 TLB.
  "l1_tlb_misses",
  // L1 misses that hit the L2 TLB.
  "l2_tlb_hits",
  // L1 misses that also missed the L2 TLB and so walked.
  "l2_tlb_misses",
  // Page walks started by TLB misses.
  "walks",
  // Page-table entries read from the memory hierarchy by walks (guest and host levels).
  "walk_refs",
  // Walk references served by a cache: the PTE cache (caches off), or L1D, L2 or the LLC.
  "walk_refs_pte_cache",
  // Walk references served by memory (DRAM).
  "walk_refs_memory",
  // With caches on: walk references by the level that served them, in CacheLevel order.
  "walk_refs_l1d",
  "walk_refs_l2",
  "walk_refs_llc",
  "walk_refs_dram",
  // Walks (or host sub-walks) that skipped upper levels thanks to a page-walk cache.
  "walk_cache_hits",
  // Guest-physical → host-physical lookups that hit the nested TLB.
  "nested_tlb_hits",
  // Guest-physical → host-physical lookups that needed a host walk.
  "nested_tlb_misses",
  // Accesses whose bytes straddle a 4 KiB page boundary.
  "page_straddles",
  // Pages mapped on first touch (guest or host); not charged: the lab measures translation.
  "demand_maps",
  // VM exits of every reason.
  "exits",
  // Accesses that write (stores and read-modify-writes).
  "writes",
  // With caches on: 64-byte lines read by data accesses (an access across a line boundary reads two).
  "data_refs",
  // Data lines by the level that served them, in CacheLevel order.
  "data_l1d",
  "data_l2",
  "data_llc",
  "data_dram",
] as const;

/** Counter indices into {@linkcode Stats.counters}: `Counter.ACCESSES` is 0, in list order. */
export const Counter: EnumCodes<typeof COUNTER_NAMES> = enumCodes(COUNTER_NAMES);

/** Number of counters. */
export const COUNTER_COUNT: number = COUNTER_NAMES.length;

/**
 * Snake-case cycle-category names, in code order: the one list
 * {@linkcode Cycle} is built from. VM exits are kept per reason apart.
 */
export const CYCLE_NAMES = [
  // Non-memory work around each access.
  "compute",
  // Data accesses through the caches (caches on): latency by serving level, misses ÷ MLP.
  "data",
  // L1 TLB hit latency.
  "l1_tlb",
  // L2 TLB lookups (hit or miss: a walk starts only after the L2 says no).
  "l2_tlb",
  // Page-walk-cache hits.
  "walk_cache",
  // Walk references served by a cache: the PTE cache (caches off), or L1D, L2 or the LLC.
  "walk_pte_cache",
  // Walk references served by memory (DRAM).
  "walk_memory",
  // Nested-TLB hits in 2-D walks.
  "nested_tlb",
  // Hypervisor work that is not an exit round trip (e.g. page copies).
  "hypervisor",
  // Guest kernel work (page faults, flushes) charged to the guest.
  "guest_kernel",
] as const;

/** Cycle-category indices into {@linkcode Stats.cycles}: `Cycle.COMPUTE` is 0, in list order. */
export const Cycle: EnumCodes<typeof CYCLE_NAMES> = enumCodes(CYCLE_NAMES);

/** Number of cycle categories. */
export const CYCLE_COUNT: number = CYCLE_NAMES.length;

/**
 * The cycle categories of address translation: TLB lookups, page-walk-cache
 * hits, walk references (from whichever cache or memory served them) and
 * nested-TLB hits. Exits, hypervisor and guest-kernel work are not in it.
 */
export const TRANSLATION_CYCLE_NAMES = [
  "l1_tlb",
  "l2_tlb",
  "walk_cache",
  "walk_pte_cache",
  "walk_memory",
  "nested_tlb",
] as const satisfies readonly (typeof CYCLE_NAMES[number])[];

/**
 * Cycles of address translation in a cycle breakdown (a {@linkcode StatsReport}'s `cycles`).
 *
 * @example
 * ```ts
 * import { Cycle, Stats, translationCycles } from "./stats.ts";
 * const stats = new Stats();
 * stats.cycles[Cycle.L2_TLB] += 9;
 * stats.cycles[Cycle.WALK_MEMORY] += 189;
 * stats.cycles[Cycle.DATA] += 100;
 * if (translationCycles(stats.report().cycles) !== 198) throw new Error();
 * ```
 */
export function translationCycles(cycles: Record<string, number>): number {
  let sum = 0;
  for (const name of TRANSLATION_CYCLE_NAMES) sum += cycles[name];
  return sum;
}

/**
 * Adds `each` to `values[index]` `count` times, to the last bit as that
 * many additions one after another would: at once when `each` is whole
 * (whole numbers sum exactly in any grouping), one by one when it is not.
 * For hot paths that count a batch of like events together.
 *
 * @example
 * ```ts
 * import { addRepeated, Cycle, Stats } from "./stats.ts";
 * const stats = new Stats();
 * addRepeated(stats.cycles, Cycle.COMPUTE, 4096, 1);
 * addRepeated(stats.cycles, Cycle.L1_TLB, 3, 0.1);
 * if (stats.cycles[Cycle.COMPUTE] !== 4096 || stats.cycles[Cycle.L1_TLB] !== 0.1 + 0.1 + 0.1) {
 *   throw new Error();
 * }
 * ```
 */
export function addRepeated(
  values: Float64Array,
  index: number,
  count: number,
  each: number,
): void {
  if (Number.isInteger(each)) values[index] += count * each;
  else for (let i = 0; i < count; i++) values[index] += each;
}

/** Named counters and cycle breakdown of a finished run. */
export interface StatsReport {
  /** Every counter by name, plus `exits_<reason>` for each exit reason. */
  counters: Record<string, number>;
  /** Cycles by category, `vm_exit` (all reasons), `vm_exit_<reason>`, and `total`. */
  cycles: Record<string, number>;
}

/**
 * The mutable statistics of one run.
 *
 * @example Count an access and read the report
 * ```ts
 * import { Counter, Cycle, Stats } from "./stats.ts";
 * const stats = new Stats();
 * stats.counters[Counter.ACCESSES]++;
 * stats.cycles[Cycle.COMPUTE] += 1;
 * if (stats.report().cycles.total !== 1) throw new Error();
 * ```
 */
export class Stats {
  /** Counters indexed by {@linkcode Counter}. */
  readonly counters: Float64Array = new Float64Array(COUNTER_COUNT);
  /** Cycles indexed by {@linkcode Cycle}. */
  readonly cycles: Float64Array = new Float64Array(CYCLE_COUNT);
  /** VM exits per exit reason. */
  readonly exits: Float64Array = new Float64Array(EXIT_REASON_COUNT);
  /** Cycles of VM exits (round trip plus handler) per exit reason. */
  readonly exitCycles: Float64Array = new Float64Array(EXIT_REASON_COUNT);

  /** Records one VM exit of `reason` costing `cycles` in all. */
  exit(reason: number, cycles: number): void {
    this.exits[reason]++;
    this.exitCycles[reason] += cycles;
    this.counters[Counter.EXITS]++;
  }

  /** Adds every counter and cycle of `other` to this one's. */
  add(other: Stats): void {
    for (let i = 0; i < COUNTER_COUNT; i++) this.counters[i] += other.counters[i];
    for (let i = 0; i < CYCLE_COUNT; i++) this.cycles[i] += other.cycles[i];
    for (let r = 0; r < EXIT_REASON_COUNT; r++) {
      this.exits[r] += other.exits[r];
      this.exitCycles[r] += other.exitCycles[r];
    }
  }

  /** Cycles of every category and every exit, in all. */
  totalCycles(): number {
    let total = 0;
    for (let i = 0; i < CYCLE_COUNT; i++) total += this.cycles[i];
    for (let r = 0; r < EXIT_REASON_COUNT; r++) total += this.exitCycles[r];
    return total;
  }

  /** Sets every counter and cycle to zero. */
  reset(): void {
    this.counters.fill(0);
    this.cycles.fill(0);
    this.exits.fill(0);
    this.exitCycles.fill(0);
  }

  /** Named counters and cycles, with totals. */
  report(): StatsReport {
    const counters: Record<string, number> = {};
    for (let i = 0; i < COUNTER_COUNT; i++) counters[COUNTER_NAMES[i]] = this.counters[i];
    for (let r = 0; r < EXIT_REASON_COUNT; r++) {
      counters[`exits_${EXIT_REASON_NAMES[r]}`] = this.exits[r];
    }
    const cycles: Record<string, number> = {};
    let total = 0;
    for (let i = 0; i < CYCLE_COUNT; i++) {
      cycles[CYCLE_NAMES[i]] = this.cycles[i];
      total += this.cycles[i];
    }
    let exitTotal = 0;
    for (let r = 0; r < EXIT_REASON_COUNT; r++) exitTotal += this.exitCycles[r];
    cycles.vm_exit = exitTotal;
    for (let r = 0; r < EXIT_REASON_COUNT; r++) {
      cycles[`vm_exit_${EXIT_REASON_NAMES[r]}`] = this.exitCycles[r];
    }
    cycles.total = total + exitTotal;
    return { counters, cycles };
  }
}
