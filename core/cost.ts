/**
 * The cost model: how many cycles each modelled event costs, and the geometry
 * of the translation structures, for one real core. Named profiles carry the
 * source of every number in a comment; users may pass their own as JSON,
 * validated field by field by {@linkcode parseCostModel}.
 *
 * @module
 */

import { EXIT_REASON_COUNT, EXIT_REASON_NAMES } from "./virt/exit_reason.ts";
import {
  IPI_ROUND_TRIP_CYCLES,
  PREFETCH_ENTRY_CYCLES,
  PROPAGATE_PAGE_CYCLES,
  RESYNC_PAGE_CYCLES,
} from "./virt/hypervisor_work.ts";

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
 * import { exitCycleTable, getProfile } from "./cost.ts";
 * import { ExitReason } from "./virt/exit_reason.ts";
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

// Handler work is hypervisor software, so both profiles charge the same cycles
// for it; only the hardware round trip (vmExitCycles) differs by vendor. No
// primary per-reason measurement was found for most reasons: each line says
// whether its number is derived from a cited figure or is an estimate.
const HANDLER_CYCLES: Readonly<Record<string, number>> = {
  // Estimate: find or build the shadow root for the new CR3 (KVM caches roots
  // by role) and, without tagged TLBs, flush; Adams & Agesen, ASPLOS 2006, show
  // address-space switches among the costliest shadow-paging events, no cycles
  // taken from them.
  cr3_write: 1000,
  // Estimate: zap one shadow PTE and invalidate one page (INVLPG/INVVPID).
  invlpg: 500,
  // Estimate: decode and emulate the guest's store to a write-protected
  // page-table page, then update the shadow PTE; more work than write_protect,
  // which only unprotects and resumes.
  pt_write: 2500,
  // Estimate: software walk of the guest table (4 reads through the
  // hypervisor's map) and a shadow fill with PTE prefetch (KVM
  // PTE_PREFETCH_NUM = 8, shared/REFERENCES.md).
  hidden_fault: 1500,
  // Estimate: inject #PF into the guest (event-injection fields of the
  // VMCS/VMCB); the guest's own handling is guestPageFaultCycles.
  guest_fault: 500,
  // Estimate: EPT violation / NPF: find the host page for the guest-physical
  // page and install the host (EPT/NPT) entry; page zeroing not included.
  nested_fault: 2000,
  // Estimate: emulate the APIC ICR write and kick the target vCPU with a host
  // IPI; kvm-unit-tests x86/vmexit.c `ipi` measures this path per machine, no
  // number reached.
  ipi: 1500,
  // Estimate: dispatch of a paravirtual hypercall beyond the round trip
  // (kvm-unit-tests `vmcall` measures only the round trip).
  hypercall: 300,
  // Derived estimate: a write-protect fault costs > 4,000 cycles and a 4 KiB
  // copy about 500 (Vogt et al., "Speculative Memory Checkpointing",
  // Middleware 2015, via shared/references/vm-state.md §2, secondary);
  // 4,000 - 2,000 (Intel exit round trip, below) - 500 (copy, charged
  // separately as pageCopyCycles) = 1,500.
  write_protect: 1500,
  // Estimate: drain the 512 logged GPAs of a full PML buffer (Intel PML, one
  // exit per 512 dirty pages, vm-state.md §6) into the dirty bitmap at about
  // 10 cycles each: 512 × 10 = 5,120. PML is an Intel VT-x feature; on AMD
  // the number only matters if an experiment models PML there anyway.
  pml_full: 5120,
  // Estimate: decode a doorbell / port write and hand it to the device model
  // (ioeventfd-style); SplitX (WIOV 2011) notes handling costs can exceed the
  // ~2,000-cycle direct exit cost, no per-reason cycles given.
  io: 2000,
  // Estimate: serve a request on the way back into the guest: a single-context
  // TLB flush (INVEPT/INVVPID) or draining a partly filled PML buffer (at most
  // 511 entries at the 10 cycles each that pml_full assumes). No primary
  // measurement was found; about a fifth of a full PML drain.
  kick: 1000,
};

// Both constants below are used by the two profiles; see their comments.
// Derived estimate: a demand-paging fault path without the data copy: the
// > 4,000-cycle write-protect (CoW) fault minus its ≈ 500-cycle page copy
// (Vogt et al., Middleware 2015, via vm-state.md §2, secondary) = 3,500.
const GUEST_PAGE_FAULT_CYCLES = 3500;
// ≈ 500 cycles to copy a 4 KiB page (Vogt et al., Middleware 2015, via
// vm-state.md §2 and §6, secondary; no per-core figure found).
const PAGE_COPY_CYCLES = 500;

const INTEL_SKYLAKE_SP: CostModel = {
  name: "intel-skylake-sp",
  description: "Intel Skylake-SP server core (Xeon Platinum 8176, 2.1 GHz), VT-x with EPT",
  // Xeon Platinum 8176 base clock. AnandTech, "Sizing Up Servers: Intel's
  // Skylake-SP Xeon versus AMD's EPYC 7000" (2017), memory-latency page,
  // lists Skylake-SP L3 at 25-27 ns "(+/- 55 cycles)", i.e. ≈ 2.1 GHz.
  clockGhz: 2.1,
  // Modelling choice, not a hardware number: one cycle of other work per
  // access keeps compute from hiding translation effects; override per workload.
  baseCyclesPerAccess: 1,
  // The L1 DTLB is probed in parallel with the VIPT L1D; the 4-cycle L1D
  // load-to-use latency (AnandTech Skylake-X review, 2017, cache table)
  // already includes it. shared/REFERENCES.md: "adds 0-1 cycle".
  l1TlbHitCycles: 0,
  // STLB hit about 7-9 cycles on Skylake (shared/REFERENCES.md, from 7-cpu.com
  // and Chips and Cheese); upper end taken. ChampSim's Skylake-like default
  // STLB (128 sets × 12 ways) uses 8.
  l2TlbHitCycles: 9,
  // Estimate: Intel publishes no paging-structure-cache latency (SDM Vol. 3A
  // §4.10.3 describes the PML4/PDPTE/PDE caches without sizes or timing); a
  // small CAM probe of about two cycles.
  walkCacheHitCycles: 2,
  // The PTE cache models the private L2 (see pteCache); Skylake-SP L2 hit
  // 14 cycles (AnandTech 2017 Skylake-SP vs EPYC, lmbench: 14-22; lower bound).
  // Walks that miss L2 but hit the L3 (≈ 55 cycles, same source) are charged
  // as memory: pessimistic for large page-table footprints.
  pteCacheHitCycles: 14,
  // Derived: DRAM 89-91 ns (AnandTech 2017, lmbench, 384-512 MB) × 2.1 GHz
  // ≈ 90 × 2.1 = 189 cycles.
  pteMemoryCycles: 189,
  // Estimate: Intel caches guest-physical and combined EPT mappings without
  // publishing a separate nested-TLB latency; taken equal to a walk-cache probe.
  nestedTlbHitCycles: 2,
  // ≈ 2,000 cycles direct cost of a VM exit and entry: Landau, Ben-Yehuda,
  // Gordon, "SplitX", WIOV 2011 (Xeon X5570, KVM with EPT); newer Intel
  // generations not measured in any source reached.
  vmExitCycles: 2000,
  exitHandlerCycles: HANDLER_CYCLES,
  guestPageFaultCycles: GUEST_PAGE_FAULT_CYCLES,
  pageCopyCycles: PAGE_COPY_CYCLES,
  // The four below are estimates; virt/hypervisor_work.ts says what each rests on.
  ipiRoundTripCycles: IPI_ROUND_TRIP_CYCLES,
  shadowResyncPageCycles: RESYNC_PAGE_CYCLES,
  shadowPrefetchEntryCycles: PREFETCH_ENTRY_CYCLES,
  shadowPropagatePageCycles: PROPAGATE_PAGE_CYCLES,
  tlb: {
    // Intel Optimization Reference Manual 248966-045 (Feb 2022), Table 2-15
    // describes the Skylake TLBs, the same in the server core (J. McCalpin,
    // Intel community forum "TLB information provided by cpuid", 2022; the
    // forum text reached stops before the DTLB rows). Values as CPUID leaf 2
    // of a Cascade Lake (Skylake-SP core) Xeon Gold 6252 reports them
    // (gz/rust-cpuid src/tests/xeon_gold_6252.rs): 4K 64 entries 4-way,
    // 2M/4M 32 entries 4-way, 1G 4 entries 4-way; AnandTech Skylake-X review
    // (2017) agrees on the 4K L1 DTLB.
    l1_4k: { entries: 64, ways: 4 },
    l1_2m: { entries: 32, ways: 4 },
    // 4 entries, 4-way: fully associative.
    l1_1g: { entries: 4, ways: 4 },
    // STLB 1536 entries 12-way for 4K/2M (same manual table; AnandTech
    // Skylake-X review 2017: "1536-entry 12-way"). CPUID leaf 2 descriptor
    // 0xC3 says 6-way; the manual's 12 is used. The separate 16-entry 4-way
    // 1G STLB has no place in this model's single unified L2.
    l2: { entries: 1536, ways: 12 },
  },
  // Estimate: sizes unpublished (SDM Vol. 3A §4.10.3; Barr, Cox, Rixner,
  // "Translation Caching: Skip, Don't Walk (the Page Table)", ISCA 2010,
  // compare Intel's and AMD's designs without sizes). 32 entries 8-way per
  // level, after ChampSim's default PD-level cache (4 sets × 8 ways); its
  // higher levels are smaller (1×2, 1×4, 2×4).
  walkCache: { entries: 32, ways: 8 },
  // Estimate: no nested-TLB size is published; 16 entries, fully associative.
  nestedTlb: { entries: 16, ways: 16 },
  // The private L2 as the cache walk references see: 1 MiB 16-way = 16,384
  // 64-byte lines (CPUID leaf 4 of Xeon Gold 6252: 1024 sets × 16 ways;
  // AnandTech Skylake-X review: 1 MB 16-way). Data competes for it in
  // hardware, so this is an upper bound on PTE capacity.
  pteCache: { entries: 16384, ways: 16 },
};

const AMD_ZEN3: CostModel = {
  name: "amd-zen3",
  description: "AMD Zen 3 server core (EPYC 7763 Milan, 2.45 GHz), SVM with nested paging",
  // EPYC 7763 base clock, AMD product specifications (2.45 GHz base,
  // 3.5 GHz boost); recalled, not re-read when this profile was written.
  clockGhz: 2.45,
  // Modelling choice, not a hardware number (same as intel-skylake-sp).
  baseCyclesPerAccess: 1,
  // L1 DTLB probed in parallel with the VIPT L1D (shared/REFERENCES.md:
  // "adds 0-1 cycle").
  l1TlbHitCycles: 0,
  // Estimate: no Zen 3 L2 DTLB hit latency was reached; the low end of the
  // 7-9 cycles shared/REFERENCES.md gives for a second-level TLB hit.
  l2TlbHitCycles: 7,
  // Estimate: AMD publishes no page-walk-cache latency (same as Intel's estimate).
  walkCacheHitCycles: 2,
  // The PTE cache models the private L2 (see pteCache): 12 cycles. EPYC 7601
  // (Zen 1) L2 measured 12 cycles (AnandTech 2017 Skylake-SP vs EPYC,
  // lmbench); Chips and Cheese, "Deep Diving Zen 3 V-Cache" (2022): "AMD has
  // kept the same L1 and L2 for all released generations of Zen".
  pteCacheHitCycles: 12,
  // Derived estimate: no Milan DRAM latency was reached; EPYC 7601 (Zen 1,
  // same chiplet-and-IO-die design class) measured 96-98 ns (AnandTech 2017
  // Skylake-SP vs EPYC, lmbench) × 2.45 GHz ≈ 97 × 2.45 = 238 cycles.
  pteMemoryCycles: 238,
  // Estimate: AMD's nested-TLB latency is unpublished; equal to a walk-cache probe.
  nestedTlbHitCycles: 2,
  // AMD SVM VMRUN → #VMEXIT round trip about 1,340-1,380 cycles (Linux kernel
  // mailing list, Dec 2020, lkml.iu.edu hypermail/linux/kernel/2012.2/00527;
  // shared/references/vm-state.md §5, tag V); midpoint taken.
  vmExitCycles: 1360,
  exitHandlerCycles: HANDLER_CYCLES,
  guestPageFaultCycles: GUEST_PAGE_FAULT_CYCLES,
  pageCopyCycles: PAGE_COPY_CYCLES,
  // The four below are estimates; virt/hypervisor_work.ts says what each rests on.
  ipiRoundTripCycles: IPI_ROUND_TRIP_CYCLES,
  shadowResyncPageCycles: RESYNC_PAGE_CYCLES,
  shadowPrefetchEntryCycles: PREFETCH_ENTRY_CYCLES,
  shadowPropagatePageCycles: PROPAGATE_PAGE_CYCLES,
  tlb: {
    // One 64-entry fully associative L1 DTLB for 4K, 2M and 1G pages (AMD
    // Software Optimization Guide for Family 19h, via shared/REFERENCES.md;
    // Chips and Cheese Zen 3 V-Cache article: "Zen 3 has a 64 entry L1
    // DTLB"; CPUID 0x80000005/0x80000019 of a Zen 2 Ryzen 5 3600X: 64
    // entries, fully associative, per page size, gz/rust-cpuid
    // src/tests/ryzen_matisse.rs). This model keeps one L1 per page size, so
    // mixed-size workloads see up to 3 × 64 entries here: an overstatement.
    l1_4k: { entries: 64, ways: 64 },
    l1_2m: { entries: 64, ways: 64 },
    l1_1g: { entries: 64, ways: 64 },
    // L2 DTLB 2,048 entries for 4K/2M, 1G pages smashed into 2M entries (AMD
    // Software Optimization Guide for Family 19h, via shared/REFERENCES.md).
    // Associativity is an estimate: CPUID 0x80000006 of Zen 2 (same 2,048
    // entries) reports 8-way for 4K (gz/rust-cpuid ryzen_matisse.rs), assumed
    // unchanged in Zen 3.
    l2: { entries: 2048, ways: 8 },
  },
  // Estimate: AMD's page walk cache size is unpublished for Zen 3 (Zen's L2
  // DTLB also holds PDEs, WikiChip Zen 2 page); same 32 × 8-way estimate as
  // intel-skylake-sp, so the profiles differ only where sources differ.
  walkCache: { entries: 32, ways: 8 },
  // Estimate: no nested-TLB size is published; 16 entries, fully associative.
  nestedTlb: { entries: 16, ways: 16 },
  // The private L2: 512 KiB 8-way = 8,192 64-byte lines (CPUID 0x8000001D of
  // Zen 2: 1024 sets × 8 ways, gz/rust-cpuid ryzen_matisse.rs; unchanged in
  // Zen 3 per Chips and Cheese above). Upper bound, as for Intel.
  pteCache: { entries: 8192, ways: 8 },
};

function freezeCostModel(model: CostModel): CostModel {
  Object.freeze(model.exitHandlerCycles);
  Object.freeze(model.tlb.l1_4k);
  Object.freeze(model.tlb.l1_2m);
  Object.freeze(model.tlb.l1_1g);
  Object.freeze(model.tlb.l2);
  Object.freeze(model.tlb);
  Object.freeze(model.walkCache);
  Object.freeze(model.nestedTlb);
  Object.freeze(model.pteCache);
  return Object.freeze(model);
}

/**
 * The named cost profiles, keyed by name. Frozen: use {@linkcode getProfile}
 * for a copy you may change. Every number carries its source in a comment in
 * this file; numbers marked "estimate" there have no primary source.
 */
export const PROFILES: Readonly<Record<string, CostModel>> = Object.freeze({
  "intel-skylake-sp": freezeCostModel(INTEL_SKYLAKE_SP),
  "amd-zen3": freezeCostModel(AMD_ZEN3),
});

/** Name of the profile used when none is named, and the default `base` of a JSON profile. */
export const DEFAULT_PROFILE: string = "intel-skylake-sp";

/**
 * Names of the named cost profiles, sorted.
 *
 * @returns The keys of {@linkcode PROFILES}, in alphabetical order.
 *
 * @example Listing the profiles
 * ```ts
 * import { profileNames } from "./cost.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(profileNames(), ["amd-zen3", "intel-skylake-sp"]);
 * ```
 */
export function profileNames(): string[] {
  return Object.keys(PROFILES).sort();
}

/**
 * A copy of a named cost profile.
 *
 * @param name A profile name, e.g. `amd-zen3`.
 * @returns A fresh, mutable copy of the profile.
 * @throws {CostModelError} If no profile has that name; the message lists the known names.
 *
 * @example Looking up a profile
 * ```ts
 * import { getProfile } from "./cost.ts";
 * import assert from "node:assert/strict";
 *
 * const zen3 = getProfile("amd-zen3");
 * assert.equal(zen3.tlb.l2.entries, 2048);
 * assert.throws(() => getProfile("zen9"), /known profiles: amd-zen3, intel-skylake-sp/);
 * ```
 */
export function getProfile(name: string): CostModel {
  if (!Object.hasOwn(PROFILES, name)) {
    throw new CostModelError(
      name,
      undefined,
      `no such profile; known profiles: ${knownProfiles()}`,
    );
  }
  return cloneCostModel(PROFILES[name]);
}

function knownProfiles(): string {
  return profileNames().join(", ");
}

function cloneGeometry(g: Geometry): Geometry {
  return { entries: g.entries, ways: g.ways };
}

function cloneCostModel(m: CostModel): CostModel {
  const handlers: Record<string, number> = {};
  for (const reason of Object.keys(m.exitHandlerCycles)) {
    handlers[reason] = m.exitHandlerCycles[reason];
  }
  return {
    name: m.name,
    description: m.description,
    clockGhz: m.clockGhz,
    baseCyclesPerAccess: m.baseCyclesPerAccess,
    l1TlbHitCycles: m.l1TlbHitCycles,
    l2TlbHitCycles: m.l2TlbHitCycles,
    walkCacheHitCycles: m.walkCacheHitCycles,
    pteCacheHitCycles: m.pteCacheHitCycles,
    pteMemoryCycles: m.pteMemoryCycles,
    nestedTlbHitCycles: m.nestedTlbHitCycles,
    vmExitCycles: m.vmExitCycles,
    exitHandlerCycles: handlers,
    guestPageFaultCycles: m.guestPageFaultCycles,
    pageCopyCycles: m.pageCopyCycles,
    ipiRoundTripCycles: m.ipiRoundTripCycles,
    shadowResyncPageCycles: m.shadowResyncPageCycles,
    shadowPrefetchEntryCycles: m.shadowPrefetchEntryCycles,
    shadowPropagatePageCycles: m.shadowPropagatePageCycles,
    tlb: {
      l1_4k: cloneGeometry(m.tlb.l1_4k),
      l1_2m: cloneGeometry(m.tlb.l1_2m),
      l1_1g: cloneGeometry(m.tlb.l1_1g),
      l2: cloneGeometry(m.tlb.l2),
    },
    walkCache: cloneGeometry(m.walkCache),
    nestedTlb: cloneGeometry(m.nestedTlb),
    pteCache: cloneGeometry(m.pteCache),
  };
}

// Cycle counts: finite and >= 0. clockGhz is checked apart because it divides.
const CYCLE_FIELDS = [
  "baseCyclesPerAccess",
  "l1TlbHitCycles",
  "l2TlbHitCycles",
  "walkCacheHitCycles",
  "pteCacheHitCycles",
  "pteMemoryCycles",
  "nestedTlbHitCycles",
  "vmExitCycles",
  "guestPageFaultCycles",
  "pageCopyCycles",
  "ipiRoundTripCycles",
  "shadowResyncPageCycles",
  "shadowPrefetchEntryCycles",
  "shadowPropagatePageCycles",
] as const satisfies readonly (keyof CostModel)[];

const GEOMETRY_FIELDS = [
  "walkCache",
  "nestedTlb",
  "pteCache",
] as const satisfies readonly (keyof CostModel)[];

const TLB_FIELDS = [
  "l1_4k",
  "l1_2m",
  "l1_1g",
  "l2",
] as const satisfies readonly (keyof TlbGeometries)[];

const TOP_LEVEL_FIELDS: readonly string[] = [
  "base",
  "name",
  "description",
  "clockGhz",
  ...CYCLE_FIELDS,
  "exitHandlerCycles",
  "tlb",
  ...GEOMETRY_FIELDS,
];

const GEOMETRY_KEYS: readonly string[] = ["entries", "ways"];

// Typed arrays are sized from geometry at build time; this keeps a typo such
// as 1e12 entries a user error instead of an out-of-memory crash.
const MAX_GEOMETRY_ENTRIES = 1 << 24;

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case "number":
      return String(value);
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof value}`;
  }
}

// Walks one JSON profile; holds the source so every error names it.
class ProfileReader {
  constructor(readonly source: string) {}

  fail(field: string | undefined, problem: string): never {
    throw new CostModelError(this.source, field, problem);
  }

  object(value: unknown, field: string): JsonObject {
    if (!isObject(value)) this.fail(field, `expected an object, got ${describeValue(value)}`);
    return value;
  }

  onlyKnown(obj: JsonObject, known: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) {
        this.fail(join(path, key), `unknown field; known fields: ${known.join(", ")}`);
      }
    }
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string" || value.length === 0) {
      this.fail(field, `expected a non-empty string, got ${describeValue(value)}`);
    }
    return value;
  }

  cycles(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      this.fail(field, `expected a non-negative number, got ${describeValue(value)}`);
    }
    return value;
  }

  positive(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      this.fail(field, `expected a positive number, got ${describeValue(value)}`);
    }
    return value;
  }

  count(value: unknown, field: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      this.fail(field, `expected a non-negative integer, got ${describeValue(value)}`);
    }
    if (value > MAX_GEOMETRY_ENTRIES) {
      this.fail(field, `expected at most ${MAX_GEOMETRY_ENTRIES}, got ${value}`);
    }
    return value;
  }

  geometry(base: Geometry, value: unknown, path: string): Geometry {
    const obj = this.object(value, path);
    this.onlyKnown(obj, GEOMETRY_KEYS, path);
    const hasEntries = Object.hasOwn(obj, "entries");
    const hasWays = Object.hasOwn(obj, "ways");
    const entries = hasEntries ? this.count(obj.entries, `${path}.entries`) : base.entries;
    const ways = hasWays ? this.count(obj.ways, `${path}.ways`) : base.ways;
    if (entries !== 0 && (ways === 0 || entries % ways !== 0)) {
      // Blame the field the user wrote; if both, the ways.
      if (hasWays || !hasEntries) {
        this.fail(
          `${path}.ways`,
          `expected a number of ways dividing entries (${entries}), got ${ways}`,
        );
      }
      this.fail(`${path}.entries`, `expected a multiple of ways (${ways}), got ${entries}`);
    }
    return { entries, ways };
  }

  handlers(base: Record<string, number>, value: unknown, path: string): Record<string, number> {
    const obj = this.object(value, path);
    this.onlyKnown(obj, HANDLER_REASONS, path);
    const out: Record<string, number> = {};
    for (const reason of HANDLER_REASONS) {
      out[reason] = Object.hasOwn(obj, reason)
        ? this.cycles(obj[reason], `${path}.${reason}`)
        : base[reason];
    }
    return out;
  }

  tlb(base: TlbGeometries, value: unknown, path: string): TlbGeometries {
    const obj = this.object(value, path);
    this.onlyKnown(obj, TLB_FIELDS, path);
    const out = {
      l1_4k: cloneGeometry(base.l1_4k),
      l1_2m: cloneGeometry(base.l1_2m),
      l1_1g: cloneGeometry(base.l1_1g),
      l2: cloneGeometry(base.l2),
    };
    for (const key of TLB_FIELDS) {
      if (Object.hasOwn(obj, key)) out[key] = this.geometry(base[key], obj[key], `${path}.${key}`);
    }
    return out;
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Validates a user's JSON cost profile, field by field, and merges it over a
 * named base profile.
 *
 * The profile may be partial. `"base"` names the profile it starts from
 * (default {@linkcode DEFAULT_PROFILE}); every other field overrides the
 * base's, and nested objects (`tlb`, `tlb.l2`, `walkCache`,
 * `exitHandlerCycles`, ...) merge field by field. Cycle counts must be finite
 * and non-negative, `clockGhz` positive, geometry `entries` and `ways`
 * non-negative integers (at most 2^24) whose ways divide the entries unless
 * entries is 0 (structure disabled). `name` defaults to the base's name when
 * nothing else is given, else to `<base>+<source>`, so results computed with
 * changed numbers never carry a stock profile's name.
 *
 * @param json The parsed JSON value (e.g. from `JSON.parse`).
 * @param source Where it came from (a file name), used in error messages.
 * @returns A complete, fresh {@linkcode CostModel}.
 * @throws {CostModelError} On an unknown field or an invalid value; the one-line
 * message names `source` and the field path.
 *
 * @example Overriding one TLB of the AMD profile
 * ```ts
 * import { parseCostModel } from "./cost.ts";
 * import assert from "node:assert/strict";
 *
 * const model = parseCostModel({ base: "amd-zen3", tlb: { l2: { ways: 16 } } }, "my.json");
 * assert.deepEqual(model.tlb.l2, { entries: 2048, ways: 16 });
 * assert.equal(model.name, "amd-zen3+my.json");
 *
 * assert.throws(
 *   () => parseCostModel({ tlb: { l2: { ways: -3 } } }, "my.json"),
 *   {
 *     message:
 *       'Cannot use cost profile "my.json": field "tlb.l2.ways": expected a non-negative integer, got -3',
 *   },
 * );
 * ```
 */
export function parseCostModel(json: unknown, source: string): CostModel {
  // Annotated so that read.fail() (returns never) narrows `json` below.
  const read: ProfileReader = new ProfileReader(source);
  if (!isObject(json)) read.fail(undefined, `expected a JSON object, got ${describeValue(json)}`);
  read.onlyKnown(json, TOP_LEVEL_FIELDS, "");

  const baseName = Object.hasOwn(json, "base") ? read.string(json.base, "base") : DEFAULT_PROFILE;
  if (!Object.hasOwn(PROFILES, baseName)) {
    read.fail("base", `expected one of the known profiles (${knownProfiles()}), got "${baseName}"`);
  }
  const base = PROFILES[baseName];
  const out = cloneCostModel(base);

  const overrides = Object.keys(json).filter((key) => key !== "base" && key !== "name");
  out.name = Object.hasOwn(json, "name")
    ? read.string(json.name, "name")
    : overrides.length === 0
    ? base.name
    : `${base.name}+${source}`;
  if (Object.hasOwn(json, "description")) {
    out.description = read.string(json.description, "description");
  }
  if (Object.hasOwn(json, "clockGhz")) out.clockGhz = read.positive(json.clockGhz, "clockGhz");
  for (const key of CYCLE_FIELDS) {
    if (Object.hasOwn(json, key)) out[key] = read.cycles(json[key], key);
  }
  if (Object.hasOwn(json, "exitHandlerCycles")) {
    out.exitHandlerCycles = read.handlers(
      base.exitHandlerCycles,
      json.exitHandlerCycles,
      "exitHandlerCycles",
    );
  }
  if (Object.hasOwn(json, "tlb")) out.tlb = read.tlb(base.tlb, json.tlb, "tlb");
  for (const key of GEOMETRY_FIELDS) {
    if (Object.hasOwn(json, key)) out[key] = read.geometry(base[key], json[key], key);
  }
  return out;
}
