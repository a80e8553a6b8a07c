import assert from "node:assert/strict";
import { SHADOW_STRATEGY_NAMES } from "../../../core/platforms/shadow/shadow_config.ts";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";

Deno.test("shadow's quick grid covers baseline, each strategy alone, all, native and nested for every workload and vCPU count", () => {
  const grid = SHADOW.grids.quick;
  for (const workload of ["build", "server", "bigmem", "threads"]) {
    for (const vcpus of [1, 4]) {
      const at = grid.filter((p) => p.workload === workload && p.vcpus === vcpus);
      const labels = at.map((p) => p.mode === "shadow" ? p.strategy : p.mode).sort();
      assert.deepEqual(
        labels,
        ["all", "baseline", ...SHADOW_STRATEGY_NAMES, "native", "nested"].sort(),
      );
    }
  }
  const batches = SHADOW.grids.full.filter((p) => p.strategy === "batch").map((p) => p.batch);
  assert.deepEqual([...new Set(batches)].sort((a, b) => a - b), [1, 8, 64, 512]);
});
