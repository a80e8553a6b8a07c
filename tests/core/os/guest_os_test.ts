import assert from "node:assert/strict";
import type { AddressSpace } from "../../../core/os/address_space.ts";
import type { Shootdown } from "../../../core/os/shootdown.ts";
import { GuestOs, OsEventError, SINGLE_PAGE_FLUSH_CEILING } from "../../../core/os/guest_os.ts";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import type { Platform } from "../../../core/os/platform.ts";
import type { Mmu } from "../../../core/mmu/mmu.ts";
import { PageSize } from "../../../core/base/page_size.ts";
import { Cycle, Stats } from "../../../core/cost/stats.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

/** A platform that maps through the guest table directly and records every call. */
class RecordingPlatform implements Platform {
  readonly name = "recording";
  readonly mmus: Mmu[] = [];
  readonly hostTable = null;
  readonly shadowTableBytes = 0;
  readonly calls: string[] = [];
  os!: GuestOs;
  start(): void {}
  unmapped(): void {}
  remapped(): void {}
  access(vcpu: number, vpn: number, write: number): number {
    const mm = this.os.loaded(vcpu)!;
    const e = mm.table.leafEntry(vpn);
    if (e < 0 || (write && (mm.table.flags[e] & 2) === 0)) {
      this.os.pageFault(vcpu, vpn, write);
    }
    return mm.table.translate(vpn);
  }
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean) {
    this.calls.push(`cr3 ${vcpu} ${mm?.pid ?? "-"} ${flush ? "flush" : "keep"}`);
  }
  pteWritten(_v: number, mm: AddressSpace, vpn: number, level: number) {
    this.calls.push(`write ${mm.pid} ${vpn} L${level}`);
  }
  pteRead(_v: number, mm: AddressSpace, vpn: number) {
    this.calls.push(`read ${mm.pid} ${vpn}`);
  }
  invlpg(vcpu: number, _mm: AddressSpace, vpn: number, pages: number) {
    this.calls.push(pages === 1 ? `invlpg ${vcpu} ${vpn}` : `invlpg ${vcpu} ${vpn} ×${pages}`);
  }
  flushTlb(vcpu: number, mm: AddressSpace) {
    this.calls.push(`flush ${vcpu} ${mm.pid}`);
  }
  shootdown(vcpu: number, { targets, count, pages, stride }: Shootdown) {
    this.calls.push(
      `shootdown ${vcpu} → ${[...targets.subarray(0, count)]} ${pages} pages` +
        (stride === 1 ? "" : ` by ${stride}`),
    );
  }
}

function setup(vcpus = 2, pcid = true, pageSize: PageSize = PageSize.SIZE_4K) {
  const all = Array.from({ length: vcpus }, () => new Stats());
  const stats = all[0];
  const os = new GuestOs({
    vcpus,
    stats: all,
    cost: TEST_PROFILE,
    pcid,
    pages: { sizeFor: () => pageSize },
  });
  const platform = new RecordingPlatform();
  platform.os = os;
  os.attach(platform);
  return { os, platform, stats };
}

Deno.test("GuestOs demand-pages on first touch: one fault, one leaf write plus the new tables' entries", () => {
  const { os, platform, stats } = setup(1);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  platform.access(0, 0x10000, 0);
  platform.access(0, 0x10000, 1);
  assert.equal(os.counts.demandFaults, 1);
  assert.equal(stats.cycles[Cycle.GUEST_KERNEL], TEST_PROFILE.guestPageFaultCycles);
  // PML4 entry, PDPT entry, PD entry and the leaf: 4 writes on an empty 4-level table.
  assert.deepEqual(platform.calls.filter((c) => c.startsWith("write")), [
    "write 1 65536 L4",
    "write 1 65536 L3",
    "write 1 65536 L2",
    "write 1 65536 L1",
  ]);
});

Deno.test("fork shares frames copy-on-write: the first writer copies, the last sharer reuses", () => {
  const { os, platform, stats } = setup(1);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  const before = platform.access(0, 0x10000, 1);
  os.event(OsOp.FORK, 0, 1, 0, 2);
  assert.equal(os.process(2)!.table.translate(0x10000), before);
  assert.ok(platform.calls.includes("flush 0 1"), "fork flushes the parent's TLB");
  os.event(OsOp.SWITCH, 0, 2, 0, 0);
  const childCopy = platform.access(0, 0x10000, 1);
  assert.notEqual(childCopy, before);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  const copies = stats.cycles[Cycle.GUEST_KERNEL];
  assert.equal(
    platform.access(0, 0x10000, 1),
    before,
    "the parent, now the only sharer, keeps its frame",
  );
  assert.equal(os.counts.cowFaults, 2);
  assert.equal(
    stats.cycles[Cycle.GUEST_KERNEL] - copies,
    TEST_PROFILE.guestPageFaultCycles,
    "reuse costs a fault but no copy",
  );
});

Deno.test("munmap INVLPGs up to the ceiling, flushes the whole space above it, and shoots down other vCPUs", () => {
  for (const pages of [SINGLE_PAGE_FLUSH_CEILING, SINGLE_PAGE_FLUSH_CEILING + 1]) {
    const { os, platform } = setup(2);
    os.event(OsOp.SPAWN, 0, 1, 0, 0);
    os.event(OsOp.SWITCH, 0, 1, 0, 0);
    os.event(OsOp.SWITCH, 1, 1, 0, 0);
    for (let p = 0; p < pages; p++) platform.access(0, 0x10000 + p, 1);
    platform.calls.length = 0;
    os.event(OsOp.MUNMAP, 0, 1, 0x10000, pages);
    const invlpgs = platform.calls.filter((c) => c.startsWith("invlpg")).length;
    const flushes = platform.calls.filter((c) => c.startsWith("flush")).length;
    const shootdowns = platform.calls.filter((c) => c.startsWith("shootdown"));
    assert.equal(platform.calls.filter((c) => c.startsWith("read")).length, pages);
    if (pages <= SINGLE_PAGE_FLUSH_CEILING) {
      assert.deepEqual([invlpgs, flushes], [pages, 0]);
      assert.deepEqual(shootdowns, [`shootdown 0 → 1 ${pages} pages`]);
    } else {
      assert.deepEqual([invlpgs, flushes], [0, 1]);
      assert.deepEqual(shootdowns, ["shootdown 0 → 1 0 pages"]);
    }
    assert.equal(os.process(1)!.table.translate(0x10000), -1);
  }
});

Deno.test("switching back to a process whose entries went stale meanwhile asks for a flush", () => {
  const { os, platform } = setup(2);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SPAWN, 0, 2, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  platform.access(0, 0x10000, 1);
  os.event(OsOp.SWITCH, 0, 2, 0, 0);
  os.event(OsOp.SWITCH, 1, 1, 0, 0);
  os.event(OsOp.MUNMAP, 1, 1, 0x10000, 1);
  platform.calls.length = 0;
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  assert.deepEqual(platform.calls, ["cr3 0 1 flush"]);
  os.event(OsOp.SWITCH, 0, 2, 0, 0);
  assert.deepEqual(platform.calls.at(-1), "cr3 0 2 keep");
});

Deno.test("without PCIDs every CR3 load asks for a flush", () => {
  const { os, platform } = setup(1, false);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SPAWN, 0, 2, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 2, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  assert.deepEqual(platform.calls, ["cr3 0 1 flush", "cr3 0 2 flush", "cr3 0 1 flush"]);
});

Deno.test("GuestOs rejects inconsistent events with a message naming them", () => {
  const { os } = setup(1);
  const chunk = createOsEventChunk(1);
  chunk.length = 1;
  assert.throws(() => os.run(chunk), {
    name: "OsEventError",
    message: "access on idle vCPU 0 (event 0)",
  });
  assert.throws(() => os.event(OsOp.SWITCH, 0, 9, 0, 0), OsEventError);
  assert.throws(() => os.event(OsOp.SWITCH, 3, 1, 0, 0), { message: "switch: no vCPU 3" });
});

Deno.test("with large pages a demand fault maps a 2M page; fork shares it; a write splits and copies one 4K page", () => {
  const { os, platform } = setup(1, true, PageSize.SIZE_2M);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  const base = 0x10000;
  const frame = platform.access(0, base + 7, 1);
  const parent = os.process(1)!.table;
  parent.translate(base);
  assert.equal(parent.lastSize, PageSize.SIZE_2M);
  assert.equal(os.largePages, 1);
  assert.deepEqual(platform.calls.filter((c) => c.startsWith("write")), [
    "write 1 65536 L4",
    "write 1 65536 L3",
    "write 1 65536 L2",
  ]);
  os.event(OsOp.FORK, 0, 1, 0, 2);
  const child = os.process(2)!.table;
  assert.equal(child.translate(base + 7), frame);
  assert.equal(child.lastSize, PageSize.SIZE_2M, "the child maps the same 2M page");
  os.event(OsOp.SWITCH, 0, 2, 0, 0);
  platform.calls.length = 0;
  const copy = platform.access(0, base + 7, 1);
  assert.notEqual(copy, frame);
  assert.equal(os.counts.splits, 1);
  child.translate(base + 8);
  assert.equal(child.lastSize, PageSize.SIZE_4K, "split into 4K pages");
  assert.equal(child.translate(base + 8), frame + 1, "the other pieces still shared");
  assert.ok(platform.calls.includes("invlpg 0 65536 ×512"), "the split flushes the 2M page");
  assert.ok(platform.calls.includes("invlpg 0 65543"), "the copy flushes its 4K page");
});

Deno.test("the last sharer of a 2M page takes it back whole: one fault, one 2M invalidation", () => {
  const { os, platform } = setup(1, true, PageSize.SIZE_2M);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  const frame = platform.access(0, 0x10000, 1);
  os.event(OsOp.FORK, 0, 1, 0, 2);
  os.event(OsOp.EXIT, 0, 2, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  platform.calls.length = 0;
  assert.equal(platform.access(0, 0x10005, 1), frame + 5);
  assert.equal(os.counts.splits, 0);
  assert.deepEqual(platform.calls.filter((c) => c.startsWith("invlpg")), ["invlpg 0 65536 ×512"]);
});

Deno.test("munmap of part of a 2M page splits it first; of a whole 2M page, one invalidation by 512", () => {
  const { os, platform } = setup(2, true, PageSize.SIZE_2M);
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 0, 1, 0, 0);
  os.event(OsOp.SWITCH, 1, 1, 0, 0);
  platform.access(0, 0x10000, 1);
  platform.access(0, 0x10200, 1);
  platform.calls.length = 0;
  os.event(OsOp.MUNMAP, 0, 1, 0x10000, 16);
  const table = os.process(1)!.table;
  assert.equal(os.counts.splits, 1);
  assert.equal(table.translate(0x10000), -1);
  assert.ok(table.translate(0x10010) >= 0, "the rest of the 2M page stays");
  assert.equal(table.lastSize, PageSize.SIZE_4K);
  platform.calls.length = 0;
  os.event(OsOp.MUNMAP, 0, 1, 0x10200, 512);
  assert.equal(table.translate(0x10200), -1);
  assert.deepEqual(platform.calls.filter((c) => c.startsWith("invlpg")), ["invlpg 0 66048 ×512"]);
  assert.deepEqual(platform.calls.filter((c) => c.startsWith("shootdown")), [
    "shootdown 0 → 1 512 pages by 512",
  ]);
});
