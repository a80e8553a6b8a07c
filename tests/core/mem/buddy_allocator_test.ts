import assert from "node:assert/strict";
import fc from "fast-check";
import { BuddyAllocator, FrameAllocationError } from "../../../core/mem/buddy_allocator.ts";
import { fragment } from "../../../core/mem/fragmentation.ts";
import { PAGES_4K_PER, PageSize } from "../../../core/base/page_size.ts";

/**
 * The obviously-correct model: one owner flag per 4 KiB frame and counts of
 * used frames per aligned 2M and 1G region. A size is available exactly when
 * some aligned region of it has no used frame — which a buddy allocator
 * that coalesces completely must agree with.
 */
class ReferenceMemory {
  used: Uint8Array;
  used2m: Int32Array;
  used1g: Int32Array;
  constructor(readonly frames: number) {
    this.used = new Uint8Array(frames);
    this.used2m = new Int32Array(frames / 512);
    this.used1g = new Int32Array(Math.ceil(frames / 262144));
  }
  take(frame: number, size: PageSize): void {
    for (let f = frame; f < frame + PAGES_4K_PER[size]; f++) {
      assert.equal(this.used[f], 0, `frame ${f} handed out twice`);
      this.used[f] = 1;
      this.used2m[f >>> 9]++;
      this.used1g[f >>> 18]++;
    }
  }
  release(frame: number, size: PageSize): void {
    for (let f = frame; f < frame + PAGES_4K_PER[size]; f++) {
      this.used[f] = 0;
      this.used2m[f >>> 9]--;
      this.used1g[f >>> 18]--;
    }
  }
  available(size: PageSize): boolean {
    if (size === 0) return this.used.includes(0);
    if (size === 1) return this.used2m.includes(0);
    // Only whole gigabytes can hold a 1G page.
    for (let g = 0; g < Math.floor(this.frames / 262144); g++) {
      if (this.used1g[g] === 0) return true;
    }
    return false;
  }
  wholeCount(size: PageSize): number {
    if (size === 1) return this.used2m.filter((n) => n === 0).length;
    let n = 0;
    for (let g = 0; g < Math.floor(this.frames / 262144); g++) if (this.used1g[g] === 0) n++;
    return n;
  }
}

type Op =
  | { kind: "alloc"; size: PageSize }
  | { kind: "free"; pick: number }
  | { kind: "allocAt"; frame: number }
  | { kind: "claim" };

const FRAMES = 262144 + 512 * 40; // one whole gigabyte and a partial one of 40 2M blocks

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Op>({ kind: "alloc", size: 0 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<PageSize>(1, 2).map((size): Op => ({ kind: "alloc", size })),
  },
  {
    weight: 5,
    arbitrary: fc.nat({ max: 2 ** 30 }).map((pick): Op => ({ kind: "free", pick })),
  },
  {
    weight: 2,
    arbitrary: fc.nat({ max: FRAMES - 1 }).map((frame): Op => ({ kind: "allocAt", frame })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: "claim" }) },
);

/** What claimPageblock must take in the reference: a whole free block, else the most free split one. */
function expectedClaim(ref: ReferenceMemory): { block: number; free: number } {
  let best = -1;
  let most = 0;
  for (let b = 0; b < FRAMES / 512; b++) {
    const free = 512 - ref.used2m[b];
    if (free === 512) return { block: -2, free };
    if (free > most) {
      best = b;
      most = free;
    }
  }
  return { block: best, free: most };
}

Deno.test("BuddyAllocator agrees with a per-frame reference: no frame twice, frees coalesce", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const buddy = new BuddyAllocator(FRAMES);
      const ref = new ReferenceMemory(FRAMES);
      const live: { frame: number; size: PageSize }[] = [];
      for (const o of ops) {
        if (o.kind === "alloc") {
          const frame = buddy.tryAlloc(o.size);
          assert.equal(frame >= 0, ref.available(o.size), `alloc ${o.size}`);
          if (frame < 0) continue;
          assert.equal(frame % PAGES_4K_PER[o.size], 0, "aligned");
          ref.take(frame, o.size);
          live.push({ frame, size: o.size });
        } else if (o.kind === "allocAt") {
          if (ref.used[o.frame]) {
            assert.throws(() => buddy.allocAt(o.frame), FrameAllocationError);
            continue;
          }
          // A frame inside a frame handed out whole is used in the reference too.
          buddy.allocAt(o.frame);
          ref.take(o.frame, 0);
          live.push({ frame: o.frame, size: 0 });
        } else if (o.kind === "claim") {
          const expected = expectedClaim(ref);
          const claimed = new Uint8Array(512).fill(7);
          const frame = buddy.claimPageblock(claimed);
          if (expected.block === -1) {
            assert.equal(frame, -1, "nothing free, nothing claimed");
            continue;
          }
          assert.equal(frame % 512, 0, "a pageblock is 2M aligned");
          if (expected.block >= 0) {
            // Ties may go to any block with that many free frames.
            assert.equal(512 - ref.used2m[frame >>> 9], expected.free, "the most free block");
          } else assert.equal(ref.used2m[frame >>> 9], 0, "a whole free block first");
          for (let i = 0; i < 512; i++) {
            assert.equal(claimed[i], ref.used[frame + i] ? 0 : 1, `offset ${i}`);
            if (claimed[i]) {
              ref.take(frame + i, 0);
              live.push({ frame: frame + i, size: 0 });
            }
          }
        } else if (live.length > 0) {
          const [{ frame, size }] = live.splice(o.pick % live.length, 1);
          buddy.free(frame, size);
          ref.release(frame, size);
        }
        assert.equal(buddy.allocatedFrames, ref.used.reduce((a, b) => a + b, 0));
        assert.equal(buddy.freeBlocks(1), ref.wholeCount(1), "whole 2M blocks");
        assert.equal(buddy.freeBlocks(2), ref.wholeCount(2), "whole 1G blocks");
      }
      for (const { frame, size } of live) buddy.free(frame, size);
      assert.equal(buddy.freeBlocks(2), 1, "everything coalesced back to the whole gigabyte");
      assert.equal(buddy.freeBlocks(1), 512 + 40);
    }),
    { numRuns: 60 },
  );
});

Deno.test("BuddyAllocator rejects double frees, wrong sizes and misaligned memory", () => {
  const buddy = new BuddyAllocator(262144);
  const frame = buddy.alloc(PageSize.SIZE_2M);
  assert.throws(() => buddy.free(frame, PageSize.SIZE_4K), FrameAllocationError);
  buddy.free(frame, PageSize.SIZE_2M);
  assert.throws(() => buddy.free(frame, PageSize.SIZE_2M), FrameAllocationError);
  assert.throws(() => buddy.free(-1, PageSize.SIZE_4K), FrameAllocationError);
  assert.throws(() => new BuddyAllocator(100), RangeError);
});

Deno.test("BuddyAllocator hands out small frames from split blocks before splitting whole ones", () => {
  const buddy = new BuddyAllocator(2 * 262144);
  const first = buddy.alloc(PageSize.SIZE_4K);
  for (let i = 0; i < 510; i++) buddy.alloc(PageSize.SIZE_4K);
  assert.equal(buddy.freeBlocks(PageSize.SIZE_2M), 1023, "one 2M block split");
  buddy.alloc(PageSize.SIZE_4K);
  buddy.alloc(PageSize.SIZE_4K);
  assert.equal(buddy.freeBlocks(PageSize.SIZE_2M), 1022, "the second split only when full");
  assert.equal(first, 0, "lowest address first on a fresh allocator");
});

Deno.test("BuddyAllocator reports out of memory as an error naming the size", () => {
  const buddy = new BuddyAllocator(512);
  assert.equal(buddy.tryAlloc(PageSize.SIZE_1G), -1);
  buddy.alloc(PageSize.SIZE_2M);
  assert.throws(() => buddy.alloc(PageSize.SIZE_4K), /no free 4 KiB block/);
});

Deno.test("fragment() breaks the requested share of 2M and 1G blocks, seeded", () => {
  for (const fraction of [0, 0.125, 0.25, 0.5, 0.875, 1]) {
    const buddy = new BuddyAllocator(8 * 262144);
    const tenants = fragment(buddy, fraction, 3);
    assert.equal(tenants.length, Math.round(fraction * 4096));
    assert.equal(buddy.freeBlocks(PageSize.SIZE_1G), 8 - Math.round(fraction * 8));
    assert.equal(
      buddy.freeBlocks(PageSize.SIZE_2M),
      4096 - tenants.length,
      "each broken 2M block holds one tenant frame",
    );
    const again = fragment(new BuddyAllocator(8 * 262144), fraction, 3);
    assert.deepEqual(again, tenants, "same seed, same placement");
    for (const frame of tenants) buddy.free(frame, PageSize.SIZE_4K);
    assert.equal(buddy.freeBlocks(PageSize.SIZE_1G), 8, "released tenants coalesce");
  }
  assert.throws(() => fragment(new BuddyAllocator(512), 1.5, 1), RangeError);
});

Deno.test("BuddyAllocator.claimPageblock() takes the free frames of the most free block when none is whole", () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat({ max: 8 * 512 - 1 }), { minLength: 1, maxLength: 200 }),
      (frames) => {
        const buddy = new BuddyAllocator(8 * 512);
        const ref = new ReferenceMemory(8 * 512);
        // One frame in every block first: no block stays whole.
        for (const frame of [...Array.from({ length: 8 }, (_, b) => b * 512 + 1), ...frames]) {
          if (ref.used[frame]) continue;
          buddy.allocAt(frame);
          ref.take(frame, 0);
        }
        const most = Math.max(...Array.from({ length: 8 }, (_, b) => 512 - ref.used2m[b]));
        const claimed = new Uint8Array(512);
        const block = buddy.claimPageblock(claimed);
        assert.equal(512 - ref.used2m[block >>> 9], most);
        for (let i = 0; i < 512; i++) assert.equal(claimed[i], ref.used[block + i] ? 0 : 1);
        assert.equal(buddy.allocatedFrames, ref.used.reduce((a, b) => a + b, 0) + most);
      },
    ),
    { numRuns: 100 },
  );
});
