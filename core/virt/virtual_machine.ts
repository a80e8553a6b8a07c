/**
 * Builds a guest OS on a platform — native, nested paging, or shadow paging
 * with a chosen set of strategies — from plain configuration, and runs OS
 * event streams on it.
 *
 * @module
 */

import type { CostModel } from "../cost.ts";
import { GuestOs } from "../os/guest_os.ts";
import type { OsEventGenerator } from "../os/os_event.ts";
import { createOsEventChunk } from "../os/os_event.ts";
import type { Platform } from "../os/platform.ts";
import { Counter, Stats } from "../stats.ts";
import { HardwarePlatform } from "./hardware_platform.ts";
import { ShadowPlatform } from "./shadow_platform.ts";
import { parseStrategies, StrategyError, strategyName } from "./shadow_strategies.ts";

/** How the guest's addresses are translated. */
export type VirtMode = "native" | "nested" | "shadow";

/** Configuration of a virtual machine. `{}` is valid: native, one vCPU. */
export interface VmConfig {
  /** `native` (no hypervisor), `nested` (EPT/NPT 2-D walks) or `shadow`. Default `native`. */
  mode?: VirtMode;
  /** vCPUs sharing the guest, 1 to 64. Default 1. */
  vcpus?: number;
  /** Shadow strategies: comma-separated names, `baseline` or `all`. Default `baseline`. */
  strategies?: string;
  /** Shadow entries filled per hidden fault with the `batch` strategy: 1, 8, 64 or 512. Default 8. */
  batch?: number;
  /** Idle shadow tables the `shadow-cache` strategy keeps (address spaces). Default 16. */
  cacheSize?: number;
  /** Whether the guest kernel uses PCIDs (no TLB flush on a switch). Default true. */
  pcid?: boolean;
}

/** A {@linkcode VmConfig} with defaults filled in and the strategy list in canonical form. */
export interface ResolvedVmConfig {
  /** Translation mode. */
  mode: VirtMode;
  /** vCPUs. */
  vcpus: number;
  /** Canonical strategy name (`baseline`, `all`, or names joined by `+`); `none` outside shadow mode. */
  strategies: string;
  /** Strategy bit mask (0 outside shadow mode). */
  strategyMask: number;
  /** Batch size. */
  batch: number;
  /** Shadow cache size. */
  cacheSize: number;
  /** Guest uses PCIDs. */
  pcid: boolean;
}

/** Thrown for an invalid VM configuration; the message is one line naming the field. */
export class VmConfigError extends Error {
  /**
   * Creates the error.
   * @param message one line naming the field and the problem
   */
  constructor(message: string) {
    super(message);
    this.name = "VmConfigError";
  }
}

/** Batch sizes the `batch` strategy accepts. */
export const BATCH_SIZES: readonly number[] = [1, 8, 64, 512];

/**
 * Validates a configuration and fills in defaults.
 *
 * @example
 * ```ts
 * import { resolveVmConfig } from "./virtual_machine.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveVmConfig({ mode: "shadow", strategies: "batch,tagged-tlb" }).strategies, "tagged-tlb+batch");
 * assert.throws(() => resolveVmConfig({ vcpus: 0 }), { message: 'field "vcpus": expected an integer from 1 to 64, got 0' });
 * ```
 * @throws {VmConfigError} naming the field
 */
export function resolveVmConfig(config: VmConfig): ResolvedVmConfig {
  const known = ["mode", "vcpus", "strategies", "batch", "cacheSize", "pcid"];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw new VmConfigError(`unknown field "${key}"`);
  }
  const mode = config.mode ?? "native";
  if (mode !== "native" && mode !== "nested" && mode !== "shadow") {
    throw new VmConfigError(`field "mode": expected native, nested or shadow, got "${mode}"`);
  }
  const vcpus = config.vcpus ?? 1;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 64) {
    throw new VmConfigError(`field "vcpus": expected an integer from 1 to 64, got ${vcpus}`);
  }
  const batch = config.batch ?? 8;
  if (!BATCH_SIZES.includes(batch)) {
    throw new VmConfigError(
      `field "batch": expected one of ${BATCH_SIZES.join(", ")}, got ${batch}`,
    );
  }
  const cacheSize = config.cacheSize ?? 16;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new VmConfigError(`field "cacheSize": expected a non-negative integer, got ${cacheSize}`);
  }
  const pcid = config.pcid ?? true;
  if (typeof pcid !== "boolean") {
    throw new VmConfigError(`field "pcid": expected true or false, got ${pcid}`);
  }
  let mask = 0;
  try {
    mask = parseStrategies(config.strategies ?? "baseline");
  } catch (error) {
    if (error instanceof StrategyError) {
      throw new VmConfigError(`field "strategies": ${error.message}`);
    }
    throw error;
  }
  if (mode !== "shadow" && mask !== 0) {
    throw new VmConfigError(`field "strategies": shadow strategies need mode shadow, got ${mode}`);
  }
  return {
    mode,
    vcpus,
    strategies: mode === "shadow" ? strategyName(mask) : "none",
    strategyMask: mask,
    batch,
    cacheSize,
    pcid,
  };
}

/** A built virtual machine. */
export interface VirtualMachine {
  /** The configuration, resolved. */
  readonly config: ResolvedVmConfig;
  /** The guest kernel. */
  readonly os: GuestOs;
  /** The platform under it. */
  readonly platform: HardwarePlatform | ShadowPlatform;
  /** Counters and cycles of the run. */
  readonly stats: Stats;
}

/**
 * Builds a guest OS on the configured platform.
 *
 * @example Shadow paging with every strategy on two vCPUs
 * ```ts
 * import { buildVirtualMachine } from "./virtual_machine.ts";
 * import { getProfile } from "../cost.ts";
 * const vm = buildVirtualMachine({ mode: "shadow", vcpus: 2, strategies: "all" }, getProfile("amd-zen3"));
 * if (vm.config.strategies !== "all" || vm.os.vcpus !== 2) throw new Error();
 * ```
 * @throws {VmConfigError} for an invalid configuration
 */
export function buildVirtualMachine(config: VmConfig, cost: CostModel): VirtualMachine {
  const resolved = resolveVmConfig(config);
  const stats = new Stats();
  const os = new GuestOs({ vcpus: resolved.vcpus, stats, cost, pcid: resolved.pcid });
  const platform = resolved.mode === "shadow"
    ? new ShadowPlatform(os, {
      vcpus: resolved.vcpus,
      levels: 4,
      strategies: resolved.strategyMask,
      batch: resolved.batch,
      cacheSize: resolved.cacheSize,
      pcid: resolved.pcid,
      cost,
      stats,
    })
    : new HardwarePlatform(os, {
      mode: resolved.mode,
      vcpus: resolved.vcpus,
      levels: 4,
      guestFrames: os.frames,
      pcid: resolved.pcid,
      cost,
      stats,
    });
  os.attach(platform as Platform);
  return { config: resolved, os, platform, stats };
}

/**
 * Runs a whole event stream; after the generator's warm-up accesses the
 * statistics are reset, so they count only the measured part.
 *
 * @returns accesses measured
 *
 * @example
 * ```ts
 * import { buildVirtualMachine, runOsWorkload } from "./virtual_machine.ts";
 * import { createOsWorkload } from "../os/os_workloads.ts";
 * import { getProfile } from "../cost.ts";
 * const vm = buildVirtualMachine({ mode: "nested" }, getProfile("intel-skylake-sp"));
 * const n = runOsWorkload(vm, createOsWorkload("bigmem", { accesses: 2000, footprintBytes: 1 << 22, seed: 1 }));
 * if (n !== 2000 || vm.stats.report().counters.accesses !== 2000) throw new Error();
 * ```
 */
export function runOsWorkload(vm: VirtualMachine, workload: OsEventGenerator): number {
  const chunk = createOsEventChunk();
  let warm = workload.warmupAccesses;
  let measuring = warm === 0;
  while (workload.fill(chunk) > 0) {
    if (!measuring) {
      // Split the chunk at the last warm-up access.
      let i = 0;
      for (; i < chunk.length && warm > 0; i++) if (chunk.op[i] === 0) warm--;
      if (warm === 0) {
        const rest = chunk.length;
        chunk.length = i;
        vm.os.run(chunk);
        vm.stats.reset();
        measuring = true;
        shift(chunk, i, rest);
      }
    }
    vm.os.run(chunk);
  }
  return vm.stats.counters[Counter.ACCESSES];
}

function shift(chunk: ReturnType<typeof createOsEventChunk>, from: number, end: number): void {
  chunk.op.copyWithin(0, from, end);
  chunk.vcpu.copyWithin(0, from, end);
  chunk.pid.copyWithin(0, from, end);
  chunk.vpn.copyWithin(0, from, end);
  chunk.arg.copyWithin(0, from, end);
  chunk.kind.copyWithin(0, from, end);
  chunk.length = end - from;
}
