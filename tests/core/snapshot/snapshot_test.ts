import assert from "node:assert/strict";
import fc from "fast-check";
import { runSnapshot } from "../../../core/snapshot/snapshot.ts";
import {
  COW_WAITS,
  FAULT_SAVES,
  SAVE_ORDERS,
  SNAPSHOT_METHODS,
  type SnapshotOptions,
} from "../../../core/snapshot/state_params.ts";
import type { StorageProfile } from "../../../core/transfer/storage_profile.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";
import { PAGES_PER_GIB, stateOptionsArb } from "./_state_arbitraries.ts";

/** At 1 GHz: 4096 B written in 1,000 cycles; 10,000 cycles sequential latency. */
const ROUND: StorageProfile = {
  name: "round",
  description: "round numbers for hand-checked tests",
  readBytesPerSecond: 4.096e9,
  writeBytesPerSecond: 4.096e9,
  randomReadLatencyUs: 20,
  sequentialReadLatencyUs: 10,
  randomWriteLatencyUs: 20,
  sequentialWriteLatencyUs: 10,
  queueDepth: 4,
};

/** The options only concurrent-cow and only dirty-precopy take: other methods refuse them. */
const COW_ONLY = ["saveOrder", "faultSave", "cowWait", "saverShare", "uffdRoundTripUs"] as const;
const PRECOPY_ONLY = ["downtimeLimitMs", "maxRounds", "dirtyLog"] as const;

const snapshotArb: fc.Arbitrary<SnapshotOptions> = fc.record({
  method: fc.constantFrom(...SNAPSHOT_METHODS),
  saveOrder: fc.constantFrom(...SAVE_ORDERS),
  faultSave: fc.constantFrom(...FAULT_SAVES),
  cowWait: fc.constantFrom(...COW_WAITS),
  saverShare: fc.constantFrom(0.25, 1),
  uffdRoundTripUs: fc.constantFrom(0, 4.74, 50),
  downtimeLimitMs: fc.constantFrom(0, 0.05, 300),
  maxRounds: fc.integer({ min: 1, max: 6 }),
  dirtyLog: fc.constantFrom("write-protect", "pml"),
}).chain((m) => stateOptionsArb.map((o) => ({ ...o, ...m })))
  .map((o) => {
    const own: SnapshotOptions = { ...o };
    if (o.method !== "concurrent-cow") { for (const f of COW_ONLY) delete own[f]; }
    if (o.method !== "dirty-precopy") { for (const f of PRECOPY_ONLY) delete own[f]; }
    // PML is the nested (EPT) table's: shadow paging refuses it.
    if (own.dirtyLog === "pml" && own.platform === "shadow") own.dirtyLog = "write-protect";
    return own;
  });

Deno.test("every snapshot method saves each page's version at the snapshot instant, on random guests", () => {
  fc.assert(
    fc.property(snapshotArb, fc.integer({ min: 0, max: 1000 }), (options, seed) => {
      const row = runSnapshot(options, TEST_PROFILE, seed);
      assert.equal(row.lost_pages, 0, JSON.stringify(options));
      assert.ok(row.total_ms >= row.pause_ms);
      assert.ok(row.guest_slowdown >= 0 && row.guest_slowdown <= 1);
      const pages = Math.round(options.memoryGib! * PAGES_PER_GIB);
      assert.ok(row.pages_moved >= pages, "every page written at least once");
    }),
    { numRuns: 150 },
  );
});

Deno.test("a saver that skips copy-before-write is caught by lost_pages", async (t) => {
  // A write-heavy guest on slow storage: writes reach unsaved pages long before the saver does.
  const base: SnapshotOptions = {
    method: "concurrent-cow",
    memoryGib: 256 / PAGES_PER_GIB,
    storage: "network-gp3",
    batchPages: 8,
    writeFraction: 0.5,
    workingSetFraction: 0.5,
    accessesPerTouch: 1000,
    jobMs: 0.5,
  };
  for (const seed of [1, 2, 3]) {
    await t.step(`seed ${seed}`, () => {
      assert.equal(runSnapshot(base, TEST_PROFILE, seed).lost_pages, 0);
      const broken = runSnapshot({ ...base, brokenSkipCopyBeforeWrite: true }, TEST_PROFILE, seed);
      assert.ok(broken.lost_pages > 0, `broken saver lost ${broken.lost_pages} pages`);
    });
  }
});

Deno.test("stop-and-copy pauses for exactly its I/Os, hand-computed", async (t) => {
  // 16 pages, batches of 4 (16 KiB = 4,000 cycles), 4 KiB of device state, every I/O sequential.
  const base: SnapshotOptions = {
    method: "stop-and-copy",
    memoryGib: 16 / PAGES_PER_GIB,
    batchPages: 4,
    storage: ROUND,
    deviceStateBytes: 4096,
    jobMs: 0,
  };
  await t.step("one I/O at a time: 11,000 + 4 × 14,000 cycles", () => {
    const row = runSnapshot({ ...base, ioDepth: 1 }, TEST_PROFILE, 1);
    assert.equal(row.pause_ms, 0.067);
    assert.equal(row.total_ms, 0.067);
    assert.equal(row.guest_slowdown, 1);
    assert.equal(row.ios, 5);
    assert.equal(row.image_bytes, 4096 + 16 * 4096);
    assert.equal(row.exits, 0);
  });
  await t.step("two I/Os in flight: transfers queue, latencies overlap: 39,000 cycles", () => {
    // state: xfer 0–1000, done 11,000; batch 0: xfer 1000–5000, done 15,000;
    // batch 1 at 11,000: done 25,000; batch 2 at 15,000: done 29,000; batch 3 at 25,000: done 39,000.
    const row = runSnapshot({ ...base, ioDepth: 2 }, TEST_PROFILE, 1);
    assert.equal(row.total_ms, 0.039);
  });
});

Deno.test("concurrent copy-before-write pauses only to write-protect and saves the device state", () => {
  const opts: SnapshotOptions = {
    memoryGib: 1024 / PAGES_PER_GIB,
    batchPages: 16,
    storage: ROUND,
    deviceStateBytes: 8192,
    jobMs: 0.1,
  };
  const cow = runSnapshot(
    { ...opts, method: "concurrent-cow", protectNsPerPage: 5 },
    TEST_PROFILE,
    4,
  );
  // 1,024 pages × 5 ns = 5,120 cycles at 1 GHz, plus 2 pages of device state × 400 cycles.
  assert.equal(cow.pause_ms, (5120 + 800) / 1e6);
  assert.equal(cow.first_instruction_ms, cow.pause_ms);
  const stop = runSnapshot({ ...opts, method: "stop-and-copy" }, TEST_PROFILE, 4);
  assert.ok(cow.pause_ms < stop.pause_ms / 10);
  assert.ok(cow.exits > 0, "writes to unsaved pages exit");
  assert.equal(stop.exits, 0);
  assert.equal(cow.lost_pages + stop.lost_pages, 0);
});

Deno.test("concurrent copy-before-write saves a faulting page's whole batch or only the page", () => {
  const opts: SnapshotOptions = {
    method: "concurrent-cow",
    memoryGib: 512 / PAGES_PER_GIB,
    batchPages: 64,
    storage: "sata-ssd",
    writeFraction: 1,
    accessesPerTouch: 2000,
    jobMs: 1,
  };
  // QEMU's rule: the copied pages join the stream's next I/O either way; a
  // whole batch copied per fault means fewer faults and a bigger buffer.
  const batch = runSnapshot({ ...opts, faultSave: "batch" }, TEST_PROFILE, 9);
  const page = runSnapshot({ ...opts, faultSave: "page" }, TEST_PROFILE, 9);
  assert.ok(page.exits > batch.exits, `${page.exits} vs ${batch.exits} faults`);
  assert.ok(batch.buffer_peak_bytes > page.buffer_peak_bytes);
  assert.equal(page.ios, batch.ios, "the same stream of full batches");
  // The pessimistic rule writes what a fault asks for as an urgent I/O of its own.
  const ioBatch = runSnapshot({ ...opts, cowWait: "io", faultSave: "batch" }, TEST_PROFILE, 9);
  const ioPage = runSnapshot({ ...opts, cowWait: "io", faultSave: "page" }, TEST_PROFILE, 9);
  assert.ok(ioPage.ios > ioBatch.ios, "page-sized urgent saves take more I/Os");
  assert.ok(ioPage.exits > 0 && ioBatch.exits > 0);
  for (const r of [batch, page, ioBatch, ioPage]) assert.equal(r.lost_pages, 0);
});

Deno.test("dirty-logging pre-copy iterates while the guest dirties pages, and stops at maxRounds", () => {
  const opts: SnapshotOptions = {
    method: "dirty-precopy",
    memoryGib: 512 / PAGES_PER_GIB,
    storage: "network-gp3",
    batchPages: 8,
    writeFraction: 0.5,
    accessesPerTouch: 500,
    downtimeLimitMs: 0,
    jobMs: 1,
  };
  const row = runSnapshot({ ...opts, maxRounds: 4 }, TEST_PROFILE, 2);
  assert.equal(row.rounds, 5, "4 live rounds, then the final pause");
  assert.ok(row.pages_moved > 512, "dirtied pages are written again");
  assert.ok(row.pause_ms > 0 && row.pause_ms < row.total_ms);
  assert.equal(row.first_instruction_ms, 0);
  assert.equal(row.lost_pages, 0);
  const idle = runSnapshot({ ...opts, writeFraction: 0 }, TEST_PROFILE, 2);
  assert.equal(idle.rounds, 2, "nothing dirty after round 0: straight to the final pause");
  assert.equal(idle.pages_moved, 512);
});

Deno.test("snapshot rows are deterministic for a seed and differ across seeds", () => {
  const opts: SnapshotOptions = {
    memoryGib: 2048 / PAGES_PER_GIB,
    storage: "sata-ssd",
    accessesPerTouch: 1000,
    jobMs: 1,
  };
  assert.deepEqual(runSnapshot(opts, TEST_PROFILE, 5), runSnapshot(opts, TEST_PROFILE, 5));
  assert.notDeepEqual(runSnapshot(opts, TEST_PROFILE, 5), runSnapshot(opts, TEST_PROFILE, 6));
});

Deno.test("a smaller saver share stretches the background save; hot-first order saves writers' pages early", () => {
  const opts: SnapshotOptions = {
    method: "concurrent-cow",
    memoryGib: 2048 / PAGES_PER_GIB,
    batchPages: 16,
    storage: "nvme-ssd",
    writeFraction: 0.5,
    workingSetFraction: 0.1,
    accessesPerTouch: 2000,
    jobMs: 2,
  };
  // The share limits bandwidth, not device time: with 1 MiB batches the transfer dominates each I/O.
  const idle = { ...opts, writeFraction: 0, batchPages: 256 };
  const full = runSnapshot(idle, TEST_PROFILE, 3);
  const quarter = runSnapshot({ ...idle, saverShare: 0.25 }, TEST_PROFILE, 3);
  assert.ok(quarter.total_ms > 3 * full.total_ms, `${quarter.total_ms} vs ${full.total_ms}`);
  const hot = runSnapshot({ ...opts, saveOrder: "hot-first" }, TEST_PROFILE, 3);
  const cold = runSnapshot({ ...opts, saveOrder: "cold-first" }, TEST_PROFILE, 3);
  assert.ok(hot.exits < cold.exits, `hot-first ${hot.exits} exits, cold-first ${cold.exits}`);
  for (const r of [full, quarter, hot, cold]) assert.equal(r.lost_pages, 0);
});

Deno.test("a snapshot that reaches its simulated-time limit says so and checks the pages it saved", async (t) => {
  // 1,024 pages to network storage one page per I/O: about 1 s; the limit cuts it at 50 ms.
  const base: SnapshotOptions = {
    memoryGib: 1024 / PAGES_PER_GIB,
    storage: "network-gp3",
    batchPages: 1,
    writeFraction: 0.5,
    workingSetFraction: 0.5,
    accessesPerTouch: 1000,
    jobMs: 1,
    simTimeLimitS: 0.05,
  };
  for (const method of SNAPSHOT_METHODS) {
    await t.step(method, () => {
      const row = runSnapshot({ ...base, method }, TEST_PROFILE, 1);
      assert.equal(row.finished, false);
      assert.match(row.gave_up_reason, /^did not finish within 0\.05 s of simulated time: /);
      assert.ok(Number.isNaN(row.total_ms) && Number.isNaN(row.guest_slowdown));
      assert.ok(Number.isNaN(row.stall_ms));
      assert.ok(row.pages_moved > 0 && row.pages_moved < 1024, `${row.pages_moved} pages moved`);
      assert.equal(row.lost_pages, 0);
      if (method === "stop-and-copy") assert.ok(Number.isNaN(row.pause_ms));
      // The write-protect pause happened. Under QEMU's rule a write waits only
      // for its page's copy, so the guest's 1 ms job is done; under the
      // pessimistic rule it waits for 1 ms saves and is not.
      if (method === "concurrent-cow") {
        assert.ok(row.pause_ms > 0 && row.job_done_ms > 1);
        const io = runSnapshot({ ...base, method, cowWait: "io" }, TEST_PROFILE, 1);
        assert.ok(io.pause_ms > 0 && Number.isNaN(io.job_done_ms));
        assert.equal(io.lost_pages, 0);
      }
      if (method === "dirty-precopy") {
        assert.ok(Number.isNaN(row.pause_ms));
        assert.match(
          row.gave_up_reason,
          /pre-copy round 1 \(live rounds capped at 30\), \d+ pages still to write$/,
        );
      }
    });
  }
  await t.step("dirty-precopy stopped in a later round", () => {
    // 64-page batches: a round of 512 dirty pages takes about 8 ms; it never converges to 0 ms.
    const row = runSnapshot(
      { ...base, method: "dirty-precopy", batchPages: 64, downtimeLimitMs: 0 },
      TEST_PROFILE,
      1,
    );
    assert.equal(row.finished, false);
    assert.match(
      row.gave_up_reason,
      /pre-copy round 4 \(live rounds capped at 30\), 512 pages still to write$/,
    );
    assert.equal(row.rounds, 3);
    assert.ok(row.pages_moved > 1024, `${row.pages_moved} pages moved`);
    assert.equal(row.lost_pages, 0);
  });
  await t.step("a broken saver is still caught in a run that gave up", () => {
    const row = runSnapshot(
      { ...base, method: "concurrent-cow", batchPages: 8, brokenSkipCopyBeforeWrite: true },
      TEST_PROFILE,
      1,
    );
    assert.equal(row.finished, false);
    assert.ok(row.lost_pages > 0, `lost ${row.lost_pages}`);
  });
});

Deno.test("a snapshot that ends within its simulated-time limit is unchanged by it, on random guests", () => {
  fc.assert(
    fc.property(snapshotArb, fc.integer({ min: 0, max: 1000 }), (options, seed) => {
      const free = runSnapshot({ ...options, simTimeLimitS: 1e9 }, TEST_PROFILE, seed);
      assert.equal(free.finished, true);
      assert.equal(free.gave_up_reason, "");
      // Just enough: 2 µs (2,000 cycles at 1 GHz) after the later of the image and the job.
      const end = Math.max(free.total_ms, free.job_done_ms) / 1000 + 2e-6;
      assert.deepEqual(runSnapshot({ ...options, simTimeLimitS: end }, TEST_PROFILE, seed), free);
    }),
    { numRuns: 60 },
  );
});

Deno.test("a snapshot's exits are the vCPUs' exits, by reason, charged from the profile", () => {
  const base: SnapshotOptions = {
    memoryGib: 1024 / PAGES_PER_GIB,
    storage: "sata-ssd",
    batchPages: 8,
    accessesPerTouch: 300,
    jobMs: 2,
    hostPage: "4k",
  };
  const cow = runSnapshot({ ...base, method: "concurrent-cow" }, TEST_PROFILE, 4);
  assert.ok(cow.exits_write_protect > 0);
  assert.equal(cow.exits, cow.exits_write_protect, "copy-before-write exits on writes only");
  const wp = runSnapshot({ ...base, method: "dirty-precopy" }, TEST_PROFILE, 4);
  assert.ok(wp.exits_write_protect > 0 && wp.exits_pml_full === 0);
  assert.ok(wp.exits_kick >= 2, "the vCPUs are kicked to flush when memory is write-protected");
  assert.equal(wp.exits, wp.exits_write_protect + wp.exits_kick);
  assert.equal(wp.dirty_log, "write-protect");
  const pml = runSnapshot({ ...base, method: "dirty-precopy", dirtyLog: "pml" }, TEST_PROFILE, 4);
  assert.equal(pml.exits_write_protect, 0);
  assert.ok(pml.exits_pml_full < wp.exits_write_protect / 100, `${pml.exits_pml_full} PML exits`);
  assert.ok(pml.guest_slowdown < wp.guest_slowdown, "PML costs the guest less than write faults");
  assert.equal(pml.lost_pages + wp.lost_pages + cow.lost_pages, 0);
  assert.equal(cow.dirty_log, "none", "copy-before-write logs no dirty pages");
});

Deno.test("dirty logging splits 2M host pages and the guest pays the translation cost measured per access", () => {
  const base: SnapshotOptions = {
    method: "dirty-precopy",
    memoryGib: 4096 / PAGES_PER_GIB,
    storage: "nvme-ssd",
    jobMs: 2,
    translationSampleAccesses: 5000,
  };
  const large = runSnapshot({ ...base, hostPage: "2m" }, TEST_PROFILE, 1);
  const small = runSnapshot({ ...base, hostPage: "4k" }, TEST_PROFILE, 1);
  assert.equal(large.host_pages_split, 8, "16 MiB of 2M host pages");
  assert.ok(large.translation_slowdown > 1, `${large.translation_slowdown}`);
  assert.equal(small.host_pages_split, 0);
  assert.equal(small.translation_slowdown, 1, "nothing split, nothing measured");
  assert.ok(large.job_done_ms > small.job_done_ms, "the same work takes longer on split pages");
  assert.equal(large.lost_pages + small.lost_pages, 0);
  for (const method of ["stop-and-copy", "concurrent-cow"] as const) {
    const row = runSnapshot({ ...base, method, hostPage: "2m" }, TEST_PROFILE, 1);
    assert.equal(row.host_pages_split, 0, `${method} does not log dirty pages`);
  }
});

Deno.test("snapshot options a method cannot use are refused", () => {
  assert.throws(
    () => runSnapshot({ method: "concurrent-cow", dirtyLog: "pml" }, TEST_PROFILE, 1),
    /"dirtyLog": only dirty-precopy logs dirty pages, not concurrent-cow/,
  );
  assert.throws(
    () =>
      runSnapshot(
        { method: "dirty-precopy", dirtyLog: "pml", platform: "shadow" },
        TEST_PROFILE,
        1,
      ),
    /"dirtyLog": pml logs what the processor marks dirty in the nested \(EPT\) table: use platform nested/,
  );
  assert.throws(
    () => runSnapshot({ platform: "native" }, TEST_PROFILE, 1),
    /"platform": expected one of nested, shadow, got "native"/,
  );
  assert.throws(() => runSnapshot({ hostPage: "4m" }, TEST_PROFILE, 1), /hostPage/);
  assert.throws(
    () => runSnapshot({ method: "stop-and-copy", cowWait: "io" }, TEST_PROFILE, 1),
    /"cowWait": only concurrent-cow uses it, not stop-and-copy$/,
  );
  assert.throws(
    () => runSnapshot({ method: "dirty-precopy", uffdRoundTripUs: 1 }, TEST_PROFILE, 1),
    /"uffdRoundTripUs": only concurrent-cow uses it, not dirty-precopy$/,
  );
  assert.throws(
    () => runSnapshot({ method: "concurrent-cow", maxRounds: 3 }, TEST_PROFILE, 1),
    /"maxRounds": only dirty-precopy uses it, not concurrent-cow$/,
  );
  assert.throws(
    () => runSnapshot({ method: "stop-and-copy", protectNsPerPage: 1 }, TEST_PROFILE, 1),
    /"protectNsPerPage": only concurrent-cow and dirty-precopy use it, not stop-and-copy$/,
  );
});
