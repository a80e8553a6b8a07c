/**
 * The flat result row of one partition-bus run: the columns of
 * `partition-bus.csv`.
 *
 * @module
 */

/**
 * One partition-bus run's result. Times are microseconds; rates are per
 * second of simulated time; cycles are core cycles of the cost profile.
 * Cycles count the work of both partitions and of the hypervisor for the
 * bus — rings, copies, signals, interrupts, remaps and shootdowns, the
 * receiver's reads of the payload — but not the sender's application
 * writing the payload, which is the same whatever the method.
 */
export type BusRow = {
  /** Method asked for (`policy` included). */
  method: string;
  /** Payload of each message (bytes). */
  message_bytes: number;
  /** Signalling mode. */
  signalling: string;
  /** Rate messages arrived at (msgs/s). */
  offered_msgs_s: number;
  /** Most messages per doorbell. */
  batch: number;
  /** vCPUs of the sending guest. */
  vcpus: number;
  /** Paging of both partitions. */
  mode: string;
  /** Whether the receiver read each payload. */
  receiver_touches: boolean;
  /** Messages sent. */
  messages: number;
  /** Messages the receiver took, once each, in order, intact. */
  delivered: number;
  /** Messages sent but never taken by the run's end (a lost wake-up leaves them in the ring). */
  lost_messages: number;
  /** Messages the receiver took more than once. */
  duplicated_messages: number;
  /** Messages the receiver took out of order. */
  reordered_messages: number;
  /** Messages whose payload pages did not hold what the sender wrote. */
  corrupted_messages: number;
  /** Remapped pages a sender's vCPU could still reach through its TLB after the remap. */
  stale_translations: number;
  /** Payload delivered per second of the run (MiB/s). */
  throughput_mib_s: number;
  /** Messages delivered per second of the run. */
  msgs_s: number;
  /** Median time from a message's arrival at the sender to the receiver's done with it (µs). */
  latency_p50_us: number;
  /** 99th percentile of that time (µs). */
  latency_p99_us: number;
  /** Mean of that time (µs). */
  latency_mean_us: number;
  /** VM exits of both partitions per message delivered. */
  exits_per_msg: number;
  /** Signalling hypercalls per message, data and completion rings together. */
  signals_per_msg: number;
  /** Interrupts the receiver took per message for the data ring. */
  interrupts_per_msg: number;
  /** Interrupts the sender took per message for completions and ring space. */
  sender_interrupts_per_msg: number;
  /** Cycles of both partitions and the hypervisor per message. */
  cycles_per_msg: number;
  /** Cycles per byte of payload delivered. */
  cycles_per_byte: number;
  /** The sending guest's vCPUs' cycles per message (its share of the hypervisor's work for it included). */
  sender_cycles_per_msg: number;
  /** The receiving partition's cycles per message. */
  receiver_cycles_per_msg: number;
  /** Cycles per message copying payload (inline, transfer pages, hypervisor copy). */
  copy_cycles_per_msg: number;
  /** Cycles per message of exits, signals, interrupts and wake-ups. */
  signal_cycles_per_msg: number;
  /** Cycles per message of remapping: host-map updates, shootdowns, flushes, hypercalls. */
  remap_cycles_per_msg: number;
  /** Cycles per message of address translation (TLB lookups and walks) by either side. */
  translation_cycles_per_msg: number;
  /** Cycles per message a polling vCPU spent finding nothing. */
  poll_cycles_per_msg: number;
  /** TLB shootdowns (one per remapped message, across the sender's vCPUs). */
  tlb_shootdowns: number;
  /** Page walks per message, both sides. */
  walks_per_msg: number;
  /** Messages sent by remap (the policy's share shows here). */
  remapped_messages: number;
  /** Times the sender found the ring full and waited for space. */
  ring_full_waits: number;
  /** Times the sender waited for buffers lent to the receiver to come back. */
  buffer_waits: number;
  /** Share of the run the receiver's vCPU was busy (0 to 1; 1 when it polls). */
  receiver_busy: number;
  /** The policy's threshold (bytes; NaN for other methods). */
  policy_threshold_bytes: number;
  /** Length of the run (µs): from the first arrival to the last delivery. */
  run_us: number;
};
