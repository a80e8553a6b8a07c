import assert from "node:assert/strict";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { largePagesValidation } from "../../../experiments/large_pages/_validation.ts";
import { cartesian } from "../../../experiments/cartesian.ts";
import { runPoints } from "../fixtures/small_sweep.ts";

Deno.test("largePagesValidation() sets the lab's figures from the rows beside the published ones", async () => {
  const axes = {
    mode: ["nested"],
    fragmentation: [0, 1],
    guest_large_fraction: [0, 1],
    workload: ["random"],
    footprint_mib: [64],
    accesses: [1024],
    warmup_accesses: [1024],
  };
  const rows = await runPoints(LARGE_PAGES, [
    ...cartesian({
      ...axes,
      policy: ["4k", "opportunistic"],
      tenants: ["stay"],
      promotion_seconds: [0],
    }),
    ...cartesian({
      ...axes,
      policy: ["opportunistic+promote"],
      tenants: ["exit"],
      promotion_seconds: [60],
    }),
  ]);
  const cases = largePagesValidation(rows);
  const byCase = (text: string) => cases.find((c) => c.case.includes(text))!;
  for (const c of cases) {
    assert.ok(Number.isFinite(c.lab) && Number.isFinite(c.published), c.case);
    assert.ok(c.citation.length > 0 && c.note.length > 0 && c.unit.length > 0, c.case);
  }
  const small = byCase("translation, 4K pages");
  const large = byCase("translation, 2M pages");
  assert.equal(small.published, 51);
  assert.equal(large.published, 10);
  assert.ok(large.lab < small.lab, "large pages cut translation's share");
  assert.ok(small.lab > 0 && small.lab <= 100);
  assert.equal(byCase("4K guest on 4K host").lab, 24);
  assert.equal(byCase("2M guest on 4K host").lab, 19);
  assert.equal(byCase("2M guest on 2M host").lab, 15);
  const khugepaged = byCase("khugepaged");
  assert.equal(khugepaged.unit, "s");
  // 33 regions at 8 per 10 s pass: the last collapsed in the fifth pass, 50 s in.
  assert.equal(khugepaged.lab, 50);
  assert.equal(khugepaged.published, 50);
});
