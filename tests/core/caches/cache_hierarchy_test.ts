import assert from "node:assert/strict";
import fc from "fast-check";
import { CacheHierarchy, sharedLlcLines } from "../../../core/caches/cache_hierarchy.ts";
import { CacheLevel, lineOf } from "../../../core/caches/cache_level.ts";
import type { CacheCosts } from "../../../core/cost/cost_model.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { ReferenceHierarchy, ReferenceLevel } from "./_reference_hierarchy.ts";

function costs(fields: Partial<CacheCosts>): CacheCosts {
  return {
    l1d: { entries: 4, ways: 2 },
    l2: { entries: 16, ways: 4 },
    llc: { entries: 64, ways: 4 },
    llcLinesPerVcpu: 32,
    l1dHitCycles: 4,
    l2HitCycles: 12,
    llcHitCycles: 40,
    dramCycles: 200,
    memoryLevelParallelism: 2,
    ...fields,
  };
}

Deno.test("lineOf() numbers 64-byte lines of machine frames", () => {
  assert.equal(lineOf(0, 0), 0);
  assert.equal(lineOf(0, 63), 0);
  assert.equal(lineOf(0, 64), 1);
  assert.equal(lineOf(3, 4095), 3 * 64 + 63);
  assert.equal(lineOf(2 ** 36, 0), 2 ** 42, "exact past 32 bits");
});

Deno.test("sharedLlcLines() gives each vCPU its share, up to the whole cache, in whole sets", () => {
  const c = costs({ llc: { entries: 60, ways: 4 }, llcLinesPerVcpu: 22 });
  assert.equal(sharedLlcLines(c, 1), 20, "22 lines round down to 5 sets of 4");
  assert.equal(sharedLlcLines(c, 2), 44);
  assert.equal(sharedLlcLines(c, 3), 60, "capped at the whole cache");
  assert.equal(sharedLlcLines({ ...c, llcLinesPerVcpu: 0 }, 4), 0, "a share of 0: no LLC");
  assert.equal(sharedLlcLines({ ...c, llc: { entries: 0, ways: 4 } }, 4), 0);
  const intel = getProfile("intel-skylake-sp").caches;
  assert.equal(sharedLlcLines(intel, 1) * 64, 1.375 * 2 ** 20);
  assert.equal(sharedLlcLines(intel, 28) * 64, 38.5 * 2 ** 20);
});

Deno.test("CacheHierarchy charges data misses their latency over the MLP, walks their whole latency", () => {
  const port = new CacheHierarchy(costs({}), 1).ports[0];
  assert.deepEqual([...port.dataCycles], [4, 6, 20, 100]);
  assert.deepEqual([...port.walkCycles], [4, 12, 40, 200]);
  assert.throws(() => new CacheHierarchy(costs({ memoryLevelParallelism: 0 }), 1), RangeError);
});

Deno.test("a line evicted from the LLC stays in L1D: no back-invalidation", () => {
  // LLC: 1 set of 4 ways for one vCPU; L1D 2 sets of 2 ways.
  const caches = new CacheHierarchy(costs({ llc: { entries: 4, ways: 4 }, llcLinesPerVcpu: 4 }), 2);
  const [a, b] = caches.ports;
  assert.equal(a.access(0), CacheLevel.DRAM);
  // vCPU 1 pushes line 0 out of the shared LLC.
  for (const line of [8, 16, 24, 32]) assert.equal(b.access(line), CacheLevel.DRAM);
  assert.equal(a.access(0), CacheLevel.L1D, "still in vCPU 0's L1D");
  a.flush();
  assert.equal(a.access(0), CacheLevel.DRAM, "gone from L2 and LLC too");
});

Deno.test("the last line asked for is an L1D hit, and a disabled L1D never hits", () => {
  const on = new CacheHierarchy(costs({}), 1).ports[0];
  on.access(5);
  assert.equal(on.access(5), CacheLevel.L1D);
  const off = new CacheHierarchy(costs({ l1d: { entries: 0, ways: 0 } }), 1).ports[0];
  off.access(5);
  assert.equal(off.access(5), CacheLevel.L2);
  assert.equal(off.access(5), CacheLevel.L2);
});

// Geometries: L1D, L2, LLC (as a share per vCPU and the whole), some off.
const geometry = fc.constantFrom<Partial<CacheCosts>>(
  {},
  { l1d: { entries: 2, ways: 1 }, l2: { entries: 8, ways: 2 }, llc: { entries: 48, ways: 4 } },
  { l1d: { entries: 4, ways: 4 }, l2: { entries: 0, ways: 0 }, llcLinesPerVcpu: 12 },
  { l1d: { entries: 0, ways: 0 }, l2: { entries: 6, ways: 3 }, llc: { entries: 12, ways: 3 } },
  { llc: { entries: 0, ways: 0 } },
  { l1d: { entries: 8, ways: 2 }, l2: { entries: 12, ways: 4 }, llcLinesPerVcpu: 0 },
  { l1d: { entries: 3, ways: 1 }, l2: { entries: 10, ways: 5 }, llc: { entries: 30, ways: 5 } },
);
const line = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 80 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 40 - 20, max: 2 ** 40 }) },
);
const access = fc.record({ vcpu: fc.nat({ max: 3 }), line });

Deno.test("CacheHierarchy serves every access from the level the reference model does", () => {
  fc.assert(
    fc.property(
      geometry,
      fc.integer({ min: 1, max: 4 }),
      fc.array(access, { maxLength: 400 }),
      (fields, vcpus, stream) => {
        const c = costs(fields);
        const fast = new CacheHierarchy(c, vcpus);
        const llc = new ReferenceLevel(sharedLlcLines(c, vcpus), c.llc.ways);
        const ref = Array.from(
          { length: vcpus },
          () =>
            new ReferenceHierarchy([
              new ReferenceLevel(c.l1d.entries, c.l1d.ways),
              new ReferenceLevel(c.l2.entries, c.l2.ways),
              llc,
            ]),
        );
        for (const [i, { vcpu, line }] of stream.entries()) {
          const v = vcpu % vcpus;
          assert.equal(fast.ports[v].access(line), ref[v].access(line), `access ${i}`);
        }
      },
    ),
    { numRuns: 400 },
  );
});
