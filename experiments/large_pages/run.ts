/**
 * A `large-pages` point's run. Each point builds host memory twice the size
 * of guest RAM, breaks the given share of its 2M and 1G blocks with other
 * tenants' 4K frames, lets the guest touch its whole footprint once (first
 * touch decides host page sizes), lets the other tenants exit (their frames
 * are freed: only `opportunistic+promote` acts on that, by promoting fully
 * backed regions), then warms up and measures the workload.
 *
 * @module
 */

import { createAccessChunk } from "../../core/base/access_chunk.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import { finish } from "../../core/workload/simulate.ts";
import { DEFAULT_BASE_VPN } from "../../core/workload/workload_options.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import { readLackeyTrace } from "../cli/trace_file.ts";
import type { Row, RunContext } from "../experiment.ts";
import { warmUp } from "../warm_up.ts";
import { LACKEY_PREFIX, type LargePagesPoint } from "./point.ts";

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

function runSynthetic(point: LargePagesPoint, seed: number, cost: CostModel): Row {
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  // First touch of the whole footprint, in address order, as a guest
  // initialising its memory: this is when host page sizes are decided.
  const pages = point.footprint_mib * 256;
  for (let i = 0; i < pages; i++) vcpu.mmu.translate(DEFAULT_BASE_VPN + i, 0);
  const afterTouch = memory.report();
  memory.releaseTenants();
  const promoted = machine.promote();
  const workload = createWorkload(point.workload, {
    accesses: point.warmup_accesses + point.accesses,
    footprintBytes: point.footprint_mib * MIB,
    seed,
  });
  warmUp(vcpu, workload, point.warmup_accesses);
  machine.resetStats();
  const chunk = createAccessChunk();
  while (workload.fill(chunk) > 0) {
    vcpu.run(chunk);
    machine.promote();
  }
  return rowOf(machine, afterTouch.host_large_fraction, promoted);
}

/**
 * Replays a lackey trace twice: the first pass is the program's own first
 * touch (deciding host page sizes, as the footprint's first touch does for a
 * synthetic workload) and its warm-up; the second pass is measured. The
 * footprint still sizes guest RAM, so it must hold every page the trace touches.
 */
async function runTrace(point: LargePagesPoint, seed: number, cost: CostModel): Promise<Row> {
  const path = point.workload.slice(LACKEY_PREFIX.length);
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  for await (const chunk of readLackeyTrace(path)) vcpu.run(chunk);
  const afterTouch = memory.report();
  memory.releaseTenants();
  const promoted = machine.promote();
  machine.resetStats();
  for await (const chunk of readLackeyTrace(path)) {
    vcpu.run(chunk);
    machine.promote();
  }
  return rowOf(machine, afterTouch.host_large_fraction, promoted);
}

function rowOf(machine: PointMachine, largeAfterTouch: number, promoted: number): Row {
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
    // Everything but the work around each access and its data (with caches on): translation, exits.
    translation_cycles_per_access: (y.total - y.compute - y.data) / n,
    page_table_bytes: tables.guest + tables.host + tables.shadow,
    guest_table_bytes: tables.guest,
    host_table_bytes: tables.host,
    shadow_table_bytes: tables.shadow,
    splintered_pages: lp.splintered_pages,
    guest_large_pages: lp.guest_pages_2m,
    host_pages_4k: lp.host_pages_4k,
    host_pages_2m: lp.host_pages_2m,
    host_pages_1g: lp.host_pages_1g,
    promotions: lp.promotions,
    promotions_before_measuring: promoted,
    promotion_cycles: lp.promotion_cycles,
    host_large_fraction_after_touch: largeAfterTouch,
  };
}

/** Runs one `large-pages` point: a synthetic workload, or a lackey trace for a `lackey:PATH` workload. */
export function runLargePages(point: LargePagesPoint, context: RunContext): Row | Promise<Row> {
  return point.workload.startsWith(LACKEY_PREFIX)
    ? runTrace(point, context.seed, context.cost)
    : runSynthetic(point, context.seed, context.cost);
}
