/**
 * Time on the clock is counted in core clock cycles of the cost profile;
 * devices and papers speak in seconds. These convert between the two.
 *
 * @module
 */

/**
 * Converts seconds to whole cycles at a clock of `clockGhz`, rounding up so
 * that a non-zero device time never becomes zero cycles.
 *
 * @example
 * ```ts
 * import { cyclesFromSeconds } from "./cycle_time.ts";
 * if (cyclesFromSeconds(1e-6, 2) !== 2000) throw new Error("1 µs at 2 GHz is 2,000 cycles");
 * ```
 */
export function cyclesFromSeconds(seconds: number, clockGhz: number): number {
  // Round first so that 1e-6 × 2e9 = 2000.0000000000002 does not become 2001.
  const exact = seconds * clockGhz * 1e9;
  const near = Math.round(exact);
  return Math.abs(exact - near) < 1e-6 * Math.max(1, near) ? near : Math.ceil(exact);
}

/**
 * Converts cycles to milliseconds at a clock of `clockGhz`.
 *
 * @example
 * ```ts
 * import { msFromCycles } from "./cycle_time.ts";
 * if (msFromCycles(3e6, 3) !== 1) throw new Error("3 M cycles at 3 GHz is 1 ms");
 * ```
 */
export function msFromCycles(cycles: number, clockGhz: number): number {
  return cycles / (clockGhz * 1e6);
}
