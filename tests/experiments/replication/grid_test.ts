import assert from "node:assert/strict";
import { REPLICATION_OPTIONS_FIELDS } from "../../../core/replication/replication_params.ts";
import { describeParameter } from "../../../experiments/experiment.ts";
import { REPLICATION } from "../../../experiments/replication/experiment.ts";
import { INTERVALS, OUTAGES_MS } from "../../../experiments/replication/grid.ts";
import type { ReplicationPoint } from "../../../experiments/replication/point.ts";
import {
  failureInstantMs,
  failureWindow,
  WARM_INTERVALS,
} from "../../../experiments/replication/run.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";

const { quick, full } = REPLICATION.grids;
const intervalsOf = (grid: readonly ReplicationPoint[], method: string) =>
  [...new Set(grid.filter((p) => p.method === method).map((p) => p.interval_ms))].sort((a, b) =>
    a - b
  );

Deno.test("replication is registered; the quick grid runs every method at its intervals, the full grid adds a minute", () => {
  assert.equal(EXPERIMENTS.replication, REPLICATION);
  assert.equal(REPLICATION.grids.default, "quick");
  assert.deepEqual(intervalsOf(quick, "remus"), [25, 50, 100, 200]);
  assert.deepEqual(intervalsOf(quick, "async"), [1000, 5000, 20000]);
  assert.deepEqual(intervalsOf(quick, "disk"), [30000, 300000, 900000]);
  assert.deepEqual(intervalsOf(full, "async"), [...INTERVALS.async]);
  assert.ok(INTERVALS.async.includes(60000));
});

Deno.test("replication's quick grid stays small: 1 GiB, two instants, a few dirty rates", () => {
  assert.ok(quick.length <= 60, `${quick.length} points`);
  const memory = quick.filter((p) => p.method !== "disk");
  assert.ok(memory.length <= 45, `${memory.length} memory-method points`);
  assert.deepEqual([...new Set(memory.map((p) => p.memory_gib))], [1]);
  assert.ok(quick.every((p) => p.instants <= 2));
  assert.deepEqual(
    [...new Set(memory.map((p) => p.dirty_rate_mib_s))].sort((a, b) => a - b),
    [16, 64, 256],
  );
});

Deno.test("replication's full grid: every memory interval × 3 dirty rates × 2 working sets × 2 links × 4 instants", () => {
  const tradeoff = full.filter((p) =>
    p.failure === "production" && p.link_outage_ms === 0 &&
    (p.restore === "resident" || p.restore === "boot")
  );
  for (const method of ["remus", "async"] as const) {
    for (const interval of INTERVALS[method]) {
      const of = tradeoff.filter((p) => p.method === method && p.interval_ms === interval);
      assert.equal(of.length, 3 * 2 * 2 * 4, `${method} ${interval}`);
    }
  }
  for (const interval of INTERVALS.disk) {
    assert.equal(tradeoff.filter((p) => p.interval_ms === interval).length, 2 * 4);
  }
  for (const p of full) assert.ok(p.instant < p.instants);
});

Deno.test("replication's grids restore three ways, cut the link short and long, and fail the backup", () => {
  for (const grid of [quick, full]) {
    const restores = new Set(grid.filter((p) => p.method !== "disk").map((p) => p.restore));
    for (const r of ["resident", "full", "lazy"]) assert.ok(restores.has(r as never), r);
    assert.deepEqual(
      [...new Set(grid.filter((p) => p.link_outage_ms > 0).map((p) => p.link_outage_ms))],
      [...OUTAGES_MS],
    );
    assert.ok(OUTAGES_MS.some((o) => o > REPLICATION_OPTIONS_FIELDS.giveUpMs.default));
    assert.ok(OUTAGES_MS.some((o) => o < REPLICATION_OPTIONS_FIELDS.giveUpMs.default));
    const backup = grid.filter((p) => p.failure === "backup");
    assert.ok(backup.length > 0);
    for (const p of backup) assert.equal(p.restore, "none");
  }
});

Deno.test("replication's disk points set no memory, dirty rate or working set, and boot", () => {
  for (const p of [...quick, ...full].filter((p) => p.method === "disk")) {
    assert.deepEqual([p.memory_gib, p.dirty_rate_mib_s, p.wws_fraction], [0, 0, 0]);
    assert.equal(p.restore, "boot");
  }
});

Deno.test("replication's failure instants: one per stratum of an interval, seeded, deterministic", () => {
  const base = quick.find((p) => p.method === "async" && p.interval_ms === 5000)!;
  for (const seed of [1, 2, 3]) {
    const { start, span } = failureWindow(base, seed);
    assert.equal(span, 5000);
    assert.ok(start >= WARM_INTERVALS * 5000 && (start / 5000) % 1 === 0, `${start}`);
    for (const instant of [0, 1]) {
      const at = failureInstantMs({ ...base, instant, instants: 2 }, seed);
      assert.ok(at >= start + instant * span / 2 && at < start + (instant + 1) * span / 2, `${at}`);
      assert.equal(failureInstantMs({ ...base, instant, instants: 2 }, seed), at);
    }
  }
  assert.notEqual(failureInstantMs(base, 1), failureInstantMs(base, 2));
  assert.throws(() => failureInstantMs({ ...base, instant: 2, instants: 2 }, 1), {
    message: "replication: instant 2 is not below instants 2",
  });
});

Deno.test("replication's failure instants spread over a whole heartbeat for short intervals", () => {
  const remus = quick.find((p) => p.method === "remus" && p.interval_ms === 25)!;
  const phases = Array.from({ length: 40 }, (_, seed) => failureInstantMs(remus, seed + 1) % 1000);
  assert.ok(Math.min(...phases) < 250 && Math.max(...phases) > 750, phases.join(" "));
  const outage = quick.find((p) => p.link_outage_ms === 2000)!;
  const { start, span } = failureWindow(outage, 1);
  assert.equal(
    start + span,
    WARM_INTERVALS * outage.interval_ms + 2000,
    "the outage's last interval",
  );
});

Deno.test("replication's parameters it shares with the options are described as the options declare them", () => {
  assert.equal(
    REPLICATION.parameters.interval_ms,
    describeParameter(REPLICATION_OPTIONS_FIELDS, "intervalMs"),
  );
  assert.match(REPLICATION.parameters.dirty_rate_mib_s, /; 0 for disk replication/);
  assert.match(REPLICATION.parameters.instant, /stratum k/);
});
