/**
 * Hardware nested paging (Intel EPT, AMD NPT): the hardware walks the
 * guest's tables in two dimensions, translating every guest-physical address
 * through the host table; guest page-table writes, CR3 loads and INVLPG do
 * not exit. The only exits are the guest's IPIs (a write to the APIC's
 * interrupt command register). Guest-physical memory is backed by the host
 * on first use, uncharged, as the host walk finds it missing.
 *
 * @module
 */

import { CountedMapper } from "../mmu/demand_mapper.ts";
import { NestedWalker } from "../mmu/nested_walker.ts";
import { NestedTlb } from "../mmu/nested_tlb.ts";
import type { WalkMemory } from "../mmu/walk_memory.ts";
import { PageSize } from "../base/page_size.ts";
import { ExitReason } from "../base/exit_reason.ts";
import {
  GuestFaultMapper,
  HardwarePlatform,
  noAddressSpace,
  type SpaceWalker,
} from "./hardware_platform.ts";
import type { PlatformKind, PlatformOptions } from "./platform_kind.ts";

/**
 * The nested-paging platform.
 *
 * @example A cold 2-D walk of 24 references, and no exit
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine(
 *   { platform: "nested", walkCache: false, nestedTlb: false },
 *   getProfile("intel-skylake-sp"),
 * );
 * machine.vcpus[0].mmu.access(0x400, 0, 8, 0, 0);
 * const { counters } = machine.report();
 * if (counters.walk_refs !== 24 || counters.exits !== 0) throw new Error();
 * ```
 */
export class NestedPlatform extends HardwarePlatform {
  /** Registry name. */
  readonly name = "nested";

  /** A 2-D walker with its own nested TLB and host walker; a missing guest entry is the guest's fault. */
  protected buildWalker(vcpu: number, options: PlatformOptions, memory: WalkMemory): SpaceWalker {
    const { cost, levels } = options;
    const stats = options.stats[vcpu];
    const host = options.host!;
    const hostMapper = new CountedMapper(host.mapper, stats);
    const hostWalker = HardwarePlatform.nativeWalker(host.table, hostMapper, vcpu, options, memory);
    return new NestedWalker(noAddressSpace(levels), {
      guestFrames: options.hostMemory.frames,
      guestPageSize: PageSize.SIZE_4K,
      demandMapper: new GuestFaultMapper(options.kernel, vcpu),
      guestWalkCache: HardwarePlatform.walkCache(options),
      host: hostWalker,
      nestedTlb: options.nestedTlb
        ? new NestedTlb(cost.nestedTlb.entries, cost.nestedTlb.ways)
        : new NestedTlb(0, 1),
      memory,
      stats,
      walkCacheHitCycles: cost.walkCacheHitCycles,
      nestedTlbHitCycles: cost.nestedTlbHitCycles,
    });
  }

  /** An IPI writes the APIC's interrupt command register: an exit. */
  protected ipiExit(vcpu: number): void {
    this.stats[vcpu].exit(ExitReason.IPI, this.cost.vmExitCycles + this.cost.exitHandlerCycles.ipi);
  }
}

/** The nested platform in the registry. */
export const NESTED: PlatformKind = {
  name: "nested",
  description: "hardware nested paging (EPT/NPT): 2-D walks through guest and host tables",
  hostLayer: true,
  nestedTlb: true,
  shadowOptions: false,
  create: (options) => new NestedPlatform(options),
};
