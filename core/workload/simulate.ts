/**
 * One configuration over one workload: build the machine, run the workload
 * on its vCPUs, report counters and cycles. Pure: no I/O and no wall clock,
 * so the same inputs always give the same result.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { buildMachine } from "../machine/build_machine.ts";
import type { Machine, PageTableBytes } from "../machine/machine.ts";
import type { MachineConfig, ResolvedMachineConfig } from "../machine/machine_config.ts";
import type { LargePageReport } from "../mapping/memory_system.ts";
import { SingleProcessStream } from "../os/access_stream.ts";
import { createOsEventChunk, type OsEventChunk, type OsEventGenerator } from "../os/os_event.ts";
import { EventClock } from "../clock/event_clock.ts";
import { Counter, translationCycles } from "../cost/stats.ts";
import type { AccessGenerator } from "../base/access_chunk.ts";
import { type PageRange, populate } from "../machine/populate.ts";
import { FirstAccesses, TouchedFirst } from "./steady_state.ts";

/** The outcome of {@linkcode simulate}. */
export interface SimResult {
  /** The machine configuration with defaults filled in. */
  config: ResolvedMachineConfig;
  /** Name of the cost profile charged. */
  profile: string;
  /** Counters by name (see `COUNTER_NAMES` in core/cost/stats.ts), plus `exits_<reason>`. */
  counters: Record<string, number>;
  /** Cycles by category (`data` with caches on), per exit reason, and `total`. */
  cycles: Record<string, number>;
  /** Shares of run time: see {@linkcode SimDerived}. */
  derived: SimDerived;
  /** Bytes of guest page-table pages, host ones and shadow ones. */
  pageTableBytes: PageTableBytes;
  /** Large-page counters, when the configuration has `memory`. */
  largePages?: LargePageReport;
}

/** What a run's cycles say as shares of its run time, comparable with published figures. */
export interface SimDerived {
  /** Cycles of address translation: TLBs, page-walk caches, walk references, nested TLB. */
  translation_cycles: number;
  /** Translation cycles over all cycles (0 for an empty run). */
  translation_share: number;
  /** Data-access cycles (caches on) over all cycles. */
  data_share: number;
}

/**
 * Runs `workload` to its end on a machine built from `config` and `cost`:
 * on the first-touch guest, by the vCPUs taking chunks from it in turn on a
 * discrete-event clock; on the guest OS, as one process whose threads run on
 * every vCPU. `options` bring it to steady state first: the pages given are
 * populated (in bulk on the first-touch guest; on the guest OS by the
 * process touching each of them, in order, as the stream's first accesses)
 * and the warm-up accesses run uncounted.
 *
 * @example Uniform random accesses over 64 MiB, native
 * ```ts
 * import { simulate } from "./simulate.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import type { AccessChunk, AccessGenerator } from "../base/access_chunk.ts";
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
  options: RunOptions = {},
): SimResult {
  const machine = buildMachine(config, cost);
  if (machine.os !== null) {
    // The guest OS populates by its own faults: the touches lead the stream, as warm-up.
    const range = options.populate ?? null;
    const stream = new SingleProcessStream(
      range === null ? workload : new TouchedFirst(workload, range),
      machine.vcpus.length,
    );
    runOsWorkload(machine, stream, {
      warmupAccesses: (options.warmupAccesses ?? 0) + (range?.pages ?? 0),
    });
  } else runAccesses(machine, workload, options);
  return finish(machine);
}

/**
 * How {@linkcode runAccesses} and {@linkcode runOsWorkload} bring a workload
 * to steady state before they measure it (see core/workload/steady_state.ts).
 * `{}` measures every access from cold, as before warm-up existed.
 */
export interface RunOptions {
  /**
   * Accesses of the workload run first and not counted: the statistics are
   * reset after them (default 0). The workload must emit them on top of the
   * accesses to measure. On the guest OS they come after the stream's own
   * warm-up.
   */
  readonly warmupAccesses?: number;
  /**
   * Pages populated before anything runs, uncounted (default none): on the
   * first-touch guest in bulk ({@linkcode populate}); the guest OS is not
   * populated from outside (its workloads touch their pages themselves).
   */
  readonly populate?: PageRange | null;
  /**
   * Called when the measured part starts, right after the statistics are
   * reset (or before the first access, without warm-up): for counts kept
   * outside them, such as the guest OS's event counts.
   */
  readonly onMeasure?: () => void;
}

/**
 * Runs a first-touch guest's accesses on every vCPU of `machine`, on a clock
 * of its own: each vCPU takes the next chunk when its clock comes up, and
 * the hypervisor's promotion pass runs between chunks, as khugepaged runs
 * beside the guest. With `options`, the pages given are populated first and
 * the first accesses are a warm-up: the statistics count only what follows.
 * @returns the cycle at which the last vCPU finished
 *
 * @example
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { runAccesses } from "./simulate.ts";
 * import { createWorkload } from "./workloads.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ vcpus: 2 }, getProfile("amd-zen3"));
 * runAccesses(machine, createWorkload("random", { accesses: 10_000, footprintBytes: 1 << 24, seed: 1 }));
 * if (machine.report().counters.accesses !== 10_000) throw new Error();
 * ```
 *
 * @example Steady state: populated tables, 5,000 accesses of warm-up, 10,000 measured
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { runAccesses } from "./simulate.ts";
 * import { createWorkload } from "./workloads.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
 * const workload = createWorkload("random", { accesses: 15_000, footprintBytes: 1 << 30, seed: 1 });
 * runAccesses(machine, workload, {
 *   warmupAccesses: 5000,
 *   populate: { first: 0x10000, pages: 262144 },
 * });
 * const { counters } = machine.report();
 * if (counters.accesses !== 10_000 || counters.demand_maps !== 0) throw new Error();
 * ```
 */
export function runAccesses(
  machine: Machine,
  workload: AccessGenerator,
  options: RunOptions = {},
): number {
  if (machine.firstTouch === null) {
    throw new RangeError(
      "runAccesses needs the first-touch guest; run OS streams with runOsWorkload",
    );
  }
  const range = options.populate ?? null;
  if (range !== null) populate(machine, range);
  const warmup = options.warmupAccesses ?? 0;
  const clock = new EventClock();
  if (warmup > 0) {
    const warm = new FirstAccesses(workload, warmup);
    for (const vcpu of machine.vcpus) vcpu.start(clock, warm);
    clock.run();
  }
  if (range !== null || warmup > 0) machine.resetStats();
  options.onMeasure?.();
  for (const vcpu of machine.vcpus) vcpu.start(clock, workload);
  clock.run();
  return clock.now;
}

/**
 * Runs a whole OS event stream on `machine`'s guest OS, in stream order;
 * after the stream's warm-up accesses, and `options.warmupAccesses` more,
 * the statistics are reset, so they count only the measured part.
 * @returns accesses measured
 *
 * @example
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { runOsWorkload } from "./simulate.ts";
 * import { createOsWorkload } from "../os/os_workloads.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested", guest: "os" }, getProfile("intel-skylake-sp"));
 * const n = runOsWorkload(machine, createOsWorkload("bigmem", { accesses: 2000, footprintBytes: 1 << 22, seed: 1 }));
 * if (n !== 2000 || machine.report().counters.accesses !== 2000) throw new Error();
 * ```
 */
export function runOsWorkload(
  machine: Machine,
  workload: OsEventGenerator,
  options: RunOptions = {},
): number {
  const os = machine.os;
  if (os === null) throw new RangeError("runOsWorkload needs a machine with the guest OS");
  if (workload.vcpus > machine.vcpus.length) {
    throw new RangeError(
      `the workload runs on ${workload.vcpus} vCPUs, the machine has ${machine.vcpus.length}`,
    );
  }
  if ((options.populate ?? null) !== null) {
    throw new RangeError(
      "runOsWorkload does not populate: the guest OS's processes touch their own pages",
    );
  }
  const chunk = createOsEventChunk();
  let warm = workload.warmupAccesses + (options.warmupAccesses ?? 0);
  let measuring = warm === 0;
  if (measuring) options.onMeasure?.();
  while (workload.fill(chunk) > 0) {
    if (!measuring) {
      // Split the chunk at the last warm-up access.
      let i = 0;
      for (; i < chunk.length && warm > 0; i++) if (chunk.op[i] === 0) warm--;
      if (warm === 0) {
        const rest = chunk.length;
        chunk.length = i;
        os.run(chunk);
        machine.resetStats();
        options.onMeasure?.();
        measuring = true;
        shift(chunk, i, rest);
      }
    }
    os.run(chunk);
  }
  let accesses = 0;
  for (const vcpu of machine.vcpus) accesses += vcpu.stats.counters[Counter.ACCESSES];
  return accesses;
}

function shift(chunk: OsEventChunk, from: number, end: number): void {
  chunk.op.copyWithin(0, from, end);
  chunk.vcpu.copyWithin(0, from, end);
  chunk.pid.copyWithin(0, from, end);
  chunk.vpn.copyWithin(0, from, end);
  chunk.arg.copyWithin(0, from, end);
  chunk.kind.copyWithin(0, from, end);
  chunk.length = end - from;
}

/**
 * Builds the {@linkcode SimResult} of a machine that has run, for callers that
 * drive the vCPUs themselves (e.g. from an asynchronous trace).
 *
 * @example
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { finish } from "./simulate.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({}, getProfile("intel-skylake-sp"));
 * machine.vcpus[0].mmu.access(0x10, 0, 8, 0, 0);
 * if (finish(machine).counters.accesses !== 1) throw new Error();
 * ```
 */
export function finish(machine: Machine): SimResult {
  const { counters, cycles } = machine.report();
  const translation = translationCycles(cycles);
  const share = (part: number) => (cycles.total > 0 ? part / cycles.total : 0);
  const result: SimResult = {
    config: machine.config,
    profile: machine.cost.name,
    counters,
    cycles,
    derived: {
      translation_cycles: translation,
      translation_share: share(translation),
      data_share: share(cycles.data),
    },
    pageTableBytes: machine.pageTableBytes(),
  };
  if (machine.memory !== null) result.largePages = machine.memory.report();
  return result;
}
