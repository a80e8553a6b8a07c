/**
 * The bandwidth a sender measures on its transport, as QEMU's migration
 * keeps one: bytes that arrived over a window of at least
 * {@linkcode BANDWIDTH_WINDOW_S} (QEMU's `BUFFER_DELAY`, 100 ms, in
 * `migration_update_counters`), re-measured each time a window closes. A
 * pre-copy stops iterating when what is left would take less than its
 * downtime limit at this rate (`threshold_size = bandwidth × downtime_limit`).
 *
 * @module
 */

/** Shortest window the estimate is measured over (s): QEMU's `BUFFER_DELAY`, 100 ms. */
export const BANDWIDTH_WINDOW_S = 0.1;

/**
 * A measured-bandwidth estimate, in bytes per cycle.
 *
 * @example 1,000 bytes over a 100-cycle window
 * ```ts
 * import { BandwidthEstimate } from "./bandwidth_estimate.ts";
 * const bw = new BandwidthEstimate(100);
 * bw.record(400, 50);
 * if (bw.bytesPerCycle(50) !== 8) throw new Error("running rate before the window closes");
 * bw.record(600, 100);
 * if (bw.bytesPerCycle(150) !== 10) throw new Error("rate of the closed window");
 * ```
 */
export class BandwidthEstimate {
  /** Length of a window (cycles). */
  readonly windowCycles: number;
  #start = 0;
  #bytes = 0;
  #rate = 0;
  #measured = false;

  /**
   * Creates an estimate with nothing measured, its first window starting at cycle 0.
   * @param windowCycles shortest window, in cycles (at least 1)
   */
  constructor(windowCycles: number) {
    this.windowCycles = Math.max(1, windowCycles);
  }

  /** Starts a new window at `now`, forgetting what was measured. */
  reset(now: number): void {
    this.#start = now;
    this.#bytes = 0;
    this.#rate = 0;
    this.#measured = false;
  }

  /** `bytes` arrived at cycle `at` (not before the previous record); a window closes once it is long enough. */
  record(bytes: number, at: number): void {
    this.#bytes += bytes;
    const span = at - this.#start;
    if (span >= this.windowCycles) {
      this.#rate = this.#bytes / span;
      this.#measured = true;
      this.#start = at;
      this.#bytes = 0;
    }
  }

  /**
   * The estimate at `now`: the rate of the last closed window; before any
   * window closed, the bytes so far over the time so far (0 before any time passed).
   */
  bytesPerCycle(now: number): number {
    if (this.#measured) return this.#rate;
    return now > this.#start ? this.#bytes / (now - this.#start) : 0;
  }
}
