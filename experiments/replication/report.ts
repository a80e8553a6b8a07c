/**
 * The report of the `replication` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import { REPLICATION_OPTIONS_FIELDS } from "../../core/replication/replication_params.ts";
import { BASE_GUEST, OUTAGES_MS } from "./grid.ts";
import { bandwidthPlot, outputDelayPlot, overheadPlot, rpoPlot, rtoPlot } from "./_plots.ts";
import { reading, simulatedText } from "./_prose.ts";
import { integrityRows, rtoTableRows, tradeoffTableRows, trialRows } from "./_tables.ts";
import { replicationValidation } from "./_validation.ts";
import { duration } from "./_labels.ts";

export { headline as replicationHeadline } from "./_prose.ts";
export { replicationValidation, type ReplicationValidationRow } from "./_validation.ts";

const BAND =
  "Points are means over the failure instants (and seeds); the band spans the lowest to the highest run.";

/** The sections of the `replication` report. */
export const REPLICATION_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: reading },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      "The lab's figures beside published ones for the closest cases: Remus's kernel-build overhead at 10, 20 and 40 checkpoints a second, its pause and transmission time for 1024 dirty pages, its failover time and the checkpoint rate it achieved under SPECweb (NSDI 2008); RemusDB's overhead; and the recovery point of disk replication at Hyper-V Replica's three frequencies and Azure Site Recovery's five-minute points. Remus ran Xen 3.1 paravirtualised guests on a 3.2 GHz Pentium 4 over GbE; the lab's guest is a hardware-virtualised 2-vCPU guest on the default cost profile with nested paging. Each note says how the cases differ.",
    cases: replicationValidation,
  },
  {
    kind: "plot",
    title: "Recovery point against the checkpoint interval",
    caption:
      `The guest time a failure of the production host loses: from the capture of the checkpoint the backup recovered to the failure. One line per method, columns: links, rows: the dirty rate of the memory methods (writable working set ${
        100 * BASE_GUEST.wws_fraction
      } % of memory; disk replication ships no memory and is the same in every row). Dashed: the model's bound, the interval plus the recovered checkpoint's commit (capture to acknowledgement). Dotted grey: RPO = interval. Log scales. ${BAND}`,
    plot: rpoPlot,
  },
  {
    kind: "plot",
    title: "What protection costs the guest, against the interval",
    caption:
      `The fraction of its progress the guest lost up to the failure (guest_slowdown, as in snapshot.csv): checkpoint pauses, write-protect exits of the dirty log, and the slower translation on the host's 4 KiB pages once dirty logging has split its 2 MiB pages. Dashed: that split alone, 1 − 1 / translation_slowdown, which does not depend on the interval. Disk replication does not touch the guest's memory and loses nothing. Log x scale. ${BAND}`,
    plot: overheadPlot,
  },
  {
    kind: "plot",
    title: "Link use against the dirty rate, and where the link saturates",
    caption:
      `Memory methods at the intervals the sweep ran at two dirty rates or more (writable working set ${
        100 * BASE_GUEST.wws_fraction
      } % of memory), one panel per link. Solid: the stream's bytes over the run's time up to the failure (bandwidth_mib_s); dashed: what the checkpoints needed, their mean size over the interval asked for (bandwidth_needed_mib_s); grey: the link's bandwidth; dotted grey: the dirty rate itself. Once the link saturates, each checkpoint carries a stretched epoch's pages, so what it "needed" over the interval asked for overstates the guest's demand. A cross marks a configuration whose link was saturated (link_saturated: most checkpoints waited for the previous one's acknowledgement, so the epochs stretched past the interval). Log scales; means over the failure instants.`,
    plot: bandwidthPlot,
  },
  {
    kind: "table",
    title: "The trade-off, per method, interval, guest and link",
    caption:
      "Over each configuration's failure instants (and seeds): the recovery point's mean and worst, the model's bound (interval + commit), the mean RPO over the interval, the commit (capture to acknowledgement), the mean time between captures (longer than the interval when the link cannot keep up), the pause per checkpoint, the guest's slowdown, Remus's mean output delay, the stream's bandwidth and what the checkpoints needed, and in how many runs the link was saturated.",
    columns: [
      { key: "method" },
      { key: "interval" },
      { key: "link" },
      { key: "dirty_rate", label: "dirty rate", unit: "MiB/s" },
      { key: "wws", label: "WWS", unit: "of memory" },
      { key: "runs" },
      { key: "rpo_mean", label: "RPO", unit: "ms, mean", digits: 1 },
      { key: "rpo_max", label: "RPO", unit: "ms, worst", digits: 1 },
      { key: "rpo_bound", label: "bound", unit: "ms", digits: 1 },
      { key: "rpo_ratio", label: "RPO / interval", unit: "mean", digits: 2 },
      { key: "commit", label: "commit", unit: "ms", digits: 1 },
      { key: "effective", label: "between captures", unit: "ms", digits: 1 },
      { key: "pause", label: "pause", unit: "ms", digits: 2 },
      { key: "slowdown", label: "guest slowdown", unit: "fraction", digits: 3 },
      { key: "output_delay", label: "output delay", unit: "ms", digits: 1 },
      { key: "bandwidth", label: "bandwidth", unit: "MiB/s", digits: 1 },
      { key: "needed", label: "needed", unit: "MiB/s", digits: 1 },
      { key: "saturated", label: "saturated" },
    ],
    rows: tradeoffTableRows,
  },
  {
    kind: "plot",
    title: "Remus: how long a client-visible output is held",
    caption:
      "Remus releases an output only once the checkpoint of the epoch that produced it is acknowledged. Solid: the mean hold of the outputs released up to the failure; dashed: the longest; one line per dirty rate, one panel per link. Dotted grey: delay = interval. Asynchronous and disk replication hold nothing (and pay for it in released outputs lost). Log scales.",
    plot: outputDelayPlot,
  },
  {
    kind: "plot",
    title: "Recovery time by restore",
    caption:
      `From the failure to the guest's first instruction on the backup, per method and restore, mean over the failovers with the link up (where a method ran some failures with several restores, over those failures only, so that its bars differ by the restore alone): detection (for Remus a ${
        duration(REPLICATION_OPTIONS_FIELDS.heartbeatMs.default)
      } timeout on its stream, restarted by every message; for the others ten missed heartbeats of that period), activation (${
        duration(REPLICATION_OPTIONS_FIELDS.activationMs.default)
      }, an estimate), and the restore: nothing for a resident copy, the whole image from the backup's storage for a full restore, the device state for a lazy one (which reads the rest behind the running guest), or a boot from the replica disk for disk replication (${REPLICATION_OPTIONS_FIELDS.bootS.default} s, an estimate).`,
    plot: rtoPlot,
  },
  {
    kind: "table",
    title: "Recovery time, part by part",
    caption:
      "The bars above in numbers, with what follows the first instruction: a lazy restore's background read of the rest of memory, and the extra time each vCPU spends warming the backup's cold TLBs and caches.",
    columns: [
      { key: "method" },
      { key: "restore" },
      { key: "runs" },
      { key: "detect", label: "detection", unit: "ms", digits: 0 },
      { key: "activation", label: "activation", unit: "ms", digits: 0 },
      { key: "restore_ms", label: "restore or boot", unit: "ms", digits: 1 },
      { key: "rto", label: "RTO", unit: "ms", digits: 0 },
      { key: "background", label: "background read", unit: "ms", digits: 1 },
      { key: "cold_start", label: "cold start", unit: "ms per vCPU", digits: 3 },
    ],
    rows: rtoTableRows,
  },
  {
    kind: "table",
    title: "When the link goes down, and when the backup fails",
    caption: `The link between the hosts goes down ${
      OUTAGES_MS.map(duration).join(" or ")
    } once three intervals have passed, and the production host fails in the outage's last interval; or the backup fails and the production host runs on. After ${
      duration(REPLICATION_OPTIONS_FIELDS.giveUpMs.default)
    } without an acknowledgement the production host stops replicating and releases the outputs it held (giveUpMs).`,
    columns: [
      { key: "method" },
      { key: "interval" },
      { key: "what", wrap: true },
      { key: "fail_at", label: "fails at", unit: "ms", digits: 0 },
      { key: "outcome", wrap: true },
      { key: "rpo", label: "RPO", unit: "ms", digits: 0 },
      { key: "output_delay_max", label: "longest output hold", unit: "ms", digits: 0 },
      { key: "released_outputs_lost", label: "released outputs lost" },
      { key: "lost_pages", label: "lost pages" },
    ],
    rows: trialRows,
  },
  {
    kind: "text",
    title: "What is simulated access by access, what is sampled, and long intervals",
    text: simulatedText,
  },
  {
    kind: "table",
    title: "No lost data",
    caption:
      "Per method and situation: runs, checkpoints the backup applied, and what was lost. After every failover the backup's memory and disk must equal, page by page and block by block, the production host's at the capture of the checkpoint it recovered, and no checkpoint may be applied in part (torn): any lost page or block or torn checkpoint is a bug. Released outputs lost — outputs clients saw that depend on state the backup did not recover — are the price of releasing outputs at once (asynchronous and disk replication), and of Remus once it gives up on an unreachable backup.",
    columns: [
      { key: "method" },
      { key: "situation", wrap: true },
      { key: "runs" },
      { key: "applied", label: "checkpoints applied" },
      { key: "lost_pages", label: "lost pages" },
      { key: "lost_blocks", label: "lost blocks" },
      { key: "torn", label: "torn checkpoints" },
      { key: "outputs_lost", label: "released outputs lost" },
    ],
    rows: integrityRows,
  },
];
