// What issue 12 asks of `sim --workload random --footprint 8G --mode native`
// in steady state with the default profile: translation 20-70 % of run
// time with 4K pages, under 20 % with 2M pages, nested 1.1-4x native per
// access, data accesses charged. Checked here on a model scaled down 8x so
// that it runs in seconds: 1 GiB instead of 8 GiB, and the L2 and the
// vCPU's share of the last-level cache an eighth of the profile's, so that
// page-table entries and data outgrow the caches as they do at 8 GiB (the
// TLBs and page-walk caches miss either way). The tables are populated
// first (every page touched once), then 100,000 random accesses warm the
// caches and TLBs and 100,000 are measured. At full size, measured the same
// way: native 299.5 cycles per access (translation 68 %), nested 583 (1.95x);
// 2M pages 8-15 % depending on how warm.
import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import { finish, runAccesses, type SimResult } from "../../../core/workload/simulate.ts";
import { createWorkload } from "../../../core/workload/workloads.ts";

const FOOTPRINT = 2 ** 30;
const SCALE = 8;

function steady(config: MachineConfig): SimResult {
  const cost = getProfile("intel-skylake-sp");
  cost.caches.l2 = { ...cost.caches.l2, entries: cost.caches.l2.entries / SCALE };
  cost.caches.llcLinesPerVcpu /= SCALE;
  const machine = buildMachine(config, cost);
  const mmu = machine.vcpus[0].mmu;
  for (let p = 0; p < FOOTPRINT / 4096; p++) mmu.translate(0x10000 + p, 0);
  const random = (seed: number) =>
    createWorkload("random", { accesses: 100_000, footprintBytes: FOOTPRINT, seed });
  runAccesses(machine, random(1));
  machine.resetStats();
  runAccesses(machine, random(2));
  return finish(machine);
}

Deno.test("random over a footprint far past the caches: translation shares and nested cost in the published bands", async (t) => {
  const native = steady({ platform: "native" });
  const perAccess = (r: SimResult) => r.cycles.total / r.counters.accesses;
  await t.step("native 4K: translation 20-70 % of run time, data charged, no first touch", () => {
    assert.equal(native.counters.demand_maps, 0);
    assert.ok(native.cycles.data > 0);
    const share = native.derived.translation_share;
    assert.ok(share >= 0.2 && share <= 0.7, `translation share ${share}`);
  });
  await t.step("native 2M: translation under 20 %", () => {
    const share = steady({ platform: "native", guestPage: "2m" }).derived.translation_share;
    assert.ok(share < 0.2, `translation share ${share}`);
  });
  await t.step("nested 4K/4K: 1.1-4x native per access", () => {
    const ratio = perAccess(steady({ platform: "nested" })) / perAccess(native);
    assert.ok(ratio >= 1.1 && ratio <= 4, `nested/native ${ratio}`);
  });
});
