import assert from "node:assert/strict";
import type { Row } from "../../../experiments/experiment.ts";
import { MIGRATION } from "../../../experiments/migration/experiment.ts";
import { integrityRows, stopReasonRows } from "../../../experiments/migration/_tables.ts";
import { summarizeSeeds } from "../../../experiments/sweep/seed_summary.ts";
import { renderReport } from "../fixtures/small_sweep.ts";
import { spreadMarks, twoSeedRows, twoSeedSummary } from "../fixtures/second_seed.ts";
import { ISSUE_COLUMNS, smallRows } from "./_small_guest.ts";

const rows = await smallRows();

Deno.test("migration's report renders every section from a small sweep", async () => {
  const { record, page, csv, plots } = await renderReport(MIGRATION, rows);
  assert.match(
    record.headline,
    /post-copy pauses it \d+\.\d ms against .* for pre-copy under QEMU's rule/,
  );
  assert.match(record.headline, /with a preempt channel/);
  assert.match(record.headline, /post-copy lost the VM .* the guest ran on at the source/);
  assert.match(record.headline, /No run lost a page\./);
  assert.match(
    record.headline,
    /the last of 4 children runs [\d.]+ ms after the fork on the parent's host/,
  );
  assert.equal(plots, 6);
  for (const section of MIGRATION.sections) {
    assert.ok(page.includes(section.title.replaceAll("'", "&#39;")), section.title);
  }
  assert.match(page, /Validation against published figures/);
  assert.match(page, /Clark, Fraser, Hand/);
  assert.match(page, /Postcopy Preemption/);
  assert.match(
    page,
    /moving 1 GiB over 1gbe takes 8\.6 s of guest time for pre-copy&#39;s round 0 alone/,
  );
  assert.match(page, /No page was lost\./);
  assert.match(page, /VM fork: start latency and job time against children/);
  assert.match(page, /SnowFlock: Rapid Virtual Machine Cloning/);
  const header = csv.split(/\r?\n/)[0].split(",");
  for (
    const column of ISSUE_COLUMNS
  ) assert.ok(header.includes(column), column);
});

Deno.test("migration's headline and its stop-reason table count a run that did not converge", async () => {
  const edited: Row[] = rows.map((r) =>
    r.method === "pre-copy" && r.stop_rule === "qemu" && r.dirty_log === "write-protect" &&
      !r.auto_converge && r.wws_fraction === 0.5 && r.link_fail_ms === 0 && r.link === "10gbe"
      ? {
        ...r,
        converged: false,
        stop_reason: "timeout",
        outcome: "completed: pre-copy did not converge and was paused at the lab's timeout",
      }
      : r
  );
  const { record } = await renderReport(MIGRATION, edited);
  // The slow link's guest did not converge by itself; the edited one joins it.
  const { record: before } = await renderReport(MIGRATION, rows);
  assert.match(before.headline, /did not converge in 1 of 4 runs/);
  assert.match(record.headline, /did not converge in 2 of 4 runs/);
  const qemu = stopReasonRows(edited).find((r) => r.variant === "pre-copy")!;
  assert.equal(qemu.timeout, 2);
  assert.equal(qemu.converged, 2);
});

Deno.test("migration's plots draw the spread over seeds where seeds disagree, and only there", async () => {
  const one = spreadMarks(MIGRATION, rows);
  const spread = spreadMarks(MIGRATION, twoSeedSummary(MIGRATION, rows));
  for (const [title, marks] of one) assert.ok(spread.get(title)! > marks, title);
  assert.deepEqual(spreadMarks(MIGRATION, twoSeedSummary(MIGRATION, rows, 1)), one);
  const { plots } = await renderReport(MIGRATION, twoSeedRows(MIGRATION, rows));
  assert.equal(plots, 6);
});

Deno.test("migration's tables count runs, not points, when a point ran with several seeds", () => {
  const summary = summarizeSeeds(
    [...rows.map((r) => ({ ...r, seed: 1 })), ...rows.map((r) => ({ ...r, seed: 2 }))],
    Object.keys(MIGRATION.parameters),
  );
  const post = integrityRows(summary).filter((r) => r.variant === "post-copy");
  const [up, failing] = post;
  assert.equal(up.link_fails, "no");
  assert.equal(
    up.runs,
    2 * rows.filter((r) => r.method === "post-copy" && !r.preempt && r.link_fail_ms === 0).length,
  );
  assert.equal(up.lost_pages, 0);
  assert.equal(failing.vm_lost, 2, "both seeds' post-copy lost the VM");
  assert.equal(failing.completed, 0);
});
