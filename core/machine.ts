/**
 * Builds a modelled machine — page tables, allocators, walkers, TLBs — from a
 * plain configuration and a cost profile. Build, then run: every name is
 * resolved and every typed array allocated here, so the run only indexes.
 *
 * @module
 */

import type { CostModel } from "./cost.ts";
import {
  type MachineConfig,
  type ResolvedMachineConfig,
  resolveMachineConfig,
} from "./machine_config.ts";
import { BumpFrameAllocator } from "./mem/frame_allocator.ts";
import { MemorySystem } from "./mem/memory_system.ts";
import { ShadowComposedFill } from "./virt/shadow_composed_fill.ts";
import type { Mmu } from "./mmu/mmu.ts";
import { NativeWalker } from "./mmu/native_walker.ts";
import { NestedWalker } from "./mmu/nested_walker.ts";
import { PageTable } from "./mmu/page_table.ts";
import type { PageWalker } from "./mmu/page_walker.ts";
import { Tlb } from "./mmu/tlb.ts";
import { WalkCache } from "./mmu/walk_cache.ts";
import { WalkMemory } from "./mmu/walk_memory.ts";
import { type PageSize, parsePageSize } from "./page_size.ts";
import { Stats } from "./stats.ts";
import { buildVcpuMmu } from "./virt/vcpu_mmu.ts";

/** A built machine: the MMU and the tables behind it. */
export interface Machine {
  /** The configuration with defaults filled in. */
  readonly config: ResolvedMachineConfig;
  /** The cost profile it charges by. */
  readonly cost: CostModel;
  /** The MMU that runs accesses. */
  readonly mmu: Mmu;
  /** Counters and cycles of the run. */
  readonly stats: Stats;
  /** The guest's table (the only table in native mode). */
  readonly guestTable: PageTable;
  /** The host's table, in nested and shadow-composed modes. */
  readonly hostTable: PageTable | null;
  /** The shadow table, in shadow-composed mode. */
  readonly shadowTable: PageTable | null;
  /** Host and guest physical memory, when the configuration has `memory`. */
  readonly memory: MemorySystem | null;
}

/**
 * Builds a machine.
 *
 * @example Build a nested machine and translate one page
 * ```ts
 * import { buildMachine } from "./machine.ts";
 * import { getProfile } from "./cost.ts";
 * const machine = buildMachine({ mode: "nested" }, getProfile("intel-skylake-sp"));
 * machine.mmu.access(0x10000, 0, 8, 0, 0);
 * if (machine.stats.report().counters.walks !== 1) throw new Error();
 * ```
 * @throws MachineConfigError for an invalid configuration
 */
export function buildMachine(config: MachineConfig, cost: CostModel): Machine {
  const resolved = resolveMachineConfig(config, cost);
  const stats = new Stats();
  const memory = new WalkMemory(stats, {
    lines: resolved.pteCache ? cost.pteCache.entries : 0,
    ways: cost.pteCache.ways,
    hitCycles: cost.pteCacheHitCycles,
    memoryCycles: cost.pteMemoryCycles,
  });
  const pwcEntries = resolved.walkCache ? cost.walkCache.entries : 0;
  const walkCache = (): WalkCache =>
    new WalkCache(resolved.levels, pwcEntries, cost.walkCache.ways);
  const guestPage = parsePageSize(resolved.guestPage) as PageSize;
  const physical = resolved.memory === null
    ? null
    : new MemorySystem(resolved.memory, cost, stats, resolved.mode === "shadow-composed");
  // Native: guest frames are machine frames. Nested: guest-physical frames.
  const guestFrames = physical?.guestFrames ?? new BumpFrameAllocator();
  const guestTable = new PageTable(resolved.levels, guestFrames);
  let walker: PageWalker;
  let hostTable: PageTable | null = null;
  let shadowTable: PageTable | null = null;
  if (resolved.mode === "shadow-composed" && physical !== null) {
    // Shadow and host tables are host kernel memory.
    hostTable = new PageTable(resolved.levels, physical.hostFrames);
    shadowTable = new PageTable(resolved.levels, physical.hostFrames);
    const fill = new ShadowComposedFill({
      guestTable,
      guestMapper: physical.guest,
      guestReverse: physical.guest.reverse as Float64Array,
      hostTable,
      hostMapper: physical.host,
      hostFrames: physical.hostFrames,
      stats,
      fillCycles: cost.vmExitCycles + cost.exitHandlerCycles.hidden_fault,
    });
    physical.hostTable = hostTable;
    physical.shadowFill = fill;
    walker = new NativeWalker(shadowTable, {
      frames: physical.hostFrames,
      pageSize: guestPage,
      demandMapper: fill,
      walkCache: walkCache(),
      memory,
      stats,
      walkCacheHitCycles: cost.walkCacheHitCycles,
    });
  } else if (resolved.mode === "native") {
    walker = new NativeWalker(guestTable, {
      frames: guestFrames,
      pageSize: guestPage,
      walkCache: walkCache(),
      memory,
      stats,
      walkCacheHitCycles: cost.walkCacheHitCycles,
    });
  } else {
    const hostFrames = physical?.hostFrames ?? new BumpFrameAllocator();
    hostTable = new PageTable(resolved.levels, hostFrames);
    if (physical !== null) physical.hostTable = hostTable;
    const host = new NativeWalker(hostTable, {
      frames: hostFrames,
      pageSize: parsePageSize(resolved.hostPage) as PageSize,
      demandMapper: physical?.host,
      walkCache: walkCache(),
      memory,
      stats,
      walkCacheHitCycles: cost.walkCacheHitCycles,
    });
    walker = new NestedWalker(guestTable, {
      guestFrames,
      guestPageSize: guestPage,
      demandMapper: physical?.guest,
      guestWalkCache: walkCache(),
      host,
      nestedTlb: resolved.nestedTlb
        ? new Tlb(cost.nestedTlb.entries, cost.nestedTlb.ways)
        : new Tlb(0, 1),
      memory,
      stats,
      walkCacheHitCycles: cost.walkCacheHitCycles,
      nestedTlbHitCycles: cost.nestedTlbHitCycles,
    });
  }
  // The configuration may override the profile's TLB geometry.
  const mmu = buildVcpuMmu(walker, { ...cost, tlb: resolved.tlb }, stats);
  return {
    config: resolved,
    cost,
    mmu,
    stats,
    guestTable,
    hostTable,
    shadowTable,
    memory: physical,
  };
}
