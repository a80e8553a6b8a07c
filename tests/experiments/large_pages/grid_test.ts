import assert from "node:assert/strict";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";
import { traceRows } from "../../../experiments/large_pages/_tables.ts";

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

Deno.test("large-pages withTraces() adds, per trace, only the points the trace table shows, without accesses", () => {
  for (const size of ["quick", "full"] as const) {
    const grid = LARGE_PAGES.grids[size];
    const out = LARGE_PAGES.withTraces!(grid, ["/a/x.lackey", "/b/y.lackey"]);
    assert.deepEqual(out.slice(0, grid.length), [...grid]);
    const added = out.slice(grid.length);
    assert.deepEqual([...new Set(added.map((p) => p.workload))], [
      "lackey:/a/x.lackey",
      "lackey:/b/y.lackey",
    ]);
    for (const p of added) {
      assert.equal("accesses" in p || "warmup_accesses" in p, false, "a trace runs whole");
      LARGE_PAGES.parsePoint(p);
    }
    // Each of them is a row the report's trace table shows, and it shows one row per point.
    const rows = added.map((p) => ({ ...p }));
    const shown = traceRows(rows);
    assert.equal(shown.length, added.length, size);
    // Both modes, every policy, both tenant scenarios, at the two fragmentation ends.
    const first = grid[0].workload;
    const template = grid.filter((p) =>
      p.workload === first && p.footprint_mib === Math.max(...grid.map((q) => q.footprint_mib)) &&
      p.guest_large_fraction === Math.max(...grid.map((q) => q.guest_large_fraction)) &&
      (p.fragmentation === 0 || p.fragmentation === 1)
    );
    assert.equal(added.length, 2 * template.length, size);
    assert.ok(added.length < 2 * grid.filter((p) => p.workload === first).length);
  }
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
