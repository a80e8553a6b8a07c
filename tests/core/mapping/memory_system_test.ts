import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { Machine } from "../../../core/machine/machine.ts";
import { ConfigError } from "../../../core/base/config_error.ts";
import { ShadowPlatform } from "../../../core/platforms/shadow_platform.ts";
import { HOST_POLICIES, type HostPolicy } from "../../../core/mapping/memory_config.ts";
import type { PageTable } from "../../../core/mmu/page_table.ts";
import { Counter } from "../../../core/cost/stats.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

/**
 * The reference composition: look the page up in the guest table, then its
 * guest-physical frame in the host table, with the tables' own slow lookups
 * (no TLB, no walk cache, no nested TLB). The translation a TLB may cache
 * covers the smaller of the two leaves.
 */
function compose(machine: Machine, vpn: number): { frame: number; size: number } {
  const guest = machine.guestTable!;
  const host = machine.hostTable as PageTable;
  const gfn = guest.translate(vpn);
  const guestSize = guest.lastSize;
  const frame = host.translate(gfn);
  return { frame, size: Math.min(guestSize, host.lastSize) };
}

const BASE = 0x10000;

/** The shadow table loaded on vCPU 0 of a shadow machine, or null on other platforms. */
function shadowTable(machine: Machine): PageTable | null {
  const platform = machine.platform;
  return platform instanceof ShadowPlatform ? platform.current[0]!.table : null;
}

/** Shadow machines here run every strategy: tagged TLBs, so fills flush nothing. */
const SHADOW = { platform: "shadow", shadow: { strategies: "all" } } as const;

Deno.test("Large-page machines translate as guest table ∘ host map, with TLB entries of the smaller page", () => {
  fc.assert(
    fc.property(
      fc.record({
        mode: fc.constantFrom("nested" as const, "shadow" as const),
        policy: fc.constantFrom<HostPolicy>(...HOST_POLICIES),
        fragmentation: fc.constantFrom(0, 0.5, 0.9, 1, 1),
        guestLargeFraction: fc.constantFrom(0, 0.3, 1),
        guestFragmentation: fc.constantFrom(0, 0.5),
        seed: fc.nat({ max: 1000 }),
        // Pages within 96 MiB of guest-virtual memory: dense enough that regions fill up.
        pages: fc.array(fc.nat({ max: 24575 }), { minLength: 1, maxLength: 400 }),
        release: fc.nat({ max: 400 }),
      }),
      (p) => {
        const machine = buildMachine({
          ...(p.mode === "shadow" ? SHADOW : { platform: "nested" }),
          memory: {
            hostPolicy: p.policy,
            fragmentation: p.fragmentation,
            guestLargeFraction: p.guestLargeFraction,
            guestFragmentation: p.guestFragmentation,
            guestMemoryMib: 128,
            hostMemoryMib: 1024,
            seed: p.seed,
          },
        }, TEST_PROFILE);
        const memory = machine.memory!;
        const mmu = machine.vcpus[0].mmu;
        const touched = new Set<number>();
        // Touch a dense run first so that some 2M regions are fully backed and can be promoted.
        const pages = [...Array.from({ length: 1024 }, (_, i) => i), ...p.pages];
        pages.forEach((page, i) => {
          if (i === p.release) memory.releaseTenants();
          const vpn = BASE + page;
          const walksBefore = machine.vcpus[0].stats.counters[Counter.WALKS];
          const frame = mmu.translate(vpn, 0);
          const expected = compose(machine, vpn);
          assert.equal(frame, expected.frame, `page ${vpn}`);
          if (machine.vcpus[0].stats.counters[Counter.WALKS] > walksBefore) {
            assert.equal(mmu.walker.leafSize, expected.size, `TLB entry size of page ${vpn}`);
          }
          const shadow = shadowTable(machine);
          if (shadow !== null) {
            assert.equal(shadow.translate(vpn), expected.frame);
            assert.equal(shadow.lastSize, expected.size, "shadow page size rule");
          }
          touched.add(vpn);
          if (i % 128 === 127) machine.promoteAll();
        });
        // After every promotion, every page still translates to its composition,
        // and no two pages share a frame.
        const owners = new Map<number, number>();
        for (const vpn of touched) {
          const frame = mmu.translate(vpn, 0);
          assert.equal(frame, compose(machine, vpn).frame);
          assert.ok(
            !owners.has(frame),
            `frame ${frame} shared by pages ${owners.get(frame)}, ${vpn}`,
          );
          owners.set(frame, vpn);
        }
        const report = memory.report();
        assert.ok(report.host_large_fraction >= 0 && report.host_large_fraction <= 1);
        if (p.policy === "4k") assert.equal(report.host_large_fraction, 0);
        if (p.policy !== "opportunistic+promote") assert.equal(report.promotions, 0);
      },
    ),
    { numRuns: 80 },
  );
});

Deno.test("opportunistic+promote collapses regions once tenants release their frames", () => {
  const machine = buildMachine({
    platform: "nested",
    memory: {
      hostPolicy: "opportunistic+promote",
      fragmentation: 1,
      guestMemoryMib: 64,
      hostMemoryMib: 256,
    },
  }, TEST_PROFILE);
  const memory = machine.memory!;
  const mmu = machine.vcpus[0].mmu;
  for (let i = 0; i < 4096; i++) mmu.translate(BASE + i, 0);
  assert.equal(memory.report().host_large_fraction, 0, "fragmented: everything splintered");
  assert.equal(machine.promoteAll(), 0);
  assert.equal(memory.report().promotion_alloc_failures, 1, "the first collapse found no block");
  memory.releaseTenants();
  const kicks = machine.report().counters.exits_kick;
  const promoted = machine.promoteAll();
  assert.ok(promoted >= 8, `promoted ${promoted} regions`);
  const report = memory.report();
  assert.equal(report.promotions, promoted);
  assert.equal(report.promotion_cycles, promoted * (512 * TEST_PROFILE.pageCopyCycles + 500));
  assert.equal(
    machine.report().counters.exits_kick - kicks,
    promoted,
    "each collapse kicks the vCPU",
  );
  assert.ok(report.host_large_fraction > 0.5);
  for (let i = 0; i < 4096; i++) {
    assert.equal(mmu.translate(BASE + i, 0), compose(machine, BASE + i).frame);
  }
});

Deno.test("A promotion under shadow paging turns splintered shadow entries into one 2M entry", () => {
  for (const guestLargeFraction of [0, 1]) {
    const machine = buildMachine({
      ...SHADOW,
      memory: {
        hostPolicy: "opportunistic+promote",
        fragmentation: 1,
        guestLargeFraction,
        guestMemoryMib: 64,
        hostMemoryMib: 256,
      },
    }, TEST_PROFILE);
    const memory = machine.memory!;
    const shadow = shadowTable(machine)!;
    const mmu = machine.vcpus[0].mmu;
    for (let i = 0; i < 2048; i++) mmu.translate(BASE + i, 0);
    shadow.translate(BASE);
    assert.equal(shadow.lastSize, 0, "splintered before");
    const shadowBytes = shadow.bytes;
    memory.releaseTenants();
    assert.ok(machine.promoteAll() > 0);
    for (let i = 0; i < 2048; i++) {
      const expected = compose(machine, BASE + i);
      assert.equal(mmu.translate(BASE + i, 0), expected.frame);
      assert.equal(shadow.translate(BASE + i), expected.frame);
      assert.equal(shadow.lastSize, expected.size);
    }
    if (guestLargeFraction === 1) {
      assert.equal(memory.report().splintered_pages, 0);
      shadow.translate(BASE);
      assert.equal(shadow.lastSize, 1, "one 2M shadow entry after");
      assert.ok(shadow.bytes < shadowBytes, "the splintered shadow table pages are released");
    }
  }
});

Deno.test("A guest 2M page on host 4K pages is counted splintered, on a host 2M page it is not", () => {
  for (const [policy, splintered] of [["4k", 1], ["opportunistic", 0]] as const) {
    for (const mode of ["nested", "shadow"] as const) {
      const machine = buildMachine({
        ...(mode === "shadow" ? SHADOW : { platform: "nested" }),
        memory: { hostPolicy: policy, guestLargeFraction: 1, guestMemoryMib: 64 },
      }, TEST_PROFILE);
      machine.vcpus[0].mmu.translate(BASE + 3, 0);
      const report = machine.memory!.report();
      assert.equal(report.guest_pages_2m, 1);
      assert.equal(report.splintered_pages, splintered, `${mode} ${policy}`);
      assert.equal(machine.vcpus[0].mmu.walker.leafSize, policy === "4k" ? 0 : 1);
    }
  }
});

Deno.test("The memory field is validated and names the field", () => {
  const bad: [object, RegExp][] = [
    [
      { platform: "native", memory: { hostPolicy: "4k" } },
      /field "memory\.hostPolicy": platform native has no host layer/,
    ],
    [{ platform: "native", memory: { fragmentation: 0.5 } }, /memory\.fragmentation/],
    [{ platform: "nested", memory: { hostPolicy: "huge" } }, /memory\.hostPolicy/],
    [{ platform: "nested", memory: { fragmentation: 2 } }, /memory\.fragmentation/],
    [{ platform: "nested", memory: { guestMemoryMib: 3 } }, /memory\.guestMemoryMib/],
    [{ platform: "nested", memory: { colour: 1 } }, /memory\.colour/],
    [{ platform: "nested", hostPage: "2m", memory: {} }, /hostPage/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => buildMachine(config, TEST_PROFILE), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, message);
      return true;
    });
  }
});
