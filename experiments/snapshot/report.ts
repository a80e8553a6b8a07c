/**
 * The report of the `snapshot` experiment: its sections in order, each with
 * the caption that says how to read it.
 *
 * @module
 */

import { DEFAULT_SIM_TIME_LIMIT_S, RESTORE_METHODS } from "../../core/snapshot/state_params.ts";
import type { ReportSection } from "../experiment.ts";
import { SNAPSHOT_TIME_VARIANTS, SNAPSHOT_VARIANTS } from "./_labels.ts";
import { batchPlot } from "./_plots.ts";
import { reading } from "./_prose.ts";
import {
  cowRuleRows,
  exitRows,
  integrityRows,
  lazyVersusFullRows,
  splitRows,
  storageRows,
  unfinishedRows,
} from "./_tables.ts";
import { snapshotValidation } from "./_validation.ts";

export { headline as snapshotHeadline } from "./_prose.ts";
export { snapshotValidation, type SnapshotValidationRow } from "./_validation.ts";

/** The sections of the `snapshot` report. */
export const SNAPSHOT_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      `The lab's figures beside published ones for the closest cases: the cost of one userfaultfd write-protect fault, the final pause of a pre-copy snapshot, and the read rates of full and lazy restores. No published measurement of a QEMU background snapshot's pause, guest slowdown or total time was found, so those are compared through their parts.`,
    cases: snapshotValidation,
  },
  {
    kind: "plot",
    title: "Snapshot pause against batch size",
    caption:
      "Time the guest could not run at all: stop-and-copy's whole save, concurrent copy-before-write's write-protect pause (the same under either rule), pre-copy's final round (write protection and PML end in nearly the same one: the dashed PML line runs over the wide write-protection line). One panel per storage profile; log scales. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      batchPlot(rows, {
        phase: "snapshot",
        measure: "pause_ms",
        yLabel: "Pause (ms)",
        log: true,
        methods: SNAPSHOT_TIME_VARIANTS,
      }),
  },
  {
    kind: "plot",
    title: "Snapshot total time against batch size",
    caption:
      "From the snapshot request until the image (memory and device state) is complete on storage. Concurrent copy-before-write writes the same bytes in the same I/Os as stop-and-copy (under either rule), so its line mostly hides the grey one. Log scales. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      batchPlot(rows, {
        phase: "snapshot",
        measure: "total_ms",
        yLabel: "Total time (ms)",
        log: true,
        methods: SNAPSHOT_TIME_VARIANTS,
      }),
  },
  {
    kind: "plot",
    title: "What the running guest pays during a snapshot",
    caption:
      "Fraction of the guest's progress lost from the request until the image is complete: paused, or blocked in a copy-before-write or dirty-logging exit. Stop-and-copy loses everything (1) by definition. Copy-before-write is drawn twice: under QEMU's rule (a faulting write waits for its page's copy into the saver's buffer) and under the pessimistic rule (it waits until its batch is on storage), the bound. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      batchPlot(rows, {
        phase: "snapshot",
        measure: "guest_slowdown",
        yLabel: "Guest slowdown (fraction of progress lost)",
        log: false,
        methods: SNAPSHOT_VARIANTS,
      }),
  },
  {
    kind: "table",
    title: "Copy-before-write under each rule",
    caption:
      "The plotted guest's concurrent snapshots: write faults (first writes to pages not yet saved), what one costs the guest (all vCPUs' stall outside the pause over the faults), the guest slowdown, the total time and the largest buffer the saver held. QEMU's rule: the exit, the userfaultfd round trip and one page copy, never a wait for storage. Pessimistic rule: the write waits until its page's batch is on storage.",
    columns: [
      { key: "storage" },
      { key: "batch_pages", label: "batch", unit: "pages" },
      { key: "rule" },
      { key: "exits_write_protect", label: "faults", unit: "per run" },
      { key: "stall_per_fault_us", label: "stall per fault", unit: "µs", digits: 2 },
      { key: "guest_slowdown", label: "guest slowdown", unit: "fraction", digits: 3 },
      { key: "total_ms", label: "total", unit: "ms", digits: 1 },
      { key: "buffer_peak_mib", label: "buffer peak", unit: "MiB", digits: 2 },
    ],
    rows: cowRuleRows,
  },
  {
    kind: "plot",
    title: "Restore: when the guest's work is done",
    caption:
      "Time from the restore request until every vCPU has completed 100 ms of guest work, per restore method. The gap to the fastest method is time spent waiting for memory: before the first instruction (full, prefetch) or in faults (lazy). Where lazy and lazy + sweep finish together, the dashed lazy + sweep line runs over the wide lazy one. Log scales. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      batchPlot(rows, {
        phase: "restore",
        measure: "job_done_ms",
        yLabel: "Guest job done (ms)",
        log: true,
        methods: RESTORE_METHODS,
      }),
  },
  {
    kind: "plot",
    title: "Restore: first instruction",
    caption:
      "Time until the guest runs its first instruction. Lazy methods start once the device state is read (lazy and lazy + sweep start together: the dashed lazy + sweep line runs over the wide lazy one); prefetch once the working set is in; full once everything is. Log scales. With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.",
    plot: (rows) =>
      batchPlot(rows, {
        phase: "restore",
        measure: "first_instruction_ms",
        yLabel: "First instruction (ms)",
        log: true,
        methods: RESTORE_METHODS,
      }),
  },
  {
    kind: "table",
    title: "Where lazy restore beats full restore",
    caption:
      "Time until the guest's job is done, per restore method, for every storage, memory size, guest and batch size of the sweep. Fastest: the method whose guest finishes first.",
    columns: [
      { key: "storage" },
      { key: "memory_gib", label: "memory", size: "GiB" },
      { key: "write_fraction", label: "writes", unit: "fraction" },
      { key: "working_set_fraction", label: "working set", unit: "fraction" },
      { key: "batch_pages", label: "batch", unit: "pages" },
      { key: "full_job_ms", label: "full", unit: "ms", digits: 1 },
      { key: "lazy_job_ms", label: "lazy", unit: "ms", digits: 1 },
      { key: "lazy-sweep_job_ms", label: "lazy + sweep", unit: "ms", digits: 1 },
      { key: "prefetch_job_ms", label: "prefetch", unit: "ms", digits: 1 },
      { key: "fastest" },
      { key: "lazy_beats_full", label: "lazy beats full" },
    ],
    rows: lazyVersusFullRows,
  },
  {
    kind: "text",
    title: "What is simulated access by access, and what is sampled",
    text: () =>
      [
        "The guest runs on the lab's one machine: a nested-paging platform (or shadow paging, the platform option) whose vCPUs each have their own TLBs and walk caches, and whose every exit is counted and charged by reason in the vCPUs' statistics. Two drivers feed those vCPUs.",
        "Per access: when dirty logging starts, every vCPU runs 20,000 accesses to the guest's working set through its MMU (a warm-up window, then a measured one) before and after the host's 2M pages are split, the same accesses both times; the ratio of the cycles per access is how much slower the guest's work runs from then on.",
        "Sampled: everything else — the guest's run during the snapshot or restore, the writes that hit write-protected, logged or absent pages, the exits they cause, the saver's and restorer's I/Os — runs on the sampled page-touch guest, where one touch stands for 10,000 accesses of work. It is what lets a run cover seconds to minutes of simulated time.",
      ].join("\n\n"),
  },
  {
    kind: "table",
    title: "Exits by reason",
    caption:
      "VM exits per run, averaged over the runs of each method: write-protect exits (copy-before-write, or dirty logging by write protection), PML-full exits (dirty logging by page-modification log, one per 512 logged pages), kicks (running vCPUs sent out to flush their TLBs after memory was write-protected) and nested page faults (lazy restore). Charged as the profile's round trip plus handler, per reason.",
    columns: [
      { key: "phase" },
      { key: "method" },
      { key: "runs" },
      { key: "exits_write_protect", label: "write-protect", unit: "per run", digits: 0 },
      { key: "exits_pml_full", label: "PML full", unit: "per run", digits: 1 },
      { key: "exits_kick", label: "kicks", unit: "per run", digits: 1 },
      { key: "exits_nested_fault", label: "nested faults", unit: "per run", digits: 0 },
      { key: "exits", label: "all exits", unit: "per run", digits: 0 },
    ],
    rows: exitRows,
  },
  {
    kind: "table",
    title: "Dirty logging and host large pages",
    caption:
      "Pre-copy's dirty logging splits the host's large pages to 4 KiB. Cycles per guest access measured access by access before and after the split (0: not measured, nothing to split) and their ratio, the slowdown of the guest's work.",
    columns: [
      { key: "memory_gib", label: "memory", size: "GiB" },
      { key: "dirty_log", label: "dirty log" },
      { key: "host_page", label: "host page" },
      { key: "host_pages_split", label: "host pages split" },
      { key: "before", label: "before", unit: "cycles/access", digits: 1 },
      { key: "after", label: "after", unit: "cycles/access", digits: 1 },
      { key: "translation_slowdown", label: "slowdown", unit: "×", digits: 2 },
    ],
    rows: splitRows,
  },
  {
    kind: "table",
    title: "Storage profiles",
    caption:
      "The storage model: a batch is one I/O; it waits for one of the device's queue slots, then for the transfer pipe at the profile's bandwidth, then completes one latency later (sequential when it continues the previous I/O). Sources of every number are in core/transfer/storage_profile.ts; network-gp3's latency is an estimate.",
    columns: [
      { key: "storage" },
      { key: "device" },
      { key: "read", label: "read", unit: "MB/s", digits: 0 },
      { key: "write", label: "write", unit: "MB/s", digits: 0 },
      { key: "read_latency", label: "read latency", unit: "µs random / seq." },
      { key: "write_latency", label: "write latency", unit: "µs random / seq." },
      { key: "queue_depth", label: "queue depth", unit: "I/Os" },
    ],
    rows: storageRows,
  },
  {
    kind: "table",
    title: "Runs that did not finish",
    caption:
      `Runs still going after ${DEFAULT_SIM_TIME_LIMIT_S} s of simulated time, stopped there: their total time, pause and guest slowdown are unknown and are not plotted. Rounds and pages moved are those up to the limit; lost pages counts the pages saved or restored by then that were wrong.`,
    columns: [
      { key: "phase" },
      { key: "method" },
      { key: "storage" },
      { key: "memory_gib", label: "memory", size: "GiB" },
      { key: "write_fraction", label: "writes", unit: "fraction" },
      { key: "working_set_fraction", label: "working set", unit: "fraction" },
      { key: "batch_pages", label: "batch", unit: "pages" },
      { key: "result" },
      { key: "rounds", label: "rounds done" },
      { key: "pages_moved", label: "pages moved", unit: "pages" },
      { key: "lost_pages", label: "lost", unit: "pages" },
      { key: "reason", label: "left at the limit" },
    ],
    rows: unfinishedRows,
  },
  {
    kind: "table",
    title: "No lost data",
    caption:
      "Pages whose saved or restored version differed from the one the mechanism promises, summed over every run of the sweep. A run that did not finish is checked on the pages it had saved or restored by then. Any non-zero count is a bug.",
    columns: [
      { key: "phase" },
      { key: "method" },
      { key: "runs" },
      { key: "unfinished", label: "did not finish" },
      { key: "pages_checked", label: "pages checked", unit: "pages" },
      { key: "lost_pages", label: "lost", unit: "pages" },
    ],
    rows: integrityRows,
  },
];
