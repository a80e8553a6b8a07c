import assert from "node:assert/strict";
import fc from "fast-check";
import { MappingError, PageTable } from "../../../core/mmu/page_table.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { LEVEL_SPAN } from "../../../core/mmu/page_table.ts";
import type { PageSize } from "../../../core/base/page_size.ts";
import { slowTranslate } from "./_slow_table.ts";

/** Everything a table holds, up to its last table page. */
function contents(table: PageTable) {
  const n = table.tableCount;
  return {
    tables: n,
    frames: Array.from(table.tableFrame.subarray(0, n)),
    levels: Array.from(table.tableLevel.subarray(0, n)),
    entries: table.entries.subarray(0, n * 512),
    flags: table.flags.subarray(0, n * 512),
  };
}

/** The slow reference: each page not mapped yet gets `map` and the next frame, one after another. */
function mapOneByOne(
  table: PageTable,
  frames: BumpFrameAllocator,
  first: number,
  count: number,
  size: PageSize,
): number {
  let mapped = 0;
  for (let i = 0; i < count; i++) {
    const page = first + i * LEVEL_SPAN[size];
    if (table.translate(page) >= 0) continue;
    table.map(page, frames.alloc(size), size, 2);
    mapped++;
  }
  return mapped;
}

Deno.test("PageTable.mapRange() equals mapping page by page, over tables already part filled (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(4, 5),
      fc.constantFrom<PageSize>(0, 1),
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 1, max: 3000 }),
      fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 20 }),
      (levels, size, start, count, before) => {
        const span = LEVEL_SPAN[size];
        const first = 0x10000 * 512 + start * span;
        const tables = [0, 1].map(() => {
          const frames = new BumpFrameAllocator();
          const table = new PageTable(levels, frames);
          // Pages mapped before, some inside the range, some around it.
          for (const p of before) {
            const page = 0x10000 * 512 + p * span;
            if (table.translate(page) < 0) table.map(page, frames.alloc(size), size, 6);
          }
          return { frames, table };
        });
        const bulk = tables[0].table.mapRange(first, count, size, 2, tables[0].frames);
        const one = mapOneByOne(tables[1].table, tables[1].frames, first, count, size);
        assert.equal(bulk, one);
        assert.deepEqual(contents(tables[0].table), contents(tables[1].table));
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("PageTable.mapRange() steps over a larger leaf and refuses a table where its leaf goes", () => {
  const frames = new BumpFrameAllocator();
  const table = new PageTable(4, frames);
  table.map(512, 1024, 1, 2);
  assert.equal(table.mapRange(0, 1536, 0, 2, frames), 1024);
  assert.equal(table.translate(700), 1024 + 188);
  assert.throws(() => table.mapRange(0, 2, 1, 2, frames), MappingError);
  assert.throws(() => table.mapRange(3, 1, 1, 2, frames), /not aligned/);
  assert.throws(() => table.mapRange(2 ** 36 - 1, 2, 0, 2, frames), /address space/);
});

/** A change to a table of 4 pages of 512 entries from 0x40000 (a count only for mapRange). */
type Change = {
  op: "map" | "mapRange" | "unmap" | "collapse" | "replace" | "split" | "clear";
  page: number;
  count: number;
};

const CHANGE: fc.Arbitrary<Change> = fc.record({
  op: fc.constantFrom("map", "mapRange", "unmap", "collapse", "replace", "split", "clear"),
  page: fc.integer({ min: 0, max: 4 * 512 - 1 }),
  count: fc.integer({ min: 1, max: 1200 }),
});

const CHANGE_BASE = 0x40000;

/**
 * Applies `change`, ranges through `mapRange`.
 * @returns pages a range mapped, "done", or "refused" (a MappingError)
 */
function applyChange(
  table: PageTable,
  frames: BumpFrameAllocator,
  change: Change,
  mapRange: (table: PageTable, frames: BumpFrameAllocator, vpn: number, count: number) => number,
): number | string {
  const vpn = CHANGE_BASE + change.page;
  const region = vpn - vpn % 512;
  try {
    if (change.op === "map") table.map(vpn, frames.alloc(0), 0, 2);
    else if (change.op === "mapRange") return mapRange(table, frames, vpn, change.count);
    else if (change.op === "unmap") table.unmap(vpn);
    else if (change.op === "collapse") table.collapse(region, frames.alloc(1), 1, 2);
    else if (change.op === "replace") table.replace(region, frames.alloc(1), 1, 2, []);
    else if (change.op === "split") table.split(vpn, 2);
    else table.clearRange(vpn, 2);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return "refused";
  }
  return "done";
}

const bulk = (table: PageTable, frames: BumpFrameAllocator, vpn: number, count: number) =>
  table.mapRange(vpn, count, 0, 2, frames);

Deno.test("PageTable lookups after any sequence of changes agree with a descent from the root (fast-check)", () => {
  fc.assert(
    fc.property(fc.array(CHANGE, { maxLength: 60 }), (changes) => {
      const frames = new BumpFrameAllocator();
      const table = new PageTable(4, frames);
      for (const change of changes) {
        applyChange(table, frames, change, bulk);
        for (let p = 0; p < 4 * 512; p += 37) {
          const vpn = CHANGE_BASE + p;
          assert.equal(table.translate(vpn), slowTranslate(table, vpn));
        }
        const vpn = CHANGE_BASE + change.page;
        assert.equal(table.translate(vpn), slowTranslate(table, vpn));
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("PageTable.mapRange() equals mapping page by page after any sequence of changes (fast-check)", () => {
  // mapRange leaves unread the entries of a table past the last one ever
  // written: every way of writing (map, split, collapse, replace, mapRange)
  // and of clearing must keep that bound, or a fill overwrites or skips.
  const oneByOne = (table: PageTable, frames: BumpFrameAllocator, vpn: number, count: number) =>
    mapOneByOne(table, frames, vpn, count, 0);
  fc.assert(
    fc.property(fc.array(CHANGE, { maxLength: 40 }), (changes) => {
      const sides = [bulk, oneByOne].map((mapRange) => {
        const frames = new BumpFrameAllocator();
        return { frames, table: new PageTable(4, frames), mapRange };
      });
      for (const change of changes) {
        const [a, b] = sides.map((side) =>
          applyChange(side.table, side.frames, change, side.mapRange)
        );
        const what = `${change.op} at ${change.page}`;
        assert.equal(a, b, what);
        assert.deepEqual(contents(sides[0].table), contents(sides[1].table), what);
      }
    }),
    { numRuns: 200 },
  );
});
