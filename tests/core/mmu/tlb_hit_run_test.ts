import assert from "node:assert/strict";
import fc from "fast-check";
import { createAccessChunk } from "../../../core/base/access_chunk.ts";
import { Tlb, TLB_GLOBAL } from "../../../core/mmu/tlb.ts";
import { ReferenceTlb } from "./_reference_tlb.ts";

/** An access of the chunk: few pages and tags, many ending at or just past the page's end. */
const access = fc.record({
  page: fc.integer({ min: 0, max: 9 }),
  tag: fc.integer({ min: 0, max: 2 }),
  size: fc.integer({ min: 1, max: 255 }),
  end: fc.oneof(
    fc.integer({ min: 1, max: 4096 }),
    fc.constantFrom(4095, 4096, 4097, 4098),
  ),
});

/** What was filled before the run: 4K entries of the same few pages and tags, some global. */
const fill = fc.record({
  page: fc.integer({ min: 0, max: 9 }),
  tag: fc.integer({ min: 0, max: 2 }),
  global: fc.integer({ min: 0, max: 19 }).map((g) => g === 0),
  lookup: fc.boolean(),
});

Deno.test("Tlb.hitRun() takes exactly the accesses a lookup apiece would hit, in order, as lookups do (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom([4, 4], [8, 2], [16, 4], [12, 4], [6, 1]),
      fc.array(fill, { maxLength: 30 }),
      fc.array(access, { minLength: 1, maxLength: 60 }),
      fc.nat(),
      fc.option(
        fc.record({ page: fc.integer({ min: 0, max: 9 }), tag: fc.integer({ min: 0, max: 2 }) }),
      ),
      ([entries, ways], fills, accesses, start, last) => {
        const fast = new Tlb(entries, ways);
        const twin = new Tlb(entries, ways);
        const ref = new ReferenceTlb(entries, ways);
        for (const f of fills) {
          for (const tlb of [fast, twin]) {
            if (f.lookup) tlb.lookup(f.page, 0, f.tag);
            else tlb.insert(f.page, 0, f.tag, 100 + f.page, f.global ? TLB_GLOBAL : 0);
          }
          if (f.lookup) ref.lookup(f.page, 0, f.tag);
          else ref.insert(f.page, 0, f.tag, 100 + f.page, f.global);
        }
        const chunk = createAccessChunk(accesses.length);
        accesses.forEach((a, i) => {
          chunk.vpn[i] = a.page;
          chunk.space[i] = a.tag;
          chunk.size[i] = a.size;
          chunk.offset[i] = Math.max(0, a.end - a.size);
        });
        chunk.length = accesses.length;
        const from = start % accesses.length;
        const run = Float64Array.of(last?.page ?? -1, last?.tag ?? -1, -1, 5);
        const stop = fast.hitRun(chunk, from, run);

        // The slow model: each access it took is a hit of a lookup (none for
        // a repeat of the last page), and none straddles its page.
        let [lastVpn, lastTag, lastSlot, hits] = [last?.page ?? -1, last?.tag ?? -1, -1, 5];
        assert.ok(stop >= from && stop <= accesses.length);
        const anyGlobal = fills.some((f) => !f.lookup && f.global);
        if (anyGlobal) assert.equal(stop, from, "global entries: every access to the lookup");
        for (let k = from; k < stop; k++) {
          const a = accesses[k];
          assert.ok(chunk.offset[k] + a.size <= 4096, `access ${k} straddles`);
          hits++;
          if (a.page === lastVpn && a.tag === lastTag) continue;
          const slot = twin.lookup(a.page, 0, a.tag);
          assert.ok(slot >= 0, `access ${k} misses`);
          assert.equal(ref.lookup(a.page, 0, a.tag), twin.values[slot]);
          [lastVpn, lastTag, lastSlot] = [a.page, a.tag, slot];
        }
        assert.deepEqual([...run], [lastVpn, lastTag, lastSlot, hits]);
        // The same stamps, and the same clock: the next lookup stamps alike.
        assert.deepEqual(fast.stamps, twin.stamps);
        fast.lookup(accesses[0].page, 0, accesses[0].tag);
        twin.lookup(accesses[0].page, 0, accesses[0].tag);
        assert.deepEqual(fast.stamps, twin.stamps);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("Tlb.hitRun() goes through repeats and hinted hits, and stops at a straddle or a miss", () => {
  const tlb = new Tlb(16, 4);
  tlb.insert(1, 0, 0, 11, 0);
  tlb.insert(2, 0, 0, 12, 0);
  const chunk = createAccessChunk(8);
  const pages = [1, 1, 2, 1, 2, 2, 3, 1];
  pages.forEach((page, i) => {
    chunk.vpn[i] = page;
    chunk.size[i] = 8;
  });
  chunk.offset[5] = 4092; // straddles into the next page
  chunk.length = pages.length;
  const run = Float64Array.of(-1, -1, -1, 0);
  assert.equal(tlb.hitRun(chunk, 0, run), 5);
  assert.deepEqual([...run].slice(0, 3), [2, 0, tlb.probe(2, 0, 0)]);
  assert.equal(run[3], 5);
  assert.equal(tlb.hitRun(chunk, 6, run), 6, "page 3 misses");
});
