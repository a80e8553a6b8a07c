import assert from "node:assert/strict";
import { MIGRATION } from "../../../experiments/migration/experiment.ts";
import { migrationOptions } from "../../../experiments/migration/run.ts";
import { variantOf } from "../../../experiments/migration/_labels.ts";
import { VARIANT_NAMES } from "../../../experiments/migration/grid.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { ISSUE_COLUMNS, SMALL_POINTS, smallRows } from "./_small_guest.ts";

const all = await smallRows();
const rows = all.filter((r) => r.phase === "migrate");

Deno.test("migration: a run of every variant completes and loses no page", () => {
  const variants = new Set(rows.map(variantOf));
  for (const name of VARIANT_NAMES.filter((v) => v !== "pre-copy-xen-legacy")) {
    assert.ok(variants.has(name), name);
  }
  for (const r of rows.filter((r) => r.link_fail_ms === 0)) {
    assert.equal(r.lost_pages, 0, `${variantOf(r)} lost pages`);
    assert.equal(r.completed, true, `${variantOf(r)}: ${r.outcome}`);
    assert.equal(r.vm_lost, false);
    assert.ok(Number(r.downtime_ms) > 0 && Number(r.total_ms) >= Number(r.downtime_ms));
  }
});

Deno.test("migration: when the link fails mid-way, post-copy loses the VM and the others' guests run on", () => {
  const failing = rows.filter((r) => Number(r.link_fail_ms) > 0);
  assert.equal(failing.length, 4);
  for (const r of failing) {
    assert.equal(r.vm_lost, r.method === "post-copy", `${r.method}: ${r.outcome}`);
    assert.equal(r.completed, false);
    assert.equal(r.lost_pages, 0, "what had arrived was right");
    // The times a failed run could not measure are left out, never written as NaN.
    assert.equal("total_ms" in r, false);
    for (const value of Object.values(r)) assert.ok(!Number.isNaN(value));
  }
});

Deno.test("migration rows carry the issue's CSV columns, none clashing with a parameter, deterministically", async () => {
  const point = SMALL_POINTS.find((p) => p.method === "hybrid" && p.link_fail_ms === 0)!;
  const row = await MIGRATION.run(point, { seed: 3, cost: COST });
  for (const key of Object.keys(row)) assert.equal(key in point, false, key);
  const all = { ...point, ...row };
  for (
    const key of ISSUE_COLUMNS
  ) assert.ok(key in all, `row lacks ${key}`);
  assert.deepEqual(await MIGRATION.run(point, { seed: 3, cost: COST }), row);
});

Deno.test("migration: a point's options give a method only the fields it uses", () => {
  const post = SMALL_POINTS.find((p) => p.method === "post-copy" && p.preempt)!;
  assert.deepEqual(migrationOptions(post), {
    method: "post-copy",
    memoryGib: post.memory_gib,
    dirtyRateMibS: post.dirty_rate_mib_s,
    wwsFraction: post.wws_fraction,
    link: "10gbe",
    preempt: true,
  });
  const pre = SMALL_POINTS.find((p) => p.method === "pre-copy" && p.link_fail_ms > 0)!;
  assert.equal(migrationOptions(pre).linkFailMs, pre.link_fail_ms);
  assert.equal(migrationOptions(pre).stopRule, "qemu");
});

Deno.test("migration: a point that contradicts its method fails with one line", async () => {
  const pre = SMALL_POINTS.find((p) => p.method === "pre-copy")!;
  assert.throws(
    () => migrationOptions({ ...pre, stop_rule: "none" }),
    {
      message: "migration: pre-copy needs a stop_rule and a dirty_log, got none and write-protect",
    },
  );
  const post = SMALL_POINTS.find((p) => p.method === "post-copy")!;
  await assert.rejects(
    async () => await MIGRATION.run({ ...post, stop_rule: "xen" }, { seed: 1, cost: COST }),
    {
      message:
        'Cannot use migration options: field "stopRule": only pre-copy and hybrid use it, not post-copy',
    },
  );
});

Deno.test("migration's forks: no child reads a wrong page; local children start before remote ones", () => {
  const forks = all.filter((r) => r.phase === "fork");
  assert.ok(forks.length >= 8);
  for (const r of forks) {
    assert.equal(r.lost_pages, 0);
    assert.equal(r.finished, true);
  }
  const first = (placement: string, link: string, children: number) =>
    Number(
      forks.find((r) =>
        r.placement === placement && r.link === link && r.children === children && !r.prefetch
      )!.last_first_instruction_ms,
    );
  assert.ok(first("local", "none", 4) < first("remote", "10gbe", 4));
  assert.ok(first("remote", "10gbe", 4) < first("remote", "1gbe", 4));
  assert.ok(first("remote", "1gbe", 1) < first("remote", "1gbe", 4));
});
