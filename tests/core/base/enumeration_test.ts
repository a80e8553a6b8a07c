import assert from "node:assert/strict";
import { enumCodes } from "../../../core/base/enumeration.ts";
import {
  EXIT_REASON_COUNT,
  EXIT_REASON_NAMES,
  ExitReason,
} from "../../../core/base/exit_reason.ts";
import { PAGE_SIZE_NAMES, PageSize } from "../../../core/base/page_size.ts";
import {
  Counter,
  COUNTER_COUNT,
  COUNTER_NAMES,
  Cycle,
  CYCLE_COUNT,
  CYCLE_NAMES,
} from "../../../core/cost/stats.ts";
import { OS_OP_NAMES, OsOp } from "../../../core/os/os_event.ts";
import {
  CACHE_LEVEL_COUNT,
  CACHE_LEVEL_NAMES,
  CacheLevel,
} from "../../../core/caches/cache_level.ts";

Deno.test("enumCodes() numbers names in list order and freezes the codes", () => {
  const codes = enumCodes(["load", "store", "ifetch"] as const);
  assert.deepEqual({ ...codes }, { LOAD: 0, STORE: 1, IFETCH: 2 });
  assert.ok(Object.isFrozen(codes));
  assert.deepEqual({ ...enumCodes(["4k", "2m"] as const, "SIZE_") }, { SIZE_4K: 0, SIZE_2M: 1 });
});

Deno.test("enumCodes() refuses names that are no identifier or come twice", () => {
  assert.throws(() => enumCodes(["4k"] as const), RangeError);
  assert.throws(() => enumCodes(["a", "A"] as const), RangeError);
  assert.throws(() => enumCodes(["a-b"] as const), RangeError);
});

// The codes index typed arrays and are stored in results by name only, but
// they must not move: pinned here as they were written out by hand before.
const PINNED: [string, Readonly<Record<string, number>>, Record<string, number>][] = [
  ["ExitReason", ExitReason, {
    CR3_WRITE: 0,
    INVLPG: 1,
    PT_WRITE: 2,
    HIDDEN_FAULT: 3,
    GUEST_FAULT: 4,
    NESTED_FAULT: 5,
    IPI: 6,
    HYPERCALL: 7,
    WRITE_PROTECT: 8,
    PML_FULL: 9,
    IO: 10,
    KICK: 11,
    HLT: 12,
  }],
  ["Counter", Counter, {
    ACCESSES: 0,
    TRANSLATIONS: 1,
    L1_TLB_HITS: 2,
    L1_TLB_MISSES: 3,
    L2_TLB_HITS: 4,
    L2_TLB_MISSES: 5,
    WALKS: 6,
    WALK_REFS: 7,
    WALK_REFS_PTE_CACHE: 8,
    WALK_REFS_MEMORY: 9,
    WALK_REFS_L1D: 10,
    WALK_REFS_L2: 11,
    WALK_REFS_LLC: 12,
    WALK_REFS_DRAM: 13,
    WALK_CACHE_HITS: 14,
    NESTED_TLB_HITS: 15,
    NESTED_TLB_MISSES: 16,
    PAGE_STRADDLES: 17,
    DEMAND_MAPS: 18,
    EXITS: 19,
    WRITES: 20,
    DATA_REFS: 21,
    DATA_L1D: 22,
    DATA_L2: 23,
    DATA_LLC: 24,
    DATA_DRAM: 25,
  }],
  ["Cycle", Cycle, {
    COMPUTE: 0,
    DATA: 1,
    L1_TLB: 2,
    L2_TLB: 3,
    WALK_CACHE: 4,
    WALK_PTE_CACHE: 5,
    WALK_MEMORY: 6,
    NESTED_TLB: 7,
    HYPERVISOR: 8,
    GUEST_KERNEL: 9,
  }],
  ["CacheLevel", CacheLevel, { L1D: 0, L2: 1, LLC: 2, DRAM: 3 }],
  ["PageSize", PageSize, { SIZE_4K: 0, SIZE_2M: 1, SIZE_1G: 2 }],
  ["OsOp", OsOp, {
    ACCESS: 0,
    SPAWN: 1,
    EXEC: 2,
    FORK: 3,
    EXIT: 4,
    SWITCH: 5,
    MUNMAP: 6,
    SCAN: 7,
  }],
];

for (const [name, codes, pinned] of PINNED) {
  Deno.test(`${name} keeps its codes, as a frozen object of small integers`, () => {
    assert.deepEqual({ ...codes }, pinned);
    assert.ok(Object.isFrozen(codes));
  });
}

Deno.test("counts and names come from the same lists as the codes", () => {
  const lists: [readonly string[], number, Readonly<Record<string, number>>][] = [
    [EXIT_REASON_NAMES, EXIT_REASON_COUNT, ExitReason],
    [COUNTER_NAMES, COUNTER_COUNT, Counter],
    [CYCLE_NAMES, CYCLE_COUNT, Cycle],
    [CACHE_LEVEL_NAMES, CACHE_LEVEL_COUNT, CacheLevel],
  ];
  for (const [names, count, codes] of lists) {
    assert.equal(names.length, count);
    for (const [i, n] of names.entries()) assert.equal(codes[n.toUpperCase()], i, n);
  }
  assert.deepEqual([...PAGE_SIZE_NAMES], ["4k", "2m", "1g"]);
  assert.equal(OS_OP_NAMES[OsOp.MUNMAP], "munmap");
  // Counters by cache level are indexed Counter.X_L1D + level: each run in CacheLevel order.
  for (const prefix of ["walk_refs_", "data_"]) {
    for (const [level, name] of CACHE_LEVEL_NAMES.entries()) {
      assert.equal(
        COUNTER_NAMES.indexOf(`${prefix}l1d` as never) + level,
        Counter[
          `${prefix}${name}`.toUpperCase() as keyof typeof Counter
        ],
      );
    }
  }
});
