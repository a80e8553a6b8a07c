import assert from "node:assert/strict";
import fc from "fast-check";
import { BuddyAllocator, FrameAllocationError } from "../../../core/mem/buddy_allocator.ts";
import { fragment } from "../../../core/mem/fragmentation.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { HostMemory } from "../../../core/mem/host_memory.ts";
import { TableFramePool, wholeBlocks } from "../../../core/mem/table_frames.ts";

type Op = { kind: "alloc" } | { kind: "free"; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Op>({ kind: "alloc" }) },
  { weight: 1, arbitrary: fc.nat({ max: 2 ** 30 }).map((pick): Op => ({ kind: "free", pick })) },
);

Deno.test("TableFramePool agrees with a set of live frames: never a frame twice, never another owner's, freed frames first", () => {
  fc.assert(
    fc.property(
      fc.array(op, { maxLength: 2500 }),
      fc.constantFrom(0, 0.5, 1),
      fc.nat({ max: 100 }),
      (ops, fraction, seed) => {
        // Three pageblocks: long runs exhaust them.
        const buddy = new BuddyAllocator(3 * 512);
        const tenants = new Set(fragment(buddy, fraction, seed));
        const pool = new TableFramePool(buddy, seed);
        // The reference: the frames handed out and not freed, and the freed stack.
        const live = new Set<number>();
        const freed: number[] = [];
        for (const o of ops) {
          if (o.kind === "alloc") {
            let frame: number;
            try {
              frame = pool.alloc(0);
            } catch (error) {
              assert.ok(error instanceof FrameAllocationError);
              assert.ok(buddy.freeBlocks(0) === 0, "exhausted only when memory is");
              continue;
            }
            if (freed.length > 0) assert.equal(frame, freed.pop(), "last freed, first reused");
            assert.ok(!live.has(frame), `frame ${frame} handed out twice`);
            assert.ok(!tenants.has(frame), `frame ${frame} belongs to a tenant`);
            assert.ok(frame >= 0 && frame < buddy.frames);
            live.add(frame);
          } else if (live.size > 0) {
            const frame = [...live][o.pick % live.size];
            live.delete(frame);
            freed.push(frame);
            pool.free(frame);
          }
          assert.equal(pool.allocatedFrames, live.size);
        }
        // The buddy sees tenants and whole claimed pageblocks (minus other owners' frames).
        assert.ok(buddy.allocatedFrames >= tenants.size + live.size);
        assert.ok(buddy.allocatedFrames <= tenants.size + 512 * pool.pageblocks);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("TableFramePool gives tables growing in step every page colour, whatever the fragmentation", () => {
  const colours = (fraction: number): number[][] => {
    const host = new HostMemory({ mib: 64, fragmentation: fraction, seed: 3 });
    const counts = [new Array(16).fill(0), new Array(16).fill(0)];
    for (let i = 0; i < 256; i++) {
      // A host table and a shadow table that each take a page every 512 guest pages.
      counts[0][host.tableFrames.alloc(0) % 16]++;
      counts[1][host.tableFrames.alloc(0) % 16]++;
    }
    return counts;
  };
  const free = colours(0);
  for (const table of free) {
    assert.ok(Math.min(...table) >= 8, `each of 16 colours near 16 pages: ${table}`);
  }
  assert.deepEqual(colours(0.5), free, "fragmentation moves the pageblock, not the colours");
  const pool = new TableFramePool(wholeBlocks(new BumpFrameAllocator()), 1);
  assert.throws(() => pool.alloc(1), RangeError);
});

Deno.test("HostMemory takes table pages from pageblocks apart from guest memory's frames", () => {
  const host = new HostMemory({ mib: 64 });
  const data = host.frames.alloc(0);
  const table = host.tableFrames.alloc(0);
  assert.notEqual(data >>> 9, table >>> 9, "not in the data frames' 2M block");
  host.freeTablePage(table);
  assert.equal(host.tableFrames.alloc(0), table, "a freed table page is reused");
  const unbounded = new HostMemory();
  assert.ok(
    unbounded.tableFrames.alloc(0) >= 2 ** 30,
    "a region of their own on an unbounded host",
  );
});
