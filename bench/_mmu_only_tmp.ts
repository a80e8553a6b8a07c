import { run } from "mitata";
import { CHUNK, mmuBenchmarks } from "./mmu_bench.ts";
import { SHADOW_CHUNK, shadowBenchmarks } from "./shadow_bench.ts";
const ops: Record<string, number> = {};
for (const n of mmuBenchmarks()) ops[n] = CHUNK;
for (const n of shadowBenchmarks()) ops[n] = SHADOW_CHUNK;
const { benchmarks } = await run({ format: "quiet" } as never);
for (const b of benchmarks) {
  const s = b.runs[0]?.stats;
  console.log(((ops[b.alias] ?? 1) / (s!.avg / 1e9) / 1e6).toFixed(2), "M/s", b.alias);
}
