import assert from "node:assert/strict";
import { BUILD_ACCESSES_PER_FAULT } from "../../../core/os/os_rates.ts";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";
import { shadowValidation } from "../../../experiments/shadow/_validation.ts";
import { runPoints } from "../fixtures/small_sweep.ts";

Deno.test("shadowValidation() pairs lab figures with cited published ones, from the rows alone", async () => {
  const points = SHADOW.grids.quick.filter((p) =>
    p.rates === "published" && p.vcpus === 1 &&
    (p.workload === "build" || p.workload === "bigmem") &&
    (p.mode !== "shadow" || p.strategy === "all" || p.strategy === "baseline")
  ).map((p) => ({ ...p, accesses: p.workload === "build" ? 300_000 : 20_000, footprint_mib: 16 }));
  const rows = await runPoints(SHADOW, points);
  const checks = shadowValidation(rows);
  for (const v of checks) {
    assert.ok(Number.isFinite(v.lab) && Number(v.published) > 0, v.case);
    assert.ok(v.citation.length > 20 && v.note.length > 20 && v.unit.length > 0, v.case);
  }
  const cases = checks.map((v) => v.case);
  assert.ok(cases.some((c) => c.includes("compile workload")));
  assert.ok(cases.some((c) => c.includes("2-D")));
  // The build's calibration, measured back from its rows: one fault per ~52,600 accesses.
  const faults = checks.find((v) => v.case.startsWith("build: page faults"))!;
  assert.ok(
    Math.abs(faults.lab / (1e6 / BUILD_ACCESSES_PER_FAULT) - 1) < 0.25,
    `${faults.lab} faults per million`,
  );
  // A 2-D walk of 4K pages on 4K pages costs tens to hundreds of cycles.
  const walk = checks.find((v) => v.case.includes("2-D"))!;
  assert.ok(walk.lab > 20 && walk.lab < 1000, `${walk.lab} cycles`);
  assert.deepEqual(shadowValidation([]), []);
});
