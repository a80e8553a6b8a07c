/**
 * When pre-copy stops iterating, and QEMU's auto-converge: the decisions a
 * pre-copy sender takes at the end of each round, as pure functions of what
 * it measured, so that they can be checked against the code they come from.
 *
 * @module
 */

import type { StopRule } from "./migration_params.ts";

/** What a sender knows when a round has been sent. */
export interface RoundEnd {
  /** Live rounds sent so far (1 after round 0, which sends all memory). */
  rounds: number;
  /** Pages the round just sent (resends included). */
  roundPages: number;
  /** Pages dirtied since the round began and not yet resent: what is left. */
  pendingPages: number;
  /** Bytes sent so far, every round together. */
  sentBytes: number;
  /** Guest memory (bytes). */
  memoryBytes: number;
  /** Bandwidth measured over the last window (bytes per cycle). */
  bandwidth: number;
  /** The downtime limit (cycles). */
  downtimeCycles: number;
}

/** Bytes in a page as the stop rules count them. */
const PAGE = 4096;

// libxc's old loop (tools/libxc/xc_domain_save.c): DEF_MAX_ITERS 29,
// DEF_MAX_FACTOR 3, and fewer than 50 pages sent and skipped in a round.
const XEN_LEGACY_MAX_ITERS = 29;
const XEN_LEGACY_MAX_FACTOR = 3;
const XEN_FEW_PAGES = 50;
// Today's simple pre-copy policy (tools/libs/guest/xg_sr_save.c):
// SPP_MAX_ITERATIONS 5, SPP_TARGET_DIRTY_COUNT 50.
const XEN_MAX_ITERATIONS = 5;

/**
 * Why a rule stopped pre-copy: what was left fit (`converged`), or it hit a
 * cap on rounds (`round cap`) or on bytes sent (`byte cap`).
 */
export type StopReason = "converged" | "round cap" | "byte cap";

/**
 * Whether `rule` stops iterating after this round (the guest pauses and the
 * rest is sent) and why; null to go on.
 *
 * @example QEMU stops once the rest fits the downtime limit at the measured bandwidth
 * ```ts
 * import { stopsNow } from "./stop_rule.ts";
 * const end = {
 *   rounds: 3, roundPages: 5000, pendingPages: 1000, sentBytes: 1e9, memoryBytes: 1e9,
 *   bandwidth: 1, downtimeCycles: 4096 * 1000,
 * };
 * if (stopsNow("qemu", end) !== null) throw new Error("1,000 pages take exactly the limit");
 * if (stopsNow("qemu", { ...end, pendingPages: 999 }) !== "converged") throw new Error();
 * if (stopsNow("xen", end) !== null || stopsNow("xen", { ...end, rounds: 5 }) !== "round cap") {
 *   throw new Error();
 * }
 * ```
 */
export function stopsNow(rule: StopRule, end: RoundEnd): StopReason | null {
  if (rule === "qemu") {
    // migration_iteration_run: complete once pending_size < threshold_size,
    // threshold_size = bandwidth × downtime_limit; no round cap.
    return end.pendingPages * PAGE < end.bandwidth * end.downtimeCycles ? "converged" : null;
  }
  if (rule === "xen-legacy") {
    if (end.roundPages < XEN_FEW_PAGES) return "converged";
    if (end.rounds >= XEN_LEGACY_MAX_ITERS) return "round cap";
    return end.sentBytes > XEN_LEGACY_MAX_FACTOR * end.memoryBytes ? "byte cap" : null;
  }
  if (end.pendingPages < XEN_FEW_PAGES) return "converged";
  return end.rounds >= XEN_MAX_ITERATIONS ? "round cap" : null;
}

/**
 * The pre-copy model's round count under QEMU's rule: n* = ⌈ln(R·T/M) / ln ρ⌉
 * for memory `memoryBytes` (M), bandwidth `bytesPerSecond` (R), downtime
 * limit `downtimeS` (T) and dirty-to-send ratio `rho` (ρ, below 1): the
 * live rounds after which what is left, M·ρⁿ, fits in R·T
 * (shared/references/vm-state.md §0). 0 when all memory fits at once;
 * `Infinity` when ρ ≥ 1 and it does not.
 *
 * @example 1 GiB over 10 GbE with a 300 ms limit and ρ = 0.5
 * ```ts
 * import { modelRounds } from "./stop_rule.ts";
 * // R·T = 375 MB, M = 1.07 GB: ln(0.349) / ln(0.5) = 1.52, so 2 rounds.
 * if (modelRounds(2 ** 30, 1.25e9, 0.3, 0.5) !== 2) throw new Error();
 * ```
 */
export function modelRounds(
  memoryBytes: number,
  bytesPerSecond: number,
  downtimeS: number,
  rho: number,
): number {
  const fits = bytesPerSecond * downtimeS / memoryBytes;
  if (fits >= 1) return 0;
  if (rho >= 1) return Infinity;
  return Math.ceil(Math.log(fits) / Math.log(rho));
}

// QEMU migration/options.c: DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD 50,
// DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL 20, DEFAULT_MIGRATE_CPU_THROTTLE_INCREMENT
// 10, and the largest throttle, MAX_CPU_THROTTLE 99 (percent).
const TRIGGER_THRESHOLD = 0.5;
const THROTTLE_INITIAL = 0.2;
const THROTTLE_INCREMENT = 0.1;
const THROTTLE_MAX = 0.99;

/**
 * QEMU's auto-converge (migration/ram.c, `migration_trigger_throttle` and
 * `mig_throttle_guest_down`): at each sync of the dirty bitmap, a period
 * that dirtied more than 50 % of the bytes it sent counts as high; at the
 * second high period the vCPUs are throttled to 20 %, and at each second
 * one after that 10 % more, up to 99 %. The count of high periods is not
 * reset by a low one, as in QEMU.
 *
 * @example Two high periods start the throttle; two more raise it
 * ```ts
 * import { AutoConverge } from "./stop_rule.ts";
 * const ac = new AutoConverge();
 * const seen = [600, 600, 400, 600, 600].map((dirtied) => ac.afterSync(dirtied, 1000));
 * if (seen.join() !== "0,0.2,0.2,0.2,0.30000000000000004") throw new Error(seen.join());
 * ```
 */
export class AutoConverge {
  /** The vCPUs' throttle: the share of time they sleep (0 to 0.99). */
  throttle = 0;
  #high = 0;

  /**
   * A sync: the period since the last one dirtied `dirtiedBytes` and sent
   * `sentBytes`.
   * @returns the throttle from now on
   */
  afterSync(dirtiedBytes: number, sentBytes: number): number {
    if (dirtiedBytes > sentBytes * TRIGGER_THRESHOLD && ++this.#high >= 2) {
      this.#high = 0;
      this.throttle = this.throttle === 0
        ? THROTTLE_INITIAL
        : Math.min(THROTTLE_MAX, this.throttle + THROTTLE_INCREMENT);
    }
    return this.throttle;
  }
}
