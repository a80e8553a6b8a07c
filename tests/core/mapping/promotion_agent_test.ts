import assert from "node:assert/strict";
import fc from "fast-check";
import { BuddyAllocator } from "../../../core/mem/buddy_allocator.ts";
import { fragment } from "../../../core/mem/fragmentation.ts";
import { HostMapper } from "../../../core/mapping/host_mapper.ts";
import { PromotionAgent } from "../../../core/mapping/promotion_agent.ts";
import { PageTable } from "../../../core/mmu/page_table.ts";
import { PageSize } from "../../../core/base/page_size.ts";
import { Stats } from "../../../core/cost/stats.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

const REGIONS = 24;

interface World {
  frames: BuddyAllocator;
  table: PageTable;
  host: HostMapper;
  tenants: Float64Array;
}

/** 24 regions of guest RAM on a 64 MiB host, some of their pages backed by 4K pages. */
function world(backed: readonly number[], fragmentation: number): World {
  const frames = new BuddyAllocator(64 * 256);
  const tenants = fragment(frames, fragmentation, 5);
  const table = new PageTable(4, frames);
  const host = new HostMapper({
    policy: "4k",
    frames,
    guestFrames: REGIONS * 512,
    stats: new Stats(),
    pageCopyCycles: 500,
    flushCycles: 500,
  });
  backed.forEach((n, region) => {
    for (let i = 0; i < n; i++) host.map(table, region * 512 + (i * 37) % 512);
  });
  return { frames, table, host, tenants };
}

/** The obviously-correct schedule: khugepaged's loop written out with a list of wake-ups. */
class ReferenceAgent {
  cursor = 0;
  next: number;
  constructor(
    readonly w: World,
    readonly perPass: number,
    readonly scan: number,
    readonly alloc: number,
    readonly minBacked: number,
  ) {
    this.next = scan;
  }
  runUntil(now: number): number {
    let collapsed = 0;
    while (this.next <= now) {
      let failed = false;
      for (let i = 0; i < this.perPass && !failed; i++) {
        const region = this.cursor;
        this.cursor = (this.cursor + 1) % REGIONS;
        if (this.w.host.backed4k(region) < this.minBacked) continue;
        if (this.w.frames.freeBlocks(PageSize.SIZE_2M) === 0) {
          failed = true;
          break;
        }
        assert.ok(this.w.host.collapse(this.w.table, region, null));
        collapsed++;
      }
      this.next += failed ? this.alloc : this.scan;
    }
    return collapsed;
  }
}

Deno.test("PromotionAgent agrees with khugepaged's loop written out: same passes, same regions, same back-off", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0, 1, 100, 400, 511, 512), {
        minLength: REGIONS,
        maxLength: REGIONS,
      }),
      fc.constantFrom(0.5, 0.9, 1),
      fc.integer({ min: 1, max: 3000 }),
      fc.constantFrom(0, 12, 511),
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 12 }),
      fc.nat({ max: 11 }),
      (backed, fragmentation, pagesToScan, maxPtesNone, steps, release) => {
        const fast = world(backed, fragmentation);
        const slow = world(backed, fragmentation);
        const agent = new PromotionAgent({
          host: fast.host,
          regions: REGIONS,
          pagesToScan,
          scanSleepCycles: 10,
          allocSleepCycles: 60,
          maxPtesNone,
        });
        const ref = new ReferenceAgent(
          slow,
          Math.ceil(pagesToScan / 512),
          10,
          60,
          Math.max(1, 512 - maxPtesNone),
        );
        let flushes = 0;
        const vcpus = { remoteFlush: () => void flushes++ };
        let now = 0;
        steps.forEach((step, i) => {
          if (i === release) {
            for (const w of [fast, slow]) {
              for (const t of w.tenants) w.frames.free(t, PageSize.SIZE_4K);
            }
          }
          now += step;
          const expected = ref.runUntil(now);
          assert.equal(agent.runUntil(now, fast.table, vcpus, null), expected, `at ${now}`);
          assert.equal(agent.nextWake, ref.next);
        });
        assert.equal(flushes, agent.collapses, "one remote flush per collapse");
        for (let gfn = 0; gfn < REGIONS * 512; gfn++) {
          assert.equal(fast.table.translate(gfn), slow.table.translate(gfn), `frame ${gfn}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("The promotion agent collapses at khugepaged's default rate in guest time, and backs off a minute on failure", () => {
  const build = (timeScale: number, fragmentation: number) =>
    buildMachine({
      platform: "nested",
      memory: {
        hostPolicy: "opportunistic+promote",
        fragmentation,
        guestMemoryMib: 64,
        hostMemoryMib: 256,
        ...(timeScale === 1 ? {} : { promotion: { timeScale } }),
      },
    }, TEST_PROFILE);
  const seconds = (s: number) => s * TEST_PROFILE.clockGhz * 1e9;
  const machine = build(1, 1);
  const mmu = machine.vcpus[0].mmu;
  for (let i = 0; i < 48 * 256; i++) mmu.translate(0x100000 + i, 0);
  const memory = machine.memory!;
  assert.equal(memory.report().host_large_fraction, 0);
  // Tenants stay: the first pass, 10 s in, finds no free block and sleeps 60 s.
  assert.equal(machine.promote(seconds(9.9)), 0);
  assert.equal(memory.report().promotion_passes, 0, "asleep for the first 10 s");
  assert.equal(machine.promote(seconds(10)), 0);
  assert.equal(memory.report().promotion_alloc_failures, 1);
  assert.equal(machine.promote(seconds(69)), 0);
  assert.equal(memory.report().promotion_passes, 1, "backing off for 60 s");
  memory.releaseTenants();
  // 70 s: the retry collapses 8 regions (4,096 pages), then 8 more every 10 s.
  assert.equal(machine.promote(seconds(70)), 8);
  assert.equal(machine.promote(seconds(90)), 16);
  assert.equal(memory.report().promotions, 24);
  assert.ok(memory.report().host_large_fraction > 0.7);
  // A time scale of 1,000 makes the 10 s pause 10 ms.
  const fast = build(1000, 0);
  fast.vcpus[0].mmu.translate(0x100000, 0);
  assert.equal(fast.promote(seconds(0.0099)), 0);
  assert.equal(fast.memory!.report().promotion_passes, 0);
  assert.equal(fast.promote(seconds(0.01)), 0, "one pass, nothing on 4K pages");
  assert.equal(fast.memory!.report().promotion_passes, 1);
});

Deno.test("Promotion settings need the policy that promotes", () => {
  assert.throws(
    () =>
      buildMachine({
        platform: "nested",
        memory: { hostPolicy: "opportunistic", promotion: { timeScale: 10 } },
      }, TEST_PROFILE),
    {
      message:
        'Cannot use machine config: field "memory.promotion": needs hostPolicy "opportunistic+promote", got "opportunistic"',
    },
  );
});
