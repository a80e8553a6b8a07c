/**
 * The data dictionary: every result column an experiment's rows can hold,
 * what it means and its unit, declared once. The CSVs, the JSON rows, the
 * `columns.html` page of a report folder and the check that refuses rows
 * written under old names all read this declaration; grid parameters are
 * described by each experiment's own parameter declarations.
 *
 * Naming rule (issue 17): one name per quantity in every experiment and in
 * `sim`'s output. A column is `quantity[_qualifier][_unit]` with the unit
 * last (`latency_p99_us`, `page_table_bytes`, `time_to_90pct_large_s`); a
 * rate is `counter_per_denominator` with the counter named as `sim` names it
 * (`l2_tlb_misses_per_kilo_access`, `walk_refs_per_walk`, `exits_per_msg`);
 * counts are plural nouns without a unit (`walks`, `exits`, `pages_sent`);
 * shares and fractions run from 0 to 1 and say so in the unit.
 *
 * @module
 */

import { EXIT_REASON_NAMES, type ExitReasonName } from "../core/base/exit_reason.ts";
import type { DictionaryEntry, DictionarySection } from "../reports/dictionary_page.ts";
import type { Experiment } from "./experiment.ts";

/** What one result column holds. */
export interface ColumnDoc {
  /** What the column means, one or two sentences. */
  readonly meaning: string;
  /** Unit of its values: `cycles`, `ms`, `bytes`, `0–1`, …; empty for names, flags and counts. */
  readonly unit: string;
}

/** Provenance columns the sweep runner adds to every row. */
export const PROVENANCE_COLUMNS: Readonly<Record<string, ColumnDoc>> = {
  seed: { meaning: "seed of every random choice of the run", unit: "" },
  profile: { meaning: "name of the cost profile the cycles were charged from", unit: "" },
  vmlab_version: { meaning: "vmlab version that wrote the row", unit: "" },
  git_commit: {
    meaning: "git commit of the vmlab source that wrote the row, when it ran from a checkout",
    unit: "",
  },
  point_id: {
    meaning:
      "hash of the experiment, the point's parameters, the seed and the whole cost profile: a resumed or merged sweep matches rows to points by it",
    unit: "",
  },
};

const EXIT_REASON_MEANINGS = {
  cr3_write: "the guest wrote CR3 (an address-space switch), trapped in shadow mode",
  invlpg: "the guest executed INVLPG, trapped in shadow mode",
  pt_write: "the guest wrote a write-protected page-table page (shadow mode)",
  hidden_fault: "a page fault the guest never sees: the shadow table lacked an entry",
  guest_fault: "a page fault reflected (injected) into the guest",
  nested_fault:
    "a guest-physical page with no host mapping (EPT violation / NPF), e.g. a page a lazy restore or a post-copy has not brought in yet",
  ipi: "an inter-processor interrupt sent by the guest (e.g. a TLB shootdown)",
  hypercall: "a hypercall (e.g. a paravirtual remote TLB flush, a bus signal)",
  write_protect:
    "a write to a write-protected guest page (copy-before-write, dirty logging by write protection)",
  pml_full: "the page-modification log filled (one exit per 512 logged dirty pages)",
  io: "device or bus I/O (a doorbell or port write)",
  kick:
    "the hypervisor sent a running vCPU out of the guest to flush its TLBs or drain its PML log",
  hlt: "the guest halted an idle vCPU (HLT)",
} as const satisfies Record<ExitReasonName, string>;

/** The columns of VM exits by reason, `exits_<reason>`, in exit-reason order. */
export const EXIT_COLUMN_NAMES: readonly string[] = EXIT_REASON_NAMES.map((name) =>
  `exits_${name}`
);

const EXIT_COLUMNS: Record<string, ColumnDoc> = Object.fromEntries(
  EXIT_REASON_NAMES.map((name) => [
    `exits_${name}`,
    { meaning: `VM exits because ${EXIT_REASON_MEANINGS[name]}`, unit: "" },
  ]),
);

/**
 * Every measured column of any experiment, by name. A name means one thing
 * wherever it appears; where experiments measure it over different spans
 * the meaning says so.
 */
export const RESULT_COLUMNS: Readonly<Record<string, ColumnDoc>> = {
  // Translation: TLBs, walks and cycles per access (translation, shadow, large-pages; as sim).
  walks: { meaning: "page walks (L2 TLB misses that walked) in the measured window", unit: "" },
  walk_refs: {
    meaning: "page-table references of those walks (each level, both dimensions of a 2-D walk)",
    unit: "",
  },
  walk_refs_per_walk: {
    meaning:
      "page-table references per walk with the profile's walk caches, nested TLB and data caches (left out, or 0 in shadow, when nothing walked)",
    unit: "references",
  },
  cold_walk_refs_per_walk: {
    meaning:
      "page-table references of one walk with every cache empty, as computed from the levels and page sizes: (n+1)(m+1)−1 for a 2-D walk",
    unit: "references",
  },
  l1_tlb_misses_per_kilo_access: {
    meaning: "L1 TLB misses per 1,000 measured accesses",
    unit: "per 1,000 accesses",
  },
  l2_tlb_misses_per_kilo_access: {
    meaning: "L2 TLB misses (walks) per 1,000 measured accesses",
    unit: "per 1,000 accesses",
  },
  walk_refs_memory_share: {
    meaning: "share of walk references served by memory rather than by a cache (with references)",
    unit: "0–1",
  },
  nested_tlb_hit_rate: {
    meaning: "share of nested-TLB lookups (guest-physical → host-physical) that hit (2-D walks)",
    unit: "0–1",
  },
  demand_maps: { meaning: "pages mapped on first touch (guest or host); not charged", unit: "" },
  walk_cycles_per_access: {
    meaning: "cycles of page walks (walk caches, PTE references, nested TLB) per measured access",
    unit: "cycles",
  },
  tlb_cycles_per_access: { meaning: "cycles of L1 and L2 TLB lookups per access", unit: "cycles" },
  translation_cycles_per_access: {
    meaning: "cycles of address translation (TLB lookups and walks) per measured access",
    unit: "cycles",
  },
  translation_share: {
    meaning: "share of all cycles spent on translation (TLB lookups and walks)",
    unit: "0–1",
  },
  cycles_per_access: {
    meaning:
      "all cycles per measured access: compute, data caches, TLBs, walks, exits, hypervisor and guest-kernel work",
    unit: "cycles",
  },
  page_table_bytes: {
    meaning: "bytes of page-table pages: guest, host and shadow tables together",
    unit: "bytes",
  },

  // Shadow paging.
  native_cycles_per_access: {
    meaning: "cycles per access of the same workload and seed on the native platform",
    unit: "cycles",
  },
  overhead_vs_native: {
    meaning: "cycles per access over native's, minus 1 (0.25: a quarter slower than native)",
    unit: "ratio",
  },
  exits_per_kilo_access: { meaning: "VM exits per 1,000 accesses", unit: "per 1,000 accesses" },
  exit_cycles_per_access: {
    meaning: "cycles of VM exit and entry round trips per access",
    unit: "cycles",
  },
  guest_kernel_cycles_per_access: {
    meaning: "cycles of the guest kernel's work (faults, context switches, flushes) per access",
    unit: "cycles",
  },
  hypervisor_cycles_per_access: {
    meaning: "cycles of the hypervisor's exit handlers (shadow table upkeep) per access",
    unit: "cycles",
  },
  measured_accesses: {
    meaning: "accesses measured: the workload's stream after the warm-up, as it ran",
    unit: "accesses",
  },
  demand_faults: { meaning: "guest page faults that demand-paged memory in", unit: "" },
  cow_faults: { meaning: "guest copy-on-write faults after fork", unit: "" },
  cr3_loads: { meaning: "address-space switches (CR3 loads) by the guest", unit: "" },
  shootdowns: { meaning: "guest TLB shootdowns across vCPUs", unit: "" },
  pte_writes: { meaning: "guest writes to its page-table entries", unit: "" },
  shadow_tables_built: { meaning: "shadow tables built for guest address spaces", unit: "" },
  shadow_cache_hits: {
    meaning: "address-space switches that found their shadow table cached",
    unit: "",
  },
  shadow_fills: { meaning: "shadow entries filled on hidden faults", unit: "" },
  shadow_prefetched: { meaning: "of those, entries filled ahead by batching", unit: "" },
  shadow_zaps: { meaning: "shadow entries or tables discarded", unit: "" },
  shadow_resyncs: { meaning: "out-of-sync guest table pages brought back in sync", unit: "" },

  // Large pages.
  host_large_fraction: {
    meaning:
      "share of host-backed guest memory mapped by host 2M or 1G pages, at the measured window",
    unit: "0–1",
  },
  host_large_fraction_after_touch: {
    meaning: "the same share right after the guest's first touch, before any promotion",
    unit: "0–1",
  },
  guest_large_mapped_fraction: {
    meaning: "share of guest memory the guest maps with 2M pages",
    unit: "0–1",
  },
  guest_table_bytes: { meaning: "bytes of guest page-table pages", unit: "bytes" },
  host_table_bytes: { meaning: "bytes of host page-table pages", unit: "bytes" },
  shadow_table_bytes: { meaning: "bytes of shadow page-table pages", unit: "bytes" },
  splintered_pages: { meaning: "guest 2M pages backed by host 4K pages", unit: "pages" },
  guest_pages_2m: { meaning: "guest 2M pages mapped", unit: "pages" },
  host_pages_4k: { meaning: "host 4K pages backing guest memory", unit: "pages" },
  host_pages_2m: { meaning: "host 2M pages backing guest memory", unit: "pages" },
  host_pages_1g: { meaning: "host 1G pages backing guest memory", unit: "pages" },
  promotions: {
    meaning: "2M regions the promotion agent collapsed onto host large pages",
    unit: "regions",
  },
  promotion_cycles: {
    meaning: "the promotion agent's cycles (copies and zaps) on a host thread",
    unit: "cycles",
  },
  promotion_passes: { meaning: "scan passes of the promotion agent", unit: "" },
  promotion_alloc_failures: {
    meaning: "times the promotion agent found no free host 2M frame",
    unit: "",
  },
  horizon_cycles_per_access: {
    meaning:
      "cycles per access over the whole promotion horizon, the guest's and the agent's together",
    unit: "cycles",
  },
  horizon_agent_cycles_per_access: {
    meaning: "of those, the promotion agent's cycles per guest access",
    unit: "cycles",
  },
  timeline_interval_s: { meaning: "guest time between timeline samples", unit: "s" },
  timeline_sample_accesses: {
    meaning: "accesses measured per timeline sample",
    unit: "accesses",
  },
  timeline_sample_warmup_accesses: {
    meaning: "warm-up accesses before each timeline sample",
    unit: "accesses",
  },
  timeline: {
    meaning:
      "the promotion timeline as JSON: [guest seconds, host large share, cycles per access, agent cycles per access, promotions] per sample",
    unit: "",
  },
  time_to_90pct_large_s: {
    meaning: "guest time until 90 % of guest memory is on host large pages (when it got there)",
    unit: "s",
  },

  // Snapshot, migration, fork, replication (the rows `deno task state` prints).
  vcpus: { meaning: "vCPUs of the guest (the sending guest on the bus)", unit: "" },
  write_fraction: { meaning: "fraction of guest touches that write", unit: "0–1" },
  working_set_fraction: { meaning: "fraction of guest memory the guest touches", unit: "0–1" },
  mode: {
    meaning: "the platform: native, nested (2-D walks) or shadow (shadow page tables)",
    unit: "",
  },
  host_page: { meaning: "page size the (source) host backs guest memory with", unit: "" },
  dest_host_page: { meaning: "page size the destination host backs guest memory with", unit: "" },
  dirty_log: { meaning: "how dirty pages were logged (write-protect, pml), or none", unit: "" },
  pause_ms: {
    meaning:
      "time the guest could not run at all at the start (restore: until its first instruction), plus a pre-copy's final pause",
    unit: "ms",
  },
  first_instruction_ms: {
    meaning:
      "when the guest ran its first instruction after the request (fork: mean over the children)",
    unit: "ms",
  },
  last_first_instruction_ms: {
    meaning: "when the last child ran its first instruction",
    unit: "ms",
  },
  total_ms: {
    meaning:
      "when the mechanism finished: image complete, every page restored, or the guest running on the destination with all its memory",
    unit: "ms",
  },
  job_done_ms: {
    meaning: "when every vCPU (every child's) had completed its job of guest work",
    unit: "ms",
  },
  guest_slowdown: {
    meaning: "fraction of guest progress lost to the mechanism over the run",
    unit: "0–1",
  },
  stall_ms: {
    meaning: "mean time a vCPU spent blocked on the mechanism outside the pauses, per vCPU",
    unit: "ms",
  },
  exits: { meaning: "VM exits of every reason together", unit: "" },
  ...EXIT_COLUMNS,
  host_pages_split: { meaning: "host large pages dirty logging split to 4K", unit: "pages" },
  translation_slowdown: {
    meaning:
      "cycles per access while dirty pages are logged over before (1 when nothing was split)",
    unit: "ratio",
  },
  dest_translation_slowdown: {
    meaning: "cycles per access on the destination over the source's before the migration",
    unit: "ratio",
  },
  access_cycles_before_split: {
    meaning: "cycles per guest access before dirty logging split host pages (0: not measured)",
    unit: "cycles",
  },
  access_cycles_after_split: {
    meaning: "cycles per guest access after the split (0: not measured)",
    unit: "cycles",
  },
  access_cycles_source: {
    meaning: "cycles per guest access on the source before the migration",
    unit: "cycles",
  },
  access_cycles_logging: {
    meaning: "cycles per guest access on the source once logging split its host pages",
    unit: "cycles",
  },
  access_cycles_dest: {
    meaning: "cycles per guest access on the destination once warm",
    unit: "cycles",
  },
  ios: { meaning: "storage I/Os", unit: "" },
  image_bytes: {
    meaning: "bytes written to the image (snapshot) or read from it (restore)",
    unit: "bytes",
  },
  pages_moved: { meaning: "pages written to or read from storage, repeats counted", unit: "pages" },
  buffer_peak_bytes: {
    meaning: "largest amount of guest memory held in host buffers at once",
    unit: "bytes",
  },
  rounds: {
    meaning: "copy rounds: pre-copy's live rounds (snapshot: 1 without pre-copy)",
    unit: "",
  },
  lost_pages: {
    meaning: "pages whose saved, sent or restored version is wrong; 0 unless the model is broken",
    unit: "pages",
  },
  finished: {
    meaning: "true when the run ended within its simulated-time limit; false when it gave up",
    unit: "",
  },
  gave_up_reason: { meaning: "what was still left to do when a run gave up", unit: "" },
  downtime_ms: {
    meaning: "from pausing the guest on the source to its first instruction on the destination",
    unit: "ms",
  },
  switch_ms: { meaning: "when the guest ran its first instruction on the destination", unit: "ms" },
  postcopy_ms: {
    meaning: "from the switch to the last page's arrival (the guest split over two hosts)",
    unit: "ms",
  },
  bytes_sent: {
    meaning: "bytes on the wire: payloads, page headers, device state or fork descriptors",
    unit: "bytes",
  },
  pages_sent: { meaning: "pages sent, resends counted", unit: "pages" },
  zero_pages_sent: { meaning: "of those, pages sent as a header alone (all zeros)", unit: "pages" },
  converged: {
    meaning: "true when pre-copy stopped because what was left fit its rule",
    unit: "",
  },
  stop_reason: { meaning: "why pre-copy stopped iterating", unit: "" },
  throttle_max: { meaning: "highest auto-converge throttle reached", unit: "0–0.99" },
  achieved_dirty_rate_mib_s: {
    meaning: "distinct pages the guest dirtied per second while pre-copy iterated",
    unit: "MiB/s",
  },
  measured_bandwidth_mib_s: {
    meaning: "bandwidth the sender had measured when it decided to stop",
    unit: "MiB/s",
  },
  degraded_ms: {
    meaning:
      "mean time a vCPU lost after the switch: remote faults and warming the destination's cold caches",
    unit: "ms",
  },
  cold_start_ms: {
    meaning:
      "extra time the destination's (backup's) vCPUs spend warming cold TLBs, walk caches and data caches",
    unit: "ms",
  },
  remote_faults: { meaning: "faults on a page still across the link", unit: "" },
  local_faults: {
    meaning: "child exits on a missing page served on the child's own host",
    unit: "",
  },
  fault_stall_ms: {
    meaning: "mean stall of one remote fault, from the touch to the vCPU running again",
    unit: "ms",
  },
  vm_lost: {
    meaning: "true when neither host holds a whole image of the guest",
    unit: "",
  },
  completed: {
    meaning: "true when the guest runs on the destination with all its memory there",
    unit: "",
  },
  outcome: { meaning: "completed or recovered, or what happened instead", unit: "" },
  skip_fresh: {
    meaning: "true when pages the child allocates fresh were not fetched",
    unit: "",
  },
  parent: { meaning: "the fork's parent: suspended or stunned", unit: "" },
  writable_fraction: {
    meaning: "writable working set as a fraction of the working set",
    unit: "0–1",
  },
  fresh_fraction: {
    meaning: "fraction of the writable working set the child allocates fresh",
    unit: "0–1",
  },
  descriptor_bytes: {
    meaning: "bytes of one fork descriptor: CPU and device state and the guest's page tables",
    unit: "bytes",
  },
  parent_pause_ms: { meaning: "how long the parent stopped for the fork", unit: "ms" },
  pages_fetched: { meaning: "pages the children brought from the parent", unit: "pages" },
  pages_skipped: { meaning: "fresh pages mapped zeroed instead of fetched", unit: "pages" },
  cow_copies: { meaning: "copies of the parent's frames made for a local child's write", unit: "" },
  parent_cow_copies: {
    meaning: "pages a stunned parent copied before its first write after the fork",
    unit: "",
  },
  disk_gib: { meaning: "the guest's disk", unit: "GiB" },
  disk_write_mib_s: { meaning: "rate of the guest's disk writes", unit: "MiB/s" },
  bandwidth_share: { meaning: "share of the link the replication stream may use", unit: "0–1" },
  compression_ratio: { meaning: "payload compression ratio", unit: "ratio" },
  failure_phase: {
    meaning: "what replication was doing when the production host failed",
    unit: "",
  },
  fail_at_ms: { meaning: "when the failure came, after replication started", unit: "ms" },
  checkpoints: { meaning: "checkpoints captured", unit: "" },
  checkpoints_applied: { meaning: "checkpoints the backup applied whole", unit: "" },
  effective_interval_ms: { meaning: "mean time from one capture to the next", unit: "ms" },
  dirty_pages_per_checkpoint: {
    meaning: "mean distinct memory pages per checkpoint",
    unit: "pages",
  },
  checkpoint_mib: { meaning: "mean bytes on the wire per checkpoint", unit: "MiB" },
  commit_ms: {
    meaning: "mean time from a checkpoint's capture to its acknowledgement",
    unit: "ms",
  },
  bandwidth_mib_s: { meaning: "link use: bytes on the wire over the run's time", unit: "MiB/s" },
  bandwidth_needed_mib_s: {
    meaning: "mean bytes per checkpoint over the interval asked for",
    unit: "MiB/s",
  },
  link_saturated: {
    meaning: "true when checkpoints could not keep their interval",
    unit: "",
  },
  pause_ms_per_checkpoint: { meaning: "mean pause of the guest per checkpoint", unit: "ms" },
  output_delay_ms: {
    meaning: "mean time a client-visible output was held before its release",
    unit: "ms",
  },
  output_delay_max_ms: { meaning: "longest time an output was held", unit: "ms" },
  outputs: { meaning: "outputs the guest produced on the production host", unit: "" },
  outputs_released: { meaning: "of those, outputs released to clients", unit: "" },
  released_outputs_lost: {
    meaning: "released outputs that depend on state the backup did not recover",
    unit: "",
  },
  rpo_ms: {
    meaning:
      "recovery point: guest run time from the recovered checkpoint's capture to the failure",
    unit: "ms",
  },
  rpo_bound_ms: {
    meaning: "the model's bound on it while the link keeps up: interval + longest commit",
    unit: "ms",
  },
  rto_ms: {
    meaning: "recovery time: from the failure to the guest's first instruction on the backup",
    unit: "ms",
  },
  detect_ms: {
    meaning: "of the recovery time: until the backup declared the production host failed",
    unit: "ms",
  },
  restore_ms: { meaning: "of the recovery time: restoring memory or booting", unit: "ms" },
  restore_background_ms: {
    meaning: "lazy restore: from the first instruction until every page is read",
    unit: "ms",
  },
  lost_blocks: {
    meaning: "disk blocks on the backup whose version is wrong; 0 unless the model is broken",
    unit: "",
  },
  torn_checkpoints: {
    meaning: "checkpoints the backup applied in part; 0 unless the model is broken",
    unit: "",
  },

  // Partition bus.
  messages: { meaning: "messages sent", unit: "" },
  delivered: { meaning: "messages the receiver took, once each, in order, intact", unit: "" },
  lost_messages: { meaning: "messages sent but never taken by the run's end", unit: "" },
  duplicated_messages: { meaning: "messages the receiver took more than once", unit: "" },
  reordered_messages: { meaning: "messages the receiver took out of order", unit: "" },
  corrupted_messages: {
    meaning: "messages whose payload pages did not hold what the sender wrote",
    unit: "",
  },
  stale_translations: {
    meaning: "remapped pages a sender's vCPU could still reach through its TLB",
    unit: "",
  },
  throughput_mib_s: { meaning: "payload delivered per second of the run", unit: "MiB/s" },
  msgs_s: { meaning: "messages delivered per second of the run", unit: "msgs/s" },
  latency_p50_us: {
    meaning: "median time from a message's arrival at the sender to the receiver's done with it",
    unit: "µs",
  },
  latency_p99_us: { meaning: "99th percentile of that time", unit: "µs" },
  latency_mean_us: { meaning: "mean of that time", unit: "µs" },
  exits_per_msg: { meaning: "VM exits of both partitions per message delivered", unit: "" },
  signals_per_msg: { meaning: "signalling hypercalls per message, both rings", unit: "" },
  interrupts_per_msg: { meaning: "interrupts the receiver took per message", unit: "" },
  sender_interrupts_per_msg: { meaning: "interrupts the sender took per message", unit: "" },
  cycles_per_msg: {
    meaning: "cycles of both partitions and the hypervisor per message",
    unit: "cycles",
  },
  cycles_per_byte: { meaning: "cycles per byte of payload delivered", unit: "cycles" },
  sender_cycles_per_msg: { meaning: "the sending guest's cycles per message", unit: "cycles" },
  receiver_cycles_per_msg: {
    meaning: "the receiving partition's cycles per message",
    unit: "cycles",
  },
  copy_cycles_per_msg: { meaning: "cycles per message copying payload", unit: "cycles" },
  signal_cycles_per_msg: {
    meaning: "cycles per message of exits, signals, interrupts and wake-ups",
    unit: "cycles",
  },
  remap_cycles_per_msg: {
    meaning: "cycles per message of remapping: host-map updates, shootdowns, flushes",
    unit: "cycles",
  },
  translation_cycles_per_msg: {
    meaning: "cycles per message of address translation by either side",
    unit: "cycles",
  },
  poll_cycles_per_msg: {
    meaning: "cycles per message a polling vCPU spent finding nothing",
    unit: "cycles",
  },
  tlb_shootdowns: { meaning: "TLB shootdowns (one per remapped message)", unit: "" },
  walks_per_msg: { meaning: "page walks per message, both sides", unit: "" },
  remapped_messages: { meaning: "messages sent by remapping", unit: "" },
  ring_full_waits: { meaning: "times the sender found the ring full and waited", unit: "" },
  buffer_waits: { meaning: "times the sender waited for lent buffers to come back", unit: "" },
  receiver_busy: { meaning: "share of the run the receiver's vCPU was busy", unit: "0–1" },
  policy_threshold_bytes: {
    meaning: "the copy-or-remap policy's threshold (policy method only)",
    unit: "bytes",
  },
  run_us: { meaning: "length of the run, first arrival to last delivery", unit: "µs" },
};

/**
 * The measured columns each experiment's rows can have, by experiment id,
 * in the order its CSV lists them; its grid parameters come first and the
 * provenance columns last. A row may leave a column out where it does not
 * apply (a point without walks has no references per walk). Every name has
 * an entry in {@linkcode RESULT_COLUMNS}; tests/experiments/columns_test.ts
 * runs each experiment's points and checks that their rows have exactly
 * these columns, so a new column without an entry here fails.
 */
export const EXPERIMENT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  "translation": [
    "walks",
    "walk_refs",
    "cold_walk_refs_per_walk",
    "l1_tlb_misses_per_kilo_access",
    "l2_tlb_misses_per_kilo_access",
    "demand_maps",
    "walk_cycles_per_access",
    "translation_cycles_per_access",
    "cycles_per_access",
    "page_table_bytes",
    "walk_refs_per_walk",
    "walk_refs_memory_share",
    "nested_tlb_hit_rate",
  ],
  "shadow": [
    "cycles_per_access",
    "native_cycles_per_access",
    "overhead_vs_native",
    "exits_per_kilo_access",
    "exit_cycles_per_access",
    "walk_cycles_per_access",
    "tlb_cycles_per_access",
    "guest_kernel_cycles_per_access",
    "hypervisor_cycles_per_access",
    "l2_tlb_misses_per_kilo_access",
    "walk_refs_per_walk",
    "measured_accesses",
    "demand_faults",
    "cow_faults",
    "cr3_loads",
    "shootdowns",
    "pte_writes",
    ...EXIT_COLUMN_NAMES,
    "shadow_tables_built",
    "shadow_cache_hits",
    "shadow_fills",
    "shadow_prefetched",
    "shadow_zaps",
    "shadow_resyncs",
  ],
  "large-pages": [
    "host_large_fraction",
    "guest_large_mapped_fraction",
    "l2_tlb_misses_per_kilo_access",
    "walk_refs_per_walk",
    "cycles_per_access",
    "translation_cycles_per_access",
    "translation_share",
    "page_table_bytes",
    "guest_table_bytes",
    "host_table_bytes",
    "shadow_table_bytes",
    "splintered_pages",
    "guest_pages_2m",
    "host_pages_4k",
    "host_pages_2m",
    "host_pages_1g",
    "host_large_fraction_after_touch",
    "promotions",
    "promotion_cycles",
    "promotion_passes",
    "promotion_alloc_failures",
    "horizon_cycles_per_access",
    "horizon_agent_cycles_per_access",
    "timeline_interval_s",
    "timeline_sample_accesses",
    "timeline_sample_warmup_accesses",
    "timeline",
    "time_to_90pct_large_s",
  ],
  "snapshot": [
    "vcpus",
    "pause_ms",
    "first_instruction_ms",
    "total_ms",
    "job_done_ms",
    "guest_slowdown",
    "stall_ms",
    "mode",
    "host_page",
    "exits",
    ...EXIT_COLUMN_NAMES,
    "host_pages_split",
    "translation_slowdown",
    "access_cycles_before_split",
    "access_cycles_after_split",
    "ios",
    "image_bytes",
    "pages_moved",
    "buffer_peak_bytes",
    "rounds",
    "lost_pages",
    "finished",
    "gave_up_reason",
  ],
  "migration": [
    "vcpus",
    "working_set_fraction",
    "mode",
    "host_page",
    "dest_host_page",
    "downtime_ms",
    "switch_ms",
    "total_ms",
    "postcopy_ms",
    "bytes_sent",
    "pages_sent",
    "zero_pages_sent",
    "rounds",
    "converged",
    "stop_reason",
    "throttle_max",
    "achieved_dirty_rate_mib_s",
    "measured_bandwidth_mib_s",
    "degraded_ms",
    "cold_start_ms",
    "remote_faults",
    "fault_stall_ms",
    "guest_slowdown",
    "exits",
    ...EXIT_COLUMN_NAMES,
    "host_pages_split",
    "translation_slowdown",
    "dest_translation_slowdown",
    "access_cycles_source",
    "access_cycles_logging",
    "access_cycles_dest",
    "lost_pages",
    "vm_lost",
    "completed",
    "outcome",
    "skip_fresh",
    "parent",
    "write_fraction",
    "writable_fraction",
    "fresh_fraction",
    "descriptor_bytes",
    "parent_pause_ms",
    "first_instruction_ms",
    "last_first_instruction_ms",
    "pages_fetched",
    "pages_skipped",
    "local_faults",
    "cow_copies",
    "parent_cow_copies",
    "stall_ms",
    "job_done_ms",
    "finished",
    "gave_up_reason",
  ],
  "replication": [
    "disk_gib",
    "vcpus",
    "disk_write_mib_s",
    "bandwidth_share",
    "compression_ratio",
    "dirty_log",
    "failure_phase",
    "fail_at_ms",
    "checkpoints",
    "checkpoints_applied",
    "effective_interval_ms",
    "dirty_pages_per_checkpoint",
    "checkpoint_mib",
    "commit_ms",
    "bandwidth_mib_s",
    "bandwidth_needed_mib_s",
    "link_saturated",
    "pause_ms_per_checkpoint",
    "guest_slowdown",
    "output_delay_ms",
    "output_delay_max_ms",
    "outputs",
    "outputs_released",
    "released_outputs_lost",
    "rpo_ms",
    "rpo_bound_ms",
    "rto_ms",
    "detect_ms",
    "restore_ms",
    "restore_background_ms",
    "cold_start_ms",
    "exits",
    ...EXIT_COLUMN_NAMES,
    "host_pages_split",
    "translation_slowdown",
    "lost_pages",
    "lost_blocks",
    "torn_checkpoints",
    "outcome",
  ],
  "partition-bus": [
    "mode",
    "messages",
    "delivered",
    "lost_messages",
    "duplicated_messages",
    "reordered_messages",
    "corrupted_messages",
    "stale_translations",
    "throughput_mib_s",
    "msgs_s",
    "latency_p50_us",
    "latency_p99_us",
    "latency_mean_us",
    "exits_per_msg",
    "signals_per_msg",
    "interrupts_per_msg",
    "sender_interrupts_per_msg",
    "cycles_per_msg",
    "cycles_per_byte",
    "sender_cycles_per_msg",
    "receiver_cycles_per_msg",
    "copy_cycles_per_msg",
    "signal_cycles_per_msg",
    "remap_cycles_per_msg",
    "translation_cycles_per_msg",
    "poll_cycles_per_msg",
    "tlb_shootdowns",
    "walks_per_msg",
    "remapped_messages",
    "ring_full_waits",
    "buffer_waits",
    "receiver_busy",
    "run_us",
    "policy_threshold_bytes",
  ],
};

/** A column's former name: what it is called now, and where it had the old name. */
export interface FormerName {
  /** The current name. */
  readonly now: string;
  /** Experiments whose rows had the old name (none: `deno task sim`'s output only). */
  readonly experiments: readonly string[];
}

/**
 * Names columns had before issue 17 gave each quantity one name. Rows of an
 * experiment that still carry one of its former names were written by an
 * earlier vmlab and are refused rather than mixed with new ones.
 */
export const FORMER_COLUMN_NAMES: Readonly<Record<string, FormerName>> = {
  refs_per_walk: { now: "walk_refs_per_walk", experiments: ["translation"] },
  cold_refs_per_walk: { now: "cold_walk_refs_per_walk", experiments: ["translation"] },
  l1_tlb_mpka: { now: "l1_tlb_misses_per_kilo_access", experiments: ["translation"] },
  l2_tlb_mpka: { now: "l2_tlb_misses_per_kilo_access", experiments: ["translation", "shadow"] },
  page_table_kib: { now: "page_table_bytes", experiments: ["translation"] },
  guest_large_pages: { now: "guest_pages_2m", experiments: ["large-pages"] },
  seconds_to_90pct_large: { now: "time_to_90pct_large_s", experiments: ["large-pages"] },
  platform: { now: "mode", experiments: ["snapshot", "migration", "partition-bus"] },
  latency_us_p50: { now: "latency_p50_us", experiments: ["partition-bus"] },
  latency_us_p99: { now: "latency_p99_us", experiments: ["partition-bus"] },
  latency_us_mean: { now: "latency_mean_us", experiments: ["partition-bus"] },
  vm_exits: { now: "exits", experiments: [] },
  vm_exit_cycles_per_access: { now: "exit_cycles_per_access", experiments: [] },
};

/**
 * The documentation of a column: a measured or provenance column's entry,
 * or `undefined` for a name the dictionary does not hold.
 *
 * @example
 * ```ts
 * import { columnDoc } from "./columns.ts";
 * if (columnDoc("walk_refs_per_walk")?.unit !== "references") throw new Error();
 * if (columnDoc("exits_kick") === undefined) throw new Error("exit reasons are columns");
 * if (columnDoc("l2_tlb_mpka") !== undefined) throw new Error("a former name");
 * ```
 */
export function columnDoc(name: string): ColumnDoc | undefined {
  return Object.hasOwn(RESULT_COLUMNS, name)
    ? RESULT_COLUMNS[name]
    : Object.hasOwn(PROVENANCE_COLUMNS, name)
    ? PROVENANCE_COLUMNS[name]
    : undefined;
}

/**
 * The first column of experiment `experimentId`'s `rows` that an earlier
 * vmlab wrote under a name this one no longer uses, as a one-line reason,
 * or `undefined` when there is none. A resumed or merged sweep refuses such
 * rows: mixed with new rows they would split a quantity over two columns.
 *
 * @example
 * ```ts
 * import { formerColumnIn } from "./columns.ts";
 * const old = formerColumnIn("translation", [{ mode: "native", l2_tlb_mpka: 3 }]);
 * if (old !== 'column "l2_tlb_mpka" is now "l2_tlb_misses_per_kilo_access"') throw new Error(old);
 * if (formerColumnIn("translation", [{ l2_tlb_misses_per_kilo_access: 3 }]) !== undefined) {
 *   throw new Error();
 * }
 * if (formerColumnIn("my-own", [{ platform: "x" }]) !== undefined) throw new Error("not ours");
 * ```
 */
export function formerColumnIn(
  experimentId: string,
  rows: Iterable<Readonly<Record<string, unknown>>>,
): string | undefined {
  const former = Object.entries(FORMER_COLUMN_NAMES).filter(([, f]) =>
    f.experiments.includes(experimentId)
  );
  if (former.length === 0) return undefined;
  for (const row of rows) {
    for (const [old, { now }] of former) {
      if (Object.hasOwn(row, old)) return `column "${old}" is now "${now}"`;
    }
  }
  return undefined;
}

/**
 * The data dictionary page's sections for the experiments of `registry`:
 * result columns (meaning and unit from {@linkcode RESULT_COLUMNS}, the
 * experiments from {@linkcode EXPERIMENT_COLUMNS}), grid parameters (from
 * each experiment's own declarations: a name whose experiments describe it
 * differently gets one entry per description), provenance, and former names.
 *
 * @example
 * ```ts
 * import { dictionarySections } from "./columns.ts";
 * import { TRANSLATION } from "./translation/experiment.ts";
 * const [results, parameters] = dictionarySections({ translation: TRANSLATION });
 * const walks = results.entries.find((e) => e.name === "walks");
 * if (walks?.experiments.join() !== "translation") throw new Error();
 * if (!parameters.entries.some((e) => e.name === "guest_page")) throw new Error();
 * ```
 */
export function dictionarySections(
  registry: Readonly<Record<string, Experiment>>,
): DictionarySection[] {
  const ids = Object.keys(registry);
  const results = new Map<string, DictionaryEntry>();
  for (const id of ids) {
    for (const name of EXPERIMENT_COLUMNS[id] ?? []) {
      const doc = RESULT_COLUMNS[name];
      const entry = results.get(name) ??
        { name, meaning: doc.meaning, unit: doc.unit, experiments: [] as string[] };
      (entry.experiments as string[]).push(id);
      results.set(name, entry);
    }
  }
  const parameters = new Map<string, DictionaryEntry>();
  for (const id of ids) {
    for (const [name, description] of Object.entries(registry[id].parameters)) {
      const key = `${name}\n${description}`;
      const entry = parameters.get(key) ??
        { name, meaning: description, unit: "", experiments: [] as string[] };
      (entry.experiments as string[]).push(id);
      parameters.set(key, entry);
    }
  }
  const byName = (a: DictionaryEntry, b: DictionaryEntry) => a.name.localeCompare(b.name);
  return [
    {
      title: "Result columns",
      intro:
        "What a point's run measured. A name means one quantity wherever it appears; rows leave a column out (an empty CSV cell) where it does not apply.",
      entries: [...results.values()].sort(byName),
    },
    {
      title: "Grid parameters",
      intro:
        "The point's parameters, as each experiment declares them (units in the description); they come first in every row. A name two experiments describe differently is listed once per description.",
      entries: [...parameters.values()].sort(byName),
    },
    {
      title: "Provenance",
      intro: "Where a row comes from; last in every row.",
      entries: Object.entries(PROVENANCE_COLUMNS).map(([name, doc]) => ({
        name,
        meaning: doc.meaning,
        unit: doc.unit,
        experiments: ids,
      })),
    },
    {
      title: "Former names",
      intro:
        "Columns renamed so that each quantity has one name (issue 17). Rows written under a former name are refused by a resumed sweep and by merge: run them again.",
      entries: Object.entries(FORMER_COLUMN_NAMES).map(([name, { now, experiments }]) => ({
        name,
        meaning: `now ${now}` + (name === "page_table_kib" ? " (bytes, not KiB)" : "") +
          (experiments.length === 0 ? " (deno task sim's output)" : ""),
        unit: "",
        experiments: experiments.filter((id) => ids.includes(id)),
      })),
    },
  ];
}
