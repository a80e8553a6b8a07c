import assert from "node:assert/strict";
import { BuddyAllocator } from "../../../core/mem/buddy_allocator.ts";
import { fragment } from "../../../core/mem/fragmentation.ts";
import { GuestMapper } from "../../../core/mapping/guest_mapper.ts";
import { PageTable } from "../../../core/mmu/page_table.ts";
import { PageSize } from "../../../core/base/page_size.ts";

const GIB = 262144;

Deno.test("GuestMapper maps close to the requested share of regions large, whatever the run", () => {
  for (const fraction of [0, 0.1, 0.5, 0.9, 1]) {
    const guest = new GuestMapper({
      frames: new BuddyAllocator(GIB),
      largeFraction: fraction,
      seed: 5,
    });
    for (const start of [0, 1000, 123457]) {
      let large = 0;
      for (let r = start; r < start + 1000; r++) if (guest.isLargeRegion(r)) large++;
      assert.ok(Math.abs(large / 1000 - fraction) <= 0.005, `${fraction} from ${start}: ${large}`);
    }
  }
});

Deno.test("GuestMapper falls back to 4K pages in a region when guest-physical memory is fragmented", () => {
  const frames = new BuddyAllocator(GIB);
  fragment(frames, 1, 3);
  const table = new PageTable(4, frames);
  const guest = new GuestMapper({ frames, largeFraction: 1, seed: 1 });
  guest.map(table, 0x10000);
  guest.map(table, 0x10001);
  assert.equal(table.translate(0x10001) >= 0 && table.lastSize, PageSize.SIZE_4K);
  assert.equal(guest.largePages, 0);
  assert.equal(guest.smallPages, 2);
  assert.equal(guest.fallbacks, 1, "one fallback per region, not per page");
});

Deno.test("GuestMapper maps a chosen region with one aligned 2M page", () => {
  const frames = new BuddyAllocator(GIB);
  const table = new PageTable(4, frames);
  const guest = new GuestMapper({ frames, largeFraction: 1, seed: 1 });
  guest.map(table, 0x10203);
  const frame = table.translate(0x10200);
  assert.equal(table.lastSize, PageSize.SIZE_2M);
  assert.equal(frame % 512, 0);
  assert.deepEqual(guest.largeFrames, [frame]);
});
