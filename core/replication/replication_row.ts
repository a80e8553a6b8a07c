/**
 * The flat result row of one replication run: the columns of
 * `replication.csv`.
 *
 * @module
 */

/**
 * One replication run's result. Times are milliseconds; rates are MiB/s
 * (2^20 bytes per second). Figures a run could not measure (a recovery
 * point when the production host did not fail, a pause when nothing
 * pauses) are `NaN`; `outcome` says what happened.
 */
export type ReplicationRow = {
  /** Method name. */
  method: string;
  /** Checkpoint interval asked for (ms). */
  interval_ms: number;
  /** Guest memory (GiB; 0 for disk replication, which does not model the guest's memory). */
  memory_gib: number;
  /** The guest's disk (GiB). */
  disk_gib: number;
  /** vCPUs of the guest (0 for disk replication). */
  vcpus: number;
  /** Distinct-page dirty rate the guest was given, unhindered (MiB/s; 0 for disk replication, which ships no memory). */
  dirty_rate_mib_s: number;
  /** Fraction of memory the guest writes. */
  wws_fraction: number;
  /** Rate of the guest's disk writes (MiB/s). */
  disk_write_mib_s: number;
  /** Link profile name. */
  link: string;
  /** Share of the link the stream may use. */
  bandwidth_share: number;
  /** Payload compression ratio. */
  compression_ratio: number;
  /** How dirty pages were logged, or `none` (disk replication). */
  dirty_log: string;
  /** What failed: `production`, `backup` or `none`. */
  failure: string;
  /**
   * What replication was doing when the production host failed: `pause`
   * (a checkpoint being captured), `transfer` (one on its way), `commit`
   * (applied or being applied, its acknowledgement not yet back),
   * `running` (between checkpoints), `none` (no production failure).
   */
  failure_phase: string;
  /** When it failed (ms after replication started; NaN without a failure). */
  fail_at_ms: number;
  /** Length of the link outage (ms; 0 without one). */
  link_outage_ms: number;
  /** How the backup restored memory (`resident`, `full`, `lazy`), `boot` for disk replication, `none` without failover. */
  restore: string;
  /** Checkpoints captured. */
  checkpoints: number;
  /** Checkpoints the backup applied whole. */
  checkpoints_applied: number;
  /** Mean time from one capture to the next (ms): the interval, or longer when the link cannot keep up. */
  effective_interval_ms: number;
  /** Mean distinct memory pages per checkpoint. */
  dirty_pages_per_checkpoint: number;
  /** Mean bytes on the wire per checkpoint (MiB): pages, blocks, headers and device state. */
  checkpoint_mib: number;
  /** Mean time from a checkpoint's capture to its acknowledgement at the production host (ms). */
  commit_ms: number;
  /** Link use: bytes on the wire over the run's time (MiB/s). */
  bandwidth_mib_s: number;
  /** What the checkpoints needed: mean bytes per checkpoint over the interval asked for (MiB/s). */
  bandwidth_needed_mib_s: number;
  /** True when checkpoints could not keep their interval: most waited for the previous one's acknowledgement. */
  link_saturated: boolean;
  /** Mean pause of the guest per checkpoint (ms; 0 for disk replication, which does not pause). */
  pause_ms_per_checkpoint: number;
  /** Fraction of guest progress lost to pauses, dirty-logging exits and TLB refills up to the failure or the run's end (0 to 1). */
  guest_slowdown: number;
  /** Mean time a client-visible output was held before its release (ms; 0 for methods that do not hold outputs). */
  output_delay_ms: number;
  /** Longest time an output was held (ms). */
  output_delay_max_ms: number;
  /** Outputs the guest produced on the production host. */
  outputs: number;
  /** Of those, outputs released to clients. */
  outputs_released: number;
  /** Released outputs that depend on state the backup did not recover (clients saw work that was lost). */
  released_outputs_lost: number;
  /** Recovery point: guest run time from the capture of the checkpoint the backup recovered to the failure (ms). */
  rpo_ms: number;
  /** The bound the model gives while the link keeps up: interval + the longest commit time (ms); NaN without a failover, or once the link did not keep up (an outage before the failure, or saturated). */
  rpo_bound_ms: number;
  /** Recovery time: from the failure to the guest's first instruction on the backup (ms). */
  rto_ms: number;
  /** Of `rto_ms`: until the backup declared the production host failed (ms). */
  detect_ms: number;
  /** Of `rto_ms`: restoring memory (full: reading the image; lazy: the device state; resident: 0) or booting (disk) (ms). */
  restore_ms: number;
  /** Lazy restore: from the first instruction until every page is read (ms; 0 otherwise). */
  restore_background_ms: number;
  /** Extra time the backup's vCPUs spend warming cold TLBs, walk caches and data caches after failover (ms; 0 for disk replication). */
  cold_start_ms: number;
  /** VM exits of the guest's vCPUs on the production host, every reason together. */
  exits: number;
  /** Exits by reason (`exits_write_protect`, `exits_pml_full`, `exits_kick`, ...). */
  [exitsOfOneReason: `exits_${string}`]: number;
  /** Host large pages dirty logging split. */
  host_pages_split: number;
  /** How much slower a guest access is while dirty pages are logged (ratio; 1 without a split). */
  translation_slowdown: number;
  /** Memory pages on the backup whose version is not the production host's at the recovered capture; 0 unless broken. */
  lost_pages: number;
  /** Disk blocks on the backup whose version is not the production disk's at the recovered capture; 0 unless broken. */
  lost_blocks: number;
  /** Checkpoints the backup applied in part (a mix of two epochs); 0 unless broken. */
  torn_checkpoints: number;
  /** `recovered`, or what happened instead. */
  outcome: string;
};
