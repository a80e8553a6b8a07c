import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { Machine } from "../../../core/machine/machine.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import { populate } from "../../../core/machine/populate.ts";
import { FixedSizeMapper } from "../../../core/mmu/demand_mapper.ts";
import { BumpFrameAllocator } from "../../../core/mem/frame_allocator.ts";
import { ENTRIES_PER_TABLE, PageTable, PTE_ACCESSED } from "../../../core/mmu/page_table.ts";
import { ShadowPlatform } from "../../../core/platforms/shadow_platform.ts";
import { getProfile } from "../../../core/cost/profiles.ts";

const COST = getProfile("intel-skylake-sp");

/** A table's contents, with the accessed flags (set by walks, not by mapping) left out. */
function contents(table: PageTable | null | undefined) {
  if (table === null || table === undefined) return null;
  const n = table.tableCount;
  return {
    tables: n,
    released: table.releasedTables,
    frames: Array.from(table.tableFrame.subarray(0, n)),
    levels: Array.from(table.tableLevel.subarray(0, n)),
    entries: table.entries.subarray(0, n * ENTRIES_PER_TABLE),
    flags: table.flags.subarray(0, n * ENTRIES_PER_TABLE).map((f) => f & ~PTE_ACCESSED),
  };
}

/** Guest, host and shadow tables of a machine. */
function tables(machine: Machine) {
  const platform = machine.platform;
  return {
    guest: contents(machine.guestTable),
    host: contents(machine.hostTable),
    shadow: platform instanceof ShadowPlatform ? contents(platform.current[0]?.table) : null,
  };
}

/**
 * The slow, obviously correct reference: a process touching every page of
 * the range once, in order, on a cold machine, through its MMU (TLB misses,
 * walks, first touches and, under shadow paging, hidden faults).
 */
function touched(config: MachineConfig, first: number, pages: number): Machine {
  const machine = buildMachine(config, COST);
  for (let p = 0; p < pages; p++) machine.vcpus[0].mmu.translate(first + p, 0);
  return machine;
}

function populated(config: MachineConfig, first: number, pages: number): Machine {
  const machine = buildMachine(config, COST);
  populate(machine, { first, pages });
  return machine;
}

const MEMORY = { guestMemoryMib: 1024, hostMemoryMib: 2048 };

/** Configurations: every platform, page-size pair, depth, large-page policy and a few strategies. */
const CONFIGS: MachineConfig[] = [
  ...["4k", "2m", "1g"].flatMap((guestPage) =>
    [4, 5].map((levels) => ({ platform: "native", guestPage, levels }) as MachineConfig)
  ),
  ...["4k", "2m", "1g"].flatMap((guestPage) =>
    ["4k", "2m", "1g"].map((hostPage) =>
      ({ platform: "nested", guestPage, hostPage }) as MachineConfig
    )
  ),
  { platform: "nested", levels: 5, vcpus: 3, walkCache: false, nestedTlb: false },
  { platform: "shadow" },
  { platform: "shadow", guestPage: "2m", hostPage: "4k", levels: 5 },
  { platform: "shadow", guestPage: "4k", hostPage: "2m", shadow: { strategies: "all" } },
  { platform: "shadow", vcpus: 2, shadow: { strategies: "batch,lazy-flags", batch: 64 } },
  {
    platform: "nested",
    memory: { ...MEMORY, hostPolicy: "opportunistic", fragmentation: 0.5, guestLargeFraction: 0.5 },
  },
  { platform: "nested", memory: { ...MEMORY, hostPolicy: "1g", guestLargeFraction: 1 } },
  {
    platform: "shadow",
    shadow: { strategies: "all" },
    memory: {
      ...MEMORY,
      hostPolicy: "opportunistic+promote",
      fragmentation: 0.25,
      guestLargeFraction: 0.7,
    },
  },
  { platform: "native", memory: { guestMemoryMib: 1024, guestLargeFraction: 0.5 } },
];

Deno.test("populate() leaves the tables a process touching every page in order leaves", async (t) => {
  for (const config of CONFIGS) {
    await t.step(JSON.stringify(config), () => {
      // An unaligned start and a count that crosses tables of leaves and a 2M boundary.
      const first = 0x10000 + 3;
      const pages = 3 * 512 + 77;
      assert.deepEqual(
        tables(populated(config, first, pages)),
        tables(touched(config, first, pages)),
      );
    });
  }
});

Deno.test("populate() agrees with touching in order on random ranges (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: CONFIGS.length - 1 }),
      fc.integer({ min: 0, max: 4 * 262144 }),
      fc.integer({ min: 1, max: 2500 }),
      (c, first, pages) => {
        const config = CONFIGS[c];
        assert.deepEqual(
          tables(populated(config, first, pages)),
          tables(touched(config, first, pages)),
        );
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("after populate() no access of the range is a first touch, on every platform", () => {
  for (const config of CONFIGS) {
    const machine = populated(config, 0x10000, 4096);
    machine.resetStats();
    for (let p = 0; p < 4096; p += 7) machine.vcpus[0].mmu.access(0x10000 + p, 0, 8, 1, 0);
    const { counters } = machine.report();
    assert.equal(counters.demand_maps, 0, JSON.stringify(config));
    assert.equal(counters.exits_hidden_fault, 0, JSON.stringify(config));
  }
});

Deno.test("populate() of 8 GiB makes the table pages that mapping page by page makes", () => {
  const pages = 8 * 262144;
  const first = 0x10000;
  const machine = populated({ platform: "nested" }, first, pages);
  // The slow reference: each page mapped on its own, then each guest frame
  // the pages reach backed on its own, in the order a 2-D walk reaches them.
  const guestFrames = new BumpFrameAllocator();
  const guest = new PageTable(4, guestFrames);
  const guestMapper = new FixedSizeMapper(guestFrames, 0);
  for (let p = 0; p < pages; p++) guestMapper.map(guest, first + p);
  // Host table pages come from frames of their own (the host's table-page
  // pool), so the host's data frames run on from 0 undisturbed.
  const hostFrames = new BumpFrameAllocator();
  const host = new PageTable(4, new BumpFrameAllocator(1 << 30));
  const hostMapper = new FixedSizeMapper(hostFrames, 0);
  const back = (gfn: number) => {
    if (host.translate(gfn) < 0) hostMapper.map(host, gfn);
  };
  back(guest.tableFrame[guest.root]);
  const path = new Set<number>();
  for (let p = 0; p < pages; p++) {
    // The tables on the page's path, top down, then the page.
    let id = guest.root;
    for (let level = 4; level > 1; level--) {
      const vpn = first + p;
      const e = id * 512 + Math.floor(vpn / 512 ** (level - 1)) % 512;
      id = guest.entries[e];
      if (!path.has(id)) {
        path.add(id);
        back(guest.tableFrame[id]);
      }
    }
    back(guest.translate(first + p));
  }
  assert.equal(machine.guestTable!.tableCount, guest.tableCount);
  assert.equal(machine.hostTable!.tableCount, host.tableCount);
  // 4,096 leaf tables, 9 directories (256 MiB to 8.25 GiB), one PDPT and the
  // root; the host maps the 2^21 data frames and those tables' frames, all
  // in one run of guest frames from 0.
  assert.equal(guest.tableCount, 4096 + 9 + 1 + 1);
  const frames = pages + guest.tableCount;
  assert.equal(host.tableCount, Math.ceil(frames / 512) + Math.ceil(frames / 262144) + 1 + 1);
  for (let p = 0; p < pages; p += 4093) {
    assert.equal(machine.guestTable!.translate(first + p), guest.translate(first + p));
    const gfn = guest.translate(first + p);
    assert.equal(machine.hostTable!.translate(gfn), host.translate(gfn));
  }
});

Deno.test("populate() refuses the guest OS, whose processes touch their own pages", () => {
  const machine = buildMachine({ guest: "os" }, COST);
  assert.throws(() => populate(machine, { first: 0x10000, pages: 16 }), /first-touch guest/);
});
