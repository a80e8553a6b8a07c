// The machine a state run's guest runs on and the guest's workload (private
// to core/snapshot).

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { buildMachine } from "../machine/build_machine.ts";
import type { DirtyLogMethod } from "../machine/machine_config.ts";
import type { Machine } from "../machine/machine.ts";
import { type GuestWorkload, touchCyclesOf } from "../workload/sampled_guest.ts";
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
  const touchCycles = touchCyclesOf(s.accessesPerTouch, cost);
  const jobCycles = s.jobMs * cost.clockGhz * 1e6;
  return {
    writeFraction: s.writeFraction,
    workingSetFraction: s.workingSetFraction,
    wsRunPages: s.wsRunPages,
    touchCycles,
    jobTouches: Math.ceil(jobCycles / touchCycles),
  };
}
