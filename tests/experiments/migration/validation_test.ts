import assert from "node:assert/strict";
import { MIGRATION_OPTIONS_FIELDS } from "../../../core/migration/migration_params.ts";
import { LINK_PROFILES } from "../../../core/transfer/link_profile.ts";
import { migrationValidation } from "../../../experiments/migration/report.ts";
import { modelRoundsOf } from "../../../experiments/migration/_tables.ts";
import { validationRatio } from "../../../reports/validation_html.ts";
import { smallRows } from "./_small_guest.ts";

const rows = await smallRows();
const cases = migrationValidation(rows);
const find = (text: string) => cases.find((c) => c.case.includes(text));

Deno.test("migration validation computes each lab figure from the rows beside a cited published one", () => {
  assert.equal(cases.length, 8);
  for (const c of cases) {
    assert.ok(Number.isFinite(c.lab) && c.lab >= 0, `${c.case}: ${c.lab}`);
    assert.ok(Number.isFinite(validationRatio(c.lab, c.published)), c.case);
    assert.ok(c.unit !== "" && c.citation !== "" && c.note !== "", c.case);
  }
  assert.deepEqual(
    find("Post-copy page-request latency, 4 KiB pages, 10 GbE, vanilla")!.published,
    10.68,
  );
  assert.deepEqual(find("preempt channel")!.published, 0.57);
  assert.deepEqual(find("Xen's rules")!.published, [60, 210]);
  assert.deepEqual(find("over 10 GbE")!.published, [5, 29]);
});

Deno.test("migration validation: converged pre-copy under QEMU's rule pauses within the limit plus device state, switch-over and send buffer", () => {
  const limit = find("longest downtime of a run that converged")!;
  assert.equal(limit.published, 300);
  const f = MIGRATION_OPTIONS_FIELDS;
  const over = (link: string) =>
    f.switchoverMs.default +
    1000 * (f.deviceStateBytes.default + f.sendWindowBytes.default) /
      LINK_PROFILES[link].bytesPerSecond;
  const converged = rows.filter((r) =>
    r.stop_rule === "qemu" && r.converged === true && r.completed === true && Number(r.rounds) > 0
  );
  assert.ok(converged.length > 0);
  for (const r of converged) {
    const ms = Number(r.downtime_ms);
    assert.ok(ms <= 300 + over(String(r.link)), `${r.method} on ${r.link}: ${ms} ms`);
  }
  assert.ok(limit.lab <= 300 + over("1gbe"), `${limit.lab} ms`);
});

Deno.test("migration validation: rounds against n*, and post-copy's stall with a preempt channel far below without", () => {
  const rounds = find("against the model's n*")!;
  assert.ok(Math.abs(rounds.lab - Number(rounds.published)) <= 1, rounds.note);
  for (
    const r of rows.filter((r) =>
      r.method === "pre-copy" && r.stop_rule === "qemu" && r.converged === true &&
      Number(r.rounds) > 0 && r.auto_converge === false
    )
  ) {
    assert.ok(
      Math.abs(Number(r.rounds) - modelRoundsOf(r)) <= 1,
      `${r.rounds} rounds, n* ${modelRoundsOf(r)}`,
    );
  }
  const vanilla = find("vanilla")!;
  const preempt = find("preempt channel")!;
  assert.ok(preempt.lab < vanilla.lab / 2, `${preempt.lab} ms against ${vanilla.lab} ms`);
  assert.equal(find("pages sent per page")!.lab, 1, "post-copy sends each page once");
});

Deno.test("migration validation leaves out the cases whose rows the sweep lacks", () => {
  assert.deepEqual(migrationValidation([]), []);
  const postOnly = migrationValidation(rows.filter((r) => r.method === "post-copy"));
  assert.deepEqual(
    postOnly.map((c) => c.unit),
    ["ms", "ms", "pages/page", "%"],
    "post-copy rows: its fault latencies, pages sent and faults only",
  );
});
