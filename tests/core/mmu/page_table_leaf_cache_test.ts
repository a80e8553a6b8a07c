import assert from "node:assert/strict";
import fc from "fast-check";
import { MappingError, PageTable } from "../../../core/mmu/page_table.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { slowLeaves, slowTranslate } from "./_slow_table.ts";

// Regions of 512 pages (page number ÷ 512) that share a slot of the cache at
// every size it takes (16 slots and up: their low 4 bits agree), some at any
// size (their low 12 bits agree), one only its neighbour's low 32 bits past
// 2^32 pages (a page number's high half), and a neighbour of the first.
const REGIONS = [0x200, 0x201, 0x210, 0x1200, 0x400200, 2 ** 23 + 0x200, 2 ** 24 + 0x1200];

/** A change to pages of REGIONS, or a lookup (`translate`) or a walk's word (`reach`). */
type Change = {
  op:
    | "map"
    | "mapRange"
    | "unmap"
    | "collapse"
    | "replace"
    | "split"
    | "clear"
    | "translate"
    | "reach";
  region: number;
  page: number;
  count: number;
};

const CHANGE: fc.Arbitrary<Change> = fc.record({
  op: fc.constantFrom(
    "map",
    "mapRange",
    "unmap",
    "collapse",
    "replace",
    "split",
    "clear",
    "translate",
    "reach",
  ),
  region: fc.integer({ min: 0, max: REGIONS.length - 1 }),
  page: fc.integer({ min: 0, max: 511 }),
  count: fc.integer({ min: 1, max: 700 }),
});

function apply(table: PageTable, frames: BumpFrameAllocator, change: Change): void {
  const region = REGIONS[change.region] * 512;
  const vpn = region + change.page;
  try {
    if (change.op === "map") table.map(vpn, frames.alloc(0), 0, 2);
    else if (change.op === "mapRange") table.mapRange(vpn, change.count, 0, 2, frames);
    else if (change.op === "unmap") table.unmap(vpn);
    else if (change.op === "collapse") table.collapse(region, frames.alloc(1), 1, 2);
    else if (change.op === "replace") table.replace(region, frames.alloc(1), 1, 2, []);
    else if (change.op === "split") table.split(vpn, 2);
    else if (change.op === "clear") table.clearRange(vpn, 2);
    else if (change.op === "translate") table.translate(vpn);
    else {
      // A walk tells the table which table of leaves it reached.
      const leaves = slowLeaves(table, vpn);
      if (leaves >= 0) table.atLeafTable(vpn, leaves);
    }
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
  }
}

/** Every region's known table of leaves is the one a descent finds, and translations agree. */
function check(table: PageTable, what: string): void {
  for (const r of REGIONS) {
    for (const page of [0, 1, 300, 511]) {
      const vpn = r * 512 + page;
      const lo = vpn >>> 0;
      const known = table.knownLeaves(lo, (vpn - lo) / 2 ** 32);
      if (known >= 0) assert.equal(known, slowLeaves(table, vpn), `${what}: region ${r}`);
      assert.equal(table.translate(vpn), slowTranslate(table, vpn), `${what}: page ${vpn}`);
    }
  }
}

Deno.test("PageTable.knownLeaves() is the descent's table of leaves or -1 after any changes, for regions that share slots (fast-check)", () => {
  fc.assert(
    fc.property(fc.constantFrom(4, 5), fc.array(CHANGE, { maxLength: 60 }), (levels, changes) => {
      const frames = new BumpFrameAllocator();
      const table = new PageTable(levels, frames);
      for (const change of changes) {
        apply(table, frames, change);
        check(table, `${change.op} in region ${REGIONS[change.region]}`);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("PageTable.knownLeaves() stays right past 255 unlinked tables (the epochs wrap)", () => {
  const frames = new BumpFrameAllocator();
  const table = new PageTable(4, frames);
  // Room for every table to come: a cache that grows starts empty.
  table.reserve(2000);
  // A table of leaves known in the first epoch, then unlinked, its slot
  // never taken again: a wrap of the epochs must not bring it back.
  const gone = 0x500 * 512;
  table.map(gone + 3, frames.alloc(0), 0, 2);
  table.collapse(gone, frames.alloc(1), 1, 2);
  const kept = 0x300 * 512;
  for (let round = 0; round < 600; round++) {
    // A table of leaves for a region that stays, and one unlinked by a collapse.
    table.map(kept + (round % 512), frames.alloc(0), 0, 2);
    table.map(0x200 * 512 + (round % 512), frames.alloc(0), 0, 2);
    table.collapse(0x200 * 512, frames.alloc(1), 1, 2);
    table.unmap(0x200 * 512);
    check(table, `round ${round}`);
    for (const vpn of [kept, gone]) {
      const known = table.knownLeaves(vpn, 0);
      assert.ok(known === -1 || known === slowLeaves(table, vpn), `round ${round}: page ${vpn}`);
    }
  }
  assert.equal(table.releasedTables, 601);
});

Deno.test("PageTable.knownLeaves() knows a region once a mapping or lookup reached its table", () => {
  const frames = new BumpFrameAllocator();
  const table = new PageTable(4, frames);
  table.map(0x1234, 7, 0, 0);
  const leaves = slowLeaves(table, 0x1234);
  assert.equal(table.knownLeaves(0x1234, 0), leaves);
  // Another region in the same slot takes it.
  table.map(0x1234 + 512 * 16, 8, 0, 0);
  assert.equal(table.knownLeaves(0x1234, 0), -1);
  assert.equal(table.translate(0x1234), 7);
  assert.equal(table.knownLeaves(0x1234, 0), leaves);
  // Pages past 2^32 are never cached.
  const high = 2 ** 32 + 0x1234;
  table.map(high, 9, 0, 0);
  assert.equal(table.knownLeaves(high >>> 0, 1), -1);
  assert.equal(table.translate(high), 9);
});
