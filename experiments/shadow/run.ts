/**
 * A `shadow` point's run: the OS workload (or a trace's processes) on the
 * point's platform, and the same natively as the reference its overhead is
 * measured against.
 *
 * @module
 */

import { EXIT_REASON_COUNT, EXIT_REASON_NAMES } from "../../core/base/exit_reason.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import { createOsWorkload } from "../../core/os/os_workloads.ts";
import { ShadowPlatform } from "../../core/platforms/shadow_platform.ts";
import { runOsWorkload } from "../../core/workload/simulate.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { ShadowPoint } from "./point.ts";
import { DEFAULT_CHUNK_CAPACITY } from "../../core/base/access_chunk.ts";
import type { Machine } from "../../core/machine/machine.ts";
import { createOsEventChunk } from "../../core/os/os_event.ts";
import { EVENTS_PER_TRACE_ACCESS, TraceProcesses } from "../../core/os/trace_processes.ts";
import { readProcessTraces } from "../cli/trace_processes.ts";
import { traceOfWorkload, type TraceWorkload } from "../trace_workload.ts";

const MIB = 2 ** 20;

/** The point's machine on `mode` (the point's own, or native for the reference). */
function machineOn(point: ShadowPoint, mode: ShadowPoint["mode"], cost: CostModel): Machine {
  return buildMachine({
    platform: mode,
    guest: "os",
    vcpus: point.vcpus,
    ...(mode === "shadow" ? { shadow: { strategies: point.strategy, batch: point.batch } } : {}),
  }, cost);
}

/** What a run on one platform gives. */
interface Simulated {
  vm: Machine;
  accesses: number;
  report: ReturnType<Machine["report"]>;
}

/** Runs the point's OS workload on `mode`. */
function simulateOn(
  point: ShadowPoint,
  accesses: number,
  mode: ShadowPoint["mode"],
  seed: number,
  cost: CostModel,
): Simulated {
  const vm = machineOn(point, mode, cost);
  const workload = createOsWorkload(point.workload, {
    accesses,
    footprintBytes: point.footprint_mib * MIB,
    seed,
    vcpus: point.vcpus,
    rates: point.rates,
  });
  const ran = runOsWorkload(vm, workload);
  return { vm, accesses: ran, report: vm.report() };
}

/**
 * Replays the point's trace on `mode`, whole (no warm-up: its first touches
 * are measured), each address space a process on vCPU space mod vcpus.
 */
async function replayOn(
  point: ShadowPoint,
  trace: TraceWorkload,
  mode: ShadowPoint["mode"],
  cost: CostModel,
): Promise<Simulated> {
  const vm = machineOn(point, mode, cost);
  const os = vm.os!;
  const processes = new TraceProcesses(point.vcpus);
  const events = createOsEventChunk(EVENTS_PER_TRACE_ACCESS * DEFAULT_CHUNK_CAPACITY);
  const reader = readProcessTraces([trace.path], { format: trace.format, vcpus: point.vcpus });
  for await (const chunk of reader) {
    processes.convert(chunk, events);
    os.run(events);
  }
  const report = vm.report();
  return { vm, accesses: report.counters.accesses, report };
}

/**
 * Runs one `shadow` point: an OS workload, or a trace for a `FORMAT:PATH`
 * workload (see {@linkcode shadowRow} for the row).
 */
export function runShadow(point: ShadowPoint, context: RunContext): Row | Promise<Row> {
  const trace = traceOfWorkload(point.workload);
  const { accesses } = point;
  if (trace === null) {
    if (accesses === undefined) {
      throw new RangeError(`shadow: a workload point needs accesses (workload ${point.workload})`);
    }
    const { seed, cost } = context;
    const run = simulateOn(point, accesses, point.mode, seed, cost);
    const native = point.mode === "native"
      ? run
      : simulateOn(point, accesses, "native", seed, cost);
    return shadowRow(run, native);
  }
  if (accesses !== undefined) {
    throw new RangeError(`shadow: a trace point runs its trace whole: leave accesses out`);
  }
  return (async () => {
    const run = await replayOn(point, trace, point.mode, context.cost);
    const native = point.mode === "native"
      ? run
      : await replayOn(point, trace, "native", context.cost);
    return { accesses: run.accesses, ...shadowRow(run, native) };
  })();
}

/**
 * A `shadow` row: cycles per access and their breakdown, exits by reason,
 * guest-OS and shadow-MMU counts, and the overhead against native. A
 * non-native point simulates its native reference too: a run depends on its
 * point and context alone, never on what ran before it in its Worker.
 */
function shadowRow(run: Simulated, reference: Simulated): Row {
  const { vm, accesses: n, report } = run;
  const c = report.counters;
  const y = report.cycles;
  const cpa = y.total / n;
  const native = reference === run ? cpa : reference.report.cycles.total / reference.accesses;
  const os = vm.os!.counts;
  const row: Row = {
    cycles_per_access: cpa,
    native_cycles_per_access: native,
    overhead_vs_native: cpa / native - 1,
    exits_per_kilo_access: (1000 * c.exits) / n,
    exit_cycles_per_access: y.vm_exit / n,
    walk_cycles_per_access: (y.walk_cache + y.walk_pte_cache + y.walk_memory + y.nested_tlb) / n,
    tlb_cycles_per_access: (y.l1_tlb + y.l2_tlb) / n,
    guest_kernel_cycles_per_access: y.guest_kernel / n,
    hypervisor_cycles_per_access: y.hypervisor / n,
    l2_tlb_misses_per_kilo_access: (1000 * c.l2_tlb_misses) / n,
    walk_refs_per_walk: c.walks > 0 ? c.walk_refs / c.walks : 0,
    measured_accesses: n,
    demand_faults: os.demandFaults,
    cow_faults: os.cowFaults,
    cr3_loads: os.cr3Loads,
    shootdowns: os.shootdowns,
    pte_writes: os.pteWrites,
  };
  for (let r = 0; r < EXIT_REASON_COUNT; r++) {
    row[`exits_${EXIT_REASON_NAMES[r]}`] = c[`exits_${EXIT_REASON_NAMES[r]}`];
  }
  if (vm.platform instanceof ShadowPlatform) {
    const s = vm.platform.counts;
    row.shadow_tables_built = s.tablesBuilt;
    row.shadow_cache_hits = s.cacheHits;
    row.shadow_fills = s.fills;
    row.shadow_prefetched = s.prefetched;
    row.shadow_zaps = s.zaps;
    row.shadow_resyncs = s.resyncs;
  }
  return row;
}
