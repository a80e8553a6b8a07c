// Helpers shared by the snapshot and restore runs (private to core/state).

import type { CostModel } from "../cost/cost_model.ts";
import { measureCyclesPerAccess } from "../machine/access_cost.ts";
import { buildMachine } from "../machine/build_machine.ts";
import type { DirtyLogMethod } from "../machine/machine_config.ts";
import type { Machine } from "../machine/machine.ts";
import { EXIT_REASON_NAMES } from "../base/exit_reason.ts";
import { EventClock } from "../clock/event_clock.ts";
import { cyclesFromSeconds, msFromCycles } from "../clock/cycle_time.ts";
import type { GuestWorkload, SampledGuest } from "../workload/sampled_guest.ts";
import { WorkingSetAccesses } from "../workload/working_set_accesses.ts";
import type { StateSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";

/** Bytes in a guest page (the state mechanisms move 4 KiB pages). */
export const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];

/**
 * The machine a state run's guest runs on: the settings' platform and vCPUs,
 * the guest's memory tracked (and, with large host pages, backed up front,
 * as a resident THP-backed guest's is), logging dirty pages with
 * `dirtyLog` when given.
 */
export function buildStateMachine(
  s: StateSettings,
  cost: CostModel,
  dirtyLog: DirtyLogMethod | null,
): Machine {
  const machine = buildMachine({
    platform: s.platform,
    vcpus: s.vcpus,
    hostPage: s.hostPage,
    guestMemoryPages: s.pages,
    ...(dirtyLog === null ? {} : { dirtyLog: { method: dirtyLog } }),
  }, cost);
  if (s.hostPage !== "4k") machine.backGuestMemory(s.pages);
  return machine;
}

/**
 * The guest workload of a run, in cycles of `cost`: a touch stands for
 * `accessesPerTouch` accesses of unhindered work.
 */
export function workloadOf(s: StateSettings, cost: CostModel): GuestWorkload {
  const touchCycles = Math.max(1, Math.round(s.accessesPerTouch * cost.baseCyclesPerAccess));
  const jobCycles = s.jobMs * cost.clockGhz * 1e6;
  return {
    writeFraction: s.writeFraction,
    workingSetFraction: s.workingSetFraction,
    wsRunPages: s.wsRunPages,
    touchCycles,
    jobTouches: Math.ceil(jobCycles / touchCycles),
  };
}

/** What starting dirty logging did to the machine. */
export interface LoggingStart {
  /** Host large pages split. */
  splits: number;
  /** Cycles per access after the split over cycles per access before (1 when nothing was split). */
  slowdown: number;
  /** Cycles per access measured before the split (0 when not measured: no large host pages). */
  cyclesBefore: number;
  /** Cycles per access measured after the split (0 when not measured). */
  cyclesAfter: number;
}

/** What a run that logs no dirty pages reports about logging. */
export const NO_LOGGING: LoggingStart = { splits: 0, slowdown: 1, cyclesBefore: 0, cyclesAfter: 0 };

/**
 * Starts the machine's dirty log (splitting host large pages) and measures,
 * per access, what the split costs: `guest`'s working set accessed through
 * every vCPU's MMU before and after, the same accesses both times; the
 * guest's touches slow down by the ratio. Then clears the statistics the
 * measurement charged.
 */
export function startDirtyLogging(
  machine: Machine,
  guest: SampledGuest,
  s: StateSettings,
  seed: number,
): LoggingStart {
  const log = machine.dirtyLog!;
  const ws = guest.workingSet;
  const workload = (v: number, phase: number) =>
    new WorkingSetAccesses(
      ws,
      s.translationSampleAccesses,
      s.writeFraction,
      seed * 131 + 2 * v + phase,
    );
  const largeHostPages = s.hostPage !== "4k";
  const before = largeHostPages ? measureCyclesPerAccess(machine, workload) : 0;
  const splits = log.start();
  const after = splits > 0 ? measureCyclesPerAccess(machine, workload) : before;
  machine.resetStats();
  const slowdown = before > 0 ? Math.max(1, after / before) : 1;
  guest.slowDown(slowdown);
  return {
    splits,
    slowdown,
    cyclesBefore: before,
    cyclesAfter: splits > 0 ? after : 0,
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

/**
 * The clock of one state run and its end: a run ends when the mechanism
 * calls {@linkcode StateClock.finish} (its work and the guest's job both
 * done), or gives up at the settings' simulated-time limit.
 */
export class StateClock {
  /** The clock the guest, the mechanism and its page mover run on. */
  readonly sim: EventClock = new EventClock();
  #finished = false;

  /**
   * Runs until the mechanism finishes or the limit; returns true when the
   * run gave up at the limit. `done` tells whether the mechanism's own work
   * was complete.
   * @throws Error when the queue ran dry before the mechanism was done: a model bug, never bad input
   */
  run(
    guest: SampledGuest,
    s: StateSettings,
    cost: CostModel,
    what: string,
    done: () => boolean,
  ): boolean {
    const limit = limitCycles(s, cost);
    // A run may finish before the clock starts (nothing to do): the guest stays halted.
    if (!this.#finished) guest.haltAt = limit + 1;
    this.sim.run(limit);
    // Events left after the limit: the run gave up there.
    const gaveUp = !this.#finished && this.sim.pending > 0;
    if (!done() && !gaveUp) {
      throw new Error(`${what}: the event queue ran dry before the ${what} finished`);
    }
    return gaveUp;
  }

  /** The mechanism and the guest's job are done: the guest halts and the clock stops now. */
  finish(guest: SampledGuest): void {
    guest.haltAt = this.sim.now;
    this.#finished = true;
    this.sim.stop();
  }

  /** True once {@linkcode StateClock.finish} was called. */
  get finished(): boolean {
    return this.#finished;
  }
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
  /** Dirty logging used, or `none`. */
  dirtyLog: string;
  /** What starting dirty logging did. */
  logging: LoggingStart;
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
  machine: Machine,
  t: RunTotals,
): StateRow {
  const ms = (c: number): number => msFromCycles(c, cost.clockGhz);
  const counters = machine.report().counters;
  const byReason: Record<string, number> = {};
  for (const name of EXIT_REASON_NAMES) byReason[`exits_${name}`] = counters[`exits_${name}`];
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
    platform: s.platform,
    host_page: s.hostPage,
    dirty_log: t.dirtyLog,
    exits: counters.vm_exits,
    ...byReason,
    exits_write_protect: counters.exits_write_protect,
    exits_nested_fault: counters.exits_nested_fault,
    exits_pml_full: counters.exits_pml_full,
    exits_kick: counters.exits_kick,
    host_pages_split: t.logging.splits,
    translation_slowdown: t.logging.slowdown,
    access_cycles_before_split: t.logging.cyclesBefore,
    access_cycles_after_split: t.logging.cyclesAfter,
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
