// `deno task bench`: the simulator's speed on its hot paths, with mitata.
// Prints mitata's table, then one JSON summary of accesses (or trace lines)
// per second per benchmark, and how each compares with its target.
import { run } from "mitata";
import { CHUNK, mmuBenchmarks } from "./mmu_bench.ts";
import { LACKEY_LINES, workloadBenchmarks } from "./workload_bench.ts";
import { stateBenchmarks } from "./state_bench.ts";
import { MEMORY_OPS, memoryBenchmarks } from "./memory_bench.ts";
import { SHADOW_CHUNK, shadowBenchmarks } from "./shadow_bench.ts";

/** Targets on a 2-core machine, in operations per second (issue "Foundation"). */
const TARGETS: Record<string, number> = {
  "mmu: L1-hit-dominated sequential, native": 50e6,
  "mmu: uniform random over 4 GiB, native 4K": 10e6,
  "mmu: uniform random over 4 GiB, nested 4K/4K": 5e6,
};
const OPS_PER_CALL: Record<string, number> = {};
for (const name of mmuBenchmarks()) OPS_PER_CALL[name] = CHUNK;
// Issue 4: shadow mode on bigmem at 5 M accesses/s or more.
for (const name of shadowBenchmarks()) {
  OPS_PER_CALL[name] = SHADOW_CHUNK;
  if (name.includes("shadow")) TARGETS[name] = 5e6;
}
for (const [name, ops] of Object.entries(workloadBenchmarks())) {
  OPS_PER_CALL[name] = ops;
  if (ops === LACKEY_LINES) TARGETS[name] = 5e6;
}
for (const [name, ops] of Object.entries(stateBenchmarks())) OPS_PER_CALL[name] = ops;

for (const name of memoryBenchmarks()) OPS_PER_CALL[name] = MEMORY_OPS;

const { benchmarks } = await run();
const summary = benchmarks.map((b) => {
  const stats = b.runs[0]?.stats;
  const ops = OPS_PER_CALL[b.alias] ?? 1;
  const perSecond = stats ? Math.round(ops / (stats.avg / 1e9)) : 0;
  const target = TARGETS[b.alias];
  return {
    name: b.alias,
    per_second: perSecond,
    target,
    meets_target: target === undefined ? undefined : perSecond >= target,
  };
});
console.log(JSON.stringify({ benchmarks: summary }, null, 2));
