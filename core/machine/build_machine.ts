/**
 * The one builder of machines: from a {@linkcode MachineConfig} and a cost
 * profile, the host's memory (or a given host's), the guest memory, the host
 * map, the guest (first-touch or the guest OS), the cache hierarchy, the
 * platform from the registry and its vCPUs. Build, then run: every name is resolved and every
 * typed array allocated here, so a run only indexes.
 *
 * @module
 */

import { ConfigError } from "../base/config_error.ts";
import { CacheHierarchy } from "../caches/cache_hierarchy.ts";
import type { LineCache } from "../caches/line_cache.ts";
import { type CostModel, exitCycleTable } from "../cost/cost_model.ts";
import { FixedSizeMapper } from "../mmu/demand_mapper.ts";
import { BumpFrameAllocator, type FrameAllocator } from "../mem/frame_allocator.ts";
import { GuestMemory } from "../mem/guest_memory.ts";
import { HostMemory } from "../mem/host_memory.ts";
import { MemorySystem } from "../mapping/memory_system.ts";
import { PageTable } from "../mmu/page_table.ts";
import { GuestOs, type GuestPagePolicy } from "../os/guest_os.ts";
import type { GuestKernel } from "../os/platform.ts";
import { type PageSize, parsePageSize } from "../base/page_size.ts";
import type { HostMap } from "../platforms/platform_kind.ts";
import { PLATFORMS } from "../platforms/registry.ts";
import { Stats } from "../cost/stats.ts";
import { FirstTouchGuest } from "./first_touch_guest.ts";
import { Machine } from "./machine.ts";
import { type MachineConfig, resolveMachineConfig } from "./machine_config.ts";
import { Vcpu } from "./vcpu.ts";

/** Memory fields that describe the host, which a machine on a given host takes from it. */
const HOST_FIELDS: readonly string[] = ["fragmentation", "hostMemoryMib"];

/**
 * Builds a machine. Without `host` the machine gets a host of its own:
 * unbounded, or of `memory.hostMemoryMib` fragmented by `memory.fragmentation`.
 * On a given host (partitions of one host) the host's size and
 * fragmentation are the host's. With `llc`, the machine's vCPUs share that
 * last-level cache (another machine's on the same socket) instead of one
 * of their own.
 *
 * @example A nested machine translates one page in one 2-D walk
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
 * machine.vcpus[0].mmu.access(0x10000, 0, 8, 0, 0);
 * if (machine.report().counters.walks !== 1) throw new Error();
 * ```
 * @throws {ConfigError} for an invalid configuration
 */
export function buildMachine(
  config: MachineConfig,
  cost: CostModel,
  host?: HostMemory,
  llc?: LineCache,
): Machine {
  const resolved = resolveMachineConfig(config, cost);
  const kind = PLATFORMS[resolved.platform];
  const machineCost: CostModel = { ...cost, tlb: resolved.tlb };
  const { vcpus, levels } = resolved;
  const stats = Array.from({ length: vcpus }, () => new Stats());
  const background = new Stats();
  const mem = resolved.memory;
  if (host !== undefined && config.memory !== undefined) {
    for (const key of HOST_FIELDS) {
      if (key in config.memory) {
        throw new ConfigError(
          "machine config",
          `memory.${key}`,
          "the machine runs on a given host, whose memory is the host's",
        );
      }
    }
    if (kind.hostLayer && host.buddy === null) {
      throw new ConfigError(
        "machine config",
        "memory",
        "large-page memory needs a host with a size (HostMemory { mib })",
      );
    }
  }
  const hostMemory = host ?? new HostMemory(
    mem !== null && kind.hostLayer
      ? { mib: mem.hostMemoryMib, fragmentation: mem.fragmentation, seed: mem.seed }
      : {},
  );
  const memory = mem === null
    ? null
    : new MemorySystem(mem, machineCost, background, kind.hostLayer ? hostMemory : null);
  // Natively the guest's memory is the machine's own; under a hypervisor it
  // is guest-physical memory the host map backs.
  const guestFrames: FrameAllocator = memory?.guestFrames ??
    (kind.hostLayer ? new BumpFrameAllocator() : hostMemory.frames);
  const guestPage = parsePageSize(resolved.guestPage) as PageSize;
  let os: GuestOs | null = null;
  let firstTouch: FirstTouchGuest | null = null;
  let kernel: GuestKernel;
  if (resolved.guest === "os") {
    const pages: GuestPagePolicy = memory !== null
      ? { sizeFor: (vpn) => (memory.guest.isLargeRegion(Math.floor(vpn / 512)) ? 1 : 0) }
      : { sizeFor: () => guestPage };
    os = new GuestOs({
      vcpus,
      levels,
      pcid: resolved.pcid ?? true,
      stats,
      cost: machineCost,
      frames: guestFrames,
      pages,
    });
    if (memory !== null) memory.guestCounts = os;
    kernel = os;
  } else {
    const table = new PageTable(levels, guestFrames);
    firstTouch = new FirstTouchGuest(
      table,
      memory?.guest ?? new FixedSizeMapper(guestFrames, guestPage),
      stats,
    );
    kernel = firstTouch;
  }
  let hostMap: HostMap | null = null;
  if (kind.hostLayer) {
    const table = new PageTable(levels, hostMemory.tableFrames);
    hostMap = {
      table,
      mapper: memory?.host ??
        new FixedSizeMapper(hostMemory.frames, parsePageSize(resolved.hostPage!) as PageSize),
    };
    if (memory !== null) memory.hostTable = table;
  }
  const platform = kind.create({
    vcpus,
    levels,
    cost: machineCost,
    walkCache: resolved.walkCache,
    nestedTlb: resolved.nestedTlb,
    pteCache: resolved.pteCache,
    caches: resolved.caches ? new CacheHierarchy(machineCost.caches, vcpus, llc) : null,
    pcid: resolved.pcid ?? true,
    stats,
    kernel,
    host: hostMap,
    hostMemory,
    shadow: resolved.shadow,
  });
  os?.attach(platform);
  if (memory !== null) memory.remapListener = platform;
  if (firstTouch !== null) { for (let v = 0; v < vcpus; v++) platform.start(v, firstTouch.space); }
  return new Machine(
    {
      config: resolved,
      cost: machineCost,
      platform,
      os,
      firstTouch,
      hostMemory,
      memory,
      stats: background,
      hostMapper: hostMap?.mapper ?? null,
      guestMemory: resolved.guestMemoryPages > 0
        ? new GuestMemory(resolved.guestMemoryPages)
        : null,
    },
    (machine) => {
      const exits = exitCycleTable(machineCost);
      return platform.mmus.map((mmu, v) => new Vcpu(v, mmu, stats[v], platform, machine, exits));
    },
  );
}
