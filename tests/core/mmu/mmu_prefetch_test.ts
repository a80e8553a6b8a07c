import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { Machine } from "../../../core/machine/machine.ts";
import { configFor } from "../_machine.ts";
import { type AccessChunk, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { Stats } from "../../../core/cost/stats.ts";
import { Mmu } from "../../../core/mmu/mmu.ts";
import { NativeWalker } from "../../../core/mmu/native_walker.ts";
import { PageTable } from "../../../core/mmu/page_table.ts";
import { type PageWalker, PREFETCH_MIN_TABLES } from "../../../core/mmu/page_walker.ts";
import { Tlb } from "../../../core/mmu/tlb.ts";
import { WalkCache } from "../../../core/mmu/walk_cache.ts";
import { WalkMemory } from "../../../core/mmu/walk_memory.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

function chunkOf(pages: readonly number[]): AccessChunk {
  const chunk = createAccessChunk(Math.max(1, pages.length));
  pages.forEach((vpn, i) => {
    chunk.vpn[i] = vpn;
    chunk.offset[i] = (vpn * 40) % 4096;
    chunk.size[i] = 8;
    chunk.kind[i] = vpn % 3;
  });
  chunk.length = pages.length;
  return chunk;
}

function tables(machine: Machine): number[][] {
  const out: number[][] = [];
  for (const t of [machine.guestTable, machine.hostTable]) {
    if (t) out.push([...t.entries.subarray(0, t.tableCount * 512)], [...t.flags]);
  }
  return out;
}

Deno.test("Mmu.run counts, charges and maps the same whether walks' entries are read ahead or not", () => {
  // Pages over a few far regions, so that walks find tables present and absent.
  const page = fc.tuple(fc.constantFrom(0, 5, 2 ** 17), fc.nat(3 * 262143))
    .map(([region, p]) => region * 262144 + p);
  fc.assert(
    fc.property(
      fc.constantFrom<"native" | "nested" | "shadow">("native", "nested", "shadow"),
      fc.boolean(),
      fc.array(fc.array(page, { maxLength: 700 }), { minLength: 1, maxLength: 3 }),
      (mode, caches, chunks) => {
        const config = configFor(mode, { caches });
        const ahead = buildMachine(config, TEST_PROFILE);
        const plain = buildMachine(config, TEST_PROFILE);
        ahead.vcpus[0].mmu.prefetch = "always";
        plain.vcpus[0].mmu.prefetch = "off";
        for (const pages of chunks) {
          ahead.vcpus[0].run(chunkOf(pages));
          plain.vcpus[0].run(chunkOf(pages));
        }
        assert.deepEqual(ahead.report(), plain.report());
        assert.deepEqual(tables(ahead), tables(plain));
      },
    ),
    { numRuns: 60 },
  );
});

/** A native walker that records the windows it is asked to read ahead, over tables of a given size. */
class RecordingWalker implements PageWalker {
  readonly windows: [number, number][] = [];
  readonly #inner: NativeWalker;
  readonly #pages: number;

  constructor(inner: NativeWalker, pages: number) {
    this.#inner = inner;
    this.#pages = pages;
  }

  get leafSize() {
    return this.#inner.leafSize;
  }

  walk(vpn: number, tag: number): number {
    return this.#inner.walk(vpn, tag);
  }

  flush(): void {
    this.#inner.flush();
  }

  prefetch(pages: Float64Array, from: number, to: number): void {
    this.windows.push([from, to]);
    this.#inner.prefetch(pages, from, to);
  }

  tablePages(): number {
    return this.#pages;
  }
}

function recordingMmu(tablePages: number): { mmu: Mmu; walker: RecordingWalker } {
  const stats = new Stats();
  const frames = new BumpFrameAllocator();
  const inner = new NativeWalker(new PageTable(4, frames), {
    frames,
    pageSize: 0,
    stats,
    walkCacheHitCycles: 1,
    walkCache: new WalkCache(4, 0, 1),
    memory: new WalkMemory(stats, { lines: 0, ways: 1, hitCycles: 1, memoryCycles: 100 }),
  });
  const walker = new RecordingWalker(inner, tablePages);
  const mmu = new Mmu(walker, {
    l1: [new Tlb(16, 4), new Tlb(0, 1), new Tlb(0, 1)],
    l2: new Tlb(64, 4),
    stats,
    baseCyclesPerAccess: 1,
    l1TlbHitCycles: 1,
    l2TlbHitCycles: 9,
  });
  return { mmu, walker };
}

// 600 pages never seen before: every access walks.
const walking = (start: number) => Array.from({ length: 600 }, (_, i) => start + i * 7);
// One page again and again: every access but the first hits.
const hitting = Array.from({ length: 600 }, () => 3);

Deno.test("Mmu.run reads walks ahead in windows after a chunk that walked for half its accesses, over large tables", () => {
  const { mmu, walker } = recordingMmu(PREFETCH_MIN_TABLES);
  mmu.run(chunkOf(walking(0)));
  assert.deepEqual(walker.windows, [], "nothing before the MMU has seen a chunk walk");
  mmu.run(chunkOf(walking(10_000)));
  assert.deepEqual(walker.windows, [[0, 256], [256, 512], [512, 600]]);
  walker.windows.length = 0;
  mmu.run(chunkOf(hitting));
  // Its first window only: a run of hits goes on in the TLB without reading ahead.
  assert.deepEqual(walker.windows, [[0, 256]], "the chunk after a walking one reads ahead");
  walker.windows.length = 0;
  mmu.run(chunkOf(hitting));
  assert.deepEqual(walker.windows, [], "not after a chunk that hit");
});

Deno.test("Mmu.run does not read walks ahead over small tables, unless told to always", () => {
  const { mmu, walker } = recordingMmu(PREFETCH_MIN_TABLES - 1);
  for (let i = 0; i < 3; i++) mmu.run(chunkOf(walking(i * 10_000)));
  assert.deepEqual(walker.windows, []);
  mmu.prefetch = "always";
  mmu.run(chunkOf(walking(50_000)));
  assert.deepEqual(walker.windows, [[0, 256], [256, 512], [512, 600]]);
  const large = recordingMmu(PREFETCH_MIN_TABLES);
  large.mmu.prefetch = "off";
  for (let i = 0; i < 3; i++) large.mmu.run(chunkOf(walking(i * 10_000)));
  assert.deepEqual(large.walker.windows, []);
});
