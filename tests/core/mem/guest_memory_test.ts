import assert from "node:assert/strict";
import { GuestMemory, MAX_GUEST_PAGES, PageMode } from "../../../core/mem/guest_memory.ts";
import { ExitReason } from "../../../core/base/exit_reason.ts";

Deno.test("GuestMemory bumps a page's version on each write it allows", () => {
  const mem = new GuestMemory(3);
  mem.write(1);
  mem.write(1);
  assert.deepEqual([...mem.version], [0, 2, 0]);
  mem.version[2] = 0xffffffff;
  mem.write(2);
  assert.equal(mem.version[2], 0, "versions wrap at 2^32");
});

Deno.test("GuestMemory traps writes to protected pages and every access to absent ones", () => {
  const mem = new GuestMemory(2);
  mem.protect(0);
  assert.equal(mem.write(0), ExitReason.WRITE_PROTECT);
  assert.equal(mem.read(0), -1);
  assert.equal(mem.version[0], 0);
  mem.makeAllAbsent();
  assert.equal(mem.read(1), ExitReason.NESTED_FAULT);
  assert.equal(mem.write(1), ExitReason.NESTED_FAULT);
  mem.protectAll();
  assert.equal(mem.mode[1], PageMode.ABSENT, "protecting leaves absent pages absent");
  mem.install(1, 5);
  assert.equal(mem.write(1), -1);
  assert.equal(mem.version[1], 6);
});

Deno.test("GuestMemory rejects a size out of range", () => {
  assert.throws(() => new GuestMemory(0), /pages must be an integer from 1/);
  assert.throws(() => new GuestMemory(MAX_GUEST_PAGES + 1), RangeError);
  assert.throws(() => new GuestMemory(1.5), RangeError);
});

Deno.test("GuestMemory.evict makes one page absent, so that any access to it traps", () => {
  const mem = new GuestMemory(3);
  mem.write(1);
  mem.evict(1);
  assert.equal(mem.mayBeAbsent, true);
  assert.equal(mem.read(1), ExitReason.NESTED_FAULT);
  assert.equal(mem.version[1], 0);
  assert.equal(mem.read(0), -1);
  mem.install(1, 9);
  assert.equal(mem.read(1), -1);
  assert.equal(mem.version[1], 9);
});
