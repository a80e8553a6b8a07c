// The MMU with the machine's caches on: every data access goes through the
// vCPU's L1D, L2, the shared LLC and DRAM after its translation, and walk
// references compete for the same caches.
import assert from "node:assert/strict";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

// TEST_PROFILE caches: L1D 4, L2 10, LLC 40, DRAM 100 cycles; MLP 2, so a data
// access costs 4, 5, 20 or 50 and a walk reference 4, 10, 40 or 100.

Deno.test("cycles are charged exactly on a hand-checked native run with caches on", () => {
  const machine = buildMachine({}, TEST_PROFILE);
  const mmu = machine.vcpus[0].mmu;
  // Cold: 4 walk references from DRAM, the data line from DRAM.
  mmu.access(0x10000, 0, 8, AccessKind.LOAD, 0);
  // L1 TLB hit; the same data line: L1D.
  mmu.access(0x10000, 8, 8, AccessKind.LOAD, 0);
  // L2 lookup, PDE cache hit and one reference to the PTE line the first walk
  // left in L1D (entries 0 and 1 share it); a new data line from DRAM.
  mmu.access(0x10001, 0, 8, AccessKind.LOAD, 0);
  const { cycles, counters } = machine.report();
  assert.equal(cycles.compute, 3);
  assert.equal(cycles.l2_tlb, 20);
  assert.equal(cycles.walk_cache, 2);
  assert.equal(cycles.walk_memory, 400);
  assert.equal(cycles.walk_pte_cache, 4);
  assert.equal(cycles.data, 50 + 4 + 50);
  assert.equal(cycles.total, 3 + 20 + 2 + 400 + 4 + 104);
  assert.deepEqual(
    [
      counters.walk_refs_l1d,
      counters.walk_refs_l2,
      counters.walk_refs_llc,
      counters.walk_refs_dram,
    ],
    [1, 0, 0, 4],
  );
  assert.equal(counters.walk_refs_pte_cache, 1, "served by a cache");
  assert.equal(counters.walk_refs_memory, 4, "served by DRAM");
  assert.deepEqual(
    [
      counters.data_refs,
      counters.data_l1d,
      counters.data_l2,
      counters.data_llc,
      counters.data_dram,
    ],
    [3, 1, 0, 0, 2],
  );
});

Deno.test("an access reads every line its bytes touch, in both pages when it straddles", () => {
  const machine = buildMachine({}, TEST_PROFILE);
  const mmu = machine.vcpus[0].mmu;
  mmu.access(0x10000, 60, 8, AccessKind.LOAD, 0); // lines 0 and 1
  assert.equal(machine.report().counters.data_refs, 2);
  mmu.access(0x10000, 4092, 8, AccessKind.STORE, 0); // line 63, then line 0 of the next page
  const { counters } = machine.report();
  assert.equal(counters.page_straddles, 1);
  assert.equal(counters.data_refs, 4);
  assert.equal(counters.data_dram, 4);
  // The next page's line 0 is now cached.
  mmu.access(0x10001, 0, 8, AccessKind.LOAD, 0);
  assert.equal(machine.report().counters.data_l1d, 1);
});

Deno.test("caches are physically indexed: two pages on one frame share lines", () => {
  const machine = buildMachine({ guest: "os" }, TEST_PROFILE);
  const os = machine.os!;
  os.event(1, 0, 1, 0, 0); // spawn pid 1
  os.event(5, 0, 1, 0, 0); // run it on vCPU 0
  const vcpu = machine.vcpus[0];
  const frame = vcpu.access(0x10000, 1, 128);
  os.event(3, 0, 1, 0, 2); // fork child 2: its page 0x10000 is the parent's frame, copy-on-write
  os.event(5, 0, 2, 0, 0); // run the child
  const before = machine.report().counters;
  assert.equal(vcpu.access(0x10000, 0, 128), frame, "the child reads the parent's frame");
  const after = machine.report().counters;
  assert.equal(after.data_refs - before.data_refs, 1);
  assert.equal(after.data_dram - before.data_dram, 0, "the line is cached under the frame");
});

Deno.test("the guest OS's accesses read the line at their offset", () => {
  const machine = buildMachine({ platform: "nested", guest: "os" }, TEST_PROFILE);
  const os = machine.os!;
  os.event(1, 0, 1, 0, 0);
  os.event(5, 0, 1, 0, 0);
  const vcpu = machine.vcpus[0];
  vcpu.access(0x10000, 0, 0);
  vcpu.access(0x10000, 0, 64);
  vcpu.access(0x10000, 0, 64);
  const { counters } = machine.report();
  assert.equal(counters.data_refs, 3);
  assert.equal(counters.data_dram, 2, "lines 0 and 1 of the page");
  assert.equal(counters.data_l1d, 1);
});

Deno.test("the vCPUs share the last-level cache but not L1D or L2", () => {
  const machine = buildMachine({ vcpus: 2 }, TEST_PROFILE);
  const [a, b] = machine.vcpus;
  a.mmu.access(0x10000, 0, 8, AccessKind.LOAD, 0);
  b.mmu.access(0x10000, 0, 8, AccessKind.LOAD, 0);
  assert.equal(b.stats.report().counters.data_llc, 1);
  assert.equal(b.stats.report().counters.walk_refs_llc, 4, "the page-table lines too");
});

Deno.test("with caches on and the PTE cache off, walk references go to DRAM and leave the caches alone", () => {
  const machine = buildMachine({ pteCache: false, walkCache: false }, TEST_PROFILE);
  const mmu = machine.vcpus[0].mmu;
  mmu.access(0x10000, 0, 8, AccessKind.LOAD, 0);
  mmu.flushAll();
  mmu.access(0x10000, 0, 8, AccessKind.LOAD, 0);
  const { counters, cycles } = machine.report();
  assert.equal(counters.walk_refs_dram, 8);
  assert.equal(cycles.walk_memory, 800);
  assert.equal(counters.data_l1d, 1, "data still cached");
});

Deno.test("caches off: no data reference is counted or charged", () => {
  const machine = buildMachine({ caches: false, guest: "os" }, TEST_PROFILE);
  const os = machine.os!;
  os.event(1, 0, 1, 0, 0);
  os.event(5, 0, 1, 0, 0);
  machine.vcpus[0].access(0x10000, 1, 8);
  machine.vcpus[0].mmu.access(0x20000, 4092, 8, AccessKind.LOAD, 1);
  const { counters, cycles } = machine.report();
  assert.equal(counters.data_refs, 0);
  assert.equal(cycles.data, 0);
  assert.equal(counters.walk_refs_l1d + counters.walk_refs_dram, 0);
});
