import assert from "node:assert/strict";
import { main, simReport } from "../../../experiments/cli/sim_cli.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { simulate } from "../../../core/workload/simulate.ts";
import { createWorkload } from "../../../core/workload/workloads.ts";
import { captureMain, oneLine, runScript } from "./_cli.ts";

const SIM = new URL("../../../experiments/cli/sim_cli.ts", import.meta.url);

Deno.test("sim over 8 GiB with the defaults measures no first touch and reports its warm-up (issue #12)", async () => {
  const report = await simReport([
    "--workload",
    "random",
    "--footprint",
    "8G",
    "--accesses",
    "2000000",
    "--mode",
    "native",
  ]);
  assert.equal(report.counters.accesses, 2_000_000);
  assert.equal(report.counters.demand_maps, 0);
  assert.equal(report.workload.warmup_accesses, 1_000_000);
  assert.equal(report.workload.populate, true);
  assert.ok(report.throughput.populate_seconds >= 0);
});

Deno.test("sim measures no first touch by default on every platform and guest", async (t) => {
  const small = ["--accesses", "20000", "--warmup", "5000", "--footprint", "64M"];
  const cases = [
    ["--mode", "native"],
    ["--mode", "nested"],
    ["--mode", "nested", "--guest-page", "2m", "--host-page", "1g", "--levels", "5"],
    ["--mode", "shadow"],
    ["--mode", "shadow", "--strategies", "all", "--vcpus", "2"],
    ["--mode", "nested", "--host-policy", "opportunistic", "--guest-large-fraction", "0.5"],
    ["--mode", "native", "--guest", "os"],
    ["--mode", "shadow", "--guest", "os", "--vcpus", "2"],
  ];
  for (const args of cases) {
    await t.step(args.join(" "), async () => {
      const report = await simReport([...small, ...args]);
      assert.equal(report.counters.accesses, 20000);
      assert.equal(report.counters.demand_maps, 0);
      assert.equal(report.counters.exits_hidden_fault ?? 0, 0);
      assert.equal(report.counters.demand_faults ?? 0, 0);
      // With --guest os the process's touches of its 16,384 pages lead the warm-up.
      const touches = args.includes("os") ? 16384 : 0;
      assert.equal(report.workload.warmup_accesses, 5000 + touches);
    });
  }
});

Deno.test("sim --populate off --warmup 0 measures cold tables exactly as a run without warm-up", async () => {
  const cost = getProfile("intel-skylake-sp");
  for (const mode of ["native", "nested", "shadow"]) {
    const report = await simReport([
      ...["--mode", mode, "--workload", "zipf", "--footprint", "256M", "--accesses", "30000"],
      ...["--seed", "3", "--populate", "off", "--warmup", "0"],
    ]);
    const cold = simulate(
      { platform: mode },
      cost,
      createWorkload("zipf", { accesses: 30000, footprintBytes: 256 * 2 ** 20, seed: 3 }),
    );
    assert.ok(report.counters.demand_maps > 0, "cold tables: first touches are measured");
    for (const [k, v] of Object.entries(cold.counters)) assert.equal(report.counters[k], v, k);
    assert.deepEqual(report.cycles, cold.cycles);
  }
});

Deno.test("sim in steady state is deterministic for a seed", async () => {
  const args = ["--mode", "nested", "--workload", "gups", "--footprint", "128M"];
  const small = ["--accesses", "20000", "--warmup", "10000"];
  const [a, b, c] = await Promise.all([
    simReport([...args, ...small, "--seed", "5"]),
    simReport([...args, ...small, "--seed", "5"]),
    simReport([...args, ...small, "--seed", "6"]),
  ]);
  assert.deepEqual(a.counters, b.counters);
  assert.deepEqual(a.cycles, b.cycles);
  assert.notDeepEqual(a.counters, c.counters);
});

Deno.test("sim --warmup runs the warm-up on top of the measured accesses", async () => {
  const base = ["--mode", "nested", "--footprint", "1G", "--accesses", "10000"];
  const cold = await simReport([...base, "--warmup", "0"]);
  const warm = await simReport([...base, "--warmup", "50000"]);
  assert.equal(cold.counters.accesses, 10000);
  assert.equal(warm.counters.accesses, 10000);
  // A warm TLB misses less than an empty one.
  assert.ok(warm.counters.l2_tlb_misses < cold.counters.l2_tlb_misses);
});

Deno.test("sim --warmup leaves a trace's first accesses uncounted", async () => {
  const trace = " L 7ff000000,8\n S 7ff000008,8\n M 04001000,4\n L 04002000,8\n";
  const { code, out, err } = await runScript(SIM, ["--trace", "-", "--warmup", "3", "--json"], {
    stdin: trace,
  });
  assert.equal(code, 0, err);
  const report = JSON.parse(out);
  assert.equal(report.counters.accesses, 1);
  assert.equal(report.workload.warmup_accesses, 3);
});

Deno.test("sim --warmup on an OS workload comes after the workload's own start", async () => {
  const args = ["--workload", "bigmem", "--footprint", "1M", "--accesses", "3000"];
  const own = await simReport(args);
  const more = await simReport([...args, "--warmup", "1000"]);
  assert.equal(own.counters.accesses, 3000);
  assert.equal(more.counters.accesses, 3000);
  assert.equal(own.workload.warmup_accesses, 256);
  assert.equal(more.workload.warmup_accesses, 1256);
  assert.equal(own.counters.demand_faults, 0, "bigmem touches its memory in its start");
});

Deno.test("sim refuses --populate and --warmup where they cannot mean anything, in one line", async () => {
  const cases: [string[], RegExp, string?][] = [
    [
      ["--workload", "build", "--populate", "on"],
      /^sim: --populate: --workload build is an OS workload/,
    ],
    [
      ["--trace", "-", "--populate", "off"],
      /^sim: --populate populates a synthetic workload's footprint/,
    ],
    [
      ["--trace", "-", "--warmup", "5"],
      /^sim: --warmup: the trace has 2 accesses, all taken by --warmup 5$/,
    ],
    [["--warmup=-1"], /^sim: --warmup: expected an integer from 0 to 2\^40, got -1$/],
    [["--populate", "maybe"], /^sim: --populate: expected on or off, got "maybe"$/],
  ];
  for (const [args, message] of cases) {
    const { code, err } = args.includes("-")
      ? await runScript(SIM, args, { stdin: " L 1000,8\n S 2000,8\n" })
      : await captureMain(main, args);
    assert.equal(code, 2, args.join(" "));
    assert.match(oneLine(err), message);
  }
});
