import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../../core/base/config_error.ts";
import { EXIT_REASON_NAMES } from "../../../core/base/exit_reason.ts";
import { runFork } from "../../../core/migration/fork.ts";
import {
  FORK_PARENT_MODES,
  FORK_PLACEMENTS,
  type ForkOptions,
  resolveForkOptions,
} from "../../../core/migration/fork_params.ts";
import { LINK_PROFILE_NAMES, type LinkProfile } from "../../../core/transfer/link_profile.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

/** Pages per GiB: a memory of n pages is n / 262144 GiB, exact in binary. */
const PAGES_PER_GIB = 262144;

/** At 1 GHz: 4,096 B cross in 1,000 cycles; a round trip is 20,000 cycles, a message costs 1,000. */
const ROUND: LinkProfile = {
  name: "round",
  description: "round numbers for hand-checked tests",
  bytesPerSecond: 4.096e9,
  roundTripUs: 20,
  perMessageUs: 1,
  perPageBytes: 0,
  queueDepth: 4,
};

/** Small guests with every fork option; fresh pages always fit outside the working set. */
const forkArb: fc.Arbitrary<ForkOptions> = fc.record({
  children: fc.integer({ min: 1, max: 6 }),
  placement: fc.constantFrom(...FORK_PLACEMENTS),
  parent: fc.constantFrom(...FORK_PARENT_MODES),
  prefetch: fc.boolean(),
  skipFresh: fc.boolean(),
  multicast: fc.boolean(),
  link: fc.constantFrom(...LINK_PROFILE_NAMES),
  batchPages: fc.integer({ min: 1, max: 16 }),
  memoryGib: fc.integer({ min: 8, max: 300 }).map((p) => p / PAGES_PER_GIB),
  vcpus: fc.integer({ min: 1, max: 3 }),
  deviceStateBytes: fc.constantFrom(0, 4096, 65536),
  writeFraction: fc.constantFrom(0, 0.2, 0.5, 1),
  workingSetFraction: fc.constantFrom(0.05, 0.2, 0.4),
  writableFraction: fc.constantFrom(0.1, 0.5, 1),
  freshFraction: fc.constantFrom(0, 0.5, 1),
  accessesPerTouch: fc.integer({ min: 50, max: 5000 }),
  wsRunPages: fc.integer({ min: 1, max: 4 }),
  jobMs: fc.constantFrom(0, 0.01, 0.2),
}).map((o): ForkOptions => {
  // Drop what the drawn placement and prefetch cannot use (a mistake otherwise).
  const { link, multicast, batchPages, ...rest } = o;
  const remote = o.placement === "remote";
  return {
    ...rest,
    ...(remote ? { link, multicast } : {}),
    ...(remote && o.prefetch ? { batchPages } : {}),
  };
});

Deno.test("every child sees the parent's fork-instant pages, for every option, on random guests", () => {
  fc.assert(
    fc.property(forkArb, fc.integer({ min: 0, max: 1000 }), (options, seed) => {
      const row = runFork(options, TEST_PROFILE, seed);
      const why = JSON.stringify(options);
      assert.equal(row.lost_pages, 0, why);
      assert.ok(row.finished, why);
      assert.ok(row.parent_pause_ms <= row.first_instruction_ms, why);
      assert.ok(row.first_instruction_ms <= row.last_first_instruction_ms, why);
      assert.ok(row.last_first_instruction_ms <= row.job_done_ms, why);
      assert.ok(row.stall_ms >= -1e-12, why);
      assert.equal(row.exits_nested_fault, row.remote_faults + row.local_faults, why);
      if (!options.skipFresh) assert.equal(row.pages_skipped, 0, why);
      if (options.parent !== "stunned") assert.equal(row.parent_cow_copies, 0, why);
      if (options.placement === "local") {
        assert.equal(row.bytes_sent, 0, why);
        assert.equal(row.remote_faults, 0, why);
        assert.equal(row.link, "none", why);
        if (!options.prefetch) {
          // A second vCPU's fault on a page mapped meanwhile fetches nothing.
          assert.ok(row.pages_fetched <= row.local_faults - row.pages_skipped, why);
          if (options.vcpus === 1) {
            assert.equal(row.pages_fetched, row.local_faults - row.pages_skipped, why);
          }
        }
      } else {
        assert.equal(row.cow_copies, 0, "remote children hold private copies");
        assert.ok(row.bytes_sent >= row.pages_fetched * 4096 + row.descriptor_bytes, why);
        if (options.multicast) {
          const pages = Math.round(options.memoryGib! * PAGES_PER_GIB);
          assert.ok(row.pages_fetched <= pages, "a multicast page crosses the link once");
        }
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("a fetcher that maps an empty page instead of the parent's is caught by lost_pages", async (t) => {
  for (const placement of FORK_PLACEMENTS) {
    for (const seed of [1, 2, 3]) {
      await t.step(`${placement}, seed ${seed}`, () => {
        const base: ForkOptions = {
          placement,
          children: 2,
          memoryGib: 256 / PAGES_PER_GIB,
          accessesPerTouch: 1000,
          jobMs: 0.5,
        };
        assert.equal(runFork(base, TEST_PROFILE, seed).lost_pages, 0);
        const broken = runFork({ ...base, brokenSkipFetch: true }, TEST_PROFILE, seed);
        assert.ok(broken.lost_pages > 0);
      });
    }
  }
});

Deno.test("a stunned parent's later writes never reach a child; a parent writing the image in place is caught", async (t) => {
  for (const placement of FORK_PLACEMENTS) {
    await t.step(placement, () => {
      const base: ForkOptions = {
        placement,
        parent: "stunned",
        children: 3,
        memoryGib: 512 / PAGES_PER_GIB,
        writeFraction: 0.5,
        workingSetFraction: 0.4,
        writableFraction: 1,
        freshFraction: 0,
        accessesPerTouch: 500,
        jobMs: 1,
      };
      for (const seed of [4, 5]) {
        const row = runFork(base, TEST_PROFILE, seed);
        assert.ok(row.parent_cow_copies > 100, "the parent rewrote much of what children read");
        assert.equal(row.lost_pages, 0);
        const broken = runFork({ ...base, brokenSkipParentCopy: true }, TEST_PROFILE, seed);
        assert.equal(broken.parent_cow_copies, 0);
        assert.ok(broken.lost_pages > 0);
      }
    });
  }
});

Deno.test("remote children start later the more children share the link; multicast flattens it", () => {
  const base: ForkOptions = { memoryGib: 0.25, jobMs: 0, link: "10gbe" };
  const last = (children: number, multicast: boolean) =>
    runFork({ ...base, children, multicast }, TEST_PROFILE, 1).last_first_instruction_ms;
  const unicast = [1, 4, 16].map((n) => last(n, false));
  assert.ok(unicast[0] < unicast[1] && unicast[1] < unicast[2], String(unicast));
  const mean = [1, 4, 16].map((n) =>
    runFork({ ...base, children: n }, TEST_PROFILE, 1).first_instruction_ms
  );
  assert.ok(mean[0] < mean[1] && mean[1] < mean[2], String(mean));
  // Each extra descriptor adds at least its transfer (1.5 MiB at 1.25 GB/s).
  const descriptor = runFork(base, TEST_PROFILE, 1).descriptor_bytes;
  assert.ok(unicast[2] - unicast[1] >= 12 * descriptor / 1.25e6, String(unicast));
  const multi = last(16, true);
  assert.ok(multi < unicast[2] / 4, `multicast ${multi} against ${unicast[2]}`);
});

Deno.test("local children run their first instruction sooner than remote ones", () => {
  for (const children of [1, 8]) {
    for (const memoryGib of [0.0625, 0.25]) {
      const base: ForkOptions = { children, memoryGib, jobMs: 1 };
      const local = runFork({ ...base, placement: "local" }, TEST_PROFILE, 2);
      const remote = runFork({ ...base, placement: "remote", link: "25gbe" }, TEST_PROFILE, 2);
      assert.ok(local.first_instruction_ms < remote.first_instruction_ms);
      assert.ok(local.last_first_instruction_ms < remote.last_first_instruction_ms);
      assert.ok(local.stall_ms < remote.stall_ms, "a local fault waits for no network");
    }
  }
});

Deno.test("prefetch cuts remote faults to the pages outside the recorded working set", () => {
  const base: ForkOptions = {
    children: 4,
    memoryGib: 1024 / PAGES_PER_GIB,
    workingSetFraction: 0.25,
    writableFraction: 0.5,
    freshFraction: 0.5,
    accessesPerTouch: 1000,
    jobMs: 1,
  };
  for (const seed of [1, 2]) {
    const lazy = runFork(base, TEST_PROFILE, seed);
    const pre = runFork({ ...base, prefetch: true }, TEST_PROFILE, seed);
    assert.ok(
      pre.remote_faults < lazy.remote_faults / 2,
      `${pre.remote_faults} ${lazy.remote_faults}`,
    );
    // Working set 256 pages, writable 128, fresh 64: only fresh pages are left to fetch on demand.
    assert.ok(pre.pages_fetched <= 4 * (256 + 64), String(pre.pages_fetched));
    assert.ok(pre.pages_fetched >= 4 * 256, String(pre.pages_fetched));
    assert.ok(pre.first_instruction_ms > lazy.first_instruction_ms, "the working set comes first");
    assert.equal(pre.lost_pages, 0);
  }
});

Deno.test("skipFresh fetches no fresh page: fewer pages fetched, the rest skipped", () => {
  // One vCPU per child: its touches, and the pages they reach by the job's end, do not depend on timing.
  const base: ForkOptions = {
    children: 4,
    vcpus: 1,
    memoryGib: 1024 / PAGES_PER_GIB,
    writeFraction: 0.5,
    writableFraction: 0.5,
    freshFraction: 0.5,
    accessesPerTouch: 1000,
    jobMs: 1,
  };
  for (const placement of FORK_PLACEMENTS) {
    const all = runFork({ ...base, placement }, TEST_PROFILE, 3);
    const skip = runFork({ ...base, placement, skipFresh: true }, TEST_PROFILE, 3);
    assert.ok(skip.pages_skipped > 0);
    assert.equal(skip.pages_fetched + skip.pages_skipped, all.pages_fetched, placement);
    assert.equal(skip.lost_pages, 0);
  }
  // Without fresh pages there is nothing to skip.
  const none = { ...base, freshFraction: 0 };
  const a = runFork(none, TEST_PROFILE, 3);
  const b = runFork({ ...none, skipFresh: true }, TEST_PROFILE, 3);
  assert.equal(b.pages_skipped, 0);
  assert.equal(b.pages_fetched, a.pages_fetched);
});

Deno.test("a fork is deterministic for a seed, and children draw touches of their own", () => {
  const options: ForkOptions = {
    children: 3,
    parent: "stunned",
    memoryGib: 300 / PAGES_PER_GIB,
    accessesPerTouch: 500,
    jobMs: 0.5,
  };
  assert.deepEqual(runFork(options, TEST_PROFILE, 9), runFork(options, TEST_PROFILE, 9));
  assert.notDeepEqual(runFork(options, TEST_PROFILE, 9), runFork(options, TEST_PROFILE, 10));
  // Three children fetch more than one: their touches differ (a shared stream would fetch as one).
  const one = runFork({ ...options, children: 1, placement: "local" }, TEST_PROFILE, 9);
  const three = runFork({ ...options, placement: "local" }, TEST_PROFILE, 9);
  assert.ok(three.exits_nested_fault > one.exits_nested_fault * 2);
});

Deno.test("one remote child, hand-computed: first instruction and the stall of each remote fault", () => {
  // 16 pages: 4 page-table pages and 1 page of device state make a descriptor
  // of 5 pages (20,480 B): copied out in 2,000 cycles (the parent's pause),
  // fetched in 1,000 + 10,000 + 5,000 + 10,000 cycles, copied in in 2,000.
  const row = runFork(
    {
      placement: "remote",
      link: ROUND,
      children: 1,
      vcpus: 1,
      memoryGib: 16 / PAGES_PER_GIB,
      deviceStateBytes: 4096,
      writeFraction: 0,
      workingSetFraction: 0.25,
      accessesPerTouch: 100,
      faultHandlingUs: 1,
      jobMs: 0.01,
    },
    TEST_PROFILE,
    1,
  );
  assert.equal(row.descriptor_bytes, 20480);
  assert.equal(row.parent_pause_ms, 0.002);
  assert.equal(row.first_instruction_ms, 0.03);
  assert.equal(row.last_first_instruction_ms, 0.03);
  // A fault: exit 1,500; request and answer 22,000; handling 1,000; install copy 400.
  assert.ok(row.remote_faults >= 1 && row.remote_faults <= 4, String(row.remote_faults));
  assert.equal(row.pages_fetched, row.remote_faults);
  assert.ok(Math.abs(row.stall_ms - row.remote_faults * 0.0249) < 1e-12, String(row.stall_ms));
  // 100 touches of 100 cycles, plus the stalls.
  assert.ok(Math.abs(row.job_done_ms - (0.03 + 0.01 + row.remote_faults * 0.0249)) < 1e-12);
  assert.equal(row.bytes_sent, 20480 + 4096 * row.pages_fetched);
  assert.equal(row.exits, row.remote_faults);
});

Deno.test("one local child, hand-computed: built on the parent's host, a read fault costs its exit", () => {
  const options: ForkOptions = {
    placement: "local",
    children: 2,
    vcpus: 1,
    memoryGib: 16 / PAGES_PER_GIB,
    deviceStateBytes: 4096,
    writeFraction: 0,
    accessesPerTouch: 100,
    jobMs: 0.01,
  };
  const row = runFork(options, TEST_PROFILE, 1);
  // Pause 2,000; the host builds one child after the other, 2,000 cycles each.
  assert.equal(row.first_instruction_ms, (0.004 + 0.006) / 2);
  assert.equal(row.last_first_instruction_ms, 0.006);
  assert.ok(row.local_faults >= 2);
  assert.ok(Math.abs(row.stall_ms - row.local_faults * 0.0015 / 2) < 1e-12, String(row.stall_ms));
  // A stunned parent also write-protects its 16 pages (5 ns each) and stays stunned for stunMs.
  const stunned = runFork({ ...options, parent: "stunned", stunMs: 0.01 }, TEST_PROFILE, 1);
  assert.equal(stunned.parent_pause_ms, 0.002 + 0.00008 + 0.01);
});

Deno.test("a fork that reaches its time limit says what was left and still checks its pages", () => {
  const row = runFork({ children: 4, memoryGib: 0.25, simTimeLimitS: 0.002 }, TEST_PROFILE, 1);
  assert.equal(row.finished, false);
  assert.match(
    row.gave_up_reason,
    /^did not finish within 0.002 s of simulated time: \d of 4 children/,
  );
  assert.ok(Number.isNaN(row.job_done_ms) && Number.isNaN(row.stall_ms));
  assert.equal(row.lost_pages, 0);
});

Deno.test("a fork row has every exit reason's column", () => {
  const row = runFork({ memoryGib: 64 / PAGES_PER_GIB, jobMs: 0.1 }, TEST_PROFILE, 1);
  let sum = 0;
  for (const name of EXIT_REASON_NAMES) {
    assert.equal(typeof row[`exits_${name}`], "number", name);
    sum += row[`exits_${name}`];
  }
  assert.equal(sum, row.exits);
});

Deno.test("fork options: one-line errors naming the field", () => {
  const cases: [ForkOptions, string, string][] = [
    [
      { placement: "local", link: "10gbe" },
      "link",
      "only remote children use it, not placement local, parent suspended, prefetch false",
    ],
    [
      { placement: "local", multicast: true },
      "multicast",
      "only remote children use it, not placement local, parent suspended, prefetch false",
    ],
    [
      { placement: "local", faultHandlingUs: 3 },
      "faultHandlingUs",
      "only remote children use it, not placement local, parent suspended, prefetch false",
    ],
    [
      { batchPages: 8 },
      "batchPages",
      "only a remote prefetch uses it, not placement remote, parent suspended, prefetch false",
    ],
    [
      { prefetch: true, mapNsPerPage: 50 },
      "mapNsPerPage",
      "only a local prefetch uses it, not placement remote, parent suspended, prefetch true",
    ],
    [
      { stunMs: 1 },
      "stunMs",
      "only a stunned parent uses it, not placement remote, parent suspended, prefetch false",
    ],
    [
      { brokenSkipParentCopy: true },
      "brokenSkipParentCopy",
      "only a stunned parent uses it, not placement remote, parent suspended, prefetch false",
    ],
    [{ children: 0 }, "children", "expected an integer from 1 to 256, got 0"],
    [{ children: 257 }, "children", "expected an integer from 1 to 256, got 257"],
    [
      { children: 128, memoryGib: 1 },
      "children",
      "expected at most 64 GiB of child memory in all (children × memoryGib), got 128 × 1 GiB",
    ],
    [{ placement: "cloud" }, "placement", 'expected one of local, remote, got "cloud"'],
    [{ parent: "frozen" }, "parent", 'expected one of suspended, stunned, got "frozen"'],
    [
      { link: "100gbe" },
      "link",
      'expected one of 1gbe, 10gbe, 25gbe, or a profile given as an object, got "100gbe"',
    ],
    [
      { memoryGib: 1e-9 },
      "memoryGib",
      "expected at least one 4 KiB page (0.000003814697265625 GiB), got 1e-9",
    ],
    [
      { workingSetFraction: 0.9, writableFraction: 1, freshFraction: 1 },
      "freshFraction",
      "the 235930 fresh pages do not fit in the 26214 pages outside the working set; lower freshFraction, writableFraction or workingSetFraction",
    ],
  ];
  for (const [options, field, problem] of cases) {
    assert.throws(() => resolveForkOptions(options), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.message, `Cannot use fork options: field "${field}": ${problem}`);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  assert.throws(
    () => runFork({ vcpu: 2 } as ForkOptions, TEST_PROFILE, 1),
    /field "vcpu": unknown field/,
  );
});

Deno.test("fork options: {} is valid, remote over 10 GbE from a suspended parent", () => {
  const s = resolveForkOptions({});
  assert.equal(s.children, 1);
  assert.equal(s.placement, "remote");
  assert.equal(s.link!.name, "10gbe");
  assert.equal(s.parent, "suspended");
  assert.equal(s.pages, 262144);
  assert.equal(s.faultHandlingUs, 4.74);
  assert.equal(resolveForkOptions({ placement: "local" }).link, null);
});
