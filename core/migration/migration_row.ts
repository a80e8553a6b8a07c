/**
 * The flat result row of one live migration: the columns of `migration.csv`.
 *
 * @module
 */

/**
 * One migration's result. Times are milliseconds from the moment the
 * migration was requested; rates are MiB/s (2^20 bytes per second).
 *
 * A migration that did not complete (the link failed, or the run reached
 * its simulated-time limit) has `completed` false and says why in
 * `outcome`; the times it could not measure are `NaN`.
 */
export type MigrationRow = {
  /** Method name. */
  method: string;
  /** Guest memory (GiB). */
  memory_gib: number;
  /** vCPUs of the guest. */
  vcpus: number;
  /** Distinct-page dirty rate the guest was given, unhindered (MiB/s). */
  dirty_rate_mib_s: number;
  /** Fraction of memory the guest writes. */
  wws_fraction: number;
  /** Fraction of memory the guest reads. */
  working_set_fraction: number;
  /** Link profile name. */
  link: string;
  /** Pre-copy's stop rule, or `none` for methods without one. */
  stop_rule: string;
  /** How dirty pages were logged, or `none`. */
  dirty_log: string;
  /** True when QEMU's auto-converge was on. */
  auto_converge: boolean;
  /** True when post-copy requests had a preempt channel. */
  preempt: boolean;
  /** The hypervisor's platform. */
  mode: string;
  /** Page size the source host backs guest memory with. */
  host_page: string;
  /** Page size the destination host backs it with (4k for post-copy and hybrid). */
  dest_host_page: string;
  /** From pausing the guest on the source to its first instruction on the destination (ms). */
  downtime_ms: number;
  /** When the guest ran its first instruction on the destination (ms). */
  switch_ms: number;
  /** When the migration was over: the destination holds every page and runs the guest (ms). */
  total_ms: number;
  /** From the switch to the last page's arrival: the time post-copy leaves the guest split over two hosts (ms). */
  postcopy_ms: number;
  /** Bytes put on the wire from source to destination: payloads and page headers, device state included. */
  bytes_sent: number;
  /** Pages sent, resends counted. */
  pages_sent: number;
  /** Of those, pages sent as a header alone because they held only zeros. */
  zero_pages_sent: number;
  /** Live pre-copy rounds before the pause (round 0 sends all memory); 0 for stop-and-copy and post-copy. */
  rounds: number;
  /** True when pre-copy stopped because what was left fit its rule (not at a cap, the lab's timeout, a hybrid's switch to post-copy or an abort); true for methods without iterations. */
  converged: boolean;
  /**
   * Why pre-copy stopped iterating: `converged`, `round cap` or `byte cap`
   * (Xen's rules), `timeout` (the lab's bound), `post-copy` (hybrid switched
   * once the rounds stopped paying); `none` without iterations.
   */
  stop_reason: string;
  /** Highest auto-converge throttle reached (0 to 0.99). */
  throttle_max: number;
  /** Distinct pages the guest dirtied per second while pre-copy iterated, as it ran (MiB/s; 0 without iterations). */
  achieved_dirty_rate_mib_s: number;
  /** Bandwidth the sender had measured when it decided to stop (MiB/s; 0 without iterations). */
  measured_bandwidth_mib_s: number;
  /**
   * Mean time a vCPU lost after the switch (ms): stalled on remote faults, and
   * warming the destination's cold TLBs, walk caches and data caches.
   */
  degraded_ms: number;
  /** Of `degraded_ms`, the cold start alone: extra time to warm the destination (ms). */
  cold_start_ms: number;
  /** Faults on the destination on a page still at the source (post-copy, hybrid). */
  remote_faults: number;
  /** Mean stall of one remote fault, from the touch to the vCPU running again (ms; 0 without faults). */
  fault_stall_ms: number;
  /** Fraction of guest progress lost from the request to `total_ms` (0 to 1). */
  guest_slowdown: number;
  /** VM exits of the guest's vCPUs on both hosts, every reason together. */
  exits: number;
  /** Exits by reason (`exits_write_protect`, `exits_pml_full`, `exits_kick`, `exits_nested_fault`, ...). */
  [exitsOfOneReason: `exits_${string}`]: number;
  /** Host large pages dirty logging split on the source. */
  host_pages_split: number;
  /** How much slower the guest ran on the source while dirty pages were logged (per-access ratio; 1 without a split). */
  translation_slowdown: number;
  /** How much slower it runs on the destination than on the source before the migration (per-access ratio). */
  dest_translation_slowdown: number;
  /** Cycles per guest access on the source before the migration, measured per access. */
  access_cycles_source: number;
  /** Cycles per guest access on the source once logging split its host pages (0 when nothing was split). */
  access_cycles_logging: number;
  /** Cycles per guest access on the destination once warm. */
  access_cycles_dest: number;
  /** Pages on the destination whose version is not the source's at the switch plus the destination's own writes; 0 unless the mechanism is broken. */
  lost_pages: number;
  /** True when neither host holds a whole image of the guest: the link failed during post-copy. */
  vm_lost: boolean;
  /** True when the guest runs on the destination with all its memory there. */
  completed: boolean;
  /** `completed`, or what happened instead. */
  outcome: string;
};
