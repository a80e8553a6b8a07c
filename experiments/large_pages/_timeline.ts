/**
 * Promotion over guest time, sampled. The promotion agent runs at Linux
 * khugepaged's real rate (a pass every 10 s of guest time), so minutes of
 * it do not fit a point's budget if the guest runs every access of them.
 * Instead the guest is sampled: guest time advances one scan interval at a
 * time; after the passes due at an interval's start, the guest runs a
 * sample — a short warm-up that absorbs the TLB refills after the pass's
 * flushes, then a measured run — and the sample's cycles per access stand
 * for the whole interval. An interval of T cycles then holds
 * (T − kicks − refill cycles) ÷ (cycles per access) accesses; the agent's
 * own copies run on a host thread in parallel and are reported beside.
 *
 * @module
 */

import type { AccessGenerator } from "../../core/base/access_chunk.ts";
import type { Machine } from "../../core/machine/machine.ts";
import type { Vcpu } from "../../core/machine/vcpu.ts";
import type { Row } from "../experiment.ts";
import { warmUp } from "../warm_up.ts";

/**
 * Accesses per sample that absorb the refills after a pass's flushes, before
 * measuring: enough to touch nearly all of 1 GiB's 512 2M pages again
 * (2,048 random accesses reach 1 − e^−4 ≈ 98 % of them), so that the
 * measured part is the interval's steady state, not the refill.
 */
export const SAMPLE_WARMUP_ACCESSES = 2048;

/** Accesses measured per sample: its cycles per access stand for a whole scan interval. */
export const SAMPLE_ACCESSES = 2048;

/** One scan interval of the timeline. */
export interface TimelineStep {
  /** Guest time at the interval's start, s. */
  seconds: number;
  /** Share of host-backed guest memory on host large pages during the interval. */
  large: number;
  /** Guest cycles per access over the interval: its time ÷ its accesses (kicks and refills included). */
  cyclesPerAccess: number;
  /** The promotion agent's cycles in the passes that opened the interval, per access of the interval. */
  agentCyclesPerAccess: number;
  /** Regions promoted so far. */
  promotions: number;
}

/** The timeline of a run and its totals. */
export interface Timeline {
  /** One step per scan interval. */
  steps: TimelineStep[];
  /** Scan interval, s of guest time. */
  intervalSeconds: number;
  /** Accesses of the whole horizon (estimated from the samples). */
  accesses: number;
  /** Guest cycles of the whole horizon. */
  guestCycles: number;
  /** The promotion agent's cycles of the whole horizon. */
  agentCycles: number;
}

/** Cycles charged so far to `vcpu` and to the machine's background work (the promotion agent). */
function charged(machine: Machine, vcpu: Vcpu): [number, number] {
  return [vcpu.stats.totalCycles(), machine.stats.totalCycles()];
}

/**
 * Runs the promotion agent over `seconds` of guest time from the machine's
 * present, sampling `workload` on `vcpu` once per scan interval (again only
 * after an interval whose passes changed something).
 */
export function runTimeline(
  machine: Machine,
  vcpu: Vcpu,
  workload: AccessGenerator,
  seconds: number,
): Timeline {
  const memory = machine.memory!;
  const promotion = memory.config.promotion;
  const intervalSeconds = promotion.scanSleepMs / 1000 / promotion.timeScale;
  const interval = intervalSeconds * machine.cost.clockGhz * 1e9;
  const start = machine.elapsedCycles;
  const steps: TimelineStep[] = [];
  let cyclesPerAccess = 0;
  let accesses = 0;
  let guestCycles = 0;
  let agentCycles = 0;
  const count = Math.ceil(seconds / intervalSeconds);
  for (let k = 0; k < count; k++) {
    const [vcpuBefore, agentBefore] = charged(machine, vcpu);
    const promoted = k === 0 ? 0 : machine.promote(start + k * interval);
    const [vcpuAfter, agentAfter] = charged(machine, vcpu);
    const kicks = vcpuAfter - vcpuBefore;
    const agent = agentAfter - agentBefore;
    let refill = 0;
    if (k === 0 || promoted > 0) {
      warmUp(vcpu, workload, SAMPLE_WARMUP_ACCESSES);
      const [warm] = charged(machine, vcpu);
      warmUp(vcpu, workload, SAMPLE_ACCESSES);
      const [done] = charged(machine, vcpu);
      cyclesPerAccess = (done - warm) / SAMPLE_ACCESSES;
      refill = Math.max(0, warm - vcpuAfter - SAMPLE_WARMUP_ACCESSES * cyclesPerAccess);
    }
    const n = Math.max(1, (interval - kicks - refill) / cyclesPerAccess);
    accesses += n;
    guestCycles += interval;
    agentCycles += agent;
    steps.push({
      seconds: k * intervalSeconds,
      large: memory.report().host_large_fraction,
      cyclesPerAccess: interval / n,
      agentCyclesPerAccess: agent / n,
      promotions: memory.host!.promotions,
    });
  }
  return { steps, intervalSeconds, accesses, guestCycles, agentCycles };
}

/** The timeline as row columns: totals, and the steps as one compact JSON column. */
export function timelineColumns(timeline: Timeline): Row {
  const { steps } = timeline;
  const row: Row = {
    horizon_cycles_per_access: (timeline.guestCycles + timeline.agentCycles) / timeline.accesses,
    horizon_agent_cycles_per_access: timeline.agentCycles / timeline.accesses,
    timeline_interval_s: timeline.intervalSeconds,
    timeline_sample_accesses: SAMPLE_ACCESSES,
    timeline_sample_warmup_accesses: SAMPLE_WARMUP_ACCESSES,
    timeline: JSON.stringify(
      steps.map((s) => [
        s.seconds,
        Number(s.large.toFixed(4)),
        Number(s.cyclesPerAccess.toFixed(2)),
        Number(s.agentCyclesPerAccess.toFixed(4)),
        s.promotions,
      ]),
    ),
  };
  const at90 = steps.find((s) => s.large >= 0.9);
  if (at90 !== undefined && steps[0].large < 0.9) row.time_to_90pct_large_s = at90.seconds;
  return row;
}

/**
 * The steps of each timeline in a row's `timeline` column: one for a row of
 * one seed. A row summarised over seeds whose timelines differ holds each
 * distinct timeline once, joined by ` / ` (see `summarizeSeeds`; the JSON
 * of a timeline never contains that separator).
 */
export function parseTimelines(row: Row): TimelineStep[][] {
  if (typeof row.timeline !== "string") return [];
  return row.timeline.split(" / ").map((json) =>
    (JSON.parse(json) as number[][]).map((
      [seconds, large, cyclesPerAccess, agentCyclesPerAccess, promotions],
    ) => ({ seconds, large, cyclesPerAccess, agentCyclesPerAccess, promotions }))
  );
}
