/**
 * The cost model: how many cycles each modelled event costs, and the geometry
 * of the translation structures, for one real core. Named profiles carry the
 * source of every number in a comment; users may pass their own as JSON,
 * validated field by field against {@linkcode COST_MODEL_FIELDS} by
 * `parseCostModel`.
 *
 * @module
 */

import type { ConfigFields, FieldsOf, FieldSpec, ObjectCheck } from "../base/config_fields.ts";
import { EXIT_REASON_COUNT, EXIT_REASON_NAMES, type ExitReasonName } from "../base/exit_reason.ts";
import { BUS_COST_FIELDS, type BusCosts } from "./bus_costs.ts";

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

/**
 * The data-cache hierarchy of a core: what every data access and every page
 * walk reference goes through when a machine has `caches` on. Lines are 64
 * bytes; geometry `entries` count lines.
 */
export interface CacheCosts {
  /** Private L1 data cache of each vCPU. */
  l1d: Geometry;
  /** Private L2 of each vCPU. */
  l2: Geometry;
  /** The whole shared last-level cache of the socket (or core complex) the vCPUs run on. */
  llc: Geometry;
  /** Lines of the last-level cache each vCPU brings to its machine (its share of a loaded socket). */
  llcLinesPerVcpu: number;
  /** Load-to-use cycles of a line found in L1D. */
  l1dHitCycles: number;
  /** Load-to-use cycles of a line found in L2. */
  l2HitCycles: number;
  /** Load-to-use cycles of a line found in the last-level cache. */
  llcHitCycles: number;
  /** Load-to-use cycles of a line read from DRAM. */
  dramCycles: number;
  /** Data misses in flight at once: a data access served beyond L1D is charged its latency divided by this. */
  memoryLevelParallelism: number;
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
  /** Cycles of a walk reference whose PTE line is in the PTE data cache (caches off). */
  pteCacheHitCycles: number;
  /** Cycles of a walk reference that goes to memory (caches off). */
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
  /** Data-cache capacity, in 64-byte lines, that walk references effectively see (caches off). */
  pteCache: Geometry;
  /** The cache hierarchy data accesses and walk references go through (caches on). */
  caches: CacheCosts;
  /** The partition bus: signalling, remapping and copying between partitions. */
  bus: BusCosts;
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
 * if (table[ExitReason.WRITE_PROTECT] !== cost.vmExitCycles + cost.exitHandlerCycles.write_protect) throw new Error();
 * ```
 */
export function exitCycleTable(cost: CostModel): Float64Array {
  const cycles = new Float64Array(EXIT_REASON_COUNT);
  for (let r = 0; r < EXIT_REASON_COUNT; r++) {
    cycles[r] = cost.vmExitCycles + (cost.exitHandlerCycles[EXIT_REASON_NAMES[r]] ?? 0);
  }
  return cycles;
}

// Typed arrays are sized from geometry at build time; the bound keeps a typo
// such as 1e12 entries a user error instead of an out-of-memory crash.
const MAX_GEOMETRY_ENTRIES = 1 << 24;

/**
 * The rule of a geometry: ways divide entries, unless entries is 0 (the
 * structure is off, any ways). It blames the field the user wrote; if both,
 * the ways.
 */
export const checkGeometry: ObjectCheck = (values, given, fail) => {
  const entries = values.entries as number;
  const ways = values.ways as number;
  if (entries === 0 || (ways !== 0 && entries % ways === 0)) return;
  if (given.ways !== undefined || given.entries === undefined) {
    fail("ways", `expected a number of ways dividing entries (${entries}), got ${ways}`);
  }
  fail("entries", `expected a multiple of ways (${ways}), got ${entries}`);
};

/**
 * The rule of a cache hierarchy: a machine of one vCPU gets at least one
 * whole set of the last-level cache, unless the LLC is off (entries or
 * share 0).
 */
const checkCaches: ObjectCheck = (values, given, fail) => {
  const llc = values.llc as Geometry;
  const share = values.llcLinesPerVcpu as number;
  if (llc.entries === 0 || share === 0 || share >= llc.ways) return;
  fail(
    given.llcLinesPerVcpu !== undefined ? "llcLinesPerVcpu" : "llc.ways",
    `a vCPU's share of the last-level cache (${share} lines) must hold at least one set of llc.ways (${llc.ways}) lines`,
  );
};

/** The fields of a {@linkcode Geometry}. */
export const GEOMETRY_FIELDS = {
  entries: {
    kind: "integer",
    min: 0,
    max: MAX_GEOMETRY_ENTRIES,
    required: true,
    description: "entries (or lines); 0 turns the structure off",
  },
  ways: {
    kind: "integer",
    min: 0,
    max: MAX_GEOMETRY_ENTRIES,
    required: true,
    description: "associativity: entries / ways sets, equal to entries when fully associative",
  },
} as const satisfies FieldsOf<Geometry>;

function geometryField(description: string): FieldSpec {
  return {
    kind: "object",
    fields: GEOMETRY_FIELDS,
    check: checkGeometry,
    required: true,
    description,
  };
}

function cycleField(description: string): FieldSpec {
  return { kind: "number", min: 0, required: true, unit: "cycles", description };
}

const HANDLER_FIELDS = Object.fromEntries(
  EXIT_REASON_NAMES.map((reason) => [reason, cycleField(`hypervisor work of one ${reason} exit`)]),
) as Record<ExitReasonName, FieldSpec>;

/**
 * The fields of a {@linkcode CostModel}: what a JSON profile may set, with
 * the unit and meaning of each. Every field is required; a JSON profile
 * takes the ones it leaves out from its base profile.
 */
export const COST_MODEL_FIELDS: FieldsOf<CostModel> & ConfigFields = {
  name: { kind: "string", required: true, description: "profile name" },
  description: {
    kind: "string",
    required: true,
    description: "one line saying which core this models",
  },
  clockGhz: {
    kind: "number",
    above: 0,
    required: true,
    unit: "GHz",
    description: "core clock, to turn cycles into time",
  },
  baseCyclesPerAccess: cycleField("non-memory work charged per access"),
  l1TlbHitCycles: cycleField("extra cycles of an L1 TLB hit over an untranslated access"),
  l2TlbHitCycles: cycleField("an L1 TLB miss that hits the L2 TLB"),
  walkCacheHitCycles: cycleField("a page-walk-cache lookup that hits"),
  pteCacheHitCycles: cycleField(
    "caches off: a walk reference whose PTE line is in the PTE data cache",
  ),
  pteMemoryCycles: cycleField("caches off: a walk reference that goes to memory"),
  nestedTlbHitCycles: cycleField("a nested-TLB hit in a 2-D walk"),
  vmExitCycles: cycleField(
    "the hardware round trip of one VM exit and entry: guest exit to guest resume, no hypervisor work (that is exitHandlerCycles)",
  ),
  exitHandlerCycles: {
    kind: "object",
    fields: HANDLER_FIELDS,
    required: true,
    description: "hypervisor handler work per exit reason",
  },
  guestPageFaultCycles: cycleField("the guest kernel handling one page fault"),
  pageCopyCycles: cycleField("copying one 4 KiB page in memory"),
  ipiRoundTripCycles: cycleField("one TLB-shootdown IPI to one target, natively"),
  shadowResyncPageCycles: cycleField("resynchronising one out-of-sync guest table page"),
  shadowPrefetchEntryCycles: cycleField("prefetching one more shadow entry on a hidden fault"),
  shadowPropagatePageCycles: cycleField(
    "copying one shadow table page's accessed/dirty flags to the guest",
  ),
  tlb: {
    kind: "object",
    fields: {
      l1_4k: geometryField("L1 data TLB for 4 KiB pages"),
      l1_2m: geometryField("L1 data TLB for 2 MiB pages"),
      l1_1g: geometryField("L1 data TLB for 1 GiB pages"),
      l2: geometryField("unified second-level TLB, holding every page size"),
    } satisfies FieldsOf<TlbGeometries>,
    required: true,
    description: "TLB geometry",
  },
  walkCache: geometryField("page-walk caches: entries per cached upper level"),
  nestedTlb: geometryField("nested TLB caching guest-physical → host-physical translations"),
  pteCache: geometryField(
    "caches off: data-cache capacity, in 64-byte lines, that walk references see",
  ),
  caches: {
    kind: "object",
    fields: {
      l1d: geometryField("private L1 data cache of each vCPU, in 64-byte lines"),
      l2: geometryField("private L2 of each vCPU, in 64-byte lines"),
      llc: geometryField(
        "the whole last-level cache the vCPUs share (a socket's, or a core complex's), in 64-byte lines",
      ),
      llcLinesPerVcpu: {
        kind: "integer",
        min: 0,
        max: MAX_GEOMETRY_ENTRIES,
        required: true,
        unit: "lines",
        description:
          "the share of the last-level cache one vCPU sees: a machine's LLC holds min(llc.entries, vCPUs × this) lines, in whole sets of llc.ways, the rest being other tenants' (set it to llc.entries for a machine alone on an idle socket)",
      },
      l1dHitCycles: cycleField("load-to-use latency of a line found in L1D"),
      l2HitCycles: cycleField("load-to-use latency of a line found in L2"),
      llcHitCycles: cycleField("load-to-use latency of a line found in the last-level cache"),
      dramCycles: cycleField("load-to-use latency of a line read from DRAM"),
      memoryLevelParallelism: {
        kind: "number",
        min: 1,
        max: 64,
        required: true,
        description:
          "independent data misses an out-of-order core keeps in flight: a data access served by L2, the LLC or DRAM is charged its latency divided by this (an L1D hit its whole latency); walk references are charged in full, since each entry of a walk gives the address of the next and the access waits for its translation",
      },
    } satisfies FieldsOf<CacheCosts>,
    check: checkCaches,
    required: true,
    description:
      "the cache hierarchy (caches on): per-vCPU L1D and L2, a shared last-level cache, DRAM; 64-byte lines, true LRU, fill on miss into every level",
  },
  bus: {
    kind: "object",
    fields: BUS_COST_FIELDS,
    required: true,
    description:
      "the partition bus: signalling hypercalls, interrupt delivery, remapping pages between partitions, TLB shootdowns, copies",
  },
};
