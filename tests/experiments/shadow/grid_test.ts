import assert from "node:assert/strict";
import { SHADOW_STRATEGY_NAMES } from "../../../core/platforms/shadow/shadow_config.ts";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";

Deno.test("shadow's quick grid covers baseline, each strategy alone, all, native and nested for every workload and vCPU count", () => {
  const grid = SHADOW.grids.quick.filter((p) => p.rates === "published");
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

Deno.test("shadow's grids add the stress rates of earlier versions for the workloads they change, a few configurations each", () => {
  for (const size of ["quick", "full"] as const) {
    const stress = SHADOW.grids[size].filter((p) => p.rates === "stress");
    assert.deepEqual([...new Set(stress.map((p) => p.workload))], ["build", "server", "threads"]);
    const configs = [...new Set(stress.map((p) => p.mode === "shadow" ? p.strategy : p.mode))];
    assert.deepEqual(configs.sort(), ["all", "baseline", "native", "nested"]);
  }
  // Published rates are rare events: build measures hundreds of thousands of accesses.
  const build = SHADOW.grids.quick.find((p) => p.workload === "build" && p.rates === "published");
  assert.ok(build !== undefined && build.accesses !== undefined && build.accesses >= 500_000);
});

Deno.test("shadow withTraces() adds the first workload's published-rate points per trace", () => {
  const grid = SHADOW.grids.quick;
  const template = grid.filter((p) => p.workload === grid[0].workload && p.rates === "published");
  const out = SHADOW.withTraces!(grid, ["/t/ab.vmtrace", "/t/ls.lackey"]);
  assert.equal(out.length, grid.length + 2 * template.length);
  const added = out.slice(grid.length);
  assert.deepEqual([...new Set(added.map((p) => p.workload))], [
    "vmtrace:/t/ab.vmtrace",
    "lackey:/t/ls.lackey",
  ]);
  // The same points, but a trace runs whole: no accesses field.
  assert.deepEqual(
    added.slice(0, template.length).map((p) => ({ ...p, workload: grid[0].workload })),
    template.map(({ accesses: _, ...p }) => p),
  );
});
