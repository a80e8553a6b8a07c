/**
 * The flat result row of one snapshot or restore run: the columns of
 * `snapshot.csv`.
 *
 * @module
 */

/**
 * One run's result. Times are milliseconds from the moment the snapshot or
 * restore was requested.
 *
 * A run that reaches its simulated-time limit before it ends has `finished`
 * false and a `gave_up_reason`; the times it could not measure (`total_ms`,
 * `guest_slowdown`, `stall_ms`, and `pause_ms`, `first_instruction_ms` or
 * `job_done_ms` when they had not happened yet) are `NaN`, the counts are
 * those up to the limit, and `lost_pages` checks the pages saved or restored
 * up to the limit.
 */
export type StateRow = {
  /** `snapshot` or `restore`. */
  phase: "snapshot" | "restore";
  /** Method name. */
  method: string;
  /** Pages per I/O batch. */
  batch_pages: number;
  /** Storage profile name. */
  storage: string;
  /** Guest memory (GiB). */
  memory_gib: number;
  /** vCPUs of the guest. */
  vcpus: number;
  /** Fraction of guest touches that write. */
  write_fraction: number;
  /** Fraction of guest memory the guest touches. */
  working_set_fraction: number;
  /** Time the guest could not run at all at the start (snapshot pause; restore: until the first instruction), plus a pre-copy's final pause (ms). */
  pause_ms: number;
  /** When the guest ran its first instruction after the request (ms). */
  first_instruction_ms: number;
  /** When the mechanism finished: image complete, or every page restored (plain lazy restore: when the guest's job finished) (ms). */
  total_ms: number;
  /** When every vCPU had completed its job of `jobMs` of guest work (ms). */
  job_done_ms: number;
  /** Fraction of guest progress lost from the request to `total_ms` (0 to 1). */
  guest_slowdown: number;
  /**
   * Mean time a vCPU spent blocked on the mechanism outside the pauses (ms),
   * per vCPU: all vCPUs together lost `stall_ms × vcpus`, so the stall per
   * fault is `stall_ms × vcpus / exits_write_protect` (or `/
   * exits_nested_fault` for a restore).
   */
  stall_ms: number;
  /** The hypervisor's platform (`nested` or `shadow`). */
  mode: string;
  /** Page size the host backs guest memory with. */
  host_page: string;
  /** How pre-copy logged dirty pages (`write-protect`, `pml`), or `none` for methods that do not. */
  dirty_log: string;
  /** VM exits of the guest's vCPUs during the run, every reason together. */
  exits: number;
  /** Exits on a write to a write-protected page (copy-before-write, dirty logging by write protection). */
  exits_write_protect: number;
  /** Exits on a page not yet in memory (lazy restore). */
  exits_nested_fault: number;
  /** Exits when a vCPU's page-modification log filled (dirty logging by PML). */
  exits_pml_full: number;
  /** Kicks: running vCPUs sent out of the guest to flush their TLBs or drain their PML logs. */
  exits_kick: number;
  /** Exits of every other reason (`exits_cr3_write`, `exits_io`, ...: 0 unless the platform traps them). */
  [exitsOfOtherReasons: `exits_${string}`]: number;
  /** Host large pages dirty logging split to 4 KiB. */
  host_pages_split: number;
  /**
   * How much slower a touch's work ran after the split: cycles per access
   * measured per access after it over before (1 when nothing was split).
   */
  translation_slowdown: number;
  /** Cycles per guest access measured per access before the split (0 when not measured). */
  access_cycles_before_split: number;
  /** Cycles per guest access measured per access after the split (0 when not measured). */
  access_cycles_after_split: number;
  /** Storage I/Os. */
  ios: number;
  /** Bytes written to the image (snapshot) or read from it (restore). */
  image_bytes: number;
  /** Pages written to or read from storage, repeats counted. */
  pages_moved: number;
  /** Largest amount of guest memory held in host buffers at once (bytes). */
  buffer_peak_bytes: number;
  /** Copy rounds (pre-copy), else 1. */
  rounds: number;
  /** Pages whose saved or restored version is wrong. 0 unless the mechanism is broken. */
  lost_pages: number;
  /** True when the run ended within its simulated-time limit; false when it gave up. */
  finished: boolean;
  /** Why the run gave up (what was still left to do at the limit), or "" when it finished. */
  gave_up_reason: string;
};
