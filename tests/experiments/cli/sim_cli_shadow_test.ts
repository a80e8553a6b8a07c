import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/sim_cli.ts";
import { captureMain, type Output } from "./_cli.ts";

/** Runs the sim command with console output captured. */
function capture(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

Deno.test("sim runs an OS workload in shadow mode with strategies and vCPUs, as JSON", async () => {
  const { code, out } = await capture([
    "--mode",
    "shadow",
    "--strategies",
    "tagged-tlb,out-of-sync",
    "--vcpus",
    "2",
    "--workload",
    "threads",
    "--os-rates",
    "stress",
    "--accesses",
    "3000",
    "--footprint",
    "1M",
    "--json",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.deepEqual(
    [
      report.config.platform,
      report.config.guest,
      report.config.vcpus,
      report.config.shadow.strategies,
    ],
    ["shadow", "os", 2, "tagged-tlb+out-of-sync"],
  );
  assert.equal(report.counters.accesses, 3000);
  assert.ok(report.counters.exits_invlpg > 0 && report.counters.shootdowns > 0);
});

Deno.test("sim runs a synthetic workload on the first-touch guest, or as one process of the guest OS", async () => {
  const args = ["--mode", "shadow", "--accesses", "2000", "--footprint", "1M"];
  const first = await capture(args);
  assert.equal(first.code, 0);
  assert.match(
    first.out,
    /machine {3}shadow, 1 vCPU, guest first-touch, strategies baseline, batch 8/,
  );
  const os = await capture([...args, "--guest", "os", "--pcid", "off"]);
  assert.equal(os.code, 0);
  assert.match(os.out, /machine {3}shadow, 1 vCPU, guest os \(PCIDs off\), strategies baseline/);
  assert.match(os.out, /demand_faults/);
});

Deno.test("every machine option works with the guest OS, shadow strategies and several vCPUs", async () => {
  const { code, out, err } = await capture([
    "--mode",
    "shadow",
    "--workload",
    "build",
    "--strategies",
    "all",
    "--vcpus",
    "3",
    "--levels",
    "5",
    "--tlb",
    "l1-4k=32x4,l2=256x8",
    "--walk-cache",
    "off",
    "--pte-cache",
    "off",
    "--host-policy",
    "opportunistic+promote",
    "--fragmentation",
    "0.5",
    "--guest-large-fraction",
    "1",
    "--os-rates",
    "stress",
    "--accesses",
    "20000",
    "--footprint",
    "2M",
    "--json",
  ]);
  assert.equal(code, 0, err);
  const report = JSON.parse(out);
  const c = report.config;
  assert.deepEqual(
    [c.guest, c.vcpus, c.levels, c.tlb.l1_4k.entries, c.walkCache, c.memory.hostPolicy],
    ["os", 3, 5, 32, false, "opportunistic+promote"],
  );
  assert.ok(report.large_pages.guest_pages_2m > 0, "the guest OS maps 2M pages");
  assert.ok(report.counters.large_page_splits > 0, "and splits them for copy-on-write");
  assert.equal(report.counters.walk_cache_hits, 0);
});

Deno.test("sim rejects a bad strategy, vCPU count or option mix with one line and exit code 2", async () => {
  const cases: [string[], string][] = [
    [
      ["--mode", "shadow", "--strategies", "turbo"],
      'sim: --strategies: unknown strategy "turbo"; known: baseline, all, tagged-tlb, shadow-cache, batch, lazy-flags, out-of-sync, pv-shootdown',
    ],
    [["--vcpus", "0"], "sim: --vcpus: expected an integer from 1 to 64, got 0"],
    [["--vcpus", "two"], 'sim: --vcpus: expected an integer from 1 to 64, got "two"'],
    [["--guest", "os", "--pcid", "maybe"], 'sim: --pcid: expected on or off, got "maybe"'],
    [
      ["--pcid", "on"],
      `sim: --pcid: PCIDs are the guest OS's: needs guest "os", got guest "first-touch"`,
    ],
    [["--strategies", "all"], "sim: --strategies: needs platform shadow, got platform native"],
    [["--mode", "shadow", "--batch", "3"], "sim: --batch: expected one of 1, 8, 64, 512, got 3"],
    [
      ["--mode", "shadow", "--strategies", "tagged-tlb", "--batch", "64"],
      "sim: --batch: only the batch strategy uses it, not --strategies tagged-tlb (add batch, or all)",
    ],
    [
      ["--mode", "shadow", "--nested-tlb", "off"],
      "sim: --nested-tlb: platform shadow has no nested TLB",
    ],
    [
      ["--mode", "native", "--host-page", "2m"],
      "sim: --host-page: platform native has no host layer",
    ],
    [
      ["--workload", "build", "--guest", "first-touch"],
      "sim: --workload build is an OS workload: it needs --guest os",
    ],
    [["--guest", "kernel"], 'sim: --guest: expected one of first-touch, os, got "kernel"'],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await capture([...args, "--accesses", "10", "--footprint", "1M"]);
    assert.equal(code, 2, args.join(" "));
    assert.equal(err, message);
  }
});

Deno.test("sim --os-rates picks an OS workload's event rates, and is an error with any other workload", async () => {
  const run = (rates: string[]) =>
    capture([
      "--mode",
      "shadow",
      "--workload",
      "build",
      "--accesses",
      "20000",
      "--footprint",
      "1M",
      ...rates,
      "--json",
    ]);
  const published = JSON.parse((await run([])).out);
  const stress = JSON.parse((await run(["--os-rates", "stress"])).out);
  assert.equal(published.workload.os_rates, "published");
  assert.equal(stress.workload.os_rates, "stress");
  assert.ok(stress.counters.exits > 100 * Math.max(1, published.counters.exits));
  const bad = await capture(["--workload", "zipf", "--os-rates", "stress"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim(), "sim: --os-rates sets an OS workload's event rates, not zipf's");
});
