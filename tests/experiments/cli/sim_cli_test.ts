import assert from "node:assert/strict";
import { parseTlbSpec } from "../../../experiments/cli/tlb_spec.ts";
import { UsageError } from "../../../experiments/cli/usage_error.ts";
import { withTempFile } from "../fixtures/temp_file.ts";
import { oneLine, type Output, runScript } from "./_cli.ts";

const SIM = new URL("../../../experiments/cli/sim_cli.ts", import.meta.url);

/** Runs `deno task sim` as a user would: a separate process, its exit code, stdout and stderr. */
function sim(args: string[], stdin?: string): Promise<Output> {
  return runScript(SIM, args, { stdin });
}

Deno.test("sim --json prints the configuration, counters, cycles and throughput", async () => {
  const { code, out, err } = await sim([
    "--workload",
    "random",
    "--accesses",
    "20000",
    "--footprint",
    "64M",
    "--mode",
    "nested",
    "--json",
  ]);
  assert.equal(code, 0, err);
  const report = JSON.parse(out);
  assert.equal(report.config.platform, "nested");
  for (
    const key of ["accesses", "l1_tlb_misses", "l2_tlb_misses", "walks", "walk_refs", "exits"]
  ) {
    assert.equal(typeof report.counters[key], "number", key);
  }
  assert.equal(report.counters.accesses, 20000);
  assert.equal(report.counters.exits, 0);
  assert.ok(report.counters.walk_refs >= report.counters.walks);
  assert.ok(report.cycles.total > 0);
  const parts = Object.entries(report.cycles).filter(([k]) => k !== "total");
  const sum = parts.reduce((s, [, v]) => s + (v as number), 0);
  assert.equal(sum, report.cycles.total, "the breakdown adds up to the total");
  assert.ok(report.throughput.accesses_per_second > 0);
});

Deno.test("sim with the same seed gives identical JSON counters and cycles", async () => {
  const args = ["--workload", "zipf", "--accesses", "30000", "--footprint", "256M", "--json"];
  const [a, b, c] = await Promise.all([
    sim([...args, "--seed", "7"]),
    sim([...args, "--seed", "7"]),
    sim([...args, "--seed", "8"]),
  ]);
  const ra = JSON.parse(a.out);
  const rb = JSON.parse(b.out);
  const rc = JSON.parse(c.out);
  assert.deepEqual(ra.counters, rb.counters);
  assert.deepEqual(ra.cycles, rb.cycles);
  assert.notDeepEqual(ra.counters, rc.counters, "another seed gives another stream");
});

Deno.test("sim reads a lackey trace from stdin and counts L, S and M as accesses", async () => {
  const trace = "I  04000000,3\n L 7ff000000,8\n S 7ff000008,8\n M 04001000,4\n";
  const { code, out, err } = await sim(["--trace", "-", "--json"], trace);
  assert.equal(code, 0, err);
  const report = JSON.parse(out);
  assert.equal(report.counters.accesses, 3);
  assert.equal(report.counters.writes, 2);
});

Deno.test("sim without --json prints a readable table", async () => {
  const { code, out } = await sim(["--accesses", "1000", "--footprint", "1M"]);
  assert.equal(code, 0);
  assert.match(out, /cycles/);
  assert.match(out, /total/);
  assert.match(out, /l2_tlb_misses/);
});

Deno.test("sim rejects bad input with one line and exit code 2", async (t) => {
  const cases: [string[], RegExp, string?][] = [
    [["--bogus"], /bogus/],
    [
      ["--mode", "paravirt"],
      /^sim: --mode: expected one of native, nested, shadow, got "paravirt"$/,
    ],
    [["--tlb", "l1-4k=64y4"], /l1-4k/],
    [["--tlb", "l3=64x4"], /l3/],
    [["--levels", "6"], /^sim: --levels: expected one of 4, 5, got 6$/],
    [["--footprint=-1M"], /-1M/],
    [["--footprint", "-1M"], /--footprint/],
    [["--accesses", "ten"], /^sim: --accesses: expected a positive integer, got "ten"$/],
    [
      ["--footprint", "lots"],
      /^sim: --footprint: expected a size from 4K to 4P \(.*\), got "lots"$/,
    ],
    [["--tlb", "l2=64x0"], /l2=64x0/],
    [
      ["--workload", "bigmem", "--footprint", "32K"],
      /^sim: --footprint: expected a size from 64K to 64G \(.*\), got 32K$/,
    ],
    [["--accesses", "-5"], /^sim: --accesses: expected a positive integer, got -5$/],
    [["--seed", "-1"], /^sim: --seed: expected a non-negative integer, got -1$/],
    [
      ["--footprint", "-64M"],
      /^sim: --footprint: expected a size from 4K to 4P \(.*\), got "-64M"$/,
    ],
    [["--bogus"], /^sim: unknown option "--bogus" \(see --help\)$/],
    [["--workload", "--json"], /^sim: --workload: expected a value, got the option "--json"/],
    [["--accesses"], /^sim: --accesses: expected a value after it$/],
    [["--json=yes"], /^sim: --json takes no value$/],
    [["--footprint", "2P"], /^sim: --footprint: 2P does not fit a 4-level address space of 256T/],
    [["--promote-pages", "8", "--mode", "nested"], /needs --host-policy "opportunistic\+promote"/],
    [["--trace", "-"], /^sim: --trace "stdin": the trace has no accesses$/, ""],
    [["--trace", "/nonexistent/trace.txt"], /\/nonexistent\/trace\.txt/],
    [["--trace", "-"], /line 2/, " L 1000,8\n X garbage\n"],
    [["--profile", "no-such-core"], /no-such-core/],
    [
      ["--workload", "nope"],
      /^sim: --workload: expected one of sequential, .*, threads, got "nope"$/,
    ],
  ];
  const results = await Promise.all(cases.map(([args, , stdin]) => sim(args, stdin)));
  for (let i = 0; i < cases.length; i++) {
    await t.step(cases[i][0].join(" "), () => {
      const { code, err } = results[i];
      assert.equal(code, 2, err);
      assert.match(oneLine(err), cases[i][1]);
    });
  }
});

Deno.test("sim rejects a JSON profile with a negative field, naming the field", async () => {
  await withTempFile(".json", JSON.stringify({ l2TlbHitCycles: -3 }), async (path) => {
    const { code, err } = await sim(["--profile", path, "--accesses", "10"]);
    assert.equal(code, 2, err);
    assert.match(oneLine(err), /l2TlbHitCycles/);
  });
});

Deno.test("parseTlbSpec() reads ENTRIESxWAYS per key and 0 as disabled", () => {
  const spec = parseTlbSpec("l1-4k=64x4,l1-2m=32x4,l1-1g=0,l2=1536x12");
  assert.deepEqual(spec.l1_4k, { entries: 64, ways: 4 });
  assert.deepEqual(spec.l1_2m, { entries: 32, ways: 4 });
  assert.equal(spec.l1_1g?.entries, 0);
  assert.deepEqual(spec.l2, { entries: 1536, ways: 12 });
  for (const bad of ["", "l2", "l2=", "l2=12x0", "l2=10x3", "l2=x4", "l2=64x4,l2=32x4"]) {
    assert.throws(() => parseTlbSpec(bad), UsageError, bad);
  }
});

Deno.test("sim derives translation cycles from the TLBs and walks only, exits apart", async () => {
  const { code, out, err } = await sim([
    "--mode",
    "shadow",
    "--workload",
    "build",
    "--os-rates",
    "stress",
    "--accesses",
    "5000",
    "--json",
  ]);
  assert.equal(code, 0, err);
  const { cycles, derived, counters } = JSON.parse(out);
  const translation = cycles.l1_tlb + cycles.l2_tlb + cycles.walk_cache + cycles.walk_pte_cache +
    cycles.walk_memory + cycles.nested_tlb;
  assert.ok(cycles.vm_exit > 0, "shadow paging on a build workload exits");
  assert.equal(derived.translation_cycles_per_access, translation / counters.accesses);
  assert.equal(derived.exit_cycles_per_access, cycles.vm_exit / counters.accesses);
  assert.ok(derived.translation_share < 1);
});
