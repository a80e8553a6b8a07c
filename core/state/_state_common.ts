// Helpers shared by the snapshot and restore runs (private to core/state).

import type { CostModel } from "../cost.ts";
import { EXIT_REASON_NAMES } from "../virt/exit_reason.ts";
import { cyclesFromSeconds, msFromCycles } from "../sim.ts";
import type { GuestVcpus, GuestWorkload } from "./guest_vcpus.ts";
import type { StateSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../page_size.ts";

/** Bytes in a guest page (the state mechanisms move 4 KiB pages). */
export const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];

/** Cycles of one exit with reason `reason`: the round trip plus its handler's work. */
export function exitCycles(cost: CostModel, reason: number): number {
  const handler = cost.exitHandlerCycles[EXIT_REASON_NAMES[reason]];
  return cost.vmExitCycles + (typeof handler === "number" ? handler : 0);
}

/** The guest workload of a run, in cycles of `cost`. */
export function workloadOf(s: StateSettings, cost: CostModel): GuestWorkload {
  const touchCycles = Math.max(1, Math.round(s.accessesPerTouch * cost.baseCyclesPerAccess));
  const jobCycles = s.jobMs * cost.clockGhz * 1e6;
  return {
    vcpus: s.vcpus,
    writeFraction: s.writeFraction,
    workingSetFraction: s.workingSetFraction,
    wsRunPages: s.wsRunPages,
    touchCycles,
    jobTouches: Math.ceil(jobCycles / touchCycles),
  };
}

/**
 * The last cycle a run simulates: its simulated-time limit. The guest runs
 * no touch after it (`haltAt` is one cycle later, so touches at the limit
 * itself still run, as without a limit).
 */
export function limitCycles(s: StateSettings, cost: CostModel): number {
  return cyclesFromSeconds(s.simTimeLimitS, cost.clockGhz);
}

/** Why a run gave up, in words: `what` is what was left to do at the limit. */
export function gaveUpReason(s: StateSettings, what: string): string {
  return `did not finish within ${s.simTimeLimitS} s of simulated time: ${what}`;
}

/**
 * Page order with the working set first (`hotFirst`) or last, each part
 * ascending; returns the order and its inverse (position of each page).
 */
export function workingSetOrder(
  inWorkingSet: Uint8Array,
  hotFirst: boolean,
): { order: Uint32Array; pos: Uint32Array } {
  const n = inWorkingSet.length;
  const order = new Uint32Array(n);
  const pos = new Uint32Array(n);
  let k = 0;
  const firstMark = hotFirst ? 1 : 0;
  for (let pass = 0; pass < 2; pass++) {
    const mark = pass === 0 ? firstMark : 1 - firstMark;
    for (let p = 0; p < n; p++) {
      if (inWorkingSet[p] === mark) {
        pos[p] = k;
        order[k++] = p;
      }
    }
  }
  return { order, pos };
}

/** Identity order and its inverse. */
export function addressOrder(n: number): { order: Uint32Array; pos: Uint32Array } {
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p++) order[p] = p;
  return { order, pos: order };
}

/** Measurements a mechanism hands to {@linkcode buildRow}, in cycles and counts. */
export interface RunTotals {
  /** Cycles the guest could not run at the start plus a final pause. */
  pauseCycles: number;
  /** Cycle of the guest's first instruction. */
  firstInstruction: number;
  /** Cycle at which the mechanism finished. */
  done: number;
  /** Cycle at which the guest's job finished. */
  jobDone: number;
  /** vCPU cycles lost from 0 to `done`, all vCPUs together. */
  lost: number;
  /** Storage I/Os. */
  ios: number;
  /** Image bytes moved. */
  imageBytes: number;
  /** Pages moved. */
  pagesMoved: number;
  /** Peak buffered pages. */
  bufferPeakPages: number;
  /** Copy rounds. */
  rounds: number;
  /** Pages lost. */
  lostPages: number;
  /** False when the run gave up at its simulated-time limit. */
  finished: boolean;
  /** Why it gave up, or "". */
  gaveUpReason: string;
}

/**
 * Assembles the result row. For a run that gave up, `done` is not known: the
 * total, slowdown and stall are `NaN`, and so are the other times the
 * mechanism passes as `NaN`.
 */
export function buildRow(
  phase: "snapshot" | "restore",
  method: string,
  s: StateSettings,
  cost: CostModel,
  guest: GuestVcpus,
  t: RunTotals,
): StateRow {
  const ms = (c: number): number => msFromCycles(c, cost.clockGhz);
  let exits = 0;
  for (let i = 0; i < guest.exits.length; i++) exits += guest.exits[i];
  const v = s.vcpus;
  const known = t.finished || t.done >= 0;
  return {
    phase,
    method,
    batch_pages: s.batchPages,
    storage: s.storage.name,
    memory_gib: s.memoryGib,
    vcpus: v,
    write_fraction: s.writeFraction,
    working_set_fraction: s.workingSetFraction,
    pause_ms: ms(t.pauseCycles),
    first_instruction_ms: ms(t.firstInstruction),
    total_ms: known ? ms(t.done) : NaN,
    job_done_ms: ms(t.jobDone),
    guest_slowdown: !known ? NaN : t.done > 0 ? Math.min(1, t.lost / (v * t.done)) : 0,
    stall_ms: known ? ms(Math.max(0, t.lost - v * t.pauseCycles) / v) : NaN,
    exits,
    ios: t.ios,
    image_bytes: t.imageBytes,
    pages_moved: t.pagesMoved,
    buffer_peak_bytes: t.bufferPeakPages * PAGE_BYTES,
    rounds: t.rounds,
    lost_pages: t.lostPages,
    finished: t.finished,
    gave_up_reason: t.gaveUpReason,
  };
}
