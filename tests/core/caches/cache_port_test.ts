import assert from "node:assert/strict";
import fc from "fast-check";
import { CacheHierarchy } from "../../../core/caches/cache_hierarchy.ts";
import { CacheLevel } from "../../../core/caches/cache_level.ts";
import { RefKind } from "../../../core/caches/cache_port.ts";
import type { CacheCosts } from "../../../core/cost/cost_model.ts";
import { Counter, Cycle, Stats } from "../../../core/cost/stats.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

// Two vCPUs over a small LLC, with a memory-level parallelism of 3: data
// cycles of thirds, whose sums come out to other bits in another order.
const COSTS: CacheCosts = {
  ...TEST_PROFILE.caches,
  l1d: { entries: 4, ways: 2 },
  l2: { entries: 8, ways: 2 },
  llc: { entries: 24, ways: 3 },
  llcLinesPerVcpu: 12,
  l1dHitCycles: 4.1,
  llcHitCycles: 41.7,
  memoryLevelParallelism: 3,
};

/** Charges a reference as it comes, from the level an immediate access gives: the model the port's held references must agree with. */
function chargeNow(
  level: number,
  kind: number,
  stats: Stats,
  data: Float64Array,
  walk: Float64Array,
) {
  const c = stats.counters;
  if (kind === RefKind.DATA) {
    c[Counter.DATA_REFS]++;
    c[Counter.DATA_L1D + level]++;
    stats.cycles[Cycle.DATA] += data[level];
    return;
  }
  c[Counter.WALK_REFS]++;
  c[Counter.WALK_REFS_L1D + level]++;
  const dram = level === CacheLevel.DRAM;
  c[dram ? Counter.WALK_REFS_MEMORY : Counter.WALK_REFS_PTE_CACHE]++;
  stats.cycles[dram ? Cycle.WALK_MEMORY : Cycle.WALK_PTE_CACHE] += walk[level];
}

type Op =
  | { op: "ref"; vcpu: number; line: number; kind: number; foreign: boolean }
  | { op: "begin"; vcpu: number }
  | { op: "end"; vcpu: number }
  | { op: "flush"; vcpu: number }
  | { op: "access"; vcpu: number; line: number };

const vcpu = fc.nat({ max: 1 });
const line = fc.integer({ min: 0, max: 30 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant("ref" as const),
      vcpu,
      line,
      kind: fc.constantFrom(RefKind.DATA, RefKind.WALK),
      foreign: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("begin" as const), vcpu }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("end" as const), vcpu }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flush" as const), vcpu }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("access" as const), vcpu, line }) },
);

Deno.test("CachePort charges references held back between begin and end as it charges them one by one", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const held = new CacheHierarchy(COSTS, 2);
      const now = new CacheHierarchy(COSTS, 2);
      // Per vCPU: its own statistics, and another's a reference may be charged to.
      const heldStats = [0, 1].map(() => [new Stats(), new Stats()]);
      const nowStats = [0, 1].map(() => [new Stats(), new Stats()]);
      for (const [i, o] of ops.entries()) {
        const port = held.ports[o.vcpu];
        const ref = now.ports[o.vcpu];
        if (o.op === "ref") {
          const which = o.foreign ? 1 : 0;
          port.ref(o.line, o.kind, heldStats[o.vcpu][which]);
          const level = ref.access(o.line);
          chargeNow(level, o.kind, nowStats[o.vcpu][which], ref.dataCycles, ref.walkCycles);
        } else if (o.op === "begin") port.begin(heldStats[o.vcpu][0]);
        else if (o.op === "end") port.end();
        else if (o.op === "flush") {
          port.flush();
          ref.flush();
        } else assert.equal(port.access(o.line), ref.access(o.line), `op ${i}`);
      }
      for (const port of held.ports) port.end();
      for (let v = 0; v < 2; v++) {
        for (let s = 0; s < 2; s++) {
          assert.deepEqual([...heldStats[v][s].counters], [...nowStats[v][s].counters]);
          assert.deepEqual([...heldStats[v][s].cycles], [...nowStats[v][s].cycles]);
        }
      }
      // The same lines in every level after.
      for (let l = 0; l <= 30; l++) {
        for (let v = 0; v < 2; v++) assert.equal(held.ports[v].access(l), now.ports[v].access(l));
      }
    }),
    { numRuns: 1000 },
  );
});

Deno.test("CachePort looks up what it holds when more references come than it can hold", () => {
  const held = new CacheHierarchy(COSTS, 1).ports[0];
  const now = new CacheHierarchy(COSTS, 1).ports[0];
  const a = new Stats();
  const b = new Stats();
  held.begin(a);
  // More than the 32,768 a port holds back, so some are looked up on the way.
  for (let i = 0; i < 100_000; i++) {
    const l = (i * 7919) % 97;
    const kind = i % 3 === 0 ? RefKind.DATA : RefKind.WALK;
    held.ref(l, kind, a);
    chargeNow(now.access(l), kind, b, now.dataCycles, now.walkCycles);
  }
  const before = a.counters[Counter.DATA_REFS];
  assert.ok(before > 0 && before < 33_334, `some charged on the way, the rest held: ${before}`);
  held.end();
  assert.deepEqual([...a.counters], [...b.counters]);
  assert.deepEqual([...a.cycles], [...b.cycles]);
  assert.equal(a.counters[Counter.DATA_REFS], 33_334);
});

Deno.test("CachePort looks up what it holds before a flush empties its caches", () => {
  const port = new CacheHierarchy(COSTS, 1).ports[0];
  const stats = new Stats();
  port.begin(stats);
  port.ref(5, RefKind.DATA, stats);
  port.flush();
  port.end();
  assert.equal(stats.counters[Counter.DATA_DRAM], 1);
  assert.equal(port.access(5), CacheLevel.LLC, "read before the flush: gone from L1D and L2 only");
});

Deno.test("CachePort: references held by two ports over one LLC reach it in the order they came", () => {
  // No private caches: every reference goes to the LLC, one set of two ways.
  const costs = {
    ...COSTS,
    l1d: { entries: 0, ways: 1 },
    l2: { entries: 0, ways: 1 },
    llc: { entries: 2, ways: 2 },
    llcLinesPerVcpu: 1,
  };
  const [a, b] = new CacheHierarchy(costs, 2).ports;
  const sa = new Stats();
  const sb = new Stats();
  b.begin(sb);
  b.ref(1, RefKind.WALK, sb);
  a.begin(sa);
  a.ref(2, RefKind.WALK, sa);
  // An access of a's: 1, 2 and then 3 reach the LLC, and 3 evicts 1.
  assert.equal(a.access(3), CacheLevel.DRAM);
  b.end();
  a.end();
  assert.equal(a.access(2), CacheLevel.LLC);
  assert.equal(b.access(1), CacheLevel.DRAM, "1 was the least recently used when 3 came");
});
