import assert from "node:assert/strict";
import { PARTITION_BUS } from "../../../experiments/partition_bus/experiment.ts";
import { busOptions } from "../../../experiments/partition_bus/run.ts";
import {
  CHECKS,
  crossoverRows,
  crossoverValue,
  signallingRows,
  sizesOf,
  vcpuRows,
} from "../../../experiments/partition_bus/_tables.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { ISSUE_COLUMNS, SMALL_POINTS, smallRows } from "./_small_bus.ts";

const rows = await smallRows();
const cpb = (method: "transfer-pages" | "remap" | "policy", bytes: number) =>
  crossoverValue(rows, method, bytes, false, "cycles_per_byte");

Deno.test("partition-bus: copying costs fewer cycles per byte than remap at 64 B and more at 1 MiB", () => {
  assert.ok(cpb("transfer-pages", 64) < cpb("remap", 64), `${cpb("transfer-pages", 64)}`);
  assert.ok(cpb("transfer-pages", 1 << 20) > cpb("remap", 1 << 20));
});

Deno.test("partition-bus: the policy is within 5 % of the better of copy and remap at every size", () => {
  const sizes = sizesOf(crossoverRows(rows).filter((r) => r.method === "policy"));
  assert.equal(sizes.length, 8);
  for (const bytes of sizes) {
    const best = Math.min(cpb("transfer-pages", bytes), cpb("remap", bytes));
    assert.ok(cpb("policy", bytes) <= 1.05 * best, `${bytes}: ${cpb("policy", bytes)} > ${best}`);
  }
});

Deno.test("partition-bus: with suppression under load interrupts per message fall well below 1; without, one per message", () => {
  const sig = signallingRows(rows);
  const top = Math.max(...sig.map((r) => Number(r.offered_msgs_s)));
  for (const mode of ["vmbus", "event-idx"]) {
    for (const r of sig.filter((r) => r.signalling === mode && Number(r.offered_msgs_s) === top)) {
      assert.ok(
        Number(r.interrupts_per_msg) < 0.1,
        `${mode} batch ${r.batch}: ${r.interrupts_per_msg}`,
      );
    }
  }
  const every = sig.filter((r) => r.signalling === "every" && Number(r.batch) === 1);
  assert.ok(every.length >= 4);
  for (const r of every) {
    assert.ok(Math.abs(Number(r.interrupts_per_msg) - 1) < 0.01, `${r.offered_msgs_s}`);
  }
  for (const r of sig.filter((r) => r.signalling === "poll")) {
    assert.equal(r.exits_per_msg, 0);
    assert.equal(r.interrupts_per_msg, 0);
    assert.equal(r.receiver_busy, 1);
    assert.ok(Number(r.poll_cycles_per_msg) > 0);
  }
});

Deno.test("partition-bus: a remap's cost grows with the sender's vCPUs; a copy's does not", () => {
  const v = vcpuRows(rows);
  const remap = v.filter((r) => r.method === "remap").map((r) => Number(r.remap_cycles_per_msg));
  assert.equal(remap.length, 4);
  for (let i = 1; i < remap.length; i++) assert.ok(remap[i] > remap[i - 1], remap.join(" "));
  const copy = v.filter((r) => r.method === "transfer-pages").map((r) => Number(r.cycles_per_msg));
  assert.ok(Math.max(...copy) < 1.05 * Math.min(...copy), copy.join(" "));
});

Deno.test("partition-bus: every message of every run arrives once, in order, intact", () => {
  for (const r of rows) {
    for (const key of CHECKS) assert.equal(r[key], 0, `${r.method} ${r.message_bytes}: ${key}`);
    assert.equal(r.delivered, r.messages);
  }
});

Deno.test("partition-bus rows carry the issue's CSV columns, none clashing with a parameter, deterministically", async () => {
  const point = SMALL_POINTS.find((p) => p.method === "policy" && p.message_bytes === 4096)!;
  const row = await PARTITION_BUS.run(point, { seed: 3, cost: COST });
  for (const key of Object.keys(row)) assert.equal(key in point, false, key);
  const all = { ...point, ...row };
  for (const key of ISSUE_COLUMNS) assert.ok(key in all, `row lacks ${key}`);
  assert.ok(Number(row.policy_threshold_bytes) > 4096);
  assert.deepEqual(await PARTITION_BUS.run(point, { seed: 3, cost: COST }), row);
  const copy = SMALL_POINTS.find((p) => p.method === "remap")!;
  const other = await PARTITION_BUS.run(copy, { seed: 3, cost: COST });
  assert.equal("policy_threshold_bytes" in other, false, "NaN is left out");
});

Deno.test("partition-bus: a point's options carry every parameter; a bad point fails with one line", async () => {
  const p = SMALL_POINTS[0];
  assert.deepEqual(Object.keys(busOptions(p)).length, Object.keys(p).length);
  await assert.rejects(
    async () =>
      await PARTITION_BUS.run({ ...p, method: "inline", message_bytes: 1 << 20 }, {
        seed: 1,
        cost: COST,
      }),
    {
      message: /^Cannot use bus options: field "messageBytes": an inline message must fit the ring/,
    },
  );
});
