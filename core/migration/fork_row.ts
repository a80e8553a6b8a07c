/**
 * The flat result row of one VM fork run: the fork columns of
 * `migration.csv`.
 *
 * @module
 */

/**
 * One fork's result. Times are milliseconds from the fork request (instant
 * 0, when the parent stops).
 *
 * A run that reaches its simulated-time limit before every child has done
 * its job has `finished` false and a `gave_up_reason`; the times it could
 * not measure are `NaN`, the counts are those up to the limit, and
 * `lost_pages` checks the pages the children held at the limit.
 */
export type ForkRow = {
  /** Child VMs forked. */
  children: number;
  /** `local` (children on the parent's host) or `remote` (on another host). */
  placement: string;
  /** Link profile between the parent's host and the children's, or `none` for local children. */
  link: string;
  /** True when each child brought in the parent's recorded working set before its first instruction. */
  prefetch: boolean;
  /** True when fresh pages (allocated by the child, written first) were not fetched. */
  skip_fresh: boolean;
  /** True when a page crossing the link reached every child (remote only). */
  multicast: boolean;
  /** `suspended` or `stunned`. */
  parent: string;
  /** Guest memory of the parent and of each child (GiB). */
  memory_gib: number;
  /** vCPUs of the parent and of each child. */
  vcpus: number;
  /** Fraction of guest memory the guests read (the working set). */
  working_set_fraction: number;
  /** Fraction of the guests' touches that write. */
  write_fraction: number;
  /** Size of the writable working set as a fraction of the working set's. */
  writable_fraction: number;
  /** Fraction of the writable working set the child allocates fresh. */
  fresh_fraction: number;
  /** Bytes of one fork descriptor: CPU and device state plus the guest's page-table pages. */
  descriptor_bytes: number;
  /**
   * How long the parent stopped for the fork: capturing the descriptor, and
   * for a stunned parent write-protecting its memory and the stun (ms). A
   * suspended parent stays stopped after that.
   */
  parent_pause_ms: number;
  /** When a child ran its first instruction, mean over the children (ms). */
  first_instruction_ms: number;
  /** When the last child ran its first instruction (ms). */
  last_first_instruction_ms: number;
  /**
   * Pages brought from the parent: over the link (remote; a multicast page
   * counts once), or mapped from the parent's frames (local); prefetched
   * pages included, all children together.
   */
  pages_fetched: number;
  /** Fresh pages mapped zeroed instead of fetched (skipFresh), all children together. */
  pages_skipped: number;
  /** Payload bytes over the link: descriptors and pages (0 for local children). */
  bytes_sent: number;
  /** Child exits on a missing page that waited for the link. */
  remote_faults: number;
  /** Child exits on a missing page served on the child's host: a parent's frame mapped, or a zeroed page. */
  local_faults: number;
  /** Copies of the parent's frames made for a local child's write. */
  cow_copies: number;
  /** Pages a stunned parent copied before its first write after the fork. */
  parent_cow_copies: number;
  /**
   * Mean time a child's vCPU spent stalled on the fork between its first
   * instruction and the end of its job (ms per vCPU).
   */
  stall_ms: number;
  /** When every child had done its `jobMs` of work on every vCPU (ms). */
  job_done_ms: number;
  /** VM exits during the run, children and parent together. */
  exits: number;
  /** Exits on a page not yet in a child's memory. */
  exits_nested_fault: number;
  /** Exits on a write to a write-protected page: a local child's shared frame, a stunned parent's image. */
  exits_write_protect: number;
  /** Exits of every other reason (`exits_cr3_write`, `exits_io`, ...: 0 unless the platform traps them). */
  [exitsOfOtherReasons: `exits_${string}`]: number;
  /**
   * Child pages that held a version other than the parent's at the fork
   * instant plus the child's own writes (fresh pages skipped: a zeroed page
   * plus the child's writes). 0 unless the mechanism is broken.
   */
  lost_pages: number;
  /** True when every child's job ended within the simulated-time limit. */
  finished: boolean;
  /** Why the run gave up (what was left to do at the limit), or "" when it finished. */
  gave_up_reason: string;
};
