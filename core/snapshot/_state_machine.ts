// The machine a state run's guest runs on, the guest's workload, and what
// starting dirty logging does to both (private to core/snapshot).

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { measureCyclesPerAccess } from "../machine/access_cost.ts";
import { buildMachine } from "../machine/build_machine.ts";
import type { DirtyLogMethod } from "../machine/machine_config.ts";
import type { Machine } from "../machine/machine.ts";
import type { GuestWorkload, SampledGuest } from "../workload/sampled_guest.ts";
import { WorkingSetAccesses } from "../workload/working_set_accesses.ts";
import type { StateSettings } from "./state_params.ts";

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
