import assert from "node:assert/strict";
import type { Row } from "../../../experiments/experiment.ts";
import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";
import { integrityRows, unfinishedRows } from "../../../experiments/snapshot/_tables.ts";
import { summarizeSeeds } from "../../../experiments/sweep/seed_summary.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";
import { spreadMarks, twoSeedRows, twoSeedSummary } from "../fixtures/second_seed.ts";
import { SMALL_POINTS } from "./_small_guest.ts";

Deno.test("snapshot's report renders every section from a small sweep", async () => {
  const { record, page, csv, plots } = await renderReport(
    SNAPSHOT,
    await runPoints(SNAPSHOT, SMALL_POINTS),
  );
  assert.match(
    record.headline,
    /concurrent copy-before-write \(QEMU's background snapshot\) pauses it .* for stop-and-copy/,
  );
  assert.match(record.headline, /a write to a page not yet saved costs \d+\.\d µs/);
  assert.match(record.headline, /Under the pessimistic rule, .* the guest would lose/);
  assert.match(record.headline, /No run lost a page\./);
  assert.equal(plots, 5);
  assert.match(page, /Copy-before-write under each rule/);
  assert.match(page, /QEMU: wait for the copy/);
  assert.match(page, /Where lazy restore beats full restore/);
  assert.match(page, /Intel SSD DC P4500/);
  assert.match(page, /No page was lost\./);
  const header = csv.split(/\r?\n/)[0].split(",");
  for (
    const column of ["phase", "pause_ms", "guest_slowdown", "first_instruction_ms", "lost_pages"]
  ) {
    assert.ok(header.includes(column), column);
  }
});

Deno.test("snapshot's report shows a run that gave up as not finished, never as a number", async () => {
  const rows = await runPoints(SNAPSHOT, SMALL_POINTS);
  // A pre-copy that gave up: its row has no times (they were NaN), as the run writes it.
  const i = rows.findIndex((r) =>
    r.method === "dirty-precopy" && r.storage === "network-gp3" && r.batch_pages === 1
  );
  const { total_ms: _t, pause_ms: _p, guest_slowdown: _g, stall_ms: _s, ...kept } = rows[i];
  rows[i] = {
    ...kept,
    finished: false,
    gave_up_reason:
      "did not finish within 1200 s of simulated time: pre-copy round 16 (live rounds capped at 30), 4096 pages still to write",
  };
  const { record, page, csv } = await renderReport(SNAPSHOT, rows);
  assert.match(record.headline, /1 of 108 runs \(1 dirty-precopy\) did not finish within 1200 s/);
  assert.match(page, /Runs that did not finish/);
  assert.match(page, /pre-copy round 16 \(live rounds capped at 30\), 4096 pages still to write/);
  assert.match(page, /network-gp3 at 1-page batches\) did not finish within 1200 s/);
  const lines = csv.split(/\r?\n/);
  const header = lines[0].split(",");
  const line = lines.find((l) => l.includes("did not finish"))!.split(",");
  assert.equal(line[header.indexOf("total_ms")], "", "no total for a run that gave up");
  assert.equal(line[header.indexOf("finished")], "false");
});

Deno.test("snapshot's plots draw the spread over seeds where seeds disagree, and only there", async () => {
  const rows = await runPoints(SNAPSHOT, SMALL_POINTS);
  const one = spreadMarks(SNAPSHOT, rows);
  const spread = spreadMarks(SNAPSHOT, twoSeedSummary(SNAPSHOT, rows));
  for (const [title, marks] of one) assert.ok(spread.get(title)! > marks, title);
  assert.deepEqual(spreadMarks(SNAPSHOT, twoSeedSummary(SNAPSHOT, rows, 1)), one);
  const { plots } = await renderReport(SNAPSHOT, twoSeedRows(SNAPSHOT, rows));
  assert.equal(plots, 5);
});

Deno.test("snapshot's tables count runs, not points, when a point ran with several seeds", async () => {
  const rows = await runPoints(SNAPSHOT, SMALL_POINTS);
  const i = rows.findIndex((r) => r.method === "lazy" && r.storage === "network-gp3");
  const { total_ms: _t, ...kept } = rows[i];
  const seed2: Row[] = rows.map((r) => ({ ...r, seed: 2 }));
  // Seed 2's run of one point gave up; seed 1's finished.
  seed2[i] = {
    ...kept,
    seed: 2,
    finished: false,
    gave_up_reason: "did not finish within 1200 s: 7 pages left",
  };
  const summary = summarizeSeeds(
    [...rows.map((r) => ({ ...r, seed: 1 })), ...seed2],
    Object.keys(SNAPSHOT.parameters),
  );
  const lazy = integrityRows(summary).find((r) => r.phase === "restore" && r.method === "lazy")!;
  const runs = rows.filter((r) => r.method === "lazy").length;
  assert.equal(lazy.runs, 2 * runs);
  assert.equal(lazy.unfinished, 1);
  assert.equal(lazy.lost_pages, 0);
  const [unfinished] = unfinishedRows(summary);
  assert.match(String(unfinished.result), /did not finish within 1200 s \(1 of 2 seeds\)/);
  assert.equal(unfinished.reason, "7 pages left");
  assert.match(SNAPSHOT.headline(summary), new RegExp(`1 of ${2 * rows.length} runs \\(1 lazy\\)`));
});
