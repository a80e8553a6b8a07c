/**
 * The written parts of the `replication` report: the headline, the
 * reading, and what the lab simulates access by access against what it
 * samples or runs in scaled time, computed from the rows.
 *
 * @module
 */

import { REPLICATION_OPTIONS_FIELDS } from "../../core/replication/replication_params.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { BASE_GUEST, OUTAGES_MS } from "./grid.ts";
import { WARM_INTERVALS } from "./run.ts";
import { duration, guestLabel, linkLabel, METHOD_SHORT, pct } from "./_labels.ts";
import {
  backupRows,
  configsOf,
  linksOf,
  mainRows,
  meanOf,
  ofMethod,
  outageRows,
  rtoBars,
  statOf,
} from "./_tables.ts";
import { runsOf, runsTotal } from "../seed_runs.ts";

/** "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The base guest's rows of the trade-off (1 GbE, 64 MiB/s, WWS 10 %; disk: 1 GbE). */
function baseRows(rows: readonly Row[]): Row[] {
  return mainRows(rows).filter((r) =>
    r.link === BASE_GUEST.link &&
    (r.method === "disk" ||
      (Number(r.dirty_rate_mib_s) === BASE_GUEST.dirty_rate_mib_s &&
        Number(r.wws_fraction) === BASE_GUEST.wws_fraction))
  );
}

/** The mean RPO of a method's rows at an interval (ms). */
function rpoAt(rows: readonly Row[], method: "remus" | "async" | "disk", interval: number): number {
  return meanOf(ofMethod(rows, method).filter((r) => Number(r.interval_ms) === interval), "rpo_ms");
}

/** The intervals a method ran at in some rows, shortest first. */
function intervalsOf(rows: readonly Row[], method: "remus" | "async" | "disk"): number[] {
  return [...new Set(ofMethod(rows, method).map((r) => Number(r.interval_ms)))].sort((a, b) =>
    a - b
  );
}

/** Total released outputs that depended on lost state, per method. */
function outputsLost(rows: readonly Row[], method: "remus" | "async" | "disk"): number {
  return runsTotal(ofMethod(rows, method), "released_outputs_lost");
}

/** The saturation sentence: the lowest dirty rate at which Remus's shortest interval saturated the slow link. */
function saturationSentence(rows: readonly Row[]): string {
  const remus = configsOf(ofMethod(mainRows(rows), "remus")).filter((c) =>
    c.first.link === "1gbe" && Number(c.first.wws_fraction) === BASE_GUEST.wws_fraction
  );
  const shortest = Math.min(...remus.map((c) => Number(c.first.interval_ms)));
  const at = remus.filter((c) => Number(c.first.interval_ms) === shortest)
    .sort((a, b) => Number(a.first.dirty_rate_mib_s) - Number(b.first.dirty_rate_mib_s));
  const first = at.find((c) =>
    c.rows.some((r) => r.link_saturated === true || r.link_saturated_seeds !== undefined)
  );
  if (first === undefined) {
    return at.length === 0 ? "" : `Remus at ${duration(shortest)} never saturated 1 GbE here.`;
  }
  const rate = Number(first.first.dirty_rate_mib_s);
  return `At ${formatNumber(rate)} MiB/s${
    rate > 119 ? ", more than the 119 MiB/s a 1 GbE link carries," : ""
  } Remus at ${
    duration(shortest)
  } could not keep its interval: each capture waited for the previous acknowledgement, its epochs stretched to ${
    duration(meanOf(first.rows, "effective_interval_ms"))
  } and the checkpoints grew with them.`;
}

/**
 * The finding: for the base guest, each method's recovery point, what
 * Remus costs the guest and its clients, the recovery times, where the
 * link saturates, and what was lost.
 */
export function headline(rows: readonly Row[]): string {
  const base = baseRows(rows);
  const parts: string[] = [];
  const remus = ofMethod(base, "remus");
  if (base.length > 0) {
    const names = {
      remus: "Remus checkpointing",
      async: "asynchronous checkpoints",
      disk: "disk replication",
    } as const;
    const per = (m: "remus" | "async" | "disk") => {
      const iv = intervalsOf(base, m);
      if (iv.length === 0) return "";
      const last = iv.at(-1)!;
      return `${duration(rpoAt(base, m, iv[0]))} with ${names[m]} every ${duration(iv[0])}${
        iv.length > 1 ? ` (${duration(rpoAt(base, m, last))} every ${duration(last)})` : ""
      }`;
    };
    const sample = remus[0] ?? base[0];
    parts.push(
      `When its host fails, a running ${formatNumber(Number(sample.memory_gib))} GiB guest (${
        guestLabel(sample)
      }) replicated over ${BASE_GUEST.link} loses on average the work of its last ${
        andList([per("remus"), per("async"), per("disk")].filter((s) => s !== ""))
      }: about half an interval plus a checkpoint's commit.`,
    );
  }
  if (remus.length > 0) {
    const s = meanOf(remus, "guest_slowdown");
    const split = 1 - 1 / meanOf(remus, "translation_slowdown");
    parts.push(
      `Remus costs the guest ${pct(s)} of its progress (${
        pct(split)
      } of it the host-page split that dirty logging forces, whatever the interval) and holds each output ${
        duration(meanOf(remus, "output_delay_ms"))
      } on average.`,
    );
  }
  const sat = saturationSentence(rows);
  if (sat !== "") parts.push(sat);
  const failover = mainRows(rows);
  const resident = meanOf(
    ofMethod(failover, "remus").filter((r) => r.restore === "resident"),
    "rto_ms",
  );
  const boot = meanOf(ofMethod(failover, "disk"), "rto_ms");
  if (Number.isFinite(resident) && Number.isFinite(boot)) {
    parts.push(
      `The guest runs again ${
        duration(resident)
      } after the failure on average with Remus (a resident copy, a one-second timeout on its stream) and ${
        duration(boot)
      } with disk replication (ten missed heartbeats, then a boot).`,
    );
  }
  const lost = runsTotal(rows, "lost_pages") + runsTotal(rows, "lost_blocks") +
    runsTotal(rows, "torn_checkpoints");
  const remusOut = outputsLost(rows, "remus");
  parts.push(
    `${
      lost === 0
        ? "No run lost a page or a block or applied a torn checkpoint"
        : `${lost} pages, blocks or torn checkpoints were lost: a mechanism is broken`
    }; clients saw the results of ${
      formatNumber(outputsLost(rows, "async") + outputsLost(rows, "disk"))
    } outputs (1,000 a second) whose work asynchronous and disk replication then lost${
      remusOut === 0
        ? ", and none under Remus."
        : `, and ${formatNumber(remusOut)} under Remus, ${
          remusOut === outputsLost(outageRows(rows), "remus")
            ? "all once a link outage outlasted its patience"
            : "some of them with the link up: a mechanism is broken"
        }.`
    }`,
  );
  return parts.join(" ");
}

/** The reading: what each run does, the trade-off, the link, outputs, recovery time, failures. */
export function reading(rows: readonly Row[]): string {
  const main = mainRows(rows);
  if (main.length === 0) return "No replication rows.";
  const paragraphs: string[] = [];
  const links = linksOf(main);
  const memory = main.filter((r) => r.method !== "disk");
  const rates = [...new Set(memory.map((r) => Number(r.dirty_rate_mib_s)))].sort((a, b) => a - b);
  const instants = Math.max(...main.map((r) => Number(r.instants)));
  paragraphs.push(
    `Each run replicates a running guest (${
      formatNumber(Number(memory[0]?.memory_gib ?? 1))
    } GiB, dirtying distinct pages of a writable working set at ${
      andList(rates.map((r) => `${r}`))
    } MiB/s, writing its disk at ${REPLICATION_OPTIONS_FIELDS.diskWriteMibS.default} MiB/s and sending ${
      formatNumber(REPLICATION_OPTIONS_FIELDS.outputsPerS.default)
    } client-visible outputs a second) from a production host to a backup over ${
      andList(links.map(linkLabel))
    }, and fails the production host once ${WARM_INTERVALS} or more intervals have passed, at up to ${instants} instants per configuration spread evenly over one interval (stratified, drawn from the seed). Remus checkpoints memory, devices and the epoch's disk writes every 25–200 ms and holds outputs until the backup acknowledges; asynchronous checkpoints do the same every seconds to a minute and release outputs at once; disk replication ships only the disk's writes every 30 s to 15 min and boots the guest from its replica. The plots show the mean over the instants (the band spans the lowest to the highest run).`,
  );
  const base = baseRows(rows);
  const ratio = (m: "remus" | "async" | "disk") => {
    const of = configsOf(ofMethod(base, m));
    if (of.length === 0) return "";
    const r = of.map((c) => meanOf(c.rows, "rpo_ms") / Number(c.first.interval_ms));
    return `${METHOD_SHORT[m]} ${formatNumber(Math.min(...r), 2)}–${
      formatNumber(Math.max(...r), 2)
    }`;
  };
  const remusBase = ofMethod(base, "remus");
  const commit = statOf(remusBase, "commit_ms");
  paragraphs.push(
    `The recovery point is the guest time from the capture of the checkpoint the backup holds whole to the failure. A failure that falls while a checkpoint is still on its way loses that one too, so the RPO runs from a little more than the commit time up to the interval plus the commit (the model's bound, dashed in the first plot), and its mean over a uniform failure instant is about half an interval plus the commit. Over the failure instants, the mean RPO as a share of the interval was ${
      andList([ratio("remus"), ratio("async"), ratio("disk")].filter((s) => s !== ""))
    } for the base guest on ${BASE_GUEST.link}: for Remus the commit (${
      Number.isFinite(commit.mean) ? `${duration(commit.low)} to ${duration(commit.high)}` : "—"
    } on 1 GbE) is a large part of an interval of tens of ms; for intervals of minutes it vanishes. Lengthening the interval buys the guest little once dirty logging is on (next plot) while the RPO grows in proportion.`,
  );
  if (memory.length > 0) {
    const split = 1 - 1 / meanOf(memory, "translation_slowdown");
    paragraphs.push(
      `What protection costs the guest: each checkpoint pauses it (${
        duration(statOf(memory, "pause_ms_per_checkpoint").low)
      } to ${
        duration(statOf(memory, "pause_ms_per_checkpoint").high)
      }: a fixed ${REPLICATION_OPTIONS_FIELDS.checkpointFixedUs.default} µs plus re-protecting and copying the dirty pages), each first write to a page in an epoch exits to the hypervisor, and — the largest part — dirty logging splits the host's 2 MiB pages to 4 KiB for as long as replication runs, so every access translates through more levels: measured access by access, that alone loses the guest ${
        pct(split)
      } of its progress at every interval (dashed in the second plot). Remus's pauses and exits add a few points at 25 ms and fewer at 200 ms; the curve is flat where Remus's own measurements grew linearly with the checkpoint rate (see the validation).`,
    );
  }
  const sat = saturationSentence(rows);
  paragraphs.push(
    `The link: a checkpoint carries the distinct pages dirtied in its epoch (at most the writable working set), the epoch's disk writes, message headers and the device state, so the stream needs about the dirty rate at short intervals and less at long ones, where pages rewritten within an epoch are sent once and the working set caps what an epoch can dirty. Every checkpoint also carries the CPU and device state (${
      formatNumber(REPLICATION_OPTIONS_FIELDS.deviceStateBytes.default / 1024)
    } KiB, an estimate under the ~55 KB that Remus's one-page checkpoint could carry in its 0.5 ms on GbE): at 25 ms that alone is ${
      formatNumber(REPLICATION_OPTIONS_FIELDS.deviceStateBytes.default / 2 ** 20 / 0.025)
    } MiB/s. ${sat} Where the link keeps up, the stream uses a little more than the checkpoints need (bandwidth_mib_s over the run up to the failure, which includes the checkpoint in flight).`,
  );
  const remus = ofMethod(main, "remus");
  if (remus.length > 0) {
    paragraphs.push(
      `Remus holds every client-visible output until the checkpoint that produced it is acknowledged: an output waits for the end of its epoch, then for the checkpoint's commit, so the mean delay is about half an interval plus the commit and the longest about an interval plus the commit (${
        duration(statOf(remus, "output_delay_ms").low)
      } to ${
        duration(statOf(remus, "output_delay_ms").high)
      } on average here). This is the price of never releasing what the backup could lose; asynchronous and disk replication release outputs at once and hold none.`,
    );
  }
  const bars = rtoBars(rows);
  if (bars.length > 0) {
    paragraphs.push(
      `Recovery time is detection, activation and restore. Detection waits a second of silence on Remus's stream (its timeout restarts with every message, so it is the whole second after the last one), and ten missed heartbeats of a 1 s period for the others (a failover cluster's default), up to 10 s after the failure. A resident restore only unpauses the copy the backup kept up to date; a full restore reads the whole image from the backup's storage first; a lazy one reads the device state, starts the guest and reads the rest behind it (${
        andList(
          bars.map((b) => `${b.label} ${duration(b.rto)}`),
        )
      }). Disk replication boots the guest from its replica disk, which is crash-consistent: its memory is gone.`,
    );
  }
  const outage = outageRows(rows);
  const backup = backupRows(rows);
  if (outage.length > 0 || backup.length > 0) {
    const parts: string[] = [];
    const long = outage.filter((r) =>
      Number(r.link_outage_ms) > REPLICATION_OPTIONS_FIELDS.giveUpMs.default
    );
    const short = outage.filter((r) =>
      Number(r.link_outage_ms) <= REPLICATION_OPTIONS_FIELDS.giveUpMs.default
    );
    if (short.length > 0) {
      parts.push(
        `When the link goes down for ${
          andList([...new Set(short.map((r) => duration(Number(r.link_outage_ms))))])
        } and the production host fails near the end of the outage, the backup still holds the checkpoint from before it: the RPO is the outage (${
          duration(meanOf(short, "rpo_ms"))
        } on average), but Remus released nothing it had not acknowledged (${
          formatNumber(runsTotal(ofMethod(short, "remus"), "released_outputs_lost"))
        } outputs lost).`,
      );
    }
    if (long.length > 0) {
      parts.push(
        `An outage longer than the production host's patience (${
          duration(REPLICATION_OPTIONS_FIELDS.giveUpMs.default)
        }, giveUpMs) makes it stop replicating and release the outputs it held, to keep serving its clients: when it then fails, clients have seen ${
          formatNumber(runsTotal(long, "released_outputs_lost"))
        } outputs of work the backup never had, Remus included.`,
      );
    }
    if (backup.length > 0) {
      parts.push(
        `When the backup fails, the production host notices by missed heartbeats and runs on unprotected; until then Remus holds outputs that nobody will acknowledge (the longest wait ${
          duration(statOf(backup, "output_delay_max_ms").high)
        }).`,
      );
    }
    paragraphs.push(parts.join(" "));
  }
  const lost = runsTotal(rows, "lost_pages") + runsTotal(rows, "lost_blocks");
  const torn = runsTotal(rows, "torn_checkpoints");
  paragraphs.push(
    lost + torn === 0
      ? `Every failover was checked page by page and block by block: the backup's image equals the production host's state at the capture of the checkpoint it recovered, and no checkpoint was applied in part (${
        formatNumber(rows.reduce((s, r) => s + runsOf(r), 0))
      } runs). The outputs released to clients that depended on lost state are the honest price of asynchronous and disk replication: they are zero for Remus unless it gave up.`
      : `${lost} pages or blocks were lost and ${torn} checkpoints torn: a mechanism is broken; see "No lost data".`,
  );
  return paragraphs.join("\n\n");
}

/** The section on what runs per access, what on the sampled guest, and how long intervals are simulated. */
export function simulatedText(rows: readonly Row[]): string {
  const longest = Math.max(
    ...mainRows(rows).map((r) => Number(r.fail_at_ms)).filter(Number.isFinite),
  );
  return [
    `Two hosts run on one event clock: the production machine, whose guest's vCPUs are agents of that clock with their exits counted and charged by reason, and the backup, which applies a checkpoint only once all of it has arrived and then acknowledges it; the link between them carries messages at the profile's bandwidth with a round trip (core/transfer/link_profile.ts).`,
    `Per access, on the machines' MMUs and caches (${
      formatNumber(REPLICATION_OPTIONS_FIELDS.translationSampleAccesses.default)
    } accesses per vCPU per window, a warm-up then a measured one, once per machine and working set): the guest's cycles per access before and while dirty logging has split the host's large pages, whose ratio (translation_slowdown) slows its touches for as long as replication runs; and the backup's cold TLBs and caches after failover (cold_start_ms).`,
    `Sampled: the guest's run itself — its writes into the dirty log (each write-protect exit), its pauses, its outputs and disk writes — runs on the sampled page-touch guest, where one touch stands for ${
      formatNumber(REPLICATION_OPTIONS_FIELDS.accessesPerTouch.default)
    } accesses of work (fewer when the dirty rate needs more touches). That is what lets a run cover long intervals: every interval of the sweep, up to 15 minutes for disk replication (whose runs have no guest memory at all: only its 4 KiB disk writes, each drawn in turn), is simulated in full on that clock, not scaled — the longest run here fails ${
      duration(longest)
    } of guest time in. Runs of intervals of minutes lift the limit on simulated time (simTimeLimitS) above its default.`,
    `Failure instants: the production host fails at window start + interval × (k + u) / F for stratum k of F, u drawn from the seed; the window is one interval that starts ${WARM_INTERVALS} + j intervals in, j a whole number of intervals below one heartbeat drawn from the seed, so that where the failure falls between two heartbeats (which sets detection) is spread as evenly as where it falls between two captures (which sets the RPO). Every configuration of one seed shares its u, so that curves compare like with like. The link-outage runs (${
      andList(OUTAGES_MS.map(duration))
    }) fail in the last interval of the outage.`,
  ].join("\n\n");
}
