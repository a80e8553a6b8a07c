/**
 * Native execution: no hypervisor. The hardware walks the guest's (the
 * operating system's) own tables in one dimension; nothing exits.
 *
 * @module
 */

import type { WalkMemory } from "../mmu/walk_memory.ts";
import {
  GuestFaultMapper,
  HardwarePlatform,
  noAddressSpace,
  type SpaceWalker,
} from "./hardware_platform.ts";
import type { PlatformKind, PlatformOptions } from "./platform_kind.ts";

/**
 * The native platform.
 *
 * @example Built by the machine builder
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "native" }, getProfile("intel-skylake-sp"));
 * if (machine.platform.name !== "native" || machine.platform.hostTable !== null) throw new Error();
 * ```
 */
export class NativePlatform extends HardwarePlatform {
  /** Registry name. */
  readonly name = "native";

  /** One-dimensional walker; a missing entry is the guest's page fault. */
  protected buildWalker(vcpu: number, options: PlatformOptions, memory: WalkMemory): SpaceWalker {
    const mapper = new GuestFaultMapper(options.kernel, vcpu);
    return HardwarePlatform.nativeWalker(
      noAddressSpace(options.levels),
      mapper,
      vcpu,
      options,
      memory,
    );
  }

  /** Natively an IPI is no exit. */
  protected ipiExit(): void {}
}

/** The native platform in the registry. */
export const NATIVE: PlatformKind = {
  name: "native",
  description: "no hypervisor: one-dimensional walks of the guest's own tables, no exits",
  hostLayer: false,
  nestedTlb: false,
  shadowOptions: false,
  create: (options) => new NativePlatform(options),
};
