import assert from "node:assert/strict";
import fc from "fast-check";
import { getProfile } from "../../../core/cost/profiles.ts";
import { runMigration } from "../../../core/migration/migration.ts";
import {
  MIGRATION_METHODS,
  type MigrationOptions,
  STOP_RULES,
} from "../../../core/migration/migration_params.ts";
import type { MigrationRow } from "../../../core/migration/migration_row.ts";
import { modelRounds } from "../../../core/migration/stop_rule.ts";

const COST = getProfile("intel-skylake-sp");
/** Per-access samples only need to be long enough to run: accuracy is not under test here. */
const FAST = { translationSampleAccesses: 1000 } as const;

function run(options: MigrationOptions, seed = 1): MigrationRow {
  return runMigration({ ...FAST, ...options }, COST, seed);
}

const guestArb: fc.Arbitrary<MigrationOptions> = fc.record({
  method: fc.constantFrom(...MIGRATION_METHODS),
  memoryGib: fc.constantFrom(1 / 64, 1 / 32),
  vcpus: fc.integer({ min: 1, max: 3 }),
  dirtyRateMibS: fc.constantFrom(0, 16, 200, 3000),
  wwsFraction: fc.constantFrom(0.01, 0.3, 1),
  workingSetFraction: fc.constantFrom(0.05, 0.5),
  zeroPageFraction: fc.constantFrom(0, 0.3),
  link: fc.constantFrom("1gbe", "10gbe", "25gbe"),
  batchPages: fc.constantFrom(1, 16, 64),
  platform: fc.constantFrom("nested" as const, "shadow" as const),
  hostPage: fc.constantFrom("4k" as const, "2m" as const),
}).map((o) => o as MigrationOptions);

Deno.test("no method loses a page, on random guests and links", () => {
  fc.assert(
    fc.property(guestArb, fc.integer({ min: 1, max: 1000 }), (o, seed) => {
      const row = run(o, seed);
      assert.equal(row.completed, true, row.outcome);
      assert.equal(row.lost_pages, 0, JSON.stringify(o));
      assert.equal(row.vm_lost, false);
      assert.ok(row.downtime_ms > 0 && row.downtime_ms <= row.total_ms);
    }),
    { numRuns: 30 },
  );
});

Deno.test("a sender that skips a page dirtied in the last round is caught", () => {
  const broken = run({ memoryGib: 1 / 16, dirtyRateMibS: 200, brokenSkipLastDirty: true });
  assert.equal(broken.completed, true);
  assert.ok(broken.lost_pages >= 1, `lost ${broken.lost_pages}`);
  const fine = run({ memoryGib: 1 / 16, dirtyRateMibS: 200 });
  assert.equal(fine.lost_pages, 0);
});

Deno.test("pre-copy's rounds match n* = ⌈ln(R·T/M) / ln ρ⌉ within one, for a steady fresh-page writer", () => {
  for (
    const [link, gib, rates] of [["1gbe", 0.25, [20, 45, 70, 80]], ["10gbe", 1, [
      400,
      700,
      1000,
    ]]] as const
  ) {
    for (const rate of rates) {
      const row = run({ memoryGib: gib, dirtyRateMibS: rate, wwsFraction: 1, link });
      const bandwidth = row.measured_bandwidth_mib_s * 1048576;
      const rho = row.achieved_dirty_rate_mib_s / row.measured_bandwidth_mib_s;
      assert.ok(rho > 0 && rho <= 0.7, `ρ = ${rho} for ${rate} MiB/s over ${link}`);
      const n = modelRounds(gib * 2 ** 30, bandwidth, 0.3, rho);
      assert.ok(
        Math.abs(row.rounds - n) <= 1,
        `${link} ${rate} MiB/s: ${row.rounds} rounds, n* = ${n} (ρ = ${rho.toFixed(3)})`,
      );
      assert.equal(row.stop_reason, "converged");
    }
  }
});

// A writable working set of 512 MiB > R·T (1 Gbit/s × 300 ms = 37.5 MB), dirtied
// at 256 MiB/s > R (125 MB/s).
const HOT: MigrationOptions = { memoryGib: 1, dirtyRateMibS: 256, wwsFraction: 0.5, link: "1gbe" };

Deno.test("pre-copy does not converge when the writable set outgrows R·T and D > R; post-copy completes with less downtime", () => {
  const pre = run(HOT);
  assert.equal(pre.converged, false);
  assert.equal(pre.stop_reason, "timeout");
  assert.equal(pre.lost_pages, 0);
  const post = run({ ...HOT, method: "post-copy" });
  assert.equal(post.completed, true);
  assert.ok(post.downtime_ms <= pre.downtime_ms, `${post.downtime_ms} > ${pre.downtime_ms}`);
  assert.equal(post.lost_pages, 0);
  assert.ok(post.remote_faults > 0 && post.degraded_ms > 0);
  // Post-copy sends every page once.
  assert.equal(post.pages_sent, 262144);
  const hybrid = run({ ...HOT, method: "hybrid" });
  assert.equal(hybrid.stop_reason, "post-copy");
  assert.ok(hybrid.downtime_ms <= pre.downtime_ms && hybrid.lost_pages === 0);
});

Deno.test("auto-converge throttles a guest that out-dirties the link until pre-copy converges", () => {
  const row = run({ ...HOT, autoConverge: true });
  assert.equal(row.converged, true);
  assert.ok(row.throttle_max >= 0.2, `throttle ${row.throttle_max}`);
  assert.equal(row.lost_pages, 0);
});

Deno.test("Xen's rules stop at their round caps on a guest that does not converge", () => {
  const xen = run({ ...HOT, memoryGib: 0.25, stopRule: "xen" });
  assert.equal(xen.rounds, 5);
  assert.equal(xen.stop_reason, "round cap");
  assert.equal(xen.converged, false);
  const legacy = run({ ...HOT, memoryGib: 0.25, stopRule: "xen-legacy" });
  assert.ok(legacy.stop_reason === "byte cap" || legacy.stop_reason === "round cap");
  assert.ok(legacy.bytes_sent > 3 * 2 ** 28 || legacy.rounds === 29);
});

Deno.test("a link that fails mid-post-copy loses the VM; pre-copy survives the same failure", () => {
  const post = run({ ...HOT, method: "post-copy", linkFailMs: 3000 });
  assert.equal(post.vm_lost, true);
  assert.equal(post.completed, false);
  assert.match(post.outcome, /^VM lost/);
  const pre = run({ ...HOT, linkFailMs: 3000 });
  assert.equal(pre.vm_lost, false);
  assert.equal(pre.completed, false);
  assert.match(pre.outcome, /^aborted/);
  // A failure after the migration ended changes nothing.
  const late = run({ memoryGib: 1 / 64, method: "post-copy", linkFailMs: 60000 });
  assert.equal(late.completed, true);
  assert.equal(late.vm_lost, false);
});

Deno.test("stop-and-copy sends every page once; zero pages go as headers, the rest compressed", () => {
  const pages = 4096;
  const plain = run({ method: "stop-and-copy", memoryGib: pages / 262144, deviceStateBytes: 0 });
  assert.equal(plain.bytes_sent, pages * (4096 + 8));
  assert.equal(plain.pages_sent, pages);
  const packed = run({
    method: "stop-and-copy",
    memoryGib: pages / 262144,
    deviceStateBytes: 0,
    zeroPageFraction: 0.5,
    compressionRatio: 2,
    batchPages: 1,
  });
  const zero = packed.zero_pages_sent;
  assert.ok(zero > 1800 && zero < 2300, `zero pages ${zero}`);
  assert.equal(packed.bytes_sent, (pages - zero) * 2048 + pages * 8);
  assert.ok(packed.downtime_ms < plain.downtime_ms);
});

Deno.test("a page-modification log takes far fewer exits than write protection", () => {
  const o: MigrationOptions = { memoryGib: 1 / 16, dirtyRateMibS: 200, wwsFraction: 0.5 };
  const wp = run(o);
  const pml = run({ ...o, dirtyLog: "pml" });
  assert.ok(wp.exits_write_protect > 1000);
  assert.equal(pml.exits_write_protect, 0);
  assert.ok(pml.exits_pml_full * 100 < wp.exits_write_protect);
  assert.equal(pml.lost_pages, 0);
});

Deno.test("post-copy's preempt channel shortens the stall of a remote fault", () => {
  const o: MigrationOptions = { ...HOT, memoryGib: 0.25, method: "post-copy" };
  const vanilla = run(o);
  const preempt = run({ ...o, preempt: true });
  assert.ok(
    preempt.fault_stall_ms * 5 < vanilla.fault_stall_ms,
    `${preempt.fault_stall_ms} vs ${vanilla.fault_stall_ms}`,
  );
});

Deno.test("dirty logging splits 2M host pages; a post-copy destination is 4K-backed", () => {
  const pre = run({ memoryGib: 1 / 16, translationSampleAccesses: 20000 });
  assert.equal(pre.host_pages_split, 32);
  assert.ok(pre.translation_slowdown > 1, String(pre.translation_slowdown));
  assert.equal(pre.dest_host_page, "2m");
  const post = run({ memoryGib: 1 / 16, method: "post-copy", translationSampleAccesses: 20000 });
  assert.equal(post.host_pages_split, 0);
  assert.equal(post.dest_host_page, "4k");
  assert.ok(post.dest_translation_slowdown > 1, String(post.dest_translation_slowdown));
  assert.ok(post.cold_start_ms > 0);
});

Deno.test("a run is deterministic for a seed", () => {
  const o: MigrationOptions = { memoryGib: 1 / 32, method: "hybrid", dirtyRateMibS: 500 };
  assert.deepEqual(run(o, 7), run(o, 7));
  assert.notDeepEqual(run(o, 7), run(o, 8));
});

Deno.test("bad options give one-line errors naming the field", () => {
  const bad: [MigrationOptions, RegExp][] = [
    [{ method: "teleport" as "pre-copy" }, /field "method": expected one of stop-and-copy/],
    [{ method: "post-copy", stopRule: "xen" }, /field "stopRule": only pre-copy and hybrid use it/],
    [{ preempt: true }, /field "preempt": only post-copy and hybrid use it, not pre-copy/],
    [{ stopRule: "xen", autoConverge: true }, /field "autoConverge": auto-converge is QEMU's/],
    [{ stopRule: "xen", downtimeLimitMs: 100 }, /field "downtimeLimitMs": only the qemu stop rule/],
    [{ platform: "shadow", dirtyLog: "pml" }, /field "dirtyLog": pml logs/],
    [{ link: "carrier-pigeon" }, /field "link"/],
    [{ compressionRatio: 0.5 }, /field "compressionRatio"/],
    [{ memoryGib: 1e-9 }, /field "memoryGib": expected at least one 4 KiB page/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => runMigration(options, COST, 1), (e: Error) => {
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"), e.message);
      return true;
    });
  }
  assert.ok(STOP_RULES.length === 3);
});
