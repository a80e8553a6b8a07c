// With caches off a machine is today's translation-only model bit for bit:
// counters and cycles of native, nested and shadow machines, 4K and 2M
// pages, 1 and 2 vCPUs, first-touch and OS guests, as the model without the
// hierarchy computes them (fixtures/caches_off.json; see _pinned_runs.ts).
import assert from "node:assert/strict";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";
import { pinnedRuns, runPinned } from "./_pinned_runs.ts";

type Report = { counters: Record<string, number>; cycles: Record<string, number> };

const pinned: Record<string, Report> = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/caches_off.json", import.meta.url)),
);

for (const { name, config } of pinnedRuns()) {
  Deno.test(`caches off: ${name} counts and charges exactly what it did before caches`, () => {
    const machine = buildMachine({ ...config, caches: false }, TEST_PROFILE);
    runPinned(machine);
    const report = machine.report();
    const want = pinned[name];
    for (const part of ["counters", "cycles"] as const) {
      for (const [key, value] of Object.entries(want[part])) {
        assert.equal(report[part][key], value, `${part}.${key}`);
      }
    }
    // What the hierarchy adds stays at zero.
    for (const key of Object.keys(report.counters)) {
      if (key.startsWith("data_") || /^walk_refs_(l1d|l2|llc|dram)$/.test(key)) {
        assert.equal(report.counters[key], 0, key);
      }
    }
    assert.equal(report.cycles.data, 0);
  });
}

Deno.test("caches on charges data the pinned runs did not have", () => {
  const { name, config } = pinnedRuns()[0];
  const machine = buildMachine(config, TEST_PROFILE);
  runPinned(machine);
  const report = machine.report();
  assert.ok(report.cycles.data > 0);
  assert.ok(report.cycles.total > pinned[name].cycles.total);
  assert.equal(report.counters.walks, pinned[name].counters.walks, "translation is unchanged");
});
