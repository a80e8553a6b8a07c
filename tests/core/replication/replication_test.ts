import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { runReplication } from "../../../core/replication/replication.ts";
import {
  type ReplicationMethod,
  type ReplicationOptions,
  resolveReplicationOptions,
} from "../../../core/replication/replication_params.ts";
import type { ReplicationRow } from "../../../core/replication/replication_row.ts";
import { TRANSLATION_COSTS } from "../../../core/replication/_replication_run.ts";
import { Prng } from "../../../core/base/prng.ts";

const COST = getProfile("intel-skylake-sp");
/** Small guests and short per-access samples: the checks, not the accuracy, are under test. */
const SMALL = { memoryGib: 1 / 256, diskGib: 1 / 256, translationSampleAccesses: 100 } as const;

function run(options: ReplicationOptions, seed = 1): ReplicationRow {
  const memory = options.method !== "disk";
  return runReplication(
    { ...(memory ? SMALL : { diskGib: SMALL.diskGib }), ...options },
    COST,
    seed,
  );
}

// A small random configuration of each method, failing at a random instant.
function randomCase(rng: Prng, i: number): ReplicationOptions {
  const method = (["remus", "async", "disk"] as const)[i % 3] as ReplicationMethod;
  const intervalMs = method === "remus"
    ? [25, 50, 100][rng.below(3)]
    : [200, 500, 1000][rng.below(3)];
  const memory = method !== "disk";
  return {
    method,
    intervalMs,
    failAtMs: rng.below(Math.round(4 * intervalMs * 1000)) / 1000,
    link: ["1gbe", "10gbe"][rng.below(2)] as "1gbe",
    diskWriteMibS: [0, 4, 64][rng.below(3)],
    batchPages: [1, 16, 64][rng.below(3)],
    heartbeatMs: 20,
    missedBeats: 2,
    ...(memory
      ? {
        vcpus: 1 + rng.below(2),
        dirtyRateMibS: [0, 16, 256][rng.below(3)],
        wwsFraction: [0.05, 0.5, 1][rng.below(3)],
        dirtyLog: rng.below(2) === 0 ? "write-protect" as const : "pml" as const,
      }
      : {}),
  };
}

Deno.test("fault injection at 1,000 random instants: the backup recovers one whole checkpoint, at least the last acknowledged, and loses no page", () => {
  const rng = new Prng(7, 14);
  const counts = { remus: 0, async: 0, disk: 0 };
  for (let i = 0; i < 1000; i++) {
    const o = randomCase(rng, i);
    const row = run(o, 1 + i);
    const what = `case ${i}: ${JSON.stringify(o)}`;
    assert.ok(row.outcome.startsWith("recovered"), `${what}: ${row.outcome}`);
    assert.equal(row.lost_pages, 0, what);
    assert.equal(row.lost_blocks, 0, what);
    assert.equal(row.torn_checkpoints, 0, what);
    if (o.method === "remus") assert.equal(row.released_outputs_lost, 0, what);
    assert.ok(row.rpo_ms >= 0 && row.rto_ms > 0, what);
    counts[o.method as ReplicationMethod]++;
  }
  assert.deepEqual(counts, { remus: 334, async: 333, disk: 333 });
});

Deno.test("a backup that applies each message as it arrives is caught mixing two epochs", () => {
  // Fail the production host while a checkpoint is on the wire: 1 GbE, a big epoch.
  const o: ReplicationOptions = {
    memoryGib: 1 / 16,
    intervalMs: 50,
    dirtyRateMibS: 256,
    wwsFraction: 1,
    link: "1gbe",
    batchPages: 16,
    translationSampleAccesses: 100,
  };
  const fine = runReplication({ ...o, failAtMs: 110 }, COST, 3);
  const broken = runReplication({ ...o, failAtMs: 110, brokenApplyPartial: true }, COST, 3);
  assert.equal(fine.lost_pages + fine.torn_checkpoints, 0, fine.outcome);
  assert.equal(broken.torn_checkpoints, 1, broken.outcome);
  assert.ok(broken.lost_pages > 0, `lost ${broken.lost_pages}`);
});

Deno.test("mean RPO over failure instants grows with the interval and stays within interval + commit while the link keeps up", () => {
  let previous = 0;
  for (const intervalMs of [25, 50, 100, 200]) {
    const rpos: number[] = [];
    for (let k = 0; k < 8; k++) {
      const row = run({
        intervalMs,
        failAtMs: intervalMs * (2 + (k + 0.5) / 8),
        link: "10gbe",
        dirtyRateMibS: 16,
      }, 1 + k);
      assert.equal(row.link_saturated, false);
      assert.ok(
        row.rpo_ms <= row.rpo_bound_ms + 1e-9,
        `${intervalMs} ms: ${row.rpo_ms} > ${row.rpo_bound_ms}`,
      );
      rpos.push(row.rpo_ms);
    }
    const mean = rpos.reduce((a, b) => a + b) / rpos.length;
    assert.ok(mean > previous, `${intervalMs} ms: mean RPO ${mean} ≤ ${previous}`);
    previous = mean;
  }
});

Deno.test("Remus holds outputs until their checkpoint commits; async releases them and loses some", () => {
  const remus = run({ intervalMs: 50, failAtMs: 130 });
  assert.ok(remus.output_delay_ms > 0);
  assert.equal(remus.released_outputs_lost, 0);
  assert.ok(remus.outputs_released < remus.outputs, "the last epoch's outputs are never released");
  const async = run({ method: "async", intervalMs: 50, failAtMs: 130 });
  assert.equal(async.output_delay_ms, 0);
  assert.equal(async.outputs_released, async.outputs);
  assert.ok(async.released_outputs_lost > 0);
  // What async loses is what the guest did since the recovered capture.
  assert.ok(
    Math.abs(async.released_outputs_lost - async.rpo_ms) <= 1,
    `${async.released_outputs_lost} vs ${async.rpo_ms}`,
  );
});

Deno.test("a slow link stretches the epochs: saturated, and the bandwidth used approaches the link's", () => {
  const row = run({
    memoryGib: 1 / 16,
    intervalMs: 25,
    dirtyRateMibS: 1024,
    wwsFraction: 1,
    link: "1gbe",
    failure: "none",
    durationMs: 400,
  });
  assert.equal(row.link_saturated, true);
  assert.ok(row.effective_interval_ms > 25, String(row.effective_interval_ms));
  assert.ok(
    row.bandwidth_mib_s > 0.8 * 119.2 && row.bandwidth_mib_s < 119.3,
    String(row.bandwidth_mib_s),
  );
  const share = run({
    memoryGib: 1 / 16,
    intervalMs: 25,
    dirtyRateMibS: 1024,
    wwsFraction: 1,
    link: "1gbe",
    failure: "none",
    durationMs: 400,
    bandwidthShare: 0.5,
  });
  // The share paces the pages; the device state (1 MiB a checkpoint) goes unpaced.
  assert.ok(share.bandwidth_mib_s < 0.5 * 119.3 + 6, String(share.bandwidth_mib_s));
});

Deno.test("a link outage: replication falls behind and catches up, or gives up", () => {
  const base = { intervalMs: 50, failure: "none", durationMs: 1500, linkOutageAtMs: 200 } as const;
  const short = run({ ...base, linkOutageMs: 300 });
  assert.equal(short.outcome, "replicating");
  assert.ok(short.checkpoints_applied >= 10, String(short.checkpoints_applied));
  assert.ok(short.output_delay_max_ms >= 300, String(short.output_delay_max_ms));
  const long = run({ ...base, linkOutageMs: 1000, giveUpMs: 500 });
  assert.match(long.outcome, /^unprotected: a checkpoint went unacknowledged/);
  // Held outputs go out once replication stops: none is held for ever.
  assert.ok(
    long.outputs_released > long.outputs - 5,
    `${long.outputs_released} of ${long.outputs}`,
  );
});

Deno.test("a backup failure leaves the production host running unprotected, outputs released", () => {
  const row = run({
    intervalMs: 50,
    failure: "backup",
    failAtMs: 120,
    durationMs: 2000,
    heartbeatMs: 100,
    missedBeats: 3,
  });
  assert.match(row.outcome, /^unprotected: the backup failed at 120 ms/);
  assert.ok(Number.isNaN(row.rpo_ms));
  assert.ok(row.outputs_released > row.outputs - 5);
});

Deno.test("RTO is detection + activation + restore; full reads the image, lazy only the device state, disk boots", () => {
  const common = {
    intervalMs: 50,
    failAtMs: 130,
    heartbeatMs: 100,
    missedBeats: 2,
    activationMs: 40,
  } as const;
  const resident = run({ ...common });
  assert.equal(resident.restore_ms, 0);
  assert.ok(Math.abs(resident.rto_ms - (resident.detect_ms + 40)) < 1e-6);
  const full = run({ ...common, restore: "full", storage: "sata-ssd" });
  const lazy = run({ ...common, restore: "lazy", storage: "sata-ssd" });
  assert.ok(full.restore_ms > lazy.restore_ms && lazy.restore_ms > 0);
  assert.ok(Math.abs(lazy.restore_background_ms - full.restore_ms) < 1e-6);
  const disk = run({
    method: "disk",
    intervalMs: 50,
    failAtMs: 130,
    heartbeatMs: 100,
    missedBeats: 2,
    bootS: 3,
  });
  assert.equal(disk.restore, "boot");
  assert.equal(disk.restore_ms, 3000);
});

Deno.test("the same seed gives the same row; another seed another", () => {
  const a = run({ intervalMs: 50, failAtMs: 170, dirtyRateMibS: 64 }, 5);
  const b = run({ intervalMs: 50, failAtMs: 170, dirtyRateMibS: 64 }, 5);
  assert.deepEqual(a, b);
  const c = run({ intervalMs: 50, failAtMs: 170, dirtyRateMibS: 64 }, 6);
  assert.notDeepEqual(a, c);
});

Deno.test("options a method or failure cannot use are refused, naming the field", () => {
  const msg = (o: ReplicationOptions): string => {
    try {
      resolveReplicationOptions(o);
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  };
  assert.equal(
    msg({ method: "disk", dirtyRateMibS: 10 }),
    'Cannot use replication options: field "dirtyRateMibS": only remus and async use it, not disk',
  );
  assert.equal(
    msg({ bootS: 5 }),
    'Cannot use replication options: field "bootS": only disk uses it, not remus',
  );
  assert.equal(
    msg({ failure: "none", failAtMs: 5 }),
    'Cannot use replication options: field "failAtMs": only a run with failure production or backup uses it, not failure none',
  );
  assert.equal(
    msg({ durationMs: 5 }),
    'Cannot use replication options: field "durationMs": only a run with failure backup or none uses it, not failure production',
  );
  assert.match(msg({ linkOutageAtMs: 5 }), /field "linkOutageAtMs": needs linkOutageMs too/);
  assert.match(msg({ storage: "sata-ssd" }), /field "storage": a resident restore reads nothing/);
  assert.match(msg({ intervalMs: 0 }), /field "intervalMs"/);
  assert.match(
    msg({ failure: "backup", failAtMs: 10, durationMs: 5 }),
    /field "failAtMs": the backup must fail before the run ends/,
  );
});

Deno.test("a failure in each phase of a checkpoint: in its pause, on the wire, awaiting its acknowledgement, between checkpoints", () => {
  // 1 GbE, every checkpoint the whole writable working set (1,638 pages: the
  // guest dirties twice that in an interval) and no disk writes, so every
  // checkpoint takes the same ~60 ms to commit; captures at 200, 400, 600 ms.
  const o = {
    intervalMs: 200,
    dirtyRateMibS: 64,
    wwsFraction: 0.1,
    diskWriteMibS: 0,
    link: "1gbe",
  } as const;
  const first = run({ ...o, memoryGib: 1 / 16, failure: "none", durationMs: 700 });
  assert.ok(
    first.commit_ms > 20 && first.commit_ms < 150 && first.dirty_pages_per_checkpoint === 1638,
    JSON.stringify(first),
  );
  assert.ok(first.pause_ms_per_checkpoint > 0.1 && first.effective_interval_ms === 200);
  const at = (ms: number): ReplicationRow =>
    run({ ...o, memoryGib: 1 / 16, failAtMs: ms, heartbeatMs: 20 });
  const cases: [number, string][] = [
    [400 + first.pause_ms_per_checkpoint / 2, "pause"],
    [400 + first.commit_ms / 2, "transfer"],
    [400 + first.commit_ms - 0.05, "commit"],
    [400 + first.commit_ms + 20, "running"],
  ];
  for (const [ms, phase] of cases) {
    const row = at(ms);
    assert.equal(row.failure_phase, phase, `${ms} ms: ${row.outcome}`);
    assert.equal(row.lost_pages + row.lost_blocks + row.torn_checkpoints, 0);
    // Until checkpoint 1's acknowledgement the backup may hold checkpoint 0 or 1, never a mix.
    assert.match(row.outcome, phase === "running" ? /checkpoint 1$/ : /checkpoint [01]$/);
  }
});

Deno.test("disk replication runs no guest memory: memoryGib and vcpus are refused", () => {
  assert.throws(
    () => resolveReplicationOptions({ method: "disk", memoryGib: 2 }),
    /field "memoryGib": only remus and async use it, not disk/,
  );
});

Deno.test("a translation measurement taken from the cache gives the same row as one measured afresh", () => {
  const o: ReplicationOptions = {
    intervalMs: 50,
    failAtMs: 170,
    dirtyRateMibS: 64,
    hostPage: "2m",
  };
  TRANSLATION_COSTS.clear();
  const fresh = run(o, 9);
  assert.equal(TRANSLATION_COSTS.size, 1);
  const cached = run(o, 9);
  assert.equal(TRANSLATION_COSTS.size, 1);
  assert.deepEqual(cached, fresh);
  assert.ok(fresh.host_pages_split > 0);
});

Deno.test("a backup failure the production host has not noticed by the run's end says so", () => {
  const row = run({ intervalMs: 50, failure: "backup", failAtMs: 120, durationMs: 300 });
  assert.equal(
    row.outcome,
    "unprotected: the backup failed at 120 ms; the production host had not noticed by the end of the run",
  );
  const outage = run({ failAtMs: 400, linkOutageAtMs: 100, linkOutageMs: 200 });
  assert.ok(Number.isNaN(outage.rpo_bound_ms), "no bound once the link did not keep up");
});
