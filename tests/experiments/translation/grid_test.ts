import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";

Deno.test("translation covers every page-size pair and both depths in its cold-walk check", () => {
  const cold = TRANSLATION.grids.quick.filter((p) => p.caches === "off");
  assert.equal(cold.length, (3 + 9) * 2);
  assert.deepEqual(TRANSLATION.grids.full.filter((p) => p.caches === "off"), cold);
});

Deno.test("translation measures every configuration on every workload and footprint of its grid", () => {
  const measured = TRANSLATION.grids.quick.filter((p) => p.caches === "on");
  const configurations = new Set(measured.map((p) => `${p.mode}/${p.guest_page}/${p.host_page}`));
  assert.equal(configurations.size, 3 + 9);
  assert.equal(measured.length, 12 * 2 * 3 * 4, "configurations × depths × workloads × footprints");
  assert.ok(measured.every((p) => (p.mode === "native") === (p.host_page === "none")));
});
