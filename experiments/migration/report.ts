/**
 * The report of the `migration` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { DOWNTIME_LIMIT_MS, FAILURE_MS, VARIANT_NAMES } from "./grid.ts";
import { bytesPlot, ratePlot } from "./_plots.ts";
import { reading, simulatedText } from "./_prose.ts";
import {
  bestMethodRows,
  failureTableRows,
  integrityRows,
  linkRows,
  loggingRows,
  POSTCOPY_VARIANTS,
  postcopyRows,
  roundsRows,
  stopReasonRows,
  translationRows,
} from "./_tables.ts";
import { migrationValidation } from "./_validation.ts";
import { forkPlot, forkTableRows, forkText, forkValidation } from "./_fork.ts";

export { headline as migrationHeadline } from "./_prose.ts";
export { migrationValidation, type MigrationValidationRow } from "./_validation.ts";

const SPREAD =
  "With several seeds, lines join the means and the shaded bands span the lowest to the highest seed.";

const GUEST_COLUMNS = [
  { key: "link" },
  { key: "memory_gib", label: "memory", size: "GiB" },
  { key: "wws", label: "writable working set", unit: `vs link × ${DOWNTIME_LIMIT_MS} ms` },
  { key: "dirty_rate_mib_s", label: "dirty rate", unit: "MiB/s" },
] as const;

/** The iterating variants: the dots of "Bytes sent against rounds". */
const ITERATING = VARIANT_NAMES.filter((v) => v.startsWith("pre-copy") || v === "hybrid");

/** The sections of the `migration` report. */
export const MIGRATION_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      "The lab's figures beside published ones for the closest cases: QEMU's downtime limit, published pre-copy downtimes on Xen and on tuned KVM over 10 GbE, post-copy page-request latency with and without QEMU's preempt channel, the pre-copy model's round count, post-copy's pages sent and network faults, and VM fork's start latency and page fetch (SnowFlock, VMware Instant Clone). The published guests differ from the lab's (sizes, vCPUs, working sets); each note says how.",
    cases: (rows) => [...migrationValidation(rows), ...forkValidation(rows)],
  },
  {
    kind: "plot",
    title: "Downtime against dirty rate",
    caption:
      `From pausing the guest on the source to its first instruction on the destination. Columns: links; rows: memory size and whether the writable working set (WWS) fits in what the link sends within QEMU's ${DOWNTIME_LIMIT_MS} ms downtime limit. The x axis is the dirty rate over the link's bandwidth (the dirty rates in MiB/s are in the tables and the CSV); the dashed vertical line is the link's bandwidth; a cross marks a run that did not converge (pre-copy paused at a round or byte cap or at the lab's timeout; hybrid switched to post-copy). Post-copy's two lines coincide (the preempt channel changes nothing before the switch), and where hybrid converges its line hides pre-copy's. Log scales. ${SPREAD}`,
    plot: (rows) =>
      ratePlot(rows, {
        measure: "downtime_ms",
        yLabel: "Downtime (ms)",
        variants: VARIANT_NAMES,
        log: true,
      }),
  },
  {
    kind: "plot",
    title: "Total time against dirty rate",
    caption:
      `From the request until the destination holds every page and runs the guest: for post-copy and hybrid, until the last page has arrived. Pre-copy's total grows with its rounds; where it does not converge it runs to the lab's timeout. Log scales. ${SPREAD}`,
    plot: (rows) =>
      ratePlot(rows, {
        measure: "total_ms",
        yLabel: "Total time (ms)",
        variants: VARIANT_NAMES,
        log: true,
      }),
  },
  {
    kind: "table",
    title: "Which method wins, per guest and link",
    caption:
      "For every guest and link of the sweep, among the runs that completed: the method with the shortest downtime; the shortest downtime of a method whose guest finds all its memory on the destination when it resumes (no remote faults: stop-and-copy, pre-copy, hybrid where it converged); the shortest total time; the fewest bytes sent; and the least time a vCPU lost over the whole migration (paused, stalled on faults or exits, throttled, slowed by translation: guest_slowdown × total_ms). Post-copy wins the first three almost everywhere; the last column is where its stalls count. Also: whether pre-copy under QEMU's rule converged.",
    columns: [
      ...GUEST_COLUMNS,
      { key: "precopy_converges", label: "pre-copy converges" },
      { key: "shortest_downtime", label: "shortest downtime" },
      { key: "shortest_whole", label: "shortest downtime, all memory there" },
      { key: "shortest_total", label: "shortest total" },
      { key: "fewest_bytes", label: "fewest bytes" },
      { key: "least_lost", label: "least guest time lost", unit: "per vCPU" },
    ],
    rows: bestMethodRows,
  },
  {
    kind: "plot",
    title: "Bytes sent against rounds",
    caption:
      "Pre-copy and hybrid runs: bytes on the wire over guest memory (1 = one pass: round 0 alone, or stop-and-copy and post-copy) against the live rounds before the pause, one panel per link. Runs that converge in a round or two send little more than one pass; runs that do not converge resend the working set round after round until a cap or the lab's timeout (a cross). Points of several seeds are means; bars span the lowest to the highest seed.",
    plot: (rows) => bytesPlot(rows, ITERATING),
  },
  {
    kind: "table",
    title: "Why pre-copy stopped",
    caption:
      "Runs of each iterating variant by why they stopped iterating: converged (what was left fit the rule), Xen's round or byte cap, the lab's timeout, or (hybrid) a switch to post-copy; with the most rounds and the longest downtime of any of its runs.",
    columns: [
      { key: "variant" },
      { key: "runs" },
      { key: "converged" },
      { key: "timeout", label: "lab's timeout" },
      { key: "round_cap", label: "round cap" },
      { key: "byte_cap", label: "byte cap" },
      { key: "post_copy", label: "switched to post-copy" },
      { key: "max_rounds", label: "most rounds" },
      { key: "max_downtime_ms", label: "longest downtime", unit: "ms", digits: 0 },
    ],
    rows: stopReasonRows,
  },
  {
    kind: "table",
    title: "Pre-copy rounds against the model",
    caption:
      `Pre-copy under QEMU's rule (without auto-converge, whose throttle changes ρ from round to round): live rounds beside the model's n* = ⌈ln(R·T/M) / ln ρ⌉, with R the bandwidth the sender measured, T = ${DOWNTIME_LIMIT_MS} ms, M the guest's memory and ρ the distinct-page dirty rate the guest achieved over R (∞ for ρ ≥ 1). Runs stopped by the lab's timeout have fewer rounds than n* says they would need.`,
    columns: [
      ...GUEST_COLUMNS,
      { key: "dirty_log", label: "dirty log" },
      { key: "achieved", label: "achieved dirty rate", unit: "MiB/s", digits: 0 },
      { key: "bandwidth", label: "measured R", unit: "MiB/s", digits: 0 },
      { key: "rho", label: "ρ", digits: 3 },
      { key: "rounds", label: "rounds" },
      { key: "model", label: "n*" },
      { key: "stop_reason", label: "stopped" },
    ],
    rows: roundsRows,
  },
  {
    kind: "plot",
    title: "The post-copy degraded period",
    caption:
      `The share of the post-copy period (from the switch to the last page's arrival) during which the guest's vCPUs were stalled: degraded_ms — time lost on remote faults and warming the destination's cold TLBs and caches — over postcopy_ms. Vanilla post-copy, post-copy with QEMU's preempt channel, and hybrid where it switched to post-copy (where it converged it has no post-copy period). The table below gives both periods in ms, the faults and their stall. Log x scale. ${SPREAD}`,
    plot: (rows) =>
      ratePlot(rows, {
        measure: "degraded_ms",
        per: "postcopy_ms",
        yLabel: "Share of the post-copy period stalled",
        variants: POSTCOPY_VARIANTS,
        log: false,
      }),
  },
  {
    kind: "table",
    title: "Post-copy: remote faults and their stall",
    caption:
      "Per link, memory and variant, averaged over the dirty rates and working sets of the sweep (hybrid over the runs that switched): the downtime, the remote faults (touches of a page still at the source), the mean stall of one (from the touch to the vCPU running again: the exit, the request's trip, the page's wait and transfer, placing it), the degraded time per vCPU, the post-copy period, the share of it the vCPUs were stalled, and how much slower each access is on the destination's 4 KiB host pages.",
    columns: [
      { key: "link" },
      { key: "memory_gib", label: "memory", size: "GiB" },
      { key: "variant" },
      { key: "runs" },
      { key: "downtime_ms", label: "downtime", unit: "ms", digits: 1 },
      { key: "remote_faults", label: "remote faults", unit: "per run", digits: 0 },
      { key: "fault_stall_ms", label: "stall per fault", unit: "ms", digits: 2 },
      { key: "degraded_ms", label: "degraded", unit: "ms per vCPU", digits: 0 },
      { key: "postcopy_ms", label: "post-copy period", unit: "ms", digits: 0 },
      { key: "degraded_share", label: "stalled", unit: "fraction", digits: 2 },
      {
        key: "dest_translation_slowdown",
        label: "4 KiB destination",
        unit: "× per access",
        digits: 2,
      },
    ],
    rows: postcopyRows,
  },
  {
    kind: "plot",
    title: "Dirty logging: what the guest loses, write protection against PML",
    caption:
      `Pre-copy under QEMU's rule with either dirty log, and with auto-converge: the fraction of its progress the guest lost from the request to the end of the migration (write-protect or PML-full exits, the slower translation on split host pages, throttling, the pause). Where auto-converge never throttles, its line hides write protection's. A cross marks a run that did not converge. ${SPREAD}`,
    plot: (rows) =>
      ratePlot(rows, {
        measure: "guest_slowdown",
        yLabel: "Guest slowdown (fraction of progress lost)",
        variants: ["pre-copy", "pre-copy-pml", "pre-copy-auto-converge"],
        log: false,
      }),
  },
  {
    kind: "table",
    title: "Dirty logging: write protection against PML",
    caption:
      "Pre-copy under QEMU's rule, per guest and link, logging dirty pages by write protection (wp: an exit on each page's first write in a round) or by Intel's page-modification log (pml: an exit per 512 logged pages). Each cell gives write protection's figure, then PML's. Fewer exits let the guest dirty pages faster, which is what decides convergence: the rounds column says where pre-copy stopped otherwise than by converging.",
    columns: [
      ...GUEST_COLUMNS,
      { key: "exits", label: "exits", unit: "wp / pml" },
      { key: "achieved", label: "achieved dirty rate", unit: "MiB/s, wp / pml" },
      { key: "rounds", label: "rounds", unit: "wp / pml" },
      { key: "downtime", label: "downtime", unit: "ms, wp / pml" },
      { key: "total", label: "total", unit: "ms, wp / pml" },
      { key: "slowdown", label: "guest slowdown", unit: "fraction, wp / pml" },
    ],
    rows: loggingRows,
  },
  {
    kind: "table",
    title: "Dirty logging, host large pages and the destination's page size",
    caption:
      "Cycles per guest access measured access by access on the machines (the guest's working set, nested paging): on the source before the migration; on the source while dirty logging has split its host 2 MiB pages to 4 KiB (pre-copy and hybrid), and the slowdown that carries into the guest's touches; on the destination once warm, on the source's page size or on the 4 KiB host pages post-copy maps it with, and that slowdown; and the cold start each vCPU pays on the destination. One row per method at each memory size (the figures do not depend on the dirty rate).",
    columns: [
      { key: "memory_gib", label: "memory", size: "GiB" },
      { key: "method", wrap: true },
      { key: "host_page", label: "host page", unit: "source → destination" },
      { key: "host_pages_split", label: "host pages split" },
      { key: "source", label: "source", unit: "cycles/access", digits: 1 },
      { key: "logging", label: "source logging", unit: "cycles/access", digits: 1 },
      { key: "translation_slowdown", label: "logging slowdown", unit: "×", digits: 2 },
      { key: "dest", label: "destination", unit: "cycles/access", digits: 1 },
      { key: "dest_translation_slowdown", label: "destination slowdown", unit: "×", digits: 2 },
      { key: "cold_start_ms", label: "cold start", unit: "ms per vCPU", digits: 3 },
    ],
    rows: translationRows,
  },
  {
    kind: "text",
    title: "VM fork: children that start before they hold the parent's memory",
    text: forkText,
  },
  {
    kind: "plot",
    title: "VM fork: start latency and job time against children",
    caption:
      `Left: when the last child runs its first instruction after the fork; right: when every child has done its work (100 ms of guest work per vCPU, unhindered). One line per placement — local children share the parent's host and frames; remote ones fetch pages over the named link from the parent's host, one link for all — with and without prefetching the parent's working set before the first instruction. Log scales. ${SPREAD}`,
    plot: forkPlot,
  },
  {
    kind: "table",
    title: "VM fork: what each child fetches and waits for",
    caption:
      "Per fork point: the mean and the last child's first instruction; per child, the pages it fetched or mapped (with prefetch, the parent's working set and the pages it writes) and its faults on missing pages; the stall of one remote fault (from the touch to the vCPU running again: the exit, the request, the page's wait on the shared link and its transfer, placing it); when every child's job was done; and the pages a child read with a version other than the parent's at the fork instant (0 unless the mechanism is broken). The CSV has the stall per vCPU and the bytes sent.",
    columns: [
      { key: "placement" },
      { key: "prefetch" },
      { key: "children" },
      { key: "first", label: "first instruction", unit: "ms, mean", digits: 2 },
      { key: "last", label: "last child starts", unit: "ms", digits: 2 },
      { key: "fetched", label: "pages fetched", unit: "per child", digits: 0 },
      { key: "faults", label: "faults", unit: "per child", digits: 0 },
      { key: "stall_per_fault", label: "stall per remote fault", unit: "µs", digits: 0 },
      { key: "job", label: "job done", unit: "ms", digits: 0 },
      { key: "lost_pages", label: "lost pages" },
    ],
    rows: forkTableRows,
  },
  {
    kind: "text",
    title: "What is simulated access by access, and what is sampled",
    text: simulatedText,
  },
  {
    kind: "table",
    title: "When the link fails",
    caption:
      `The same guest migrated by each method, its link failing for good ${FAILURE_MS} ms after the start (half a pass over memory): what is in flight is lost. Before the switch the source still holds the whole guest, which runs on there; after a post-copy switch neither host does — the destination lacks the pages still at the source, the source lacks what the guest wrote since — and the VM is lost (vm_lost).`,
    columns: [
      { key: "variant" },
      { key: "guest", wrap: true },
      { key: "link" },
      { key: "link_fail_ms", label: "link fails at", unit: "ms" },
      { key: "outcome", wrap: true },
      { key: "vm_lost", label: "VM lost" },
      { key: "lost_pages", label: "lost pages" },
    ],
    rows: failureTableRows,
  },
  {
    kind: "table",
    title: "Links",
    caption:
      `The link model: one stream of messages at the profile's bandwidth, each message paying the sender's fixed cost and arriving half a round trip after its last byte left, every page with its 8-byte header; what the link sends within the ${DOWNTIME_LIMIT_MS} ms downtime limit, and one pass over each memory size of the sweep. Sources in core/transfer/link_profile.ts; the round trips of the 10 and 25 GbE links are estimates.`,
    columns: [
      { key: "link" },
      { key: "description", wrap: true },
      { key: "bandwidth", label: "bandwidth", unit: "MiB/s", digits: 0 },
      { key: "round_trip_us", label: "round trip", unit: "µs" },
      { key: "fits_mib", label: `sent in ${DOWNTIME_LIMIT_MS} ms`, unit: "MiB", digits: 0 },
      { key: "pass", label: "one pass over memory" },
    ],
    rows: (rows) => linkRows(rows.filter((r) => r.phase === "migrate")),
  },
  {
    kind: "table",
    title: "No lost data",
    caption:
      "Per variant, with the link up and with it failing: runs, runs that completed, runs that lost the VM, and the pages checked and lost. After the switch every page on the destination must hold the source's version at the pause plus the destination's own writes, and no access may read a stale page; a run that did not complete is checked on the pages that had arrived. Any lost page is a bug; a lost VM is what post-copy risks.",
    columns: [
      { key: "variant" },
      { key: "link_fails", label: "link fails" },
      { key: "runs" },
      { key: "completed" },
      { key: "vm_lost", label: "VM lost" },
      { key: "pages_checked", label: "pages checked", unit: "pages" },
      { key: "lost_pages", label: "lost", unit: "pages" },
    ],
    rows: integrityRows,
  },
];
