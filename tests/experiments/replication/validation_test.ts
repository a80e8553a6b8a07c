import assert from "node:assert/strict";
import { replicationValidation } from "../../../experiments/replication/report.ts";
import { fitLine, overheadPct } from "../../../experiments/replication/_validation.ts";
import { validationRatio } from "../../../reports/validation_html.ts";
import { smallRows } from "./_small_guest.ts";

const rows = await smallRows();
const cases = replicationValidation(rows);
const find = (text: string) => cases.find((c) => c.case.includes(text));

Deno.test("replication validation computes each lab figure from the rows beside a cited published one", () => {
  assert.equal(cases.length, 10, cases.map((c) => c.case).join("\n"));
  for (const c of cases) {
    assert.ok(Number.isFinite(c.lab) && c.lab >= 0, `${c.case}: ${c.lab}`);
    assert.ok(Number.isFinite(validationRatio(c.lab, c.published)), c.case);
    assert.ok(c.unit !== "" && c.citation !== "" && c.note !== "", c.case);
  }
  assert.equal(find("10 checkpoints/s")!.published, 31);
  assert.equal(find("20 checkpoints/s")!.published, 52);
  assert.equal(find("40 checkpoints/s (25 ms)")!.published, 103);
  assert.equal(find("1024 dirty pages over GbE")!.published, 57);
  assert.equal(find("Checkpoint pause")!.published, 4);
  assert.equal(find("Remus failover")!.published, 1000);
  assert.equal(find("achieved epoch")!.published, 43);
  assert.equal(find("largest guest overhead")!.published, 32);
  assert.equal(find("every 5 min")!.published, 300000);
  assert.match(
    find("every 5 min")!.citation,
    /crash-consistent recovery points every five minutes/,
  );
});

Deno.test("replication validation: disk replication's worst recovery point is about one interval", () => {
  for (const c of cases.filter((c) => c.case.startsWith("Disk replication"))) {
    const ratio = c.lab / Number(c.published);
    assert.ok(ratio > 0.3 && ratio < 1.1, `${c.case}: ${ratio}`);
  }
  const epoch = find("achieved epoch")!;
  assert.ok(epoch.lab > 25, "a saturated link stretches Remus's epochs");
});

Deno.test("replication validation's arithmetic: overhead from slowdown, and the least-squares line", () => {
  assert.equal(overheadPct(0.5), 100);
  assert.equal(overheadPct(0), 0);
  const { a, b } = fitLine([[0, 1], [1, 3], [2, 5]]);
  assert.ok(Math.abs(a - 1) < 1e-12 && Math.abs(b - 2) < 1e-12);
  assert.ok(Number.isNaN(fitLine([[1, 1], [1, 2]]).b));
});

Deno.test("replication validation leaves out the cases whose rows the sweep lacks", () => {
  assert.deepEqual(replicationValidation([]), []);
  const diskOnly = replicationValidation(rows.filter((r) => r.method === "disk"));
  assert.ok(diskOnly.length >= 1 && diskOnly.every((c) => c.case.startsWith("Disk replication")));
});
