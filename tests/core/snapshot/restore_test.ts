import assert from "node:assert/strict";
import fc from "fast-check";
import { runRestore } from "../../../core/snapshot/restore.ts";
import { RESTORE_METHODS, type RestoreOptions } from "../../../core/snapshot/state_params.ts";
import type { StorageProfile } from "../../../core/transfer/storage_profile.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";
import { PAGES_PER_GIB, stateOptionsArb } from "./_state_arbitraries.ts";

/** At 1 GHz: 4096 B read in 1,000 cycles; 10,000 cycles sequential, 20,000 random latency. */
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

const restoreArb: fc.Arbitrary<RestoreOptions> = fc.record({
  method: fc.constantFrom(...RESTORE_METHODS),
  sweepShare: fc.constantFrom(0.25, 1),
}).chain((m) => stateOptionsArb.map((o) => ({ ...o, ...m })));

Deno.test("every restore method gives the guest the image's version of each page, on random guests", () => {
  fc.assert(
    fc.property(restoreArb, fc.integer({ min: 0, max: 1000 }), (options, seed) => {
      const row = runRestore(options, TEST_PROFILE, seed);
      assert.equal(row.lost_pages, 0, JSON.stringify(options));
      assert.ok(row.first_instruction_ms <= row.job_done_ms);
      assert.ok(row.guest_slowdown >= 0 && row.guest_slowdown <= 1);
      assert.ok(row.stall_ms >= 0);
      if (options.method !== "lazy") {
        const pages = Math.round(options.memoryGib! * PAGES_PER_GIB);
        assert.equal(row.pages_moved, pages, "every page read exactly once");
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("a restorer that maps empty pages instead of fetching is caught by lost_pages", async (t) => {
  const base: RestoreOptions = {
    method: "lazy",
    memoryGib: 256 / PAGES_PER_GIB,
    storage: "sata-ssd",
    batchPages: 8,
    accessesPerTouch: 1000,
    jobMs: 0.5,
  };
  for (const seed of [1, 2, 3]) {
    await t.step(`seed ${seed}`, () => {
      assert.equal(runRestore(base, TEST_PROFILE, seed).lost_pages, 0);
      const broken = runRestore({ ...base, brokenSkipFetch: true }, TEST_PROFILE, seed);
      assert.ok(broken.lost_pages > 0);
    });
  }
});

Deno.test("full restore runs its first instruction after every I/O, hand-computed", () => {
  // 16 pages in 4 batches of 16 KiB (4,000 cycles), 4 KiB of device state, all sequential, one I/O at a time.
  const row = runRestore(
    {
      method: "full",
      memoryGib: 16 / PAGES_PER_GIB,
      batchPages: 4,
      storage: ROUND,
      deviceStateBytes: 4096,
      ioDepth: 1,
      jobMs: 0.01,
    },
    TEST_PROFILE,
    1,
  );
  assert.equal(row.first_instruction_ms, 0.067);
  assert.equal(row.pause_ms, 0.067);
  assert.equal(row.total_ms, 0.067);
  assert.equal(row.job_done_ms, 0.067 + 0.01, "no stalls once everything is in memory");
  assert.equal(row.stall_ms, 0);
  assert.equal(row.exits, 0);
  assert.equal(row.image_bytes, 4096 + 16 * 4096);
});

Deno.test("lazy restore starts after the device state and stalls on faults instead", () => {
  const opts: RestoreOptions = {
    memoryGib: 4096 / PAGES_PER_GIB,
    batchPages: 16,
    storage: ROUND,
    deviceStateBytes: 4096,
    accessesPerTouch: 1000,
    jobMs: 0.5,
  };
  const lazy = runRestore({ ...opts, method: "lazy" }, TEST_PROFILE, 3);
  assert.equal(lazy.first_instruction_ms, 0.011, "4 KiB of device state: 1,000 + 10,000 cycles");
  assert.ok(lazy.exits > 0 && lazy.stall_ms > 0);
  assert.ok(lazy.pages_moved < 4096, "pages the guest never touches are not read");
  const full = runRestore({ ...opts, method: "full" }, TEST_PROFILE, 3);
  assert.ok(lazy.first_instruction_ms < full.first_instruction_ms);
  const sweep = runRestore({ ...opts, method: "lazy-sweep" }, TEST_PROFILE, 3);
  assert.equal(sweep.pages_moved, 4096);
  assert.ok(sweep.total_ms >= sweep.first_instruction_ms);
});

Deno.test("prefetch restores the working set before the first instruction and never faults", () => {
  const row = runRestore(
    {
      method: "prefetch",
      memoryGib: 4096 / PAGES_PER_GIB,
      batchPages: 32,
      storage: "nvme-ssd",
      workingSetFraction: 0.25,
      accessesPerTouch: 1000,
      jobMs: 0.5,
    },
    TEST_PROFILE,
    8,
  );
  assert.equal(row.exits, 0);
  assert.equal(row.stall_ms, 0);
  assert.ok(row.first_instruction_ms < row.total_ms);
  assert.equal(row.lost_pages, 0);
});

Deno.test("restore rows are deterministic for a seed", () => {
  const opts: RestoreOptions = {
    memoryGib: 2048 / PAGES_PER_GIB,
    storage: "network-gp3",
    accessesPerTouch: 1000,
    jobMs: 1,
  };
  assert.deepEqual(runRestore(opts, TEST_PROFILE, 5), runRestore(opts, TEST_PROFILE, 5));
});

Deno.test("a smaller sweep share stretches a lazy restore's background sweep", () => {
  const opts: RestoreOptions = {
    method: "lazy-sweep",
    memoryGib: 16384 / PAGES_PER_GIB,
    batchPages: 256,
    storage: "nvme-ssd",
    // 33 working-set pages: faults fetch at most a few of the 64 batches, the sweep the rest.
    workingSetFraction: 0.002,
    accessesPerTouch: 2000,
    jobMs: 0.1,
  };
  // The share limits bandwidth, not device time: with 1 MiB batches the transfer dominates each I/O.
  const full = runRestore(opts, TEST_PROFILE, 3);
  const quarter = runRestore({ ...opts, sweepShare: 0.25 }, TEST_PROFILE, 3);
  assert.ok(quarter.total_ms > 2 * full.total_ms, `${quarter.total_ms} vs ${full.total_ms}`);
  assert.equal(quarter.lost_pages + full.lost_pages, 0);
});

Deno.test("a restore that reaches its simulated-time limit says so and checks what the guest saw", async (t) => {
  const base: RestoreOptions = {
    memoryGib: 1024 / PAGES_PER_GIB,
    storage: "network-gp3",
    batchPages: 1,
    writeFraction: 0.5,
    workingSetFraction: 0.5,
    accessesPerTouch: 1000,
    jobMs: 1,
    simTimeLimitS: 0.05,
  };
  for (const method of RESTORE_METHODS) {
    await t.step(method, () => {
      const row = runRestore({ ...base, method }, TEST_PROFILE, 1);
      assert.equal(row.finished, false);
      assert.match(
        row.gave_up_reason,
        /^did not finish within 0\.05 s of simulated time: \d+ of 1024 batches restored/,
      );
      assert.ok(Number.isNaN(row.total_ms) && Number.isNaN(row.guest_slowdown));
      assert.equal(row.lost_pages, 0);
      // Full and prefetch read 1,024 and 512 pages at 1 ms each before the first instruction.
      if (method === "full" || method === "prefetch") {
        assert.ok(Number.isNaN(row.first_instruction_ms));
      } else assert.ok(row.first_instruction_ms > 0 && row.first_instruction_ms < 50);
    });
  }
  await t.step("a restorer that maps empty pages is still caught", () => {
    const row = runRestore({ ...base, method: "lazy", brokenSkipFetch: true }, TEST_PROFILE, 1);
    assert.ok(row.lost_pages > 0, `lost ${row.lost_pages}`);
  });
});

Deno.test("a restore that ends within its simulated-time limit is unchanged by it, on random guests", () => {
  fc.assert(
    fc.property(restoreArb, fc.integer({ min: 0, max: 1000 }), (options, seed) => {
      const free = runRestore({ ...options, simTimeLimitS: 1e9 }, TEST_PROFILE, seed);
      assert.equal(free.finished, true);
      const end = Math.max(free.total_ms, free.job_done_ms) / 1000 + 2e-6;
      assert.deepEqual(runRestore({ ...options, simTimeLimitS: end }, TEST_PROFILE, seed), free);
    }),
    { numRuns: 60 },
  );
});

Deno.test("a lazy restore's faults are nested-page-fault exits of the guest's vCPUs", () => {
  const opts: RestoreOptions = {
    memoryGib: 1024 / PAGES_PER_GIB,
    storage: "sata-ssd",
    batchPages: 16,
    accessesPerTouch: 300,
    jobMs: 1,
  };
  const lazy = runRestore({ ...opts, method: "lazy" }, TEST_PROFILE, 3);
  assert.ok(lazy.exits_nested_fault > 0);
  assert.equal(lazy.exits, lazy.exits_nested_fault);
  assert.equal(lazy.exits_write_protect + lazy.exits_kick + lazy.host_pages_split, 0);
  const full = runRestore({ ...opts, method: "full" }, TEST_PROFILE, 3);
  assert.equal(full.exits, 0, "nothing is absent once the guest runs");
  assert.equal(lazy.mode, "nested");
  assert.equal(
    runRestore({ ...opts, method: "lazy", platform: "shadow" }, TEST_PROFILE, 3).mode,
    "shadow",
  );
});
