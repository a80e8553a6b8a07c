/**
 * The cost model: how many cycles each modelled event costs, and the geometry
 * of the translation structures, for one real core. Named profiles carry the
 * source of every number in a comment; users may pass their own as JSON,
 * validated field by field by {@linkcode parseCostModel}.
 *
 * @module
 */

import { EXIT_REASON_COUNT, EXIT_REASON_NAMES } from "../base/exit_reason.ts";

/** Geometry of a set-associative structure. `entries: 0` disables it. */
export interface Geometry {
  /** Total entries (or lines); 0 disables the structure. */
  entries: number;
  /** Associativity; `entries / ways` sets. Equal to `entries` for fully associative. */
  ways: number;
}

/** Translation-structure geometry of a core. */
export interface TlbGeometries {
  /** L1 data TLB for 4 KiB pages. */
  l1_4k: Geometry;
  /** L1 data TLB for 2 MiB pages. */
  l1_2m: Geometry;
  /** L1 data TLB for 1 GiB pages. */
  l1_1g: Geometry;
  /** Unified second-level TLB (STLB / L2 DTLB), holding every page size. */
  l2: Geometry;
}

/** A cost profile. All cycle counts are core clock cycles. */
export interface CostModel {
  /** Profile name, e.g. `intel-skylake-sp`. */
  name: string;
  /** One line saying which core this models. */
  description: string;
  /** Core clock in GHz, to turn cycles into time (cycles / (GHz × 1e6) = ms). */
  clockGhz: number;
  /** Cycles of non-memory work charged per access (the compute around each load/store). */
  baseCyclesPerAccess: number;
  /** Extra cycles of an L1 TLB hit over an untranslated access. */
  l1TlbHitCycles: number;
  /** Cycles of an L1 miss that hits the L2 TLB. */
  l2TlbHitCycles: number;
  /** Cycles of a page-walk-cache lookup that hits (per skipped-to level). */
  walkCacheHitCycles: number;
  /** Cycles of a walk reference whose PTE line is in the PTE data cache. */
  pteCacheHitCycles: number;
  /** Cycles of a walk reference that goes to memory. */
  pteMemoryCycles: number;
  /** Cycles of a nested-TLB (guest-physical → host-physical) hit in a 2-D walk. */
  nestedTlbHitCycles: number;
  /** Cycles of one VM exit and re-entry round trip, without handler work. */
  vmExitCycles: number;
  /** Hypervisor handler work per exit reason (cycles), keyed by exit-reason name. */
  exitHandlerCycles: Record<string, number>;
  /** Cycles the guest kernel spends handling one page fault (allocate, zero excluded, map). */
  guestPageFaultCycles: number;
  /** Cycles to copy one 4 KiB page in memory. */
  pageCopyCycles: number;
  /** Guest-kernel cycles of one TLB-shootdown IPI to one target, natively (send, handler, ack). */
  ipiRoundTripCycles: number;
  /** Hypervisor cycles to resynchronise one out-of-sync guest table page with its shadow. */
  shadowResyncPageCycles: number;
  /** Hypervisor cycles to prefetch one more shadow entry on a hidden fault. */
  shadowPrefetchEntryCycles: number;
  /** Hypervisor cycles to copy one shadow table page's accessed/dirty flags back to the guest. */
  shadowPropagatePageCycles: number;
  /** TLB geometry. */
  tlb: TlbGeometries;
  /** Page-walk caches: entries per cached upper level (PML5, PML4, PDPT, PD). */
  walkCache: Geometry;
  /** Nested TLB caching guest-physical → host-physical translations for 2-D walks. */
  nestedTlb: Geometry;
  /** Data-cache capacity, in 64-byte lines, that walk references effectively see. */
  pteCache: Geometry;
}

/**
 * Cycles of one exit of each reason under `cost`: the round trip plus the
 * handler's work, indexed by exit-reason code.
 *
 * @example
 * ```ts
 * import { exitCycleTable } from "./cost_model.ts";
 * import { getProfile } from "./profiles.ts";
 * import { ExitReason } from "../base/exit_reason.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const table = exitCycleTable(cost);
 * if (table[ExitReason.WRITE_PROTECT] !== cost.vmExitCycles + 1500) throw new Error();
 * ```
 */
export function exitCycleTable(cost: CostModel): Float64Array {
  const cycles = new Float64Array(EXIT_REASON_COUNT);
  for (let r = 0; r < EXIT_REASON_COUNT; r++) {
    cycles[r] = cost.vmExitCycles + (cost.exitHandlerCycles[EXIT_REASON_NAMES[r]] ?? 0);
  }
  return cycles;
}

/** Names of the exit reasons a profile must give handler cycles for. */
export const HANDLER_REASONS: readonly string[] = EXIT_REASON_NAMES;

/**
 * Thrown when a cost profile is unusable: an unknown profile name, or a JSON
 * profile with an unknown field or a value of the wrong kind. The message is
 * one line that names the profile source and the field path, so a command
 * line can print it as is, without a stack trace.
 */
export class CostModelError extends Error {
  /** Where the profile came from: a file name, or the profile name asked for. */
  readonly source: string;
  /** Dotted path of the offending field (e.g. `tlb.l2.ways`), or `undefined` for the whole profile. */
  readonly field: string | undefined;

  /**
   * Builds the one-line message `Cannot use cost profile "<source>": field "<field>": <problem>`.
   *
   * @param source Where the profile came from (file name or profile name).
   * @param field Dotted path of the offending field, or `undefined`.
   * @param problem What is wrong, e.g. `expected a non-negative integer, got -3`.
   */
  constructor(source: string, field: string | undefined, problem: string) {
    const where = field === undefined ? "" : `field "${field}": `;
    super(`Cannot use cost profile "${source}": ${where}${problem}`);
    this.name = "CostModelError";
    this.source = source;
    this.field = field;
  }
}
