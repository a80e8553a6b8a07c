import assert from "node:assert/strict";
import { snapshotValidation } from "../../../experiments/snapshot/report.ts";
import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";
import { COST, runPoints } from "../fixtures/small_sweep.ts";
import { SMALL_POINTS } from "./_small_guest.ts";

const rows = await runPoints(SNAPSHOT, SMALL_POINTS);

Deno.test("snapshot validation computes each lab figure from the rows beside a cited published one", () => {
  // The sweep records the profile with every row; the in-process rows need it added.
  const cases = snapshotValidation(rows.map((r) => ({ ...r, profile: COST.name })));
  assert.equal(cases.length, 5);
  for (const c of cases) {
    assert.ok(Number.isFinite(c.lab) && c.lab > 0, `${c.case}: ${c.lab}`);
    assert.ok(
      Number(c.published) > 0 && c.unit !== "" && c.citation !== "" && c.note !== "",
      c.case,
    );
  }
  // The stall per fault under QEMU's rule: the exit and its handler, the
  // userfaultfd round trip and one copy, never a wait for storage.
  const fault = cases.find((c) => c.case.includes("stall per fault"))!;
  const cycles = COST.vmExitCycles + COST.exitHandlerCycles.write_protect +
    4.74e-6 * COST.clockGhz * 1e9 + COST.pageCopyCycles;
  const expected = cycles / (COST.clockGhz * 1e3);
  assert.ok(fault.lab <= expected + 1e-9 && fault.lab > 0.98 * expected, `${fault.lab} µs`);
  assert.equal(fault.published, 4.74);
  const native = cases.find((c) => c.unit === "cycles")!;
  assert.ok(Math.abs(native.lab - fault.lab * COST.clockGhz * 1e3) < 1e-6);
});

Deno.test("snapshot validation leaves out the cases whose rows the sweep lacks", () => {
  assert.deepEqual(snapshotValidation([]), []);
  const snapshotOnly = snapshotValidation(rows.filter((r) => r.phase === "snapshot"));
  assert.deepEqual(
    snapshotOnly.map((c) => c.unit),
    ["µs", "ms"],
    "no profile recorded, no restore rows: the fault stall and the pre-copy pause only",
  );
});
