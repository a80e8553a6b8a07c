/**
 * Counters and the cycle breakdown of one run, in typed arrays indexed by
 * small-integer enums so hot paths bump them without hashing strings; turned
 * into plain named records only when a run ends.
 *
 * @module
 */

import { EXIT_REASON_COUNT, EXIT_REASON_NAMES } from "../base/exit_reason.ts";

/** Counter indices into {@linkcode Stats.counters}. */
export const Counter = {
  /** Memory accesses issued by the workload (a straddling access counts once). */
  ACCESSES: 0,
  /** Page translations looked up (a straddling access needs two). */
  TRANSLATIONS: 1,
  /** Translations that hit an L1 TLB. */
  L1_TLB_HITS: 2,
  /** Translations that missed every L1 TLB. */
  L1_TLB_MISSES: 3,
  /** L1 misses that hit the L2 TLB. */
  L2_TLB_HITS: 4,
  /** L1 misses that also missed the L2 TLB and so walked. */
  L2_TLB_MISSES: 5,
  /** Page walks started by TLB misses. */
  WALKS: 6,
  /** Page-table entries read from the memory hierarchy by walks (guest and host levels). */
  WALK_REFS: 7,
  /** Walk references that hit the PTE data cache. */
  WALK_REFS_PTE_CACHE: 8,
  /** Walk references that went to memory. */
  WALK_REFS_MEMORY: 9,
  /** Walks (or host sub-walks) that skipped upper levels thanks to a page-walk cache. */
  WALK_CACHE_HITS: 10,
  /** Guest-physical → host-physical lookups that hit the nested TLB. */
  NESTED_TLB_HITS: 11,
  /** Guest-physical → host-physical lookups that needed a host walk. */
  NESTED_TLB_MISSES: 12,
  /** Accesses whose bytes straddle a 4 KiB page boundary. */
  PAGE_STRADDLES: 13,
  /** Pages mapped on first touch (guest or host); not charged: the lab measures translation. */
  DEMAND_MAPS: 14,
  /** VM exits of every reason. */
  VM_EXITS: 15,
  /** Accesses that write (stores and read-modify-writes). */
  WRITES: 16,
} as const;

/** Number of counters. */
export const COUNTER_COUNT = 17;

/** Snake-case counter names, indexed by {@linkcode Counter} value. */
export const COUNTER_NAMES: readonly string[] = [
  "accesses",
  "translations",
  "l1_tlb_hits",
  "l1_tlb_misses",
  "l2_tlb_hits",
  "l2_tlb_misses",
  "walks",
  "walk_refs",
  "walk_refs_pte_cache",
  "walk_refs_memory",
  "walk_cache_hits",
  "nested_tlb_hits",
  "nested_tlb_misses",
  "page_straddles",
  "demand_maps",
  "vm_exits",
  "writes",
];

/** Cycle-category indices into {@linkcode Stats.cycles}. VM exits are kept per reason apart. */
export const Cycle = {
  /** Non-memory work around each access. */
  COMPUTE: 0,
  /** L1 TLB hit latency. */
  L1_TLB: 1,
  /** L2 TLB lookups (hit or miss: a walk starts only after the L2 says no). */
  L2_TLB: 2,
  /** Page-walk-cache hits. */
  WALK_CACHE: 3,
  /** Walk references served by the PTE data cache. */
  WALK_PTE_CACHE: 4,
  /** Walk references served by memory. */
  WALK_MEMORY: 5,
  /** Nested-TLB hits in 2-D walks. */
  NESTED_TLB: 6,
  /** Hypervisor work that is not an exit round trip (e.g. page copies). */
  HYPERVISOR: 7,
  /** Guest kernel work (page faults, flushes) charged to the guest. */
  GUEST_KERNEL: 8,
} as const;

/** Number of cycle categories. */
export const CYCLE_COUNT = 9;

/** Snake-case cycle-category names, indexed by {@linkcode Cycle} value. */
export const CYCLE_NAMES: readonly string[] = [
  "compute",
  "l1_tlb",
  "l2_tlb",
  "walk_cache",
  "walk_pte_cache",
  "walk_memory",
  "nested_tlb",
  "hypervisor",
  "guest_kernel",
];

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
    this.counters[Counter.VM_EXITS]++;
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
