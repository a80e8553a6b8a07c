import assert from "node:assert/strict";
import { REPLICATION } from "../../../experiments/replication/experiment.ts";
import { integrityRows, rtoBars } from "../../../experiments/replication/_tables.ts";
import { summarizeSeeds } from "../../../experiments/sweep/seed_summary.ts";
import { renderReport } from "../fixtures/small_sweep.ts";
import { twoSeedRows } from "../fixtures/second_seed.ts";
import { ISSUE_COLUMNS, smallRows } from "./_small_guest.ts";

const rows = await smallRows();

Deno.test("replication's report renders every section from a small sweep", async () => {
  const { record, page, csv, plots } = await renderReport(REPLICATION, rows);
  assert.match(
    record.headline,
    /loses on average the work of its last [\d.]+ ms with Remus checkpointing every 25 ms/,
  );
  assert.match(record.headline, /Remus at 25 ms could not keep its interval/);
  assert.match(record.headline, /No run lost a page or a block or applied a torn checkpoint/);
  assert.match(record.headline, /under Remus, all once a link outage outlasted its patience/);
  assert.equal(plots, 5);
  for (const section of REPLICATION.sections) {
    assert.ok(page.includes(section.title.replaceAll("'", "&#39;")), section.title);
  }
  assert.match(page, /Remus: High Availability via Asynchronous Virtual Machine Replication/);
  assert.match(page, /RemusDB/);
  assert.match(page, /Hyper-V Replica/);
  assert.match(page, /simulated in full on that clock, not scaled/);
  const header = csv.split(/\r?\n/)[0].split(",");
  for (const column of ISSUE_COLUMNS) assert.ok(header.includes(column), column);
});

Deno.test("replication's RTO bars compare restores on the same failures", () => {
  const bars = rtoBars(rows);
  const remus = bars.filter((b) => b.method === "remus");
  assert.deepEqual(remus.map((b) => b.restore), ["resident", "lazy", "full"]);
  const detect = new Set(remus.map((b) => b.detect));
  assert.equal(detect.size, 1, "the same failures: the same detection");
  const [resident, lazy, full] = remus;
  assert.equal(resident.restore_ms, 0);
  assert.ok(lazy.restore_ms < full.restore_ms && lazy.background > 0);
  assert.ok(full.rto > resident.rto);
  const disk = bars.find((b) => b.method === "disk")!;
  assert.equal(disk.restore, "boot");
  assert.ok(disk.rto > 10000, "ten missed heartbeats and a boot");
});

Deno.test("replication's report renders over two seeds, and its tables count runs, not points", async () => {
  const { plots } = await renderReport(REPLICATION, twoSeedRows(REPLICATION, rows));
  assert.equal(plots, 5);
  const summary = summarizeSeeds(
    [...rows.map((r) => ({ ...r, seed: 1 })), ...rows.map((r) => ({ ...r, seed: 2 }))],
    Object.keys(REPLICATION.parameters),
  );
  const one = integrityRows(rows);
  const two = integrityRows(summary);
  assert.deepEqual(two.map((r) => r.runs), one.map((r) => 2 * Number(r.runs)));
  const remus = two.find((r) => r.method === "Remus" && r.situation === "production fails")!;
  assert.equal(remus.lost_pages, 0);
  assert.equal(remus.outputs_lost, 0);
});
