import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { Machine } from "../../../core/machine/machine.ts";
import { configFor } from "../_machine.ts";
import type { MachineConfig, PageSizeName } from "../../../core/machine/machine_config.ts";
import { Counter, Stats } from "../../../core/cost/stats.ts";
import { WalkMemory } from "../../../core/mmu/walk_memory.ts";
import { CachePort } from "../../../core/caches/cache_port.ts";
import { LineCache } from "../../../core/caches/line_cache.ts";
import { WalkCache } from "../../../core/mmu/walk_cache.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";
import { ReferenceTlb } from "./_reference_tlb.ts";

const SIZES: PageSizeName[] = ["4k", "2m", "1g"];
const SPAN = [1, 512, 262144];

/** Guest table composed with the host table: what a translation must equal. */
function compose(machine: Machine, vpn: number): { frame: number; size: number } {
  const gpa = machine.guestTable!.translate(vpn);
  const guestSize = machine.guestTable!.lastSize;
  if (!machine.hostTable) return { frame: gpa, size: guestSize };
  const frame = machine.hostTable.translate(gpa);
  return { frame, size: Math.min(guestSize, machine.hostTable.lastSize) };
}

/** The TLB hierarchy written the slow way, walking by composing the final tables. */
function referenceCounts(machine: Machine, config: MachineConfig, pages: number[]) {
  const t = machine.config.tlb;
  const l1 = [t.l1_4k, t.l1_2m, t.l1_1g].map((g) => new ReferenceTlb(g.entries, g.ways));
  const l2 = new ReferenceTlb(t.l2.entries, t.l2.ways);
  // refs: a native walk with every cache off reads one entry per level down to its leaf.
  const counts = { l1Hits: 0, l1Misses: 0, l2Hits: 0, walks: 0, refs: 0 };
  const frames: number[] = [];
  for (const vpn of pages) {
    let frame: number | undefined;
    for (let s = 0; s < 3 && frame === undefined; s++) {
      const page = Math.floor(vpn / SPAN[s]);
      const base = l1[s].lookup(page, s, 0);
      if (base !== undefined) frame = base + vpn - page * SPAN[s];
    }
    if (frame !== undefined) {
      counts.l1Hits++;
    } else {
      counts.l1Misses++;
      for (let s = 0; s < 3 && frame === undefined; s++) {
        const page = Math.floor(vpn / SPAN[s]);
        const base = l2.lookup(page, s, 0);
        if (base !== undefined) {
          counts.l2Hits++;
          frame = base + vpn - page * SPAN[s];
          l1[s].insert(page, s, 0, base, false);
        }
      }
      if (frame === undefined) {
        counts.walks++;
        const truth = compose(machine, vpn);
        counts.refs += machine.config.levels - truth.size;
        const page = Math.floor(vpn / SPAN[truth.size]);
        const base = truth.frame - (vpn - page * SPAN[truth.size]);
        l2.insert(page, truth.size, 0, base, false);
        l1[truth.size].insert(page, truth.size, 0, base, false);
        frame = truth.frame;
      }
    }
    frames.push(frame);
  }
  void config;
  return { counts, frames };
}

const smallTlbs = fc.record({
  l1_4k: fc.constantFrom({ entries: 0, ways: 1 }, { entries: 4, ways: 2 }, { entries: 8, ways: 8 }),
  l1_2m: fc.constantFrom({ entries: 0, ways: 1 }, { entries: 2, ways: 2 }),
  l1_1g: fc.constantFrom({ entries: 0, ways: 1 }, { entries: 2, ways: 1 }),
  l2: fc.constantFrom({ entries: 0, ways: 1 }, { entries: 16, ways: 4 }, { entries: 12, ways: 4 }),
});

Deno.test("Mmu agrees with a reference TLB hierarchy and with guest ∘ host composition", () => {
  // A few hot pages and a sprinkling of far ones, so hits, misses and evictions all happen.
  const page = fc.oneof(
    fc.integer({ min: 0x10000, max: 0x10010 }),
    fc.integer({ min: 0x10000, max: 0x10000 + 3 * 262144 }),
  );
  fc.assert(
    fc.property(
      fc.constantFrom<"native" | "nested">("native", "nested"),
      fc.constantFrom(...SIZES),
      fc.constantFrom(...SIZES),
      fc.constantFrom<4 | 5>(4, 5),
      fc.boolean(),
      smallTlbs,
      fc.array(page, { minLength: 1, maxLength: 250 }),
      (mode, guestPage, hostPage, levels, caches, tlb, pages) => {
        const config: MachineConfig = configFor(mode, {
          guestPage,
          hostPage,
          levels,
          tlb,
          walkCache: caches,
          nestedTlb: caches,
          pteCache: caches,
        });
        const machine = buildMachine(config, TEST_PROFILE);
        const frames = pages.map((vpn) => machine.vcpus[0].mmu.translate(vpn, 0));
        const ref = referenceCounts(machine, config, pages);
        const c = machine.vcpus[0].stats.counters;
        assert.deepEqual(frames, ref.frames);
        assert.equal(c[Counter.L1_TLB_HITS], ref.counts.l1Hits);
        assert.equal(c[Counter.L1_TLB_MISSES], ref.counts.l1Misses);
        assert.equal(c[Counter.L2_TLB_HITS], ref.counts.l2Hits);
        assert.equal(c[Counter.WALKS], ref.counts.walks);
        if (mode === "native" && !caches) assert.equal(c[Counter.WALK_REFS], ref.counts.refs);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("an access that straddles a page boundary translates both pages", () => {
  const machine = buildMachine({}, TEST_PROFILE);
  machine.vcpus[0].mmu.access(0x10000, 4090, 8, 0, 0);
  const c = machine.vcpus[0].stats.counters;
  assert.equal(c[Counter.ACCESSES], 1);
  assert.equal(c[Counter.PAGE_STRADDLES], 1);
  assert.equal(c[Counter.TRANSLATIONS], 2);
  assert.equal(c[Counter.WALKS], 2);
});

Deno.test("flushes empty the TLBs: the next access walks again", () => {
  const machine = buildMachine({}, TEST_PROFILE);
  const mmu = machine.vcpus[0].mmu;
  mmu.access(0x10000, 0, 8, 0, 3);
  mmu.access(0x10000, 0, 8, 0, 3);
  assert.equal(machine.vcpus[0].stats.counters[Counter.WALKS], 1);
  mmu.flushPage(0x10000, 3);
  mmu.access(0x10000, 0, 8, 0, 3);
  assert.equal(machine.vcpus[0].stats.counters[Counter.WALKS], 2);
  mmu.flushTag(3);
  mmu.access(0x10000, 0, 8, 0, 3);
  assert.equal(machine.vcpus[0].stats.counters[Counter.WALKS], 3);
  mmu.flushAll();
  mmu.access(0x10000, 0, 8, 0, 3);
  assert.equal(machine.vcpus[0].stats.counters[Counter.WALKS], 4);
  mmu.access(0x10000, 0, 8, 0, 4);
  assert.equal(machine.vcpus[0].stats.counters[Counter.WALKS], 5, "another address space misses");
});

Deno.test("cycles are charged exactly on a hand-checked native run with caches off", () => {
  // TEST_PROFILE: base 1, L1 hit 0, L2 lookup 10, PWC hit 2, PTE cache 20, memory 100.
  const machine = buildMachine({ caches: false }, TEST_PROFILE);
  machine.vcpus[0].mmu.access(0x10000, 0, 8, 0, 0); // cold walk: 4 refs to memory
  machine.vcpus[0].mmu.access(0x10000, 8, 8, 0, 0); // L1 hit
  machine.vcpus[0].mmu.access(0x10001, 0, 8, 0, 0); // PDE cache hit + 1 ref, same PTE line: cache hit
  const { cycles } = machine.report();
  assert.equal(cycles.compute, 3);
  assert.equal(cycles.l2_tlb, 20);
  assert.equal(cycles.walk_memory, 400);
  assert.equal(cycles.walk_cache, 2);
  assert.equal(cycles.walk_pte_cache, 20);
  assert.equal(cycles.total, 3 + 20 + 400 + 2 + 20);
});

Deno.test("WalkCache agrees with per-level reference caches", () => {
  // Mostly a few pages (so that prefixes repeat and hit), pages whose
  // level-2 prefixes differ but fall in one bucket of the caches' counts
  // (multiples of 1024: a bucket that holds entries, none of them the one
  // looked up), pages on both sides of 2^32 (where prefixes stop being
  // shifts of 32 bits), and now and then any 45-bit page number.
  const vpn = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 7 }).map((i) => i * 300007) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 7 }).map((i) => i * 2 ** 19 + 5) },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((i) => 2 ** 32 + i * 700) },
    { weight: 1, arbitrary: fc.nat(2 ** 45 - 1) },
  );
  const op = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({ op: fc.constant("lookup" as const), vpn, tag: fc.nat(1) }),
    },
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant("insert" as const),
        level: fc.integer({ min: 2, max: 5 }),
        vpn,
        tag: fc.nat(1),
        table: fc.nat(1000),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("flush" as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("flushTag" as const), tag: fc.nat(1) }) },
  );
  fc.assert(
    fc.property(
      fc.constantFrom(4, 5),
      // Entries and ways: direct-mapped, 2- to 8-way, fully associative.
      fc.constantFrom([0, 1], [2, 2], [4, 2], [8, 2], [12, 2], [4, 1], [8, 4], [16, 8], [6, 6]),
      // Long streams: evictions of a level's last hit need several fills of one set.
      fc.array(op, { minLength: 50, maxLength: 200 }),
      (levels, [entries, ways], ops) => {
        const fast = new WalkCache(levels, entries, ways);
        const ref = Array.from(
          { length: levels + 1 },
          (_, l) => new ReferenceTlb(l >= 2 ? entries : 0, ways),
        );
        for (const o of ops) {
          if (o.op === "lookup") {
            let want = 0;
            let table = -1;
            for (let level = 2; level <= levels; level++) {
              const hit = ref[level].lookup(Math.floor(o.vpn / 512 ** (level - 1)), 0, o.tag);
              if (hit !== undefined) {
                want = level - 1;
                table = hit;
                break;
              }
            }
            assert.equal(fast.lookup(o.vpn, o.tag), want);
            if (want > 0) assert.equal(fast.table, table);
          } else if (o.op === "insert") {
            if (o.level > levels) continue;
            fast.insert(o.level, o.vpn, o.tag, o.table);
            ref[o.level].insert(Math.floor(o.vpn / 512 ** (o.level - 1)), 0, o.tag, o.table, false);
          } else if (o.op === "flushTag") {
            fast.flushTag(o.tag);
            for (const r of ref) r.flushTag(o.tag);
          } else {
            fast.flushAll();
            for (const r of ref) r.flushAll();
          }
        }
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("stream fills lines without charging them and counts those from DRAM; holds looks without touching", async () => {
  const { buildMachine } = await import("../../../core/machine/build_machine.ts");
  const { getProfile } = await import("../../../core/cost/profiles.ts");
  const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
  const mmu = machine.vcpus[0].mmu;
  const cycles = machine.report().cycles.total;
  assert.equal(mmu.stream(77, 0, 4096), 64, "cold: every line from DRAM");
  assert.equal(mmu.stream(77, 0, 4096), 0, "then cached");
  assert.equal(mmu.stream(77, 64, 1), 0);
  assert.equal(machine.report().cycles.total, cycles, "not charged");
  assert.equal(machine.report().counters.data_refs, 129);
  assert.ok(!mmu.holds(0x300, 0));
  mmu.translate(0x300, 0);
  const counters = machine.report().counters.translations;
  assert.ok(mmu.holds(0x300, 0));
  assert.equal(machine.report().counters.translations, counters, "holds counts nothing");
  mmu.flushAll();
  assert.ok(!mmu.holds(0x300, 0));
});

Deno.test("WalkMemory.memoryRefs charges to the bit what as many refs would, whole cycles or not", () => {
  const cycles = fc.oneof(
    fc.integer({ min: 0, max: 400 }),
    fc.double({ min: 0, max: 400, noNaN: true }),
  );
  fc.assert(
    fc.property(
      cycles,
      fc.boolean(),
      fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 50 }),
      (memoryCycles, overCaches, counts) => {
        // Caches off without a PTE cache, or caches on with entries not cacheable.
        const options = (stats: Stats) =>
          new WalkMemory(stats, {
            lines: 0,
            ways: 1,
            hitCycles: 1,
            memoryCycles: overCaches ? 3 : memoryCycles,
            cacheable: false,
            caches: overCaches
              ? new CachePort(new LineCache(8, 2), new LineCache(16, 4), new LineCache(32, 4), {
                data: [4, 7, 25, 95],
                walk: [4, 14, 50, memoryCycles],
              })
              : null,
          });
        const batched = new Stats();
        const oneByOne = new Stats();
        const a = options(batched);
        const b = options(oneByOne);
        assert.ok(a.uncached);
        for (const n of counts) {
          a.memoryRefs(n);
          for (let i = 0; i < n; i++) b.ref(100, i);
        }
        assert.deepEqual(batched.counters, oneByOne.counters);
        assert.deepEqual(batched.cycles, oneByOne.cycles);
      },
    ),
  );
});
