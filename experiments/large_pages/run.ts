/**
 * A `large-pages` point's run. Each point builds host memory twice the size
 * of guest RAM, breaks the given share of its 2M and 1G blocks with other
 * tenants' 4K frames, and lets the guest touch its whole footprint once
 * (first touch decides host page sizes). The tenants then stay, or exit
 * (the point says which). Under `opportunistic+promote` the promotion agent
 * then runs over `promotion_seconds` of guest time at khugepaged's rate,
 * the guest sampled once per scan interval (see _timeline.ts). Then the
 * workload is warmed up and measured.
 *
 * @module
 */

import { createAccessChunk } from "../../core/base/access_chunk.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import { finish } from "../../core/workload/simulate.ts";
import { DEFAULT_BASE_VPN } from "../../core/workload/workload_options.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import { readTrace } from "../cli/trace_file.ts";
import type { Row, RunContext } from "../experiment.ts";
import { warmUp } from "../warm_up.ts";
import type { LargePagesPoint } from "./point.ts";
import { traceOfWorkload, type TraceWorkload } from "../trace_workload.ts";
import { runTimeline, type Timeline, timelineColumns } from "./_timeline.ts";

const MIB = 2 ** 20;

/** Host RAM as a multiple of guest RAM: the rest is other tenants' (free once they exit). */
export const HOST_TO_GUEST = 2;

/**
 * Shadow strategies of the shadow points: every one. On a guest whose tables
 * change only on first touch, only the tagged TLB matters (the others change
 * the cost of updates and shootdowns): fills do not flush the TLB.
 */
const SHADOW_STRATEGIES_USED = "all";

/** Guest RAM for a footprint: the footprint, 1/16 more for tables and slack, in whole GiB. */
function guestMemoryMib(footprintMib: number): number {
  return Math.ceil((footprintMib * 17 / 16) / 1024) * 1024;
}

function buildPointMachine(point: LargePagesPoint, seed: number, cost: CostModel) {
  const guestMib = guestMemoryMib(point.footprint_mib);
  const shadow = point.mode === "shadow";
  return buildMachine({
    platform: point.mode,
    // The steady state of a modern shadow MMU: tagged TLBs, so fills flush nothing.
    ...(shadow ? { shadow: { strategies: SHADOW_STRATEGIES_USED } } : {}),
    memory: {
      hostPolicy: point.policy,
      fragmentation: point.fragmentation,
      guestLargeFraction: point.guest_large_fraction,
      guestMemoryMib: guestMib,
      hostMemoryMib: HOST_TO_GUEST * guestMib,
      seed,
    },
  }, cost);
}

type PointMachine = ReturnType<typeof buildPointMachine>;

/** Guest time the promotion agent runs for at this point: none where nothing promotes. */
function promotionSeconds(point: LargePagesPoint): number {
  return point.policy === "opportunistic+promote" ? point.promotion_seconds : 0;
}

function runSynthetic(
  point: LargePagesPoint,
  accesses: number,
  warmupAccesses: number,
  seed: number,
  cost: CostModel,
): Row {
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  // First touch of the whole footprint, in address order, as a guest
  // initialising its memory: this is when host page sizes are decided.
  const pages = point.footprint_mib * 256;
  for (let i = 0; i < pages; i++) vcpu.mmu.translate(DEFAULT_BASE_VPN + i, 0);
  const afterTouch = memory.report();
  if (point.tenants === "exit") memory.releaseTenants();
  const footprintBytes = point.footprint_mib * MIB;
  let timeline: Timeline | null = null;
  const seconds = promotionSeconds(point);
  if (seconds > 0) {
    // The samples continue one stream of the workload, apart from the measured one.
    const samples = createWorkload(point.workload, {
      accesses: Number.MAX_SAFE_INTEGER,
      footprintBytes,
      seed: seed + 1,
    });
    timeline = runTimeline(machine, vcpu, samples, seconds);
  }
  const workload = createWorkload(point.workload, {
    accesses: warmupAccesses + accesses,
    footprintBytes,
    seed,
  });
  warmUp(vcpu, workload, warmupAccesses);
  machine.resetStats();
  // The next pass is seconds away: the measured window (milliseconds of guest
  // time) holds none, so the agent is not run during it.
  const chunk = createAccessChunk();
  while (workload.fill(chunk) > 0) vcpu.run(chunk);
  return rowOf(machine, afterTouch.host_large_fraction, timeline);
}

/**
 * Replays a trace (lackey, ChampSim or vmtrace) twice: the first pass is the program's own first
 * touch (deciding host page sizes, as the footprint's first touch does for a
 * synthetic workload) and its warm-up; the second pass is measured. The
 * footprint still sizes guest RAM, so it must hold every page the trace touches.
 * The row's `accesses` and `warmup_accesses` are what the two passes ran.
 */
async function runTrace(
  point: LargePagesPoint,
  trace: TraceWorkload,
  seed: number,
  cost: CostModel,
): Promise<Row> {
  const { path, format } = trace;
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  for await (const chunk of readTrace(path, { format })) vcpu.run(chunk);
  const firstPass = machine.report().counters.accesses;
  const afterTouch = memory.report();
  if (point.tenants === "exit") memory.releaseTenants();
  // The agent's passes over the horizon, the guest not sampled (a trace has no steady state to sample).
  machine.promote(machine.elapsedCycles + promotionSeconds(point) * cost.clockGhz * 1e9);
  machine.resetStats();
  for await (const chunk of readTrace(path, { format })) vcpu.run(chunk);
  const row = rowOf(machine, afterTouch.host_large_fraction, null);
  return { accesses: machine.report().counters.accesses, warmup_accesses: firstPass, ...row };
}

function rowOf(machine: PointMachine, largeAfterTouch: number, timeline: Timeline | null): Row {
  const result = finish(machine);
  const c = result.counters;
  const y = result.cycles;
  const lp = result.largePages!;
  const n = c.accesses;
  const tables = result.pageTableBytes;
  return {
    host_large_fraction: lp.host_large_fraction,
    guest_large_mapped_fraction: lp.guest_large_mapped_fraction,
    l2_tlb_misses_per_kilo_access: (1000 * c.l2_tlb_misses) / n,
    ...(c.walks > 0 ? { walk_refs_per_walk: c.walk_refs / c.walks } : {}),
    cycles_per_access: y.total / n,
    translation_cycles_per_access: result.derived.translation_cycles / n,
    translation_share: result.derived.translation_share,
    page_table_bytes: tables.guest + tables.host + tables.shadow,
    guest_table_bytes: tables.guest,
    host_table_bytes: tables.host,
    shadow_table_bytes: tables.shadow,
    splintered_pages: lp.splintered_pages,
    guest_pages_2m: lp.guest_pages_2m,
    host_pages_4k: lp.host_pages_4k,
    host_pages_2m: lp.host_pages_2m,
    host_pages_1g: lp.host_pages_1g,
    host_large_fraction_after_touch: largeAfterTouch,
    ...(machine.memory!.promotion === null ? {} : {
      promotions: lp.promotions,
      promotion_cycles: lp.promotion_cycles,
      promotion_passes: lp.promotion_passes,
      promotion_alloc_failures: lp.promotion_alloc_failures,
    }),
    ...(timeline === null ? {} : timelineColumns(timeline)),
  };
}

/** Runs one `large-pages` point: a synthetic workload, or a trace for a `FORMAT:PATH` workload. */
export function runLargePages(point: LargePagesPoint, context: RunContext): Row | Promise<Row> {
  const { accesses, warmup_accesses: warmup } = point;
  const trace = traceOfWorkload(point.workload);
  if (trace !== null) {
    if (accesses !== undefined || warmup !== undefined) {
      throw new RangeError(
        `large-pages: a trace point runs its trace whole: leave accesses and warmup_accesses out`,
      );
    }
    return runTrace(point, trace, context.seed, context.cost);
  }
  if (accesses === undefined || warmup === undefined) {
    throw new RangeError(
      `large-pages: a synthetic point needs accesses and warmup_accesses (workload ${point.workload})`,
    );
  }
  return runSynthetic(point, accesses, warmup, context.seed, context.cost);
}
