/**
 * One configuration over one workload: build the machine, run every access,
 * report counters and cycles. Pure: no I/O and no clock, so the same inputs
 * always give the same result.
 *
 * @module
 */

import type { CostModel } from "./cost.ts";
import { buildMachine, type Machine } from "./machine.ts";
import type { MachineConfig, ResolvedMachineConfig } from "./machine_config.ts";
import type { LargePageReport } from "./mem/memory_system.ts";
import { type AccessGenerator, createAccessChunk } from "./workload/access_chunk.ts";

/** The outcome of {@linkcode simulate}. */
export interface SimResult {
  /** The machine configuration with defaults filled in. */
  config: ResolvedMachineConfig;
  /** Name of the cost profile charged. */
  profile: string;
  /** Counters by name (see `COUNTER_NAMES` in core/stats.ts), plus `exits_<reason>`. */
  counters: Record<string, number>;
  /** Cycles by category, per exit reason, and `total`. */
  cycles: Record<string, number>;
  /** Bytes of guest page-table pages, host ones (nested, shadow-composed) and shadow ones. */
  pageTableBytes: { guest: number; host: number; shadow: number };
  /** Large-page counters, when the configuration has `memory`. */
  largePages?: LargePageReport;
}

/**
 * Runs `workload` to its end on a machine built from `config` and `cost`.
 *
 * @example Uniform random accesses over 64 MiB, native
 * ```ts
 * import { simulate } from "./simulate.ts";
 * import { getProfile } from "./cost.ts";
 * import type { AccessChunk, AccessGenerator } from "./workload/access_chunk.ts";
 * let left = 1000;
 * const pages: AccessGenerator = {
 *   fill(chunk: AccessChunk): number {
 *     const n = Math.min(left, chunk.vpn.length);
 *     for (let i = 0; i < n; i++) {
 *       chunk.vpn[i] = 0x10000 + (i * 7919) % 16384;
 *       chunk.offset[i] = 0;
 *       chunk.size[i] = 8;
 *     }
 *     left -= n;
 *     return (chunk.length = n);
 *   },
 * };
 * const result = simulate({}, getProfile("intel-skylake-sp"), pages);
 * if (result.counters.accesses !== 1000) throw new Error();
 * ```
 */
export function simulate(
  config: MachineConfig,
  cost: CostModel,
  workload: AccessGenerator,
): SimResult {
  const machine = buildMachine(config, cost);
  const chunk = createAccessChunk();
  const mmu = machine.mmu;
  const memory = machine.memory;
  while (workload.fill(chunk) > 0) {
    mmu.run(chunk);
    // The promotion pass runs between chunks, as khugepaged runs beside the guest.
    memory?.promote(mmu);
  }
  return finish(machine);
}

/**
 * Builds the {@linkcode SimResult} of a machine that has run, for callers that
 * drive the MMU themselves (e.g. from an asynchronous trace).
 *
 * @example
 * ```ts
 * import { buildMachine } from "./machine.ts";
 * import { finish } from "./simulate.ts";
 * import { getProfile } from "./cost.ts";
 * const machine = buildMachine({}, getProfile("intel-skylake-sp"));
 * machine.mmu.access(0x10, 0, 8, 0, 0);
 * if (finish(machine).counters.accesses !== 1) throw new Error();
 * ```
 */
export function finish(machine: Machine): SimResult {
  const { counters, cycles } = machine.stats.report();
  const result: SimResult = {
    config: machine.config,
    profile: machine.cost.name,
    counters,
    cycles,
    pageTableBytes: {
      guest: machine.guestTable.bytes,
      host: machine.hostTable?.bytes ?? 0,
      shadow: machine.shadowTable?.bytes ?? 0,
    },
  };
  if (machine.memory !== null) result.largePages = machine.memory.report();
  return result;
}
