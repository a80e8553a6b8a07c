import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MappingError,
  PageTable,
  PTE_LEAF,
  PTE_PRESENT,
  radixIndex,
} from "../../../core/mmu/page_table.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { PAGES_4K_PER, type PageSize } from "../../../core/base/page_size.ts";

Deno.test("radixIndex() equals the textbook division for every level", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 45 - 1 }), (vpn) => {
      const lo = vpn >>> 0;
      const hi = (vpn - lo) / 2 ** 32;
      for (let level = 1; level <= 5; level++) {
        assert.equal(radixIndex(lo, hi, level), Math.floor(vpn / 512 ** (level - 1)) % 512);
      }
    }),
  );
});

Deno.test("PageTable creates one table per level for a first 4K mapping", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  table.map(0x12345, 0x777, 0, 0);
  assert.equal(table.tableCount, 4);
  assert.equal(table.translate(0x12345), 0x777);
  assert.equal(table.translate(0x12346), -1);
  assert.equal(table.bytes, 4 * 4096);
});

Deno.test("PageTable maps a 1G page with two tables on 4 levels and three on 5", () => {
  for (const levels of [4, 5]) {
    const table = new PageTable(levels, new BumpFrameAllocator());
    table.map(262144 * 3, 262144 * 5, 2, 0);
    assert.equal(table.tableCount, levels - 2);
    assert.equal(table.translate(262144 * 3 + 77), 262144 * 5 + 77);
    assert.equal(table.lastSize, 2);
  }
});

Deno.test("PageTable rejects a misaligned large mapping and a 4K page inside a 2M one", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  assert.throws(() => table.map(3, 512, 1, 0), MappingError);
  table.map(512, 1024, 1, 0);
  assert.throws(() => table.map(513, 7, 0, 0), MappingError);
});

Deno.test("PageTable places 57-bit addresses on 5 levels", () => {
  const table = new PageTable(5, new BumpFrameAllocator());
  const top = 2 ** 45 - 1; // the last 4 KiB page of a 57-bit space
  table.map(top, 42, 0, 0);
  assert.equal(table.translate(top), 42);
  assert.throws(() => new PageTable(4, new BumpFrameAllocator()).map(top, 42, 0, 0), MappingError);
});

/** A map from aligned page to mapping: the obviously-correct page table. */
class ReferenceTable {
  live = new Map<number, { frame: number; size: PageSize }>();
  // Regions of each size that ever held a smaller mapping, hence a table.
  tabled: Set<number>[] = [new Set(), new Set(), new Set()];
  cover(vpn: number): { at: number; frame: number; size: PageSize } | undefined {
    for (let size = 0; size < 3; size++) {
      const at = vpn - vpn % PAGES_4K_PER[size];
      const m = this.live.get(at);
      if (m && m.size === size) return { at, ...m };
    }
    return undefined;
  }
  /** Returns false where the radix table must refuse the mapping. */
  map(vpn: number, frame: number, size: PageSize): boolean {
    const c = this.cover(vpn);
    if (c && c.size > size) return false;
    if (size > 0 && this.tabled[size].has(vpn)) return false;
    for (let s = size + 1; s < 3; s++) this.tabled[s].add(vpn - vpn % PAGES_4K_PER[s]);
    this.live.set(vpn, { frame, size });
    return true;
  }
  translate(vpn: number): number {
    const c = this.cover(vpn);
    return c ? c.frame + (vpn - c.at) : -1;
  }
  unmap(vpn: number): boolean {
    const c = this.cover(vpn);
    if (!c) return false;
    this.live.delete(c.at);
    return true;
  }
}

/**
 * A frame in units of the page's size: now and then one whose 4K frame is past 2^31 (8 TiB),
 * which widens the entries to 64 bits.
 */
const frameInPages = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 ** 22, max: 2 ** 26 }) },
);

Deno.test("PageTable agrees with a map-based reference on random map/unmap/translate streams", () => {
  const size = fc.integer({ min: 0, max: 2 }) as fc.Arbitrary<PageSize>;
  const where = fc.integer({ min: 0, max: 3 * 262144 });
  const op = fc.oneof(
    fc.record({
      op: fc.constant("map" as const),
      where,
      size,
      frame: frameInPages,
    }),
    fc.record({ op: fc.constant("unmap" as const), where }),
    fc.record({ op: fc.constant("translate" as const), where }),
  );
  fc.assert(
    fc.property(fc.constantFrom(4, 5), fc.array(op, { maxLength: 200 }), (levels, ops) => {
      const fast = new PageTable(levels, new BumpFrameAllocator());
      const ref = new ReferenceTable();
      for (const o of ops) {
        if (o.op === "map") {
          const span = PAGES_4K_PER[o.size];
          const vpn = o.where - o.where % span;
          const frame = o.frame * span;
          const ok = ref.map(vpn, frame, o.size);
          if (ok) fast.map(vpn, frame, o.size, 0);
          else assert.throws(() => fast.map(vpn, frame, o.size, 0), MappingError);
        } else if (o.op === "unmap") {
          assert.equal(fast.unmap(o.where), ref.unmap(o.where));
        } else {
          assert.equal(fast.translate(o.where), ref.translate(o.where));
        }
      }
      for (const [vpn] of ref.live) assert.equal(fast.translate(vpn), ref.translate(vpn));
    }),
    { numRuns: 200 },
  );
});

Deno.test("BumpFrameAllocator never hands out a frame twice and aligns every size", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 300 }), (sizes) => {
      const frames = new BumpFrameAllocator();
      const taken: [number, number][] = [];
      for (const s of sizes) {
        const f = frames.alloc(s as PageSize);
        assert.equal(f % PAGES_4K_PER[s], 0);
        taken.push([f, f + PAGES_4K_PER[s]]);
      }
      taken.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < taken.length; i++) assert.ok(taken[i][0] >= taken[i - 1][1]);
    }),
  );
});

Deno.test("PageTable keeps entries in 32 bits until a frame needs more, then widens keeping every value", () => {
  const frames = new BumpFrameAllocator();
  const table = new PageTable(4, frames);
  table.mapRange(0, 1024, 0, 0, frames);
  assert.ok(table.entries instanceof Int32Array);
  const before = Array.from({ length: 1024 }, (_, p) => table.translate(p));
  table.map(0x40000, 2 ** 40, 2, 0); // a 1G page at frame 2^40 (4 PiB)
  assert.ok(table.entries instanceof Float64Array);
  assert.equal(table.translate(0x40000 + 5), 2 ** 40 + 5);
  assert.deepEqual(Array.from({ length: 1024 }, (_, p) => table.translate(p)), before);
  table.split(0x40000, 3);
  assert.equal(table.translate(0x40000 + 513), 2 ** 40 + 513);
  assert.equal(table.lastSize, 1);
});

/** The level-1 entry a walk of `vpn` reads, descending the slow way; -1 where it stops above. */
function referenceLastLevel(table: PageTable, vpn: number): number {
  let t = table.root;
  for (let level = table.levels; level > 1; level--) {
    const e = t * 512 + Math.floor(vpn / 512 ** (level - 1)) % 512;
    const f = table.flags[e];
    if ((f & PTE_PRESENT) === 0 || (f & PTE_LEAF) !== 0) return -1;
    t = table.entries[e];
  }
  return t * 512 + vpn % 512;
}

Deno.test("PageTable.lastLevelEntries() finds the level-1 entries walks read, else entries of tables that exist", () => {
  const size = fc.integer({ min: 0, max: 2 }) as fc.Arbitrary<PageSize>;
  // Pages in a few 2 MiB regions of a few 1 GiB regions far apart, some above 2^32, so
  // that maps, collapses and splits meet in the same tables.
  const where = fc.tuple(
    fc.constantFrom(0, 3, 64, 2 ** 23 - 1, 2 ** 26 + 5),
    fc.nat(3),
    fc.nat(511),
  )
    .map(([gib, region, page]) => gib * 262144 + region * 512 + page);
  // Batches of pages looked up together: runs in order (which share a descent), pages 2^32
  // apart (the same low bits), anywhere.
  const batch = fc.array(
    fc.oneof(
      where.map((p) => [p]),
      where.map((p) => [p, p + 1, p + 2, p + 17]),
      where.map((p) => [p, p + 2 ** 32]),
      fc.nat(2 ** 45 - 1).map((p) => [p]),
    ),
    { minLength: 1, maxLength: 6 },
  ).map((runs) => runs.flat());
  const op = fc.oneof(
    fc.record({
      op: fc.constantFrom("map" as const, "collapse" as const),
      where,
      size,
      frame: frameInPages,
    }),
    fc.record({ op: fc.constant("unmap" as const), where }),
    fc.record({ op: fc.constant("split" as const), where, level: fc.constantFrom(2, 3) }),
    // Looked up between changes too.
    fc.record({ op: fc.constant("probe" as const), pages: batch }),
  );
  fc.assert(
    fc.property(fc.constantFrom(4, 5), fc.array(op, { maxLength: 150 }), (levels, ops) => {
      const table = new PageTable(levels, new BumpFrameAllocator());
      const check = (batch: number[]) => {
        // From index 1 of the pages: out[0] is the first page's.
        const pages = Float64Array.from([7, ...batch]);
        const out = new Int32Array(batch.length);
        const descents = table.lastLevelEntries(pages, 1, pages.length, out);
        const groups = batch.filter((p, i) =>
          i === 0 || Math.floor(p / 16) !== Math.floor(batch[i - 1] / 16)
        );
        assert.equal(descents, groups.length, "a descent for each new group of 16");
        batch.forEach((vpn, i) => {
          const want = referenceLastLevel(table, vpn);
          if (want >= 0) assert.equal(out[i], want, `page ${vpn}`);
          else {
            assert.ok(
              out[i] >= 0 && out[i] < table.tableCount * 512,
              `page ${vpn}: ${out[i]} is past the tables`,
            );
          }
        });
      };
      for (const o of ops) {
        try {
          if (o.op === "probe") check(o.pages);
          else if (o.op === "unmap") table.unmap(o.where);
          else if (o.op === "split") table.split(o.where, o.level);
          else {
            const span = PAGES_4K_PER[o.size];
            const vpn = o.where - o.where % span;
            if (o.op === "map") table.map(vpn, o.frame * span, o.size, 0);
            else if (o.size > 0) table.collapse(vpn, o.frame * span, o.size, 0);
          }
        } catch (e) {
          if (!(e instanceof MappingError)) throw e;
        }
      }
      check(ops.flatMap((o) => o.op === "probe" ? o.pages : [o.where]));
    }),
    { numRuns: 300 },
  );
});

/** lastLevelEntries of one page. */
function lastLevelEntry(table: PageTable, vpn: number): number {
  const out = new Int32Array(1);
  table.lastLevelEntries(Float64Array.of(vpn), 0, 1, out);
  return out[0];
}

Deno.test("PageTable.lastLevelEntries() finds the new table of leaves after a collapse and a split", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  table.map(0x200, 7, 0, 0);
  const before = lastLevelEntry(table, 0x234);
  assert.equal(before, referenceLastLevel(table, 0x234));
  table.collapse(0x200, 0x40000, 1, 0);
  table.split(0x234, 2);
  const after = lastLevelEntry(table, 0x234);
  assert.notEqual(after >>> 9, before >>> 9, "a new table of leaves");
  assert.equal(after, referenceLastLevel(table, 0x234));
  assert.equal(table.entries[after], 0x40034);
});

Deno.test("PageTable.readAhead reads scattered pages' last-level entries and leaves pages in order alone", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  const scattered = Float64Array.from({ length: 64 }, (_, i) => i * 4096 + 3);
  const inOrder = Float64Array.from({ length: 64 }, (_, i) => 0x80000 + i);
  for (const page of [...scattered, ...inOrder]) table.map(page, page + 1, 0, 0);
  const entrySum = (pages: Float64Array) =>
    [...pages].reduce((sum, page) => {
      const at = new Int32Array(1);
      table.lastLevelEntries(Float64Array.of(page), 0, 1, at);
      return sum + table.entries[at[0]] + table.flags[at[0]];
    }, 0);
  // Each scattered page has a table of leaves of its own: 64 descents.
  assert.equal(table.readAhead(scattered, 0, 64), entrySum(scattered));
  // Four descents for 64 pages in order: the host's prefetcher's to bring.
  assert.equal(table.readAhead(inOrder, 0, 64), 0);
  // A window longer than any before, from an offset.
  const long = Float64Array.from({ length: 700 }, (_, i) => scattered[i % 64]);
  assert.equal(table.readAhead(long, 100, 700), entrySum(long.subarray(100)));
});
