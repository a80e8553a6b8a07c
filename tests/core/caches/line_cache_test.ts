import assert from "node:assert/strict";
import fc from "fast-check";
import { LineCache } from "../../../core/caches/line_cache.ts";
import { Tlb } from "../../../core/mmu/tlb.ts";
import { ReferenceTlb } from "../mmu/_reference_tlb.ts";

Deno.test("LineCache.access() misses on a cold line and hits on the next access", () => {
  const cache = new LineCache(16, 4);
  assert.equal(cache.access(9), false);
  assert.equal(cache.access(9), true);
  cache.flushAll();
  assert.equal(cache.access(9), false);
});

Deno.test("LineCache with 0 entries never holds anything", () => {
  const cache = new LineCache(0, 1);
  assert.equal(cache.access(5), false);
  assert.equal(cache.access(5), false);
});

Deno.test("LineCache evicts the least recently used line of the set", () => {
  const cache = new LineCache(4, 2); // 2 sets of 2 ways; even lines share set 0
  cache.access(0);
  cache.access(2);
  cache.access(0); // 2 is now LRU
  cache.access(4);
  assert.equal(cache.access(0), true);
  assert.equal(cache.access(4), true);
  assert.equal(cache.access(2), false);
});

Deno.test("LineCache rejects ways that do not divide entries", () => {
  assert.throws(() => new LineCache(10, 4), RangeError);
  assert.throws(() => new LineCache(-1, 1), RangeError);
});

type Op = { op: "access"; line: number } | { op: "flushAll" };
const line = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 2 ** 40 - 40, max: 2 ** 40 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ op: fc.constant("access" as const), line }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flushAll" as const) }) },
);
const geometry = fc.oneof(
  fc.constant([0, 1]),
  fc.constant([1, 1]),
  fc.constant([4, 4]),
  fc.constant([8, 2]),
  fc.constant([12, 4]),
  fc.constant([16, 4]),
  fc.constant([6, 1]),
  fc.constant([32, 16]),
  fc.constant([24, 8]),
);

Deno.test("LineCache agrees with the reference model and with a Tlb used as lookup-then-insert", () => {
  fc.assert(
    fc.property(
      geometry,
      fc.array(op, { minLength: 50, maxLength: 300 }),
      ([entries, ways], ops) => {
        const fast = new LineCache(entries, ways);
        const ref = new ReferenceTlb(entries, ways);
        const tlb = new Tlb(entries, ways);
        for (const o of ops) {
          if (o.op === "flushAll") {
            fast.flushAll();
            ref.flushAll();
            tlb.flushAll();
            continue;
          }
          const hit = fast.access(o.line);
          const want = ref.lookup(o.line, 0, 0) !== undefined;
          if (!want) ref.insert(o.line, 0, 0, 0, false);
          const tlbHit = tlb.lookup(o.line, 0, 0) >= 0;
          if (!tlbHit) tlb.insert(o.line, 0, 0, 0, 0);
          assert.equal(hit, want);
          assert.equal(hit, tlbHit);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("LineCache agrees with the reference model across the tags' widening to 64 bits", () => {
  // Tags (line / sets) held in 32 bits until one reaches 2^31: lines just
  // below and just above 2^31 × sets, and mostly small lines first, so that
  // a run fills sets with 32-bit tags before one line widens them all.
  const where = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({ at: fc.constant(0), d: fc.integer({ min: 0, max: 40 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ at: fc.constant(1), d: fc.integer({ min: -40, max: 40 }) }),
    },
    { weight: 1, arbitrary: fc.record({ at: fc.constant(2), d: fc.integer({ min: 0, max: 40 }) }) },
  );
  fc.assert(
    fc.property(
      fc.constantFrom([1, 1], [4, 2], [12, 4], [24, 8], [48, 16], [6, 1], [44, 11]),
      fc.array(
        fc.oneof({ weight: 30, arbitrary: where }, { weight: 1, arbitrary: fc.constant(null) }),
        {
          minLength: 50,
          maxLength: 300,
        },
      ),
      ([entries, ways], ops) => {
        const sets = entries / ways;
        const fast = new LineCache(entries, ways);
        const ref = new ReferenceTlb(entries, ways);
        for (const o of ops) {
          if (o === null) {
            fast.flushAll();
            ref.flushAll();
            continue;
          }
          const line = o.at === 0 ? o.d : o.at === 1 ? 2 ** 31 * sets + o.d : 2 ** 45 + o.d;
          const want = ref.lookup(line, 0, 0) !== undefined;
          if (!want) ref.insert(line, 0, 0, 0, false);
          assert.equal(fast.access(line), want, `line ${line}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});
