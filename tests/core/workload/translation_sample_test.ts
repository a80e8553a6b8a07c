import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { coldStartCycles, cyclesPerAccessOf } from "../../../core/workload/translation_sample.ts";

const COST = getProfile("intel-skylake-sp");
const PAGES = Uint32Array.from({ length: 8192 }, (_, i) => i * 3);
const SAMPLE = { accesses: 8000, writeFraction: 0.2, seed: 4 };

Deno.test("cyclesPerAccessOf: the same machine and sample give the same cost, and the statistics are cleared", () => {
  const a = buildMachine({ platform: "nested", vcpus: 2 }, COST);
  const b = buildMachine({ platform: "nested", vcpus: 2 }, COST);
  assert.equal(cyclesPerAccessOf(a, PAGES, SAMPLE), cyclesPerAccessOf(b, PAGES, SAMPLE));
  assert.equal(a.report().counters.accesses, 0);
});

Deno.test("a machine backed by 4K host pages pays more per access than one backed by 2M", () => {
  const big = buildMachine({ platform: "nested", hostPage: "2m" }, COST);
  const small = buildMachine({ platform: "nested", hostPage: "4k" }, COST);
  assert.ok(cyclesPerAccessOf(small, PAGES, SAMPLE) > cyclesPerAccessOf(big, PAGES, SAMPLE));
});

Deno.test("coldStartCycles: a cold machine pays to warm up, a warm one nothing more than noise", () => {
  const machine = buildMachine({ platform: "nested" }, COST);
  const cold = coldStartCycles(machine, PAGES, SAMPLE);
  assert.ok(cold > 0);
  const warm = coldStartCycles(machine, PAGES, SAMPLE);
  assert.ok(warm < cold / 4, `warm ${warm} vs cold ${cold}`);
  // Deterministic for a machine state and sample.
  assert.equal(coldStartCycles(buildMachine({ platform: "nested" }, COST), PAGES, SAMPLE), cold);
});
