import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { configFor } from "../_machine.ts";
import { createAccessChunk } from "../../../core/base/access_chunk.ts";
import type { Stats } from "../../../core/cost/stats.ts";
import { PageVersions } from "../../../core/mem/page_versions.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

/** One access as the property draws it. */
interface Access {
  vpn: number;
  offset: number;
  size: number;
  kind: number;
  space: number;
}

const access: fc.Arbitrary<Access> = fc.record({
  // A few hot pages (L1 hits, repeats of the last page) and far ones (misses, evictions).
  vpn: fc.oneof(
    fc.integer({ min: 0x10000, max: 0x10006 }),
    fc.integer({ min: 0x10000, max: 0x10000 + 2 * 262144 }),
  ),
  // Offsets near the end of the page, so some accesses straddle into the next one.
  offset: fc.oneof(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 4000, max: 4095 })),
  size: fc.integer({ min: 0, max: 255 }),
  // Now and then a byte that is no access kind: the chunk loops count writes
  // four kinds at a time and must fall back for a chunk holding one.
  kind: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: fc.integer({ min: 4, max: 255 }) },
  ),
  space: fc.integer({ min: 0, max: 2 }),
});

function snapshot(stats: Stats): number[][] {
  return [[...stats.counters], [...stats.cycles], [...stats.exits], [...stats.exitCycles]];
}

Deno.test("Mmu.run counts, charges and leaves the TLBs exactly as Mmu.access one access at a time", () => {
  fc.assert(
    fc.property(
      fc.constantFrom<"native" | "nested">("native", "nested"),
      fc.constantFrom<"4k" | "2m">("4k", "2m"),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.array(access, { minLength: 1, maxLength: 300 }),
      fc.array(fc.integer({ min: 0x10000, max: 0x10000 + 2 * 262144 }), { maxLength: 40 }),
      (mode, guestPage, caches, tracked, fractional, accesses, after) => {
        const config = configFor(mode, {
          guestPage,
          caches,
          tlb: {
            l1_4k: { entries: 8, ways: 2 },
            l1_2m: { entries: 2, ways: 2 },
            l1_1g: { entries: 0, ways: 1 },
            l2: { entries: 16, ways: 4 },
          },
        });
        // Fractional costs do not sum to the same bits in another grouping
        // (data lines cost their level's cycles over an MLP of 3: thirds).
        const profile = fractional
          ? {
            ...TEST_PROFILE,
            baseCyclesPerAccess: 0.1,
            l1TlbHitCycles: 0.3,
            caches: { ...TEST_PROFILE.caches, memoryLevelParallelism: 3 },
          }
          : TEST_PROFILE;
        const byChunk = buildMachine(config, profile);
        const oneByOne = buildMachine(config, profile);
        if (tracked) {
          byChunk.vcpus[0].mmu.versions = new PageVersions();
          oneByOne.vcpus[0].mmu.versions = new PageVersions();
        }
        const chunk = createAccessChunk(accesses.length);
        accesses.forEach((a, i) => {
          chunk.vpn[i] = a.vpn;
          chunk.offset[i] = a.offset;
          chunk.size[i] = a.size;
          chunk.kind[i] = a.kind;
          chunk.space[i] = a.space;
        });
        chunk.length = accesses.length;
        byChunk.vcpus[0].run(chunk);
        for (const a of accesses) {
          oneByOne.vcpus[0].mmu.access(a.vpn, a.offset, a.size, a.kind, a.space);
        }
        assert.deepEqual(snapshot(byChunk.vcpus[0].stats), snapshot(oneByOne.vcpus[0].stats));
        // The same TLB contents and LRU order: the same translations after.
        const frames = after.map((vpn) => {
          const frame = byChunk.vcpus[0].mmu.translate(vpn, 0);
          assert.equal(frame, oneByOne.vcpus[0].mmu.translate(vpn, 0));
          return frame;
        });
        assert.deepEqual(snapshot(byChunk.vcpus[0].stats), snapshot(oneByOne.vcpus[0].stats));
        // The same lines in the caches (the chunk's were looked up at its end).
        for (const [i, frame] of frames.entries()) {
          const line = frame * 64 + (i % 64);
          assert.equal(
            byChunk.vcpus[0].mmu.caches?.access(line),
            oneByOne.vcpus[0].mmu.caches?.access(line),
          );
        }
      },
    ),
    { numRuns: 150 },
  );
});
