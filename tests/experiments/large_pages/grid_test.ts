import assert from "node:assert/strict";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";

Deno.test("large-pages is registered and sweeps every policy, both modes and fragmentation 0 to 1", () => {
  assert.equal(EXPERIMENTS["large-pages"], LARGE_PAGES);
  for (const size of ["quick", "full"] as const) {
    const grid = LARGE_PAGES.grids[size];
    assert.deepEqual([...new Set(grid.map((p) => p.policy))], HOST_POLICIES);
    assert.deepEqual([...new Set(grid.map((p) => p.mode))], ["nested", "shadow"]);
    const fragmentations = grid.map((p) => p.fragmentation);
    assert.equal(Math.min(...fragmentations), 0);
    assert.equal(Math.max(...fragmentations), 1);
  }
});

Deno.test("large-pages withTraces() adds one copy of the first workload's points per trace", () => {
  const grid = LARGE_PAGES.grids.quick;
  const first = grid[0].workload;
  const per = grid.filter((p) => p.workload === first).length;
  const out = LARGE_PAGES.withTraces!(grid, ["/a/x.lackey", "/b/y.lackey"]);
  assert.equal(out.length, grid.length + 2 * per);
  assert.deepEqual(out.slice(0, grid.length), [...grid]);
  const added = out.slice(grid.length);
  assert.deepEqual([...new Set(added.map((p) => p.workload))], [
    "lackey:/a/x.lackey",
    "lackey:/b/y.lackey",
  ]);
});

Deno.test("large-pages withTraces() tells ChampSim and vmtrace traces by their names", () => {
  const grid = LARGE_PAGES.grids.quick;
  const paths = ["/a/x.champsimtrace.xz", "/b/y.vmtrace", "/c/z.trace.gz"];
  const added = LARGE_PAGES.withTraces!(grid, paths).slice(grid.length);
  assert.deepEqual([...new Set(added.map((p) => p.workload))], [
    "champsim:/a/x.champsimtrace.xz",
    "vmtrace:/b/y.vmtrace",
    "lackey:/c/z.trace.gz",
  ]);
});
