import assert from "node:assert/strict";
import { PARTITION_BUS } from "../../../experiments/partition_bus/experiment.ts";
import { correctnessRows, policyTableRows } from "../../../experiments/partition_bus/_tables.ts";
import { summarizeSeeds } from "../../../experiments/sweep/seed_summary.ts";
import { renderReport } from "../fixtures/small_sweep.ts";
import { twoSeedRows } from "../fixtures/second_seed.ts";
import { ISSUE_COLUMNS, smallRows } from "./_small_bus.ts";

const rows = await smallRows();

Deno.test("partition-bus's report renders every section from a small sweep", async () => {
  const { record, page, csv, plots } = await renderReport(PARTITION_BUS, rows);
  assert.match(record.headline, /remapping pays from about [\d.]+ KiB/);
  assert.match(record.headline, /within [\d.]+ % of the better of the two at every size/);
  assert.match(record.headline, /arrived once, in order and intact/);
  assert.equal(plots, 5);
  for (const section of PARTITION_BUS.sections) {
    assert.ok(page.includes(section.title.replaceAll("'", "&#39;")), section.title);
  }
  assert.match(page, /measured crossover \d+ KiB/);
  assert.match(page, /policy threshold/);
  assert.match(page, /Remus: High Availability/);
  assert.match(page, /Not modelled: multi-channel/);
  const header = csv.split(/\r?\n/)[0].split(",");
  for (const column of ISSUE_COLUMNS) assert.ok(header.includes(column), column);
});

Deno.test("partition-bus's policy table: the policy over the better method is at most 1.05", () => {
  const table = policyTableRows(rows);
  assert.equal(table.length, 8);
  for (const r of table) assert.ok(Number(r.ratio) <= 1.05, `${r.size}: ${r.ratio}`);
  assert.equal(table[0].better, "copy");
  assert.equal(table.at(-1)!.better, "remap");
});

Deno.test("partition-bus's report renders over two seeds, and its correctness table counts runs", async () => {
  const { plots } = await renderReport(PARTITION_BUS, twoSeedRows(PARTITION_BUS, rows));
  assert.equal(plots, 5);
  const summary = summarizeSeeds(
    [...rows.map((r) => ({ ...r, seed: 1 })), ...rows.map((r) => ({ ...r, seed: 2 }))],
    Object.keys(PARTITION_BUS.parameters),
  );
  const one = correctnessRows(rows);
  const two = correctnessRows(summary);
  assert.deepEqual(two.map((r) => r.runs), one.map((r) => 2 * Number(r.runs)));
  assert.ok(two.every((r) => r.lost_messages === 0 && r.corrupted_messages === 0));
});

Deno.test("partition-bus's headline calls a broken mechanism by its name", () => {
  const broken = rows.map((r, i) => i === 0 ? { ...r, lost_messages: 3 } : r);
  assert.match(PARTITION_BUS.headline(broken), /3 messages were lost.*a mechanism is broken/);
});
