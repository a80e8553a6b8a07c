import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";

Deno.test("translation covers every page-size pair and both depths in its cold-walk check", () => {
  const cold = TRANSLATION.grids.quick.filter((p) => p.translation_caches === "off");
  assert.equal(cold.length, (3 + 9) * 2);
  assert.deepEqual(TRANSLATION.grids.full.filter((p) => p.translation_caches === "off"), cold);
  // Cold walks are counted on cold tables: nothing populated, nothing warmed.
  assert.ok(cold.every((p) => p.populate === "off" && p.warmup_accesses === 0));
});

Deno.test("translation measures every configuration on every workload and footprint of its grid, in steady state", () => {
  const measured = TRANSLATION.grids.quick.filter((p) =>
    p.translation_caches === "on" && p.populate === "on"
  );
  const configurations = new Set(measured.map((p) => `${p.mode}/${p.guest_page}/${p.host_page}`));
  assert.equal(configurations.size, 3 + 9);
  assert.equal(measured.length, 12 * 2 * 3 * 4, "configurations × depths × workloads × footprints");
  assert.ok(measured.every((p) => (p.mode === "native") === (p.host_page === "none")));
  assert.ok(measured.every((p) => p.warmup_accesses >= p.accesses));
});

Deno.test("translation measures three configurations again on cold tables at its largest footprint", () => {
  for (const grid of [TRANSLATION.grids.quick, TRANSLATION.grids.full]) {
    const cold = grid.filter((p) => p.translation_caches === "on" && p.populate === "off");
    const largest = Math.max(...grid.map((p) => p.footprint_mib));
    assert.deepEqual(
      cold.map((p) => `${p.mode} ${p.guest_page}/${p.host_page}`),
      ["native 4k/none", "nested 4k/4k", "nested 2m/2m"],
    );
    assert.ok(cold.every((p) => p.warmup_accesses === 0 && p.workload === "random"));
    const steady = grid.filter((p) => p.populate === "on");
    assert.ok(
      cold.every((p) => p.footprint_mib === Math.max(...steady.map((q) => q.footprint_mib))),
    );
    assert.ok(largest >= cold[0].footprint_mib);
  }
});
