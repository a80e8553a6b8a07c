import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/sim_cli.ts";
import { captureMain, oneLine, type Output } from "./_cli.ts";

function sim(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

const RUN = ["--workload", "random", "--accesses", "20000", "--footprint", "256M"];

Deno.test("sim --json reports data cycles, references by serving level and the translation share", async () => {
  const { code, out, err } = await sim([...RUN, "--mode", "nested", "--json"]);
  assert.equal(code, 0, err);
  const { config, counters: c, cycles, derived, cache_hierarchy: h } = JSON.parse(out);
  assert.equal(config.caches, true, "caches are on by default");
  assert.ok(cycles.data > 0);
  assert.equal(c.data_l1d + c.data_l2 + c.data_llc + c.data_dram, c.data_refs);
  assert.equal(c.data_refs, c.accesses, "8-byte aligned accesses read one line each");
  assert.equal(c.walk_refs_l1d + c.walk_refs_l2 + c.walk_refs_llc + c.walk_refs_dram, c.walk_refs);
  assert.equal(c.walk_refs_dram, c.walk_refs_memory);
  const translation = cycles.l1_tlb + cycles.l2_tlb + cycles.walk_cache + cycles.walk_pte_cache +
    cycles.walk_memory + cycles.nested_tlb;
  assert.equal(derived.translation_share, translation / cycles.total);
  assert.equal(derived.data_share, cycles.data / cycles.total);
  assert.equal(h.memoryLevelParallelism, 2);
  assert.equal(h.llc_lines, 22528, "one vCPU's share of the Skylake-SP L3");
});

Deno.test("sim --caches off is the translation-only model: no data charged, the PTE cache serves walks", async () => {
  const { code, out, err } = await sim([...RUN, "--caches", "off", "--json"]);
  assert.equal(code, 0, err);
  const { config, counters: c, cycles, cache_hierarchy } = JSON.parse(out);
  assert.equal(config.caches, false);
  assert.equal(cycles.data, 0);
  assert.equal(c.data_refs, 0);
  assert.equal(c.walk_refs_l1d + c.walk_refs_l2 + c.walk_refs_llc + c.walk_refs_dram, 0);
  assert.equal(c.walk_refs_pte_cache + c.walk_refs_memory, c.walk_refs);
  assert.equal(cache_hierarchy, undefined);
});

Deno.test("sim's table states the cache hierarchy and its memory-level-parallelism rule", async () => {
  const on = await sim([...RUN, "--profile", "amd-zen3"]);
  assert.equal(on.code, 0, on.err);
  assert.match(
    on.out,
    /caches {4}L1D 32 KiB 8-way 4 c, L2 512 KiB 8-way 12 c, LLC 4 MiB 16-way 42 c \(of 32 MiB\), DRAM 238 c; data misses ÷ MLP 2, walk references in full/,
  );
  assert.match(on.out, /\n {2}data {2,}[\d,.]+ +[\d.]+ %/);
  assert.match(on.out, /\n {2}translation_share {2,}0\.\d+/);
  const off = await sim([...RUN, "--caches", "off"]);
  assert.match(off.out, /caches {4}off \(translation only\)/);
});

Deno.test("sim --caches takes on or off, in one line", async () => {
  const { code, err } = await sim([...RUN, "--caches", "maybe"]);
  assert.equal(code, 2);
  assert.match(oneLine(err), /--caches/);
});
