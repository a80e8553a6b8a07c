import assert from "node:assert/strict";
import fc from "fast-check";
import { createAccessChunk } from "../../../core/base/access_chunk.ts";
import { Tlb, TLB_GLOBAL } from "../../../core/mmu/tlb.ts";
import { ReferenceTlb } from "./_reference_tlb.ts";

Deno.test("Tlb.lookup() misses on an empty TLB", () => {
  const tlb = new Tlb(64, 4);
  assert.equal(tlb.lookup(5, 0, 0), -1);
});

Deno.test("Tlb with 0 entries never holds anything", () => {
  const tlb = new Tlb(0, 1);
  assert.equal(tlb.insert(5, 0, 0, 9, 0), -1);
  assert.equal(tlb.lookup(5, 0, 0), -1);
  assert.equal(tlb.count(), 0);
});

Deno.test("Tlb evicts the least recently used entry of the set", () => {
  const tlb = new Tlb(4, 2); // 2 sets of 2 ways; even pages share set 0
  tlb.insert(0, 0, 0, 100, 0);
  tlb.insert(2, 0, 0, 102, 0);
  assert.ok(tlb.lookup(0, 0, 0) >= 0); // 2 is now LRU
  tlb.insert(4, 0, 0, 104, 0);
  assert.equal(tlb.lookup(2, 0, 0), -1);
  assert.ok(tlb.lookup(0, 0, 0) >= 0);
  assert.ok(tlb.lookup(4, 0, 0) >= 0);
});

Deno.test("Tlb.flushAll empties every slot, however many fills came since the last flush", () => {
  for (const [entries, ways] of [[16, 4], [64, 4], [1536, 12]]) {
    // A few pages (the flush clears the slots filled), then one page
    // emptied and filled again more times than the TLB has slots, then
    // one more page: more fills of empty slots than there are slots.
    const tlb = new Tlb(entries, ways);
    for (let p = 1; p <= 3; p++) tlb.insert(p, 0, 0, p, 0);
    tlb.flushAll();
    assert.equal(tlb.count(), 0);
    assert.ok(tlb.stamps.every((s) => s === -1), "empty slots carry stamp -1");
    for (let i = 0; i < entries; i++) {
      tlb.insert(0, 0, 0, i, 0);
      tlb.flushPage(0, 0);
    }
    tlb.insert(1, 0, 0, 1, 0);
    tlb.flushAll();
    assert.equal(tlb.count(), 0, `${entries} entries`);
    assert.equal(tlb.lookup(1, 0, 0), -1);
    assert.ok(tlb.stamps.every((s) => s === -1), "empty slots carry stamp -1");
  }
});

Deno.test("Tlb keeps address spaces apart by tag, except for global entries", () => {
  const tlb = new Tlb(16, 4);
  tlb.insert(7, 0, 1, 70, 0);
  tlb.insert(8, 0, 1, 80, TLB_GLOBAL);
  assert.equal(tlb.lookup(7, 0, 2), -1);
  assert.ok(tlb.lookup(8, 0, 2) >= 0);
  tlb.flushTag(1);
  assert.equal(tlb.lookup(7, 0, 1), -1);
  assert.ok(tlb.lookup(8, 0, 1) >= 0, "global entries survive a flush by tag");
  tlb.flushNonGlobal();
  assert.ok(tlb.lookup(8, 0, 1) >= 0);
  tlb.flushAll();
  assert.equal(tlb.lookup(8, 0, 1), -1);
});

Deno.test("Tlb.flushPage() removes a large entry covering the page", () => {
  const tlb = new Tlb(16, 4);
  tlb.insert(3, 1, 0, 1536, 0); // 2 MiB page 3 covers 4 KiB pages 1536..2047
  tlb.flushPage(1600, 0);
  assert.equal(tlb.lookup(3, 1, 0), -1);
  assert.equal(tlb.sizeCounts[1], 0);
});

Deno.test("Tlb indexes sets by page number modulo sets, also for a non-power-of-two count", () => {
  const tlb = new Tlb(12, 4); // 3 sets
  for (let p = 0; p < 4; p++) tlb.insert(p * 3, 0, 0, p, 0); // all in set 0, 4 ways
  for (let p = 0; p < 4; p++) assert.ok(tlb.probe(p * 3, 0, 0) >= 0);
  tlb.insert(1, 0, 0, 9, 0); // set 1 is untouched by set 0's contents
  for (let p = 0; p < 4; p++) assert.ok(tlb.probe(p * 3, 0, 0) >= 0);
});

Deno.test("Tlb.insert() after a missed lookup takes a slot emptied in between, not the victim the lookup saw", () => {
  const tlb = new Tlb(4, 4);
  for (let p = 0; p < 4; p++) tlb.insert(p, 0, 0, 10 + p, 0);
  assert.equal(tlb.lookup(9, 0, 0), -1); // the set is full: page 0's slot is the oldest
  tlb.flushPage(2, 0);
  const slot = tlb.insert(9, 0, 0, 19, 0);
  assert.equal(tlb.values[slot], 19);
  assert.ok(tlb.lookup(0, 0, 0) >= 0, "the oldest entry stays: the emptied slot was taken");
  assert.equal(tlb.lookup(2, 0, 0), -1);
});

Deno.test("Tlb rejects ways that do not divide entries", () => {
  assert.throws(() => new Tlb(10, 4), RangeError);
  assert.throws(() => new Tlb(-1, 1), RangeError);
  assert.throws(() => new Tlb(4, 4, 0), RangeError);
  assert.throws(() => new Tlb(4, 4, 2 ** 31), RangeError);
});

type Op =
  | { op: "lookup"; page: number; size: number; tag: number }
  | { op: "insert"; page: number; size: number; tag: number; value: number; global: boolean }
  // A lookup and, when it misses, an insert of the same key: the MMU's fill,
  // which takes the victim the missed lookup found, unless an INVLPG of
  // `between` came in the meantime.
  | {
    op: "fill";
    page: number;
    size: number;
    tag: number;
    value: number;
    global: boolean;
    between: number | null;
  }
  | { op: "flushAll" }
  | { op: "flushTag"; tag: number }
  | { op: "flushNonGlobal" }
  | { op: "flushPage"; vpn: number; tag: number }
  // A run of hits over these 4K pages, as a chunk loop makes it.
  | { op: "hitRun"; pages: number[]; tag: number };

// Mostly small pages, so that a run holds 32-bit keys for a while; pages
// either side of 2^29, where keys (page × 4 + size) pass 2^31 and the keys
// widen; pages 2^30 past the small ones, whose keys agree with theirs in the
// low 32 bits; and pages near 2^45, where set indexing must stay exact for
// 57-bit addresses.
const page = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 2, arbitrary: fc.integer({ min: 2 ** 29 - 3, max: 2 ** 29 + 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((p) => p + 2 ** 30) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 45 - 40, max: 2 ** 45 }) },
);
const tag = fc.integer({ min: 0, max: 3 });
const size = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("lookup" as const), page, size, tag }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("insert" as const),
      page,
      size,
      tag,
      value: fc.integer({ min: 0, max: 1e6 }),
      global: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("fill" as const),
      page,
      size,
      tag,
      value: fc.integer({ min: 0, max: 1e6 }),
      global: fc.boolean(),
      between: fc.option(fc.integer({ min: 0, max: 40 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flushAll" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flushTag" as const), tag }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flushNonGlobal" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("flushPage" as const),
      vpn: fc.integer({ min: 0, max: 600 }),
      tag,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("hitRun" as const),
      pages: fc.array(page, { minLength: 1, maxLength: 12 }),
      tag,
    }),
  },
);
const geometry = fc.oneof(
  fc.constant([0, 1]),
  fc.constant([1, 1]),
  fc.constant([4, 4]),
  fc.constant([8, 2]),
  fc.constant([12, 4]),
  fc.constant([16, 4]),
  fc.constant([6, 1]),
);

// Clock limits low enough that stamps are renumbered many times a stream:
// LRU must come out the same.
const clockLimit = fc.constantFrom(2 ** 30, 1, 2, 5, 13);

Deno.test("Tlb agrees with the reference model on random operation streams", () => {
  fc.assert(
    fc.property(
      geometry,
      clockLimit,
      fc.array(op, { maxLength: 300 }),
      ([entries, ways], limit, ops) => {
        const fast = new Tlb(entries, ways, limit);
        const ref = new ReferenceTlb(entries, ways);
        for (const o of ops) {
          switch (o.op) {
            case "lookup": {
              const slot = fast.lookup(o.page, o.size, o.tag);
              const want = ref.lookup(o.page, o.size, o.tag);
              assert.equal(slot < 0 ? undefined : fast.values[slot], want);
              break;
            }
            case "insert":
              fast.insert(o.page, o.size, o.tag, o.value, o.global ? TLB_GLOBAL : 0);
              ref.insert(o.page, o.size, o.tag, o.value, o.global);
              break;
            case "fill": {
              const slot = fast.lookup(o.page, o.size, o.tag);
              const want = ref.lookup(o.page, o.size, o.tag);
              assert.equal(slot < 0 ? undefined : fast.values[slot], want);
              if (slot < 0) {
                if (o.between !== null) {
                  fast.flushPage(o.between, o.tag);
                  ref.flushPage(o.between, o.tag);
                }
                fast.insert(o.page, o.size, o.tag, o.value, o.global ? TLB_GLOBAL : 0);
                ref.insert(o.page, o.size, o.tag, o.value, o.global);
              }
              break;
            }
            case "flushAll":
              fast.flushAll();
              ref.flushAll();
              break;
            case "flushTag":
              fast.flushTag(o.tag);
              ref.flushTag(o.tag);
              break;
            case "flushNonGlobal":
              fast.flushNonGlobal();
              ref.flushNonGlobal();
              break;
            case "flushPage":
              fast.flushPage(o.vpn, o.tag);
              ref.flushPage(o.vpn, o.tag);
              break;
            case "hitRun": {
              const chunk = createAccessChunk(o.pages.length);
              chunk.vpn.set(o.pages);
              chunk.space.fill(o.tag);
              chunk.size.fill(8);
              chunk.length = o.pages.length;
              const run = Float64Array.of(-1, -1, -1, 0);
              const stop = fast.hitRun(chunk, 0, run);
              // Each access taken, but a repeat of the one before, is a hit.
              for (let k = 0; k < stop; k++) {
                if (k > 0 && o.pages[k] === o.pages[k - 1]) continue;
                assert.notEqual(ref.lookup(o.pages[k], 0, o.tag), undefined, `hit run access ${k}`);
              }
              break;
            }
          }
          assert.equal(fast.count(), ref.count());
        }
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("Tlb lookups find what the reference finds when a global entry shares a key", () => {
  // The global entry comes first in its set and in LRU order: both models
  // return it, though the tagged entry was put (and hinted) last.
  const fast = new Tlb(8, 4);
  const ref = new ReferenceTlb(8, 4);
  for (const [tag, value, global] of [[2, 20, true], [1, 10, false]] as const) {
    fast.insert(1, 0, tag, value, global ? TLB_GLOBAL : 0);
    ref.insert(1, 0, tag, value, global);
  }
  const slot = fast.lookup(1, 0, 1);
  assert.equal(fast.values[slot], ref.lookup(1, 0, 1));
  assert.equal(fast.values[slot], 20);
});

Deno.test("Tlb agrees with the reference model on streams of few pages and no global entries", () => {
  // Without global entries every hit can come from the slot hints: few
  // pages and tags, so hints are right, wrong and stale in turn.
  const few = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("lookup" as const),
        page: fc.integer({ min: 0, max: 9 }),
        size,
        tag,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant("insert" as const),
        page: fc.integer({ min: 0, max: 9 }),
        size,
        tag,
        value: fc.integer({ min: 0, max: 1e6 }),
        global: fc.constant(false),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("flushTag" as const), tag }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("flushPage" as const),
        vpn: fc.integer({ min: 0, max: 9 }),
        tag,
      }),
    },
  );
  fc.assert(
    fc.property(
      geometry,
      clockLimit,
      fc.array(few, { maxLength: 300 }),
      ([entries, ways], limit, ops) => {
        const fast = new Tlb(entries, ways, limit);
        const ref = new ReferenceTlb(entries, ways);
        for (const o of ops) {
          if (o.op === "lookup") {
            const slot = fast.lookup(o.page, o.size, o.tag);
            assert.equal(
              slot < 0 ? undefined : fast.values[slot],
              ref.lookup(o.page, o.size, o.tag),
            );
          } else if (o.op === "insert") {
            fast.insert(o.page, o.size, o.tag, o.value, 0);
            ref.insert(o.page, o.size, o.tag, o.value, false);
          } else if (o.op === "flushTag") {
            fast.flushTag(o.tag);
            ref.flushTag(o.tag);
          } else {
            fast.flushPage(o.vpn, o.tag);
            ref.flushPage(o.vpn, o.tag);
          }
          assert.equal(fast.count(), ref.count());
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("Tlb keeps true LRU order in a set across renumbered stamps", () => {
  // One set, a page or two more than it holds, one tag: lookups hit often
  // and reorder the set, fills evict, and low clock limits renumber the
  // stamps between almost every use.
  const use = fc.record({
    fill: fc.boolean(),
    page: fc.integer({ min: 0, max: 5 }),
  });
  fc.assert(
    fc.property(
      fc.constantFrom(4, 5),
      fc.constantFrom(1, 2, 3, 7, 2 ** 30),
      fc.array(use, { minLength: 10, maxLength: 120 }),
      (ways, limit, uses) => {
        const fast = new Tlb(ways, ways, limit);
        const ref = new ReferenceTlb(ways, ways);
        for (const u of uses) {
          const slot = fast.lookup(u.page, 0, 0);
          const want = ref.lookup(u.page, 0, 0);
          assert.equal(slot < 0 ? undefined : fast.values[slot], want);
          if (u.fill && slot < 0) {
            fast.insert(u.page, 0, 0, 100 + u.page, 0);
            ref.insert(u.page, 0, 0, 100 + u.page, false);
          }
          // Renumbered once the clock reaches the limit: stamps stay small.
          assert.ok(Math.max(...fast.stamps) <= Math.max(limit, ways + 1));
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("Tlb tells apart keys that agree in their low 32 bits, before and after they widen", () => {
  // Page 5 + 2^30 has the key of page 5 plus 2^32: the same set, the same
  // hint, and the same low 32 bits, which are all a 32-bit key holds.
  const far = 5 + 2 ** 30;
  const running = new Tlb(64, 4);
  running.insert(5, 0, 1, 50, 0);
  const chunk = createAccessChunk(2);
  chunk.vpn.set([5, far]);
  chunk.size.fill(8);
  chunk.space.fill(1);
  chunk.length = 2;
  const run = Float64Array.of(-1, -1, -1, 0);
  assert.equal(running.hitRun(chunk, 0, run), 1, "a run of hits stops at the far page");
  const tlb = new Tlb(64, 4);
  tlb.insert(5, 0, 1, 50, 0);
  assert.equal(tlb.lookup(far, 0, 1), -1, "a lookup past 32 bits does not hit the near page");
  tlb.insert(far, 0, 1, 70, 0);
  assert.equal(tlb.values[tlb.lookup(5, 0, 1)], 50, "the near page survives the widening");
  assert.equal(tlb.values[tlb.lookup(far, 0, 1)], 70);
});
