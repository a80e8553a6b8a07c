import assert from "node:assert/strict";
import { partitionBusValidation } from "../../../experiments/partition_bus/report.ts";
import { logInterpolate } from "../../../experiments/partition_bus/_validation.ts";
import { validationRatio } from "../../../reports/validation_html.ts";
import { smallRows } from "./_small_bus.ts";

const rows = (await smallRows()).map((r) => ({ ...r, profile: "intel-skylake-sp" }));
const cases = partitionBusValidation(rows);
const find = (text: string) => cases.find((c) => c.case.includes(text));

Deno.test("partition-bus validation computes each lab figure from the rows beside a cited published one", () => {
  assert.equal(cases.length, 6, cases.map((c) => c.case).join("\n"));
  for (const c of cases) {
    assert.ok(Number.isFinite(c.lab) && c.lab >= 0, `${c.case}: ${c.lab}`);
    assert.ok(Number.isFinite(validationRatio(c.lab, c.published)), c.case);
    assert.ok(c.unit !== "" && c.citation !== "" && c.note !== "", c.case);
  }
  assert.equal(find("remap starts to cost less")!.published, 1);
  assert.equal(find("1,500 bytes")!.published, 1.18);
  assert.equal(find("grant")!.published, 0.49);
  assert.equal(find("Interrupts per message under suppression")!.published, 1 / 16);
  assert.equal(find("polling saves")!.published, 25);
  assert.equal(find("VM exit")!.published, 2000);
});

Deno.test("partition-bus validation: the crossover lies between 1 and 16 pages; copy beats flip at 1,500 B", () => {
  const crossover = find("remap starts to cost less")!.lab;
  assert.ok(crossover > 1 && crossover < 16, `${crossover}`);
  assert.ok(find("1,500 bytes")!.lab > 1, "a copy is cheaper for a packet");
  assert.ok(find("grant")!.lab > 0, "a grant copy costs more than a shared buffer");
});

Deno.test("partition-bus validation's arithmetic, and cases whose rows the sweep lacks left out", () => {
  assert.ok(Math.abs(logInterpolate(2, 1, 10, 4, 40) - 20) < 1e-9);
  assert.deepEqual(partitionBusValidation([]), []);
  const noProfile = partitionBusValidation(rows.map(({ profile: _, ...r }) => r));
  assert.equal(noProfile.length, 4, "µs and the exit cost need a named profile");
});
