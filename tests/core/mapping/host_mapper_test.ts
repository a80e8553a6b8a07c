import assert from "node:assert/strict";
import { BuddyAllocator } from "../../../core/mem/buddy_allocator.ts";
import { fragment } from "../../../core/mem/fragmentation.ts";
import { HostMapper } from "../../../core/mapping/host_mapper.ts";
import type { HostPolicy } from "../../../core/mapping/memory_config.ts";
import { PageTable } from "../../../core/mmu/page_table.ts";
import { PageSize } from "../../../core/base/page_size.ts";
import { Cycle, Stats } from "../../../core/cost/stats.ts";

const GIB = 262144;

interface Setup {
  hostGib?: number;
  guestFrames?: number;
  slotOffset?: number;
  fragmentation?: number;
}

function setup(policy: HostPolicy, options: Setup = {}) {
  const frames = new BuddyAllocator((options.hostGib ?? 2) * GIB);
  const tenants = fragment(frames, options.fragmentation ?? 0, 4);
  const table = new PageTable(4, frames);
  const stats = new Stats();
  const host = new HostMapper({
    policy,
    frames,
    guestFrames: options.guestFrames ?? GIB,
    slotOffset: options.slotOffset,
    stats,
    pageCopyCycles: 500,
    flushCycles: 700,
  });
  return { frames, table, stats, host, tenants };
}

function sizeAt(table: PageTable, gfn: number): number {
  assert.ok(table.translate(gfn) >= 0, `frame ${gfn} is backed`);
  return table.lastSize;
}

Deno.test("HostMapper opportunistic uses an aligned free 2M block", () => {
  const { table, host } = setup("opportunistic");
  host.map(table, 1000);
  assert.equal(sizeAt(table, 1000), PageSize.SIZE_2M);
  assert.equal(table.translate(512) % 512, 0, "the host frame is 2M aligned");
  assert.equal(host.pages2m, 1);
});

Deno.test("HostMapper opportunistic splinters where every 2M block is fragmented", () => {
  const { table, host } = setup("opportunistic", { fragmentation: 1 });
  host.map(table, 1000);
  assert.equal(sizeAt(table, 1000), PageSize.SIZE_4K);
  assert.equal(host.pages4k, 1);
  assert.equal(host.pages2m, 0);
});

Deno.test("HostMapper opportunistic splinters a misaligned memory slot", () => {
  const { table, host } = setup("opportunistic", { slotOffset: 1 });
  host.map(table, 1000);
  assert.equal(sizeAt(table, 1000), PageSize.SIZE_4K);
});

Deno.test("HostMapper maps 4K where the 2M region runs past the end of guest RAM", () => {
  const { table, host } = setup("opportunistic", { guestFrames: 512 * 3 + 256 });
  host.map(table, 512 * 3 + 5);
  assert.equal(sizeAt(table, 512 * 3 + 5), PageSize.SIZE_4K);
  host.map(table, 512 * 2 + 5);
  assert.equal(sizeAt(table, 512 * 2 + 5), PageSize.SIZE_2M);
});

Deno.test("HostMapper 4k policy never maps large", () => {
  const { table, host } = setup("4k");
  host.map(table, 1000);
  assert.equal(sizeAt(table, 1000), PageSize.SIZE_4K);
});

Deno.test("HostMapper 1g policy takes a free 1G block, else a 2M one", () => {
  const whole = setup("1g");
  whole.host.map(whole.table, 12345);
  assert.equal(sizeAt(whole.table, 12345), PageSize.SIZE_1G);
  const broken = setup("1g");
  // Break both gigabytes with one tenant frame each; 2M blocks stay whole elsewhere.
  broken.frames.allocAt(7);
  broken.frames.allocAt(GIB + 7);
  broken.host.map(broken.table, 12345);
  assert.equal(sizeAt(broken.table, 12345), PageSize.SIZE_2M);
});

Deno.test("HostMapper keeps a region 4K once it holds a 4K page, even when a 2M block frees up", () => {
  const { frames, table, host, tenants } = setup("opportunistic", {
    hostGib: 1,
    fragmentation: 1,
  });
  host.map(table, 0);
  for (const t of tenants) frames.free(t, PageSize.SIZE_4K);
  host.map(table, 1);
  assert.equal(sizeAt(table, 1), PageSize.SIZE_4K);
  host.map(table, 512);
  assert.equal(sizeAt(table, 512), PageSize.SIZE_2M, "a fresh region gets the freed block");
});

Deno.test("HostMapper.collapse() copies a region into a free 2M block and charges it", () => {
  const { frames, table, stats, host, tenants } = setup("opportunistic+promote", {
    hostGib: 1,
    fragmentation: 1,
  });
  for (let gfn = 0; gfn < 512; gfn++) host.map(table, gfn);
  host.map(table, 512); // a second region, one page backed
  assert.equal(sizeAt(table, 0), PageSize.SIZE_4K);
  assert.equal(host.backed4k(0), 512);
  assert.equal(host.backed4k(1), 1);
  assert.equal(host.collapse(table, 0, null), false, "no free 2M block while tenants hold them");
  assert.equal(host.collapseFailures, 1);
  assert.equal(sizeAt(table, 0), PageSize.SIZE_4K, "nothing changed");
  for (const t of tenants) frames.free(t, PageSize.SIZE_4K);
  const before = frames.allocatedFrames;
  const tableBytes = table.bytes;
  const moved: number[] = [];
  assert.equal(host.collapse(table, 0, { remapped: (gfn) => void moved.push(gfn) }), true);
  assert.equal(sizeAt(table, 77), PageSize.SIZE_2M);
  assert.equal(table.translate(77) - table.translate(0), 77);
  assert.equal(
    frames.allocatedFrames,
    before + 512 - 512 - 1,
    "old frames and the table page freed",
  );
  assert.equal(table.bytes, tableBytes - 4096);
  assert.equal(stats.cycles[Cycle.HYPERVISOR], 512 * 500 + 700);
  assert.equal(host.promotionCycles, 512 * 500 + 700);
  assert.deepEqual(moved, [0]);
  assert.equal(host.promotions, 1);
  assert.equal(host.largeFrames, 512);
  assert.equal(host.backed4k(0), 0);
  assert.throws(() => host.collapse(table, 0, null), RangeError, "nothing left to collapse");
  // A region with one backed page collapses too (khugepaged's max_ptes_none 511): 511 pages cleared.
  const pages4k = host.pages4k;
  assert.equal(host.collapse(table, 1, null), true);
  assert.equal(host.pages4k, pages4k - 1);
  assert.equal(sizeAt(table, 512 + 300), PageSize.SIZE_2M);
  assert.equal(host.backedFrames, 1024);
});

Deno.test("HostMapper.canCollapse() refuses regions past guest RAM or in a misaligned slot", () => {
  assert.equal(
    setup("opportunistic+promote", { guestFrames: 512 * 3 + 256 }).host.canCollapse(3),
    false,
  );
  assert.equal(
    setup("opportunistic+promote", { guestFrames: 512 * 3 + 256 }).host.canCollapse(2),
    true,
  );
  assert.equal(setup("opportunistic+promote", { slotOffset: 1 }).host.canCollapse(0), false);
});
