import assert from "node:assert/strict";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { MappingError, PageTable } from "../../../core/mmu/page_table.ts";
import { PageSize } from "../../../core/base/page_size.ts";

Deno.test("PageTable.collapse() replaces a table of 4K leaves by one 2M leaf and releases the table page", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  for (let i = 0; i < 512; i += 7) table.map(1024 + i, 5000 + i, PageSize.SIZE_4K, 0);
  const bytes = table.bytes;
  const ptFrame = table.tableFrame[table.tableCount - 1];
  assert.equal(table.collapse(1024, 2048 * 512, PageSize.SIZE_2M, 0), ptFrame);
  assert.equal(table.bytes, bytes - 4096);
  assert.equal(table.translate(1024 + 300), 2048 * 512 + 300);
  assert.equal(table.lastSize, PageSize.SIZE_2M);
  table.map(1536 + 3, 9, PageSize.SIZE_4K, 0); // a new table elsewhere still works
  assert.equal(table.translate(1536 + 3), 9);
});

Deno.test("PageTable.collapse() maps normally where no table is in the way", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  assert.equal(table.collapse(512, 512, PageSize.SIZE_2M, 0), -1);
  assert.equal(table.releasedTables, 0);
  assert.equal(table.translate(700), 700);
});

Deno.test("PageTable.collapse() rejects 4K and misaligned pages and two table levels below", () => {
  const table = new PageTable(4, new BumpFrameAllocator());
  assert.throws(() => table.collapse(0, 0, PageSize.SIZE_4K, 0), MappingError);
  assert.throws(() => table.collapse(1, 512, PageSize.SIZE_2M, 0), MappingError);
  table.map(5, 5, PageSize.SIZE_4K, 0);
  assert.throws(() => table.collapse(0, 0, PageSize.SIZE_1G, 0), MappingError);
});
