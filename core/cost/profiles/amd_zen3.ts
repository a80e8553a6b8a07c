/**
 * The `amd-zen3` cost profile.
 *
 * @module
 */

import { BUS_SOFTWARE_COSTS, SOFTWARE_COSTS } from "../hypervisor_work.ts";
import type { CostModel } from "../cost_model.ts";

/** The `amd-zen3` profile; every number cites its source. */
export const AMD_ZEN3: CostModel = {
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
  // The hardware round trip (the definition both profiles use: guest exit to
  // guest resume with no hypervisor work; handlers are charged apart): the
  // time KVM spends between just before VMRUN and just after #VMEXIT, read
  // with RDTSC, 1,344-1,376 cycles over four samples (a reply in an LKML
  // thread on saving SVM host state with VMSAVE/VMLOAD, Dec 2020,
  // lkml.iu.edu hypermail/linux/kernel/2012.2/00527; shared/references/
  // vm-state.md §5, tag V); midpoint taken. The CPU is not named; that it is
  // an AMD core of the Zen 2 / Zen 3 generation is an estimate from the date.
  // The same samples put a whole KVM_RUN ioctl at 2,528-2,576 cycles.
  vmExitCycles: 1360,
  // Software: the same in every profile (hypervisor_work.ts says what each rests on).
  ...SOFTWARE_COSTS,
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
  caches: {
    // L1D 32 KiB 8-way = 512 lines (CPUID 0x8000001D of Zen 2, gz/rust-cpuid
    // ryzen_matisse.rs; Chips and Cheese 2022: "AMD has kept the same L1 and L2
    // for all released generations of Zen"); 4-cycle load-to-use (AnandTech
    // 2019 Rome review, latency table: L1 4 cycles).
    l1d: { entries: 512, ways: 8 },
    // L2 512 KiB 8-way = 8,192 lines (as pteCache).
    l2: { entries: 8192, ways: 8 },
    // One core complex's L3, shared by its 8 cores: Zen 3 unified the two
    // 16 MB L3s of a chiplet into one 32 MB L3 (Chips and Cheese 2022; AnandTech
    // Milan review 2021: "all eight cores in the chiplet are connected"); a
    // vCPU never sees another chiplet's L3 as its own. 16-way is an estimate:
    // Zen's L3 reports 16 ways (hwloc lstopo of a Zen 1 Ryzen 3 1200, "L3Cache
    // size=4096KB linesize=64 ways=16"), assumed unchanged. 32 MiB = 524,288 lines.
    llc: { entries: 524288, ways: 16 },
    // One vCPU sees one core's share of its chiplet's L3, 32 MiB / 8 = 4 MiB =
    // 65,536 lines (4,096 sets of 16 ways), the other cores running other
    // tenants; 524288 for a vCPU alone on its chiplet. Modelling choice.
    llcLinesPerVcpu: 65536,
    l1dHitCycles: 4,
    // As pteCacheHitCycles: 12 cycles (AnandTech 2017, lmbench on EPYC 7601).
    l2HitCycles: 12,
    // Derived estimate: Zen 2's L3 about 34 cycles (AnandTech 2019 Rome review,
    // EPYC 7742, updated latency table) plus the 7-8 cycles Zen 3's unified
    // 32 MB L3 added (Chips and Cheese 2022) ≈ 42 cycles.
    llcHitCycles: 42,
    // As pteMemoryCycles: derived 238 cycles (EPYC 7601 DRAM 96-98 ns × 2.45 GHz).
    dramCycles: 238,
    // Estimate, the same as intel-skylake-sp's (see there): 2.
    memoryLevelParallelism: 2,
  },
  // The partition bus: software costs shared by every profile
  // (hypervisor_work.ts), then this core's.
  bus: {
    ...BUS_SOFTWARE_COSTS,
    // Derived estimate: KVM's halt-polling document (Documentation/virt/kvm/
    // halt-polling.rst): a trip through the scheduler is "a few
    // micro-seconds"; 3 µs × 2.45 GHz = 7,350 cycles.
    haltWakeCycles: 7350,
    // As intel-skylake-sp: no INVEPT/NPT flush latency was found; one INVLPG,
    // 260 cycles (Ingo Molnar, linux-mm, 8 Jun 2015; he notes INVLPG is slow
    // "on most Intel and AMD CPUs").
    tlbFlushCycles: 260,
    // Estimate: no Zen 3 in-cache copy rate was reached; intel-skylake-sp's
    // 0.0625 cycles/byte is taken (Zen 3 also stores one 256-bit vector per cycle).
    copyCyclesPerByte: 0.0625,
    // Secondary: an EPYC 7763 single thread reaches about 31 GB/s (a blog
    // summary of a published figure, vengineer.hatenablog.com, 2023-03-26);
    // read and write counted, about 15.5 GB/s of payload: 2.45 / 15.5 ≈ 0.16.
    copyDramCyclesPerByte: 0.16,
    // Estimate: AMD publishes no REP MOVSB start-up cost; intel-skylake-sp's 40.
    copySetupCycles: 40,
  },
};
