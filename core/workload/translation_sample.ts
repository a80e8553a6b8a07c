/**
 * What translation costs a sampled guest, measured per access: the guest's
 * working set accessed through every vCPU's MMU, caches and walkers. The
 * state mechanisms change the machine under the guest (dirty logging splits
 * host large pages; a migration's destination starts with cold TLBs and
 * caches, and post-copy maps it with 4 KiB pages), and the sampled guest's
 * touches carry what these measurements say: slower touches, or a stall
 * while the destination warms up.
 *
 * @module
 */

import { measureCyclesPerAccess } from "../machine/access_cost.ts";
import type { Machine } from "../machine/machine.ts";
import type { SampledGuest } from "./sampled_guest.ts";
import { WorkingSetAccesses } from "./working_set_accesses.ts";

/** How the accesses of a sample are drawn. */
export interface TranslationSample {
  /** Accesses per vCPU per window (a warm-up window, then a measured one). */
  accesses: number;
  /** Fraction of the accesses that are stores. */
  writeFraction: number;
  /** Seed of the draws. */
  seed: number;
}

/**
 * Cycles per access of `pages` on `machine` as it is now, after a warm-up
 * window; the statistics the measurement charged are cleared after.
 *
 * @example A nested machine pays more per access than its compute alone
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { cyclesPerAccessOf } from "./translation_sample.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const machine = buildMachine({ platform: "nested" }, cost);
 * const pages = Uint32Array.from({ length: 2048 }, (_, i) => i);
 * const cpa = cyclesPerAccessOf(machine, pages, { accesses: 5000, writeFraction: 0.2, seed: 1 });
 * if (!(cpa > cost.baseCyclesPerAccess)) throw new Error(String(cpa));
 * ```
 */
export function cyclesPerAccessOf(
  machine: Machine,
  pages: Uint32Array,
  sample: TranslationSample,
): number {
  const cpa = measureCyclesPerAccess(
    machine,
    (v, phase) =>
      new WorkingSetAccesses(
        pages,
        sample.accesses,
        sample.writeFraction,
        sample.seed * 131 + 2 * v + phase,
      ),
  );
  machine.resetStats();
  return cpa;
}

/** Most windows {@linkcode coldStartCycles} runs before it calls the machine warm. */
export const MAX_WARMUP_WINDOWS = 32;

/**
 * Extra cycles each vCPU of `machine` spends, from cold TLBs, walk caches
 * and data caches, before it runs `pages` as fast as warm — measure it on
 * a machine that has run nothing yet (a destination just built):
 * windows of `sample.accesses` accesses run until one costs within 1 % of
 * the next; the penalty is what the windows before it cost beyond that
 * rate. Averaged over the vCPUs; the statistics are cleared after.
 *
 * @example A cold machine pays to warm up
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { coldStartCycles } from "./translation_sample.ts";
 * const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
 * const pages = Uint32Array.from({ length: 4096 }, (_, i) => i);
 * const extra = coldStartCycles(machine, pages, { accesses: 4000, writeFraction: 0.2, seed: 3 });
 * if (!(extra > 0)) throw new Error(String(extra));
 * ```
 */
export function coldStartCycles(
  machine: Machine,
  pages: Uint32Array,
  sample: TranslationSample,
): number {
  const windows: number[] = [];
  for (let w = 0; w < MAX_WARMUP_WINDOWS; w++) {
    // One window of accesses, measured on its own (phase 1 of a one-window run).
    const cycles = measureCyclesPerAccess(
      machine,
      (v, phase) =>
        phase === 0 ? new WorkingSetAccesses(pages, 0, 0, 0) : new WorkingSetAccesses(
          pages,
          sample.accesses,
          sample.writeFraction,
          sample.seed * 131 + 977 * w + v,
        ),
    );
    windows.push(cycles);
    if (w > 0 && windows[w - 1] <= cycles * 1.01) break;
  }
  machine.resetStats();
  const warm = windows[windows.length - 1];
  let extra = 0;
  for (let w = 0; w < windows.length - 1; w++) extra += Math.max(0, windows[w] - warm);
  return extra * sample.accesses;
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
 * guest's touches slow down by the ratio.
 *
 * @example Logging a 2M-backed nested guest splits its host pages and slows it
 * ```ts
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { SampledGuest } from "./sampled_guest.ts";
 * import { startDirtyLogging } from "./translation_sample.ts";
 * const machine = buildMachine(
 *   { platform: "nested", hostPage: "2m", guestMemoryPages: 4096, dirtyLog: {} },
 *   getProfile("intel-skylake-sp"),
 * );
 * machine.backGuestMemory(4096);
 * const guest = new SampledGuest(machine, {
 *   writeFraction: 0.2, workingSetFraction: 1, wsRunPages: 1, touchCycles: 1000, jobTouches: 0,
 * }, 1, { onTrap() {}, onJobDone() {} });
 * const start = startDirtyLogging(machine, guest, { accesses: 5000, writeFraction: 0.2, seed: 1 });
 * if (start.splits !== 8 || !(start.slowdown >= 1)) throw new Error(JSON.stringify(start));
 * ```
 */
export function startDirtyLogging(
  machine: Machine,
  guest: SampledGuest,
  sample: TranslationSample,
): LoggingStart {
  const log = machine.dirtyLog!;
  const ws = guest.workingSet;
  const largeHostPages = machine.config.hostPage !== "4k";
  const before = largeHostPages ? cyclesPerAccessOf(machine, ws, sample) : 0;
  const splits = log.start();
  const after = splits > 0 ? cyclesPerAccessOf(machine, ws, sample) : before;
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
