// Assembling a state run's result row (private to core/snapshot).

import { msFromCycles } from "../clock/cycle_time.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import type { Machine } from "../machine/machine.ts";
import type { LoggingStart } from "../workload/translation_sample.ts";
import { PAGE_BYTES } from "./_state_machine.ts";
import type { StateSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

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
  const exits = exitCounts([machine]);
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
    mode: s.platform,
    host_page: s.hostPage,
    dirty_log: t.dirtyLog,
    ...exits,
    exits_write_protect: exits.exits_write_protect,
    exits_nested_fault: exits.exits_nested_fault,
    exits_pml_full: exits.exits_pml_full,
    exits_kick: exits.exits_kick,
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
