import assert from "node:assert/strict";
import fc from "fast-check";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import type { PageSize } from "../../../core/base/page_size.ts";

Deno.test("BumpFrameAllocator.allocRun() hands out the frames alloc() would, one after another (fast-check)", () => {
  const request = fc.record({
    size: fc.constantFrom(0, 1, 2) as fc.Arbitrary<PageSize>,
    count: fc.integer({ min: 1, max: 1500 }),
    run: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(request, { maxLength: 40 }), (requests) => {
      const bulk = new BumpFrameAllocator();
      const single = new BumpFrameAllocator();
      for (const { size, count, run } of requests) {
        let left = count;
        while (left > 0) {
          if (!run) {
            assert.equal(bulk.alloc(size), single.alloc(size));
            left--;
            continue;
          }
          const first = bulk.allocRun(size, left);
          assert.ok(bulk.runLength >= 1 && bulk.runLength <= left);
          for (let k = 0; k < bulk.runLength; k++) {
            assert.equal(first + k * [1, 512, 262144][size], single.alloc(size));
          }
          left -= bulk.runLength;
        }
        assert.equal(bulk.allocatedFrames, single.allocatedFrames);
      }
    }),
  );
});

Deno.test("BumpFrameAllocator.allocRun() stops at the end of the block its frames are carved from", () => {
  const frames = new BumpFrameAllocator();
  frames.alloc(0);
  frames.allocRun(0, 10_000);
  assert.equal(frames.runLength, 511);
  assert.equal(frames.allocRun(0, 3), 512);
  assert.equal(frames.runLength, 3);
});
