import assert from "node:assert/strict";
import { REPLICATION } from "../../../experiments/replication/experiment.ts";
import { replicationOptions } from "../../../experiments/replication/run.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { ISSUE_COLUMNS, SMALL_POINTS, smallRows } from "./_small_guest.ts";

const rows = await smallRows();
const failovers = rows.filter((r) => r.failure === "production");

Deno.test("replication: every failover recovers a whole checkpoint and loses no page, block or checkpoint", () => {
  assert.ok(failovers.length >= 15);
  for (const r of failovers) {
    assert.match(String(r.outcome), /^recovered/, `${r.method} ${r.interval_ms}: ${r.outcome}`);
    assert.equal(r.lost_pages, 0);
    assert.equal(r.lost_blocks, 0);
    assert.equal(r.torn_checkpoints, 0);
    assert.ok(Number(r.rto_ms) >= Number(r.detect_ms) + Number(r.restore_ms));
  }
  for (const method of ["remus", "async", "disk"]) {
    assert.ok(failovers.some((r) => r.method === method), method);
  }
});

Deno.test("replication: Remus releases no output the backup lost while the link keeps up; async and disk do", () => {
  for (const r of failovers.filter((r) => Number(r.link_outage_ms) === 0)) {
    if (r.method === "remus") assert.equal(r.released_outputs_lost, 0);
    else assert.ok(Number(r.released_outputs_lost) > 0, `${r.method} ${r.interval_ms}`);
  }
  const long = rows.find((r) => Number(r.link_outage_ms) === 20000)!;
  assert.ok(Number(long.released_outputs_lost) > 0, "Remus gave up and released");
  const short = rows.find((r) => Number(r.link_outage_ms) === 2000)!;
  assert.equal(short.released_outputs_lost, 0);
});

Deno.test("replication: the recovery point stays within interval + commit while the link keeps up", () => {
  for (
    const r of failovers.filter((r) => Number(r.link_outage_ms) === 0 && r.link_saturated !== true)
  ) {
    assert.ok(
      Number(r.rpo_ms) <= Number(r.rpo_bound_ms) + 1e-9,
      `${r.method} ${r.interval_ms}: ${r.rpo_ms} > ${r.rpo_bound_ms}`,
    );
  }
  const saturated = rows.find((r) => r.link_saturated === true)!;
  assert.equal(saturated.method, "remus");
  assert.equal(saturated.dirty_rate_mib_s, 256);
  assert.ok(Number(saturated.effective_interval_ms) > Number(saturated.interval_ms));
});

Deno.test("replication rows carry the issue's CSV columns, none clashing with a parameter, deterministically", async () => {
  const point = SMALL_POINTS.find((p) => p.method === "async")!;
  const row = await REPLICATION.run(point, { seed: 3, cost: COST });
  for (const key of Object.keys(row)) assert.equal(key in point, false, key);
  const all = { ...point, ...row };
  for (const key of ISSUE_COLUMNS) assert.ok(key in all, `row lacks ${key}`);
  assert.deepEqual(await REPLICATION.run(point, { seed: 3, cost: COST }), row);
  for (const value of Object.values(row)) assert.ok(!Number.isNaN(value));
});

Deno.test("replication: a point's options give a method only the fields it uses", () => {
  const disk = SMALL_POINTS.find((p) => p.method === "disk")!;
  const o = replicationOptions(disk, 1);
  for (const key of ["memoryGib", "dirtyRateMibS", "wwsFraction", "restore"]) {
    assert.equal(key in o, false, key);
  }
  const remus = SMALL_POINTS.find((p) => p.method === "remus" && p.restore === "lazy")!;
  assert.equal(replicationOptions(remus, 1).restore, "lazy");
  const backup = SMALL_POINTS.find((p) => p.failure === "backup")!;
  const b = replicationOptions(backup, 1);
  assert.equal("restore" in b, false);
  assert.ok(b.durationMs! > b.failAtMs! + 1000, "long enough to notice");
  const fifteen = REPLICATION.grids.quick.find((p) => p.interval_ms === 900000)!;
  assert.ok(
    replicationOptions(fifteen, 1).simTimeLimitS! > replicationOptions(fifteen, 1).failAtMs! / 1000,
  );
});

Deno.test("replication: a point that contradicts its method fails with one line", async () => {
  const disk = SMALL_POINTS.find((p) => p.method === "disk")!;
  await assert.rejects(
    async () =>
      await REPLICATION.run({ ...disk, dirty_rate_mib_s: 64, wws_fraction: 0.1 }, {
        seed: 1,
        cost: COST,
      }),
    {
      message:
        'Cannot use replication options: field "dirtyRateMibS": only remus and async use it, not disk',
    },
  );
  const remus = SMALL_POINTS.find((p) => p.method === "remus")!;
  assert.throws(() => replicationOptions({ ...remus, restore: "boot" }, 1), {
    message: "replication: remus with failure production cannot restore by boot",
  });
});
