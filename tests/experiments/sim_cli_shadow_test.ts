import assert from "node:assert/strict";
import { main } from "../../experiments/sim_cli.ts";

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = "";
  let err = "";
  console.log = (s: string) => void (out += s + "\n");
  console.error = (s: string) => void (err += s + "\n");
  try {
    return { code: await main(args), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
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
    "--accesses",
    "3000",
    "--footprint",
    "1M",
    "--json",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.deepEqual(
    [report.config.mode, report.config.vcpus, report.config.strategies],
    ["shadow", 2, "tagged-tlb+out-of-sync"],
  );
  assert.equal(report.counters.accesses, 3000);
  assert.ok(report.counters.exits_invlpg > 0 && report.counters.shootdowns > 0);
});

Deno.test("sim runs a synthetic workload as one process in shadow mode", async () => {
  const { code, out } = await capture([
    "--mode",
    "shadow",
    "--accesses",
    "2000",
    "--footprint",
    "1M",
  ]);
  assert.equal(code, 0);
  assert.match(out, /machine {3}shadow, 1 vCPU, guest OS model, strategies baseline/);
});

Deno.test("sim rejects a bad strategy, vCPU count or option mix with one line and exit code 2", async () => {
  const cases: [string[], string][] = [
    [
      ["--mode", "shadow", "--strategies", "turbo"],
      'sim: --strategies: unknown shadow strategy "turbo" (known: baseline, all, tagged-tlb, shadow-cache, batch, lazy-flags, out-of-sync, pv-shootdown)\n',
    ],
    [["--vcpus", "0"], 'sim: --vcpus must be an integer from 1 to 64, got "0"\n'],
    [["--vcpus", "2", "--pcid", "maybe"], 'sim: --pcid must be on or off, got "maybe"\n'],
    [["--strategies", "all"], "sim: --strategies needs --mode shadow, got --mode native\n"],
    [["--mode", "shadow", "--batch", "3"], "sim: --batch: expected one of 1, 8, 64, 512, got 3\n"],
    [
      ["--mode", "shadow", "--levels", "5"],
      "sim: --levels does not go with the guest OS model (--mode shadow, --vcpus, --strategies, OS workloads)\n",
    ],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await capture([...args, "--accesses", "10", "--footprint", "1M"]);
    assert.equal(code, 2, args.join(" "));
    assert.equal(err, message);
  }
});
