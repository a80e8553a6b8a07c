import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../../core/cost/profiles.ts";
import {
  RESTORE_METHODS,
  SNAPSHOT_METHODS,
  SNAPSHOT_OPTIONS_FIELDS,
} from "../../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../../core/transfer/storage_profile.ts";
import { describeParameter, type Row } from "../../../experiments/experiment.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";
import { writeExperimentReport } from "../../../experiments/sweep/report_writer.ts";
import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";

const cost = getProfile(DEFAULT_PROFILE);

/** A 4 MiB guest: the quick grid's points, small enough to run them all in a test. */
const SMALL_GIB = 1 / 256;

Deno.test("snapshot is registered and its quick grid covers every method, storage and phase", () => {
  assert.equal(EXPERIMENTS.snapshot, SNAPSHOT);
  const quick = SNAPSHOT.grids.quick;
  for (const method of SNAPSHOT_METHODS) {
    assert.ok(quick.some((p) => p.phase === "snapshot" && p.method === method), method);
  }
  for (const method of RESTORE_METHODS) {
    assert.ok(quick.some((p) => p.phase === "restore" && p.method === method), method);
  }
  for (const storage of STORAGE_PROFILE_NAMES) assert.ok(quick.some((p) => p.storage === storage));
  const batches = new Set(SNAPSHOT.grids.full.map((p) => p.batch_pages));
  assert.ok(batches.has(1) && batches.has(1024), "the full grid spans batch sizes 1 to 1024");
  assert.ok(new Set(SNAPSHOT.grids.full.map((p) => p.write_fraction)).size > 1);
  assert.ok(new Set(SNAPSHOT.grids.full.map((p) => p.memory_gib)).size > 1);
});

Deno.test("snapshot rows carry the CSV columns, none clashing with a parameter, deterministically", async () => {
  for (const phase of ["snapshot", "restore"]) {
    const point = {
      ...SNAPSHOT.grids.quick.find((p) => p.phase === phase)!,
      memory_gib: SMALL_GIB,
    };
    const row = await SNAPSHOT.run(point, { seed: 3, cost });
    for (const key of Object.keys(row)) assert.equal(key in point, false, key);
    const all = { ...point, ...row };
    for (
      const key of [
        "phase",
        "method",
        "batch_pages",
        "storage",
        "memory_gib",
        "pause_ms",
        "total_ms",
        "guest_slowdown",
        "exits",
        "image_bytes",
        "lost_pages",
        "first_instruction_ms",
        "stall_ms",
        "finished",
        "gave_up_reason",
      ]
    ) assert.ok(key in all, `${phase} row lacks ${key}`);
    assert.equal(row.lost_pages, 0);
    assert.equal(row.finished, true);
    assert.deepEqual(await SNAPSHOT.run(point, { seed: 3, cost }), row);
  }
});

Deno.test("snapshot's report renders every section from a small sweep", async () => {
  const rows: Row[] = [];
  for (const p of SNAPSHOT.grids.quick) {
    const point = { ...p, memory_gib: SMALL_GIB };
    rows.push({ ...point, ...(await SNAPSHOT.run(point, { seed: 1, cost })) });
  }
  const dir = await Deno.makeTempDir();
  const record = await writeExperimentReport(dir, SNAPSHOT, {
    size: "quick",
    seed: 1,
    cost,
    version: "0.0.0",
    points: rows.length,
    rows,
  });
  assert.match(record.headline, /concurrent copy-before-write pauses it .* for stop-and-copy/);
  assert.match(record.headline, /No run lost a page\./);
  const page = await Deno.readTextFile(`${dir}/snapshot.html`);
  assert.equal(page.includes("could not be drawn"), false);
  assert.equal((page.match(/<figure class="plot">/g) ?? []).length, 5);
  assert.match(page, /Where lazy restore beats full restore/);
  assert.match(page, /Intel SSD DC P4500/);
  assert.match(page, /No page was lost\./);
  const csv = await Deno.readTextFile(`${dir}/snapshot.csv`);
  const header = csv.split(/\r?\n/)[0].split(",");
  for (
    const column of ["phase", "pause_ms", "guest_slowdown", "first_instruction_ms", "lost_pages"]
  ) {
    assert.ok(header.includes(column), column);
  }
});

Deno.test("snapshot's report shows a run that gave up as not finished, never as a number", async () => {
  const rows: Row[] = [];
  for (const p of SNAPSHOT.grids.quick) {
    const point = { ...p, memory_gib: SMALL_GIB };
    rows.push({ ...point, ...(await SNAPSHOT.run(point, { seed: 1, cost })) });
  }
  // A pre-copy that gave up: its row has no times (they were NaN), as runPoint writes it.
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
  const dir = await Deno.makeTempDir();
  const record = await writeExperimentReport(dir, SNAPSHOT, {
    size: "quick",
    seed: 1,
    cost,
    version: "0.0.0",
    points: rows.length,
    rows,
  });
  assert.match(record.headline, /1 of 96 runs \(1 dirty-precopy\) did not finish within 1200 s/);
  const page = await Deno.readTextFile(`${dir}/snapshot.html`);
  assert.equal(page.includes("could not be drawn"), false);
  assert.match(page, /Runs that did not finish/);
  assert.match(page, /pre-copy round 16 \(live rounds capped at 30\), 4096 pages still to write/);
  assert.match(page, /network-gp3 at 1-page batches\) did not finish within 1200 s/);
  const csv = (await Deno.readTextFile(`${dir}/snapshot.csv`)).split(/\r?\n/);
  const header = csv[0].split(",");
  const line = csv.find((l) => l.includes("did not finish"))!.split(",");
  assert.equal(line[header.indexOf("total_ms")], "", "no total for a run that gave up");
  assert.equal(line[header.indexOf("finished")], "false");
});

Deno.test("snapshot's report describes the parameters it shares with the options as they declare them", () => {
  assert.equal(
    SNAPSHOT.parameters.batch_pages,
    describeParameter(SNAPSHOT_OPTIONS_FIELDS, "batchPages"),
  );
  assert.equal(
    SNAPSHOT.parameters.write_fraction,
    SNAPSHOT_OPTIONS_FIELDS.writeFraction.description,
  );
  assert.match(SNAPSHOT.parameters.memory_gib, /, in GiB$/);
});
