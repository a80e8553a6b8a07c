/**
 * The `intel-skylake-sp` cost profile.
 *
 * @module
 */

import { BUS_SOFTWARE_COSTS, SOFTWARE_COSTS } from "../hypervisor_work.ts";
import type { CostModel } from "../cost_model.ts";

/** The `intel-skylake-sp` profile; every number cites its source. */
export const INTEL_SKYLAKE_SP: CostModel = {
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
  // The hardware round trip, as in amd-zen3 (the definition: guest exit to
  // guest resume with no hypervisor work; handlers are charged apart).
  // Estimate: no round trip measured on Skylake-SP, or on any Intel core after
  // Nehalem, was reached (kvm-unit-tests x86/vmexit.c results, papers and
  // KVM patch threads were searched). The SVM VMRUN→#VMEXIT interval measured
  // on an AMD server core in 2020 (1,344-1,376 cycles; amd-zen3's source) is
  // taken for the Intel server core of the same era. The one Intel figure
  // reached, ≈ 2,000 cycles of direct exit cost (Landau, Ben-Yehuda, Gordon,
  // "SplitX", WIOV 2011, Xeon X5570 Nehalem, KVM with EPT), has the same
  // definition on a core four generations older; VMX transitions got faster
  // generation by generation up to Nehalem (VMware VROOM! blog, June 2009, a
  // graph whose numbers were not reached), so it is likely an upper bound.
  vmExitCycles: 1360,
  // Software: the same in every profile (hypervisor_work.ts says what each rests on).
  ...SOFTWARE_COSTS,
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
  caches: {
    // L1D 32 KiB 8-way = 512 lines, 4-cycle load-to-use (AnandTech, "The Intel
    // Skylake-X Review", 2017, cache table for Skylake-SP; the 2017 Skylake-SP
    // vs EPYC article measured 4 cycles with lmbench).
    l1d: { entries: 512, ways: 8 },
    // L2 1 MiB 16-way = 16,384 lines (same table; CPUID leaf 4 of a Xeon Gold
    // 6252: 1024 sets × 16 ways, gz/rust-cpuid src/tests/xeon_gold_6252.rs).
    l2: { entries: 16384, ways: 16 },
    // L3 of a 28-core Xeon Platinum 8176: 28 × 1.375 MiB = 38.5 MiB, 11-way,
    // non-inclusive (AnandTech Skylake-X review 2017: "L3 1.375 MB/core,
    // 11-way, non-inclusive"; AnandTech's 2019 Rome review lists the 28-core
    // Xeon 8280 of the same die at 38.5 MB): 630,784 lines.
    llc: { entries: 630784, ways: 11 },
    // One vCPU sees one core's slice, 1.375 MiB = 22,528 lines (2,048 sets of
    // 11 ways): a server runs a tenant on each of its 28 cores, and each core
    // brings one slice of the L3; the full 38.5 MiB is what a vCPU alone on an
    // idle socket would see. Modelling choice: set it to 630784 for that.
    llcLinesPerVcpu: 22528,
    l1dHitCycles: 4,
    // AnandTech 2017 Skylake-SP vs EPYC, lmbench: L2 14-22 cycles; lower bound.
    l2HitCycles: 14,
    // Same article: L3 (4-8 MB) 54-56 cycles on the Xeon 8176; midpoint.
    llcHitCycles: 55,
    // Derived: DRAM 89-91 ns (same article, lmbench, 384-512 MB) × 2.1 GHz
    // ≈ 90 × 2.1 = 189 cycles (as pteMemoryCycles).
    dramCycles: 189,
    // Estimate: out-of-order cores overlap independent misses. Chou, Fahs
    // and Abraham ("Microarchitecture optimizations for exploiting
    // memory-level parallelism", ISCA 2004, which defined MLP) report values
    // near 1 for in-order cores and up to a little over 3 for SPEC on
    // aggressive out-of-order designs (read in a secondary summary, not in
    // the paper). 2 is taken between them; a pointer chase has 1, a stream
    // of independent random loads more. Walk references are not divided.
    memoryLevelParallelism: 2,
  },
  // The partition bus: software costs shared by every profile
  // (hypervisor_work.ts), then this core's.
  bus: {
    ...BUS_SOFTWARE_COSTS,
    // Derived estimate: from an interrupt to a HLT-exited vCPU running again
    // when host halt-polling does not catch it: KVM's halt-polling document
    // (Documentation/virt/kvm/halt-polling.rst) puts the trip through the
    // scheduler polling saves at "a few micro-seconds"; 3 µs × 2.1 GHz =
    // 6,300 cycles (the host CPU's C-state exit not included).
    haltWakeCycles: 6300,
    // No INVEPT/INVVPID latency was found; taken equal to one INVLPG, 260
    // cycles in Ingo Molnar's measurements (linux-mm, 8 Jun 2015, "Re: [PATCH
    // 0/3] TLB flush multiple pages per IPI v5"; CPU not named; a CR3-write
    // full flush took 96). The refills after a flush are simulated.
    tlbFlushCycles: 260,
    // 4 cycles per 64 bytes = 0.0625 cycles/byte for lines in L1/L2: the Intel
    // Optimization Reference Manual §2.4.6 "REP String Enhancement" (as quoted
    // in a Q&A thread, not read directly, and written for an older core).
    copyCyclesPerByte: 0.0625,
    // AnandTech, "Sizing Up Servers: Intel's Skylake-SP Xeon versus AMD's EPYC
    // 7000" (2017), bandwidth page (read in translation): single-thread STREAM
    // on the Xeon 8176 reaches "only 12 GB/s"; a copy reads and writes, so
    // about 6 GB/s of payload: 2.1 / 6 ≈ 0.35 cycles/byte.
    copyDramCyclesPerByte: 0.35,
    // The ~35-40-cycle REP MOVS start-up (same manual section, same quote).
    copySetupCycles: 40,
  },
};
