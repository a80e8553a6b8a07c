import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { configFor } from "../_machine.ts";
import type { MachineConfig, PageSizeName } from "../../../core/machine/machine_config.ts";
import { Counter } from "../../../core/cost/stats.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

const SIZES: PageSizeName[] = ["4k", "2m", "1g"];
const NO_TLB = {
  l1_4k: { entries: 0, ways: 1 },
  l1_2m: { entries: 0, ways: 1 },
  l1_1g: { entries: 0, ways: 1 },
  l2: { entries: 0, ways: 1 },
};
const COLD = { walkCache: false, nestedTlb: false, pteCache: false, tlb: NO_TLB };

/** Pages a gigabyte and a bit apart, so no two share a table at any level below the top. */
function spreadPages(count: number): number[] {
  return Array.from({ length: count }, (_, i) => 0x10000 + i * (262144 + 513));
}

function refsPerWalk(config: MachineConfig, pages: number[]): number {
  const machine = buildMachine(config, TEST_PROFILE);
  for (const vpn of pages) machine.vcpus[0].mmu.access(vpn, 0, 8, 0, 0);
  const c = machine.vcpus[0].stats.counters;
  assert.equal(c[Counter.WALKS], pages.length);
  return c[Counter.WALK_REFS] / c[Counter.WALKS];
}

for (const levels of [4, 5] as const) {
  for (const guestPage of SIZES) {
    const n = levels - SIZES.indexOf(guestPage);
    Deno.test(`native walk of a ${guestPage} page on ${levels} levels makes ${n} references`, () => {
      assert.equal(
        refsPerWalk(configFor("native", { ...COLD, levels, guestPage }), spreadPages(20)),
        n,
      );
    });
    for (const hostPage of SIZES) {
      const m = levels - SIZES.indexOf(hostPage);
      const want = (n + 1) * (m + 1) - 1;
      Deno.test(
        `nested walk of guest ${guestPage} over host ${hostPage} on ${levels} levels makes ${want} references`,
        () => {
          const config: MachineConfig = {
            ...COLD,
            platform: "nested",
            levels,
            guestPage,
            hostPage,
          };
          assert.equal(refsPerWalk(config, spreadPages(20)), want);
        },
      );
    }
  }
}

Deno.test("the published 2-D counts hold: 24, 35, 19, 15 and 8 references", () => {
  const nested = (guestPage: PageSizeName, hostPage: PageSizeName, levels: 4 | 5) =>
    refsPerWalk({ ...COLD, platform: "nested", levels, guestPage, hostPage }, spreadPages(5));
  assert.equal(nested("4k", "4k", 4), 24);
  assert.equal(nested("4k", "4k", 5), 35);
  assert.equal(nested("2m", "4k", 4), 19);
  assert.equal(nested("4k", "2m", 4), 19);
  assert.equal(nested("2m", "2m", 4), 15);
  assert.equal(nested("1g", "1g", 4), 8);
});

Deno.test("walk caches, the nested TLB and the PTE cache only ever lower the reference count", () => {
  const page = fc.integer({ min: 0x10000, max: 0x10000 + 4 * 262144 });
  fc.assert(
    fc.property(
      fc.constantFrom<"native" | "nested">("native", "nested"),
      fc.constantFrom(...SIZES),
      fc.constantFrom(...SIZES),
      fc.constantFrom<4 | 5>(4, 5),
      fc.array(page, { minLength: 1, maxLength: 300 }),
      (mode, guestPage, hostPage, levels, pages) => {
        const run = (caches: boolean) => {
          const m = buildMachine(
            configFor(mode, {
              guestPage,
              hostPage,
              levels,
              walkCache: caches,
              nestedTlb: caches,
              pteCache: caches,
            }),
            TEST_PROFILE,
          );
          for (const vpn of pages) m.vcpus[0].mmu.access(vpn, 0, 8, 0, 0);
          return m.vcpus[0].stats.counters;
        };
        const on = run(true);
        const off = run(false);
        assert.equal(on[Counter.WALKS], off[Counter.WALKS], "caches do not change TLB behaviour");
        assert.ok(on[Counter.WALK_REFS] <= off[Counter.WALK_REFS]);
        assert.ok(on[Counter.WALK_REFS_MEMORY] <= off[Counter.WALK_REFS_MEMORY]);
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("a page walk cache hit skips the upper levels of a neighbouring page's walk", () => {
  const machine = buildMachine(
    { walkCache: true, pteCache: false, tlb: NO_TLB },
    TEST_PROFILE,
  );
  machine.vcpus[0].mmu.access(0x10000, 0, 8, 0, 0);
  machine.vcpus[0].mmu.access(0x10001, 0, 8, 0, 0); // same PT table: the PDE cache gives it directly
  const c = machine.vcpus[0].stats.counters;
  assert.equal(c[Counter.WALK_REFS], 4 + 1);
  assert.equal(c[Counter.WALK_CACHE_HITS], 1);
});
