import assert from "node:assert/strict";
import { CASES, STREAMS } from "../../bench/sim_stream_bench.ts";
import type { FreshBody } from "../../bench/bench_case.ts";
import { finish } from "../../core/workload/simulate.ts";
import type { Machine } from "../../core/machine/machine.ts";
import { simReport } from "../../experiments/cli/sim_cli.ts";

// The streams' rates stand for sim's: the timed run must be the one sim does for the printed command.
for (const label of [STREAMS.hit, STREAMS.walk]) {
  Deno.test(`bench "${label}" runs what its sim command runs, counter for counter`, async () => {
    const bench = CASES.find((c) => c.name === label)!;
    const args = bench.command!.replace(/^deno task sim /, "").split(" ");
    const body = bench.setup() as FreshBody<{ machine: Machine }>;
    const run = body.fresh();
    body.run(run);
    const report = await simReport(args);
    assert.equal(report.counters.accesses, bench.ops);
    assert.deepEqual(finish(run.machine).counters, report.counters);
  });
}
