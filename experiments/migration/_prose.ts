/**
 * The written parts of the `migration` report: the headline, the reading,
 * and what the lab simulates access by access against what it samples,
 * computed from the rows.
 *
 * @module
 */

import { forkRows } from "./_fork.ts";
import { MIGRATION_OPTIONS_FIELDS } from "../../core/migration/migration_params.ts";
import { STATE_OPTIONS_FIELDS } from "../../core/snapshot/state_params.ts";
import { LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { formatMib } from "../size_format.ts";
import type { Row } from "../experiment.ts";
import { DOWNTIME_LIMIT_MS, linkMibS, type VariantName } from "./grid.ts";
import { formatRate, guestLabel, linkLabel, variantShort, wwsFits } from "./_labels.ts";
import { failureRows, linksOf, mainRows, ofVariants } from "./_tables.ts";
import { runsOf, runsTotal, runsWhere } from "../seed_runs.ts";

/** Milliseconds written with sensible digits, in seconds from 1 s up. */
export function ms(value: number): string {
  if (value >= 1000) return `${formatNumber(value / 1000, 1)} s`;
  if (value >= 10) return `${formatNumber(value, 0)} ms`;
  return `${formatNumber(value, 1)} ms`;
}

/** A fraction as a percentage: one decimal below 10 %, whole percent above. */
function pct(fraction: number): string {
  const p = 100 * fraction;
  return p < 10 ? `${formatNumber(p, 1)}%` : `${Math.round(p)}%`;
}

/** "95 ms" or "95–439 ms": the range of a measure over rows. */
function range(rows: readonly Row[], key: string): string {
  const v = rows.map((r) => Number(r[key])).filter(Number.isFinite);
  if (v.length === 0) return "";
  const lo = ms(Math.min(...v));
  const hi = ms(Math.max(...v));
  if (lo === hi) return lo;
  // "95–439 ms" when both share a unit, "439 ms–2.1 s" otherwise.
  const unit = (x: string) => x.split(" ")[1];
  return unit(lo) === unit(hi) ? `${lo.split(" ")[0]}–${hi}` : `${lo}–${hi}`;
}

/** "12–43%": the range of a fraction over rows, as percentages. */
function pctRange(rows: readonly Row[], key: string): string {
  const v = rows.map((r) => Number(r[key])).filter(Number.isFinite);
  if (v.length === 0) return "";
  const lo = pct(Math.min(...v));
  const hi = pct(Math.max(...v));
  return lo === hi ? lo : `${lo.replace("%", "")}–${hi}`;
}

/** Runs of the rows (a summarised row stands for several). */
function runs(rows: readonly Row[]): number {
  return rows.reduce((s, r) => s + runsOf(r), 0);
}

/**
 * The guest the headline speaks of: 1 GiB on 10 GbE if the sweep has it
 * (both grids do), whose writable working set does not fit in the link's
 * bandwidth × the downtime limit; else the first guest of the sweep.
 */
function headlineGuest(main: readonly Row[]): Row[] {
  const pick = (f: (r: Row) => boolean) => main.filter(f);
  let of = pick((r) => r.link === "10gbe" && Number(r.memory_gib) === 1 && !wwsFits(r));
  if (of.length === 0) {
    of = pick((r) => r.link === main[0].link && r.memory_gib === main[0].memory_gib);
  }
  return of.filter((r) => r.completed === true);
}

/** Rows of one variant. */
function variant(rows: readonly Row[], v: VariantName): Row[] {
  return ofVariants(rows, [v]);
}

/** The mean of a measure over rows' runs. */
function meanOf(rows: readonly Row[], key: string): number {
  const n = runs(rows);
  return rows.reduce((s, r) => s + Number(r[key]) * runsOf(r), 0) / n;
}

/** Pages lost over every run. */
function lostPages(rows: readonly Row[]): number {
  return runsTotal(rows, "lost_pages");
}

/** "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The sentence about the link-failure runs, or "". */
function failureSentence(rows: readonly Row[]): string {
  const fail = failureRows(rows);
  if (fail.length === 0) return "";
  const lost = fail.filter((r) => runsWhere(r, "vm_lost") > 0).map(variantShort);
  const survived = fail.filter((r) => runsWhere(r, "vm_lost") === 0).map(variantShort);
  const at = ms(Number(fail[0].link_fail_ms));
  return `When the link failed ${at} into the migration, ${
    lost.length === 0
      ? "no method lost the VM"
      : `${andList(lost)} lost the VM (neither host held all of it)`
  }${
    survived.length === 0 ? "" : `, while under ${andList(survived)} the guest ran on at the source`
  }.`;
}

/** The largest fork without prefetch: when its last child starts, locally and remotely. */
function forkSentence(rows: readonly Row[]): string {
  const forks = forkRows(rows).filter((r) => r.prefetch !== true && r.multicast !== true);
  if (forks.length === 0) return "";
  const most = Math.max(...forks.map((r) => Number(r.children)));
  const widest = forks.filter((r) => Number(r.children) === most)
    .sort((a, b) => Number(a.last_first_instruction_ms) - Number(b.last_first_instruction_ms));
  return `Forked from one suspended ${
    forks[0].memory_gib
  } GiB parent, the last of ${most} children runs ${
    andList(widest.map((r) =>
      `${ms(Number(r.last_first_instruction_ms))} after the fork ${
        r.placement === "local" ? "on the parent's host" : `over ${r.link}`
      }`
    ))
  }.`;
}

/**
 * The finding: for the headline guest, each method's downtime, what
 * post-copy's guest pays after the switch, where pre-copy stops
 * converging, lost pages and what a link failure does.
 */
export function headline(rows: readonly Row[]): string {
  const main = mainRows(rows);
  const parts: string[] = [];
  const g = headlineGuest(main);
  const stop = variant(g, "stop-and-copy");
  const pre = variant(g, "pre-copy");
  const post = variant(g, "post-copy");
  const preempt = variant(g, "post-copy-preempt");
  if (g.length > 0 && post.length > 0 && pre.length > 0) {
    const r = g[0];
    parts.push(
      `Moving a running ${guestLabel(r)} over ${r.link}, post-copy pauses it ${
        range(post, "downtime_ms")
      } against ${range(pre, "downtime_ms")} for pre-copy under QEMU's rule${
        stop.length > 0 ? ` and ${range(stop, "downtime_ms")} for stop-and-copy` : ""
      }, but then its vCPUs stall on remote faults for ${
        pct(meanOf(post, "degraded_ms") / meanOf(post, "postcopy_ms"))
      } of the ${ms(meanOf(post, "postcopy_ms"))} until the last page arrives (${
        ms(meanOf(post, "fault_stall_ms"))
      } per fault${
        preempt.length > 0
          ? `; ${ms(meanOf(preempt, "fault_stall_ms"))} and ${
            pct(meanOf(preempt, "degraded_ms") / meanOf(preempt, "postcopy_ms"))
          } with a preempt channel`
          : ""
      }).`,
    );
  }
  const qemu = variant(main, "pre-copy");
  const stuck = qemu.filter((r) => r.converged !== true);
  if (qemu.length > 0) {
    parts.push(
      stuck.length === 0
        ? "Pre-copy under QEMU's rule converged in every run."
        : `Pre-copy under QEMU's rule did not converge in ${
          runs(stuck) - stuck.reduce((s, r) => s + runsWhere(r, "converged"), 0)
        } of ${runs(qemu)} runs${
          stuck.every((r) => !wwsFits(r) && Number(r.dirty_rate_mib_s) > linkMibS(String(r.link)))
            ? ` — each one whose writable working set exceeds what the link sends in ${DOWNTIME_LIMIT_MS} ms and whose guest was given a dirty rate above the link's bandwidth —`
            : ""
        } and was paused at the lab's timeout with its working set left to send.`,
    );
  }
  const failure = failureSentence(rows);
  if (failure !== "") parts.push(failure);
  const fork = forkSentence(rows);
  if (fork !== "") parts.push(fork);
  const lost = lostPages(rows);
  parts.push(
    lost === 0 ? "No run lost a page." : `${lost} pages were lost: a mechanism is broken.`,
  );
  return parts.join(" ");
}

/** Per link and memory, the lowest dirty rate at which pre-copy under QEMU's rule did not converge. */
function convergencePoints(main: readonly Row[]): string[] {
  const out: string[] = [];
  const qemu = variant(main, "pre-copy");
  for (const link of linksOf(qemu)) {
    for (
      const memory of [...new Set(qemu.map((r) => Number(r.memory_gib)))].sort((a, b) => a - b)
    ) {
      const of = qemu.filter((r) =>
        r.link === link && Number(r.memory_gib) === memory && !wwsFits(r)
      );
      if (of.length === 0) continue;
      const stuck = of.filter((r) => r.converged !== true).map((r) => Number(r.dirty_rate_mib_s));
      const fine = of.filter((r) => r.converged === true).map((r) => Number(r.dirty_rate_mib_s));
      const where = `${link}, ${guestLabel(of[0])}`;
      if (stuck.length === 0) {
        out.push(`${where}: converged at every rate up to ${formatRate(Math.max(...fine))}`);
      } else {
        const from = Math.min(...stuck);
        const below = fine.filter((x) => x < from);
        out.push(
          `${where}: from ${formatRate(from)}${
            below.length > 0 ? ` (converged at ${formatRate(Math.max(...below))})` : ""
          }`,
        );
      }
    }
  }
  return out;
}

/** The reading: what each method costs, where pre-copy fails, post-copy's degraded period, dirty logging. */
export function reading(rows: readonly Row[]): string {
  const main = mainRows(rows);
  const paragraphs: string[] = [];
  if (main.length === 0) return "No migration rows.";
  const links = linksOf(main);
  const memories = [...new Set(main.map((r) => Number(r.memory_gib)))].sort((a, b) => a - b);
  const pass = (link: string, gib: number) =>
    gib * 2 ** 30 / LINK_PROFILES[link].bytesPerSecond * 1000;
  paragraphs.push(
    `Each run migrates a running guest (${
      memories.map((m) => formatMib(m * 1024)).join(" and ")
    }, ${main[0].vcpus ?? 2} vCPUs, reading ${
      pct(Number(main[0].working_set_fraction))
    } of its memory and rewriting a writable working set page after page at a given rate) between two hosts over ${
      links.map(linkLabel).join(", ")
    }. The dirty rates of the sweep are a quarter of each link's bandwidth to four times it, and each link and memory size has two writable working sets: one that fits in what the link sends within QEMU's ${DOWNTIME_LIMIT_MS} ms downtime limit and one that does not. The plots put the links side by side and the guests one above the other; a cross marks a run that did not converge.`,
  );
  const stop = variant(main, "stop-and-copy");
  const post = variant(main, "post-copy");
  const pre = variant(main, "pre-copy").filter((r) => r.completed === true);
  if (stop.length > 0) {
    const l = links[0];
    const m = memories[0];
    paragraphs.push(
      `Stop-and-copy's downtime is the time one pass over memory takes (${ms(pass(l, m))} for ${
        formatMib(m * 1024)
      } over ${l}), whatever the guest does. Post-copy's is the device state and the fixed switch-over work (${
        range(post, "downtime_ms")
      } here). Pre-copy under QEMU's rule pauses once what it has left to send fits in the link's bandwidth × ${DOWNTIME_LIMIT_MS} ms (${
        range(pre.filter((r) => r.converged === true), "downtime_ms")
      } of downtime when it converged: the device state, the switch-over and what still sat in the send buffer when it decided come on top, so on a slow link the downtime exceeds the limit a little, as QEMU's does); Xen's rules pause after a fixed number of rounds whatever is left, so where the working set is large and rewritten fast their downtime is the working set over the link, and where it is small they iterate on until fewer than 50 pages are dirty and pause for only a few ms.`,
    );
  }
  const points = convergencePoints(main);
  if (points.length > 0) {
    const ac = variant(main, "pre-copy-auto-converge").filter((r) => r.completed === true);
    const throttled = ac.filter((r) => Number(r.throttle_max) > 0);
    paragraphs.push(
      `Where the writable working set fits in the link's bandwidth × ${DOWNTIME_LIMIT_MS} ms, pre-copy under QEMU's rule converges at every dirty rate: what is left after a round can never exceed the working set. Where it does not fit, pre-copy stops converging once the guest dirties it faster than the link sends — ${
        points.join("; ")
      } — and runs on until the lab's timeout (${MIGRATION_OPTIONS_FIELDS.timeoutPasses.default} passes over memory, libvirt's --timeout), then pauses with the whole working set to send. The rate the guest is given is its rate unhindered; write-protect exits slow it (achieved_dirty_rate_mib_s in the CSV), so the crossing lies somewhat above the link's bandwidth.${
        throttled.length > 0
          ? ` Auto-converge throttles such a guest (up to ${
            pct(Math.max(...throttled.map((r) => Number(r.throttle_max))))
          } of its time here) until it converges, at the price of the guest's progress: its guest loses ${
            pctRange(throttled, "guest_slowdown")
          } of its progress in those runs.`
          : ""
      }`,
    );
  }
  const preempt = variant(main, "post-copy-preempt").filter((r) => r.completed === true);
  if (post.length > 0) {
    paragraphs.push(
      `Post-copy sends every page once and finishes in about one pass over memory, but after the switch the guest runs where its memory is not: a touch of a page still at the source stalls its vCPU until the page arrives. Without a preempt channel the requested page queues behind what is in the source's send buffer (${
        ms(meanOf(post, "fault_stall_ms"))
      } per fault on average over the sweep), so the vCPUs spend ${
        pct(meanOf(post, "degraded_ms") / meanOf(post, "postcopy_ms"))
      } of the post-copy period stalled: the guest is live in name only until its working set has arrived.${
        preempt.length > 0
          ? ` With QEMU's preempt channel a requested page overtakes the stream (${
            ms(meanOf(preempt, "fault_stall_ms"))
          } per fault), the guest makes progress between faults, and it stalls ${
            pct(meanOf(preempt, "degraded_ms") / meanOf(preempt, "postcopy_ms"))
          } of the period — on many more faults, since each costs less.`
          : ""
      } The destination maps the guest with 4 KiB host pages while post-copy places pages one by one (QEMU turns transparent huge pages off there), so the guest also runs slower per access afterwards: dest_translation_slowdown, measured access by access.`,
    );
  }
  const hybrid = variant(main, "hybrid").filter((r) => r.completed === true);
  const switched = hybrid.filter((r) => String(r.stop_reason).includes("post-copy"));
  if (hybrid.length > 0) {
    paragraphs.push(
      `Hybrid runs pre-copy rounds and behaves as pre-copy wherever that converges; ${
        switched.length === 0
          ? "in this sweep it never had to switch."
          : `in ${runs(switched)} of ${
            runs(hybrid)
          } runs the set left to send stopped shrinking and it switched to post-copy (downtime ${
            range(switched, "downtime_ms")
          }), sending far fewer bytes than pre-copy's timeout and faulting only on the pages dirtied since their last round.`
      }`,
    );
  }
  const wp = variant(main, "pre-copy");
  const pml = variant(main, "pre-copy-pml");
  if (wp.length > 0) {
    const r = wp[0];
    const parts: string[] = [];
    if (Number(r.host_pages_split) > 0) {
      parts.push(
        `Starting to log dirty pages splits the source's host large pages to 4 KiB, as KVM does (${
          formatNumber(Number(r.host_pages_split), 0)
        } 2 MiB pages for ${r.memory_gib} GiB): measured access by access, a guest access then costs ${
          formatNumber(Number(r.access_cycles_logging), 1)
        } cycles instead of ${formatNumber(Number(r.access_cycles_source), 1)}, ${
          formatNumber(Number(r.translation_slowdown), 2)
        }× slower for as long as pre-copy iterates.`,
      );
    }
    if (pml.length > 0) {
      parts.push(
        `With write protection every first write to a page in a round exits (${
          formatNumber(meanOf(wp, "exits_write_protect"), 0)
        } write-protect exits per run on average); with Intel's page-modification log the processor logs the page itself and exits once per 512 pages (${
          formatNumber(meanOf(pml, "exits_pml_full"), 0)
        } PML-full exits per run). The guest loses less under PML (${
          pct(meanOf(pml, "guest_slowdown"))
        } of its progress against ${
          pct(meanOf(wp, "guest_slowdown"))
        } on average), but since the exits no longer slow it, it dirties pages faster: pre-copy with PML needed more rounds or did not converge where write protection did (${
          pml.filter((p) => {
            const w = wp.find((x) =>
              x.link === p.link && x.memory_gib === p.memory_gib &&
              x.wws_fraction === p.wws_fraction && x.dirty_rate_mib_s === p.dirty_rate_mib_s
            );
            return w !== undefined && Number(p.rounds) > Number(w.rounds);
          }).length
        } of ${pml.length} guests). "Dirty logging" sets them side by side.`,
      );
    }
    parts.push(
      "A lab that models translation and migration apart would miss both effects: the split costs the guest during pre-copy, the 4 KiB destination costs it after post-copy.",
    );
    paragraphs.push(parts.join(" "));
  }
  const fail = failureSentence(rows);
  const lost = lostPages(rows);
  paragraphs.push(
    `${fail === "" ? "" : `${fail} `}${
      lost === 0
        ? "Every run was checked page by page: after the switch, every page on the destination held the version the source held at the pause, plus the destination's own writes, and no access read a stale page. No page was lost."
        : `${lost} pages were lost — a mechanism is broken; see "No lost data".`
    }`,
  );
  return paragraphs.join("\n\n");
}

/** The section on what runs per access and what on the sampled guest. */
export function simulatedText(rows: readonly Row[]): string {
  const links = linksOf(mainRows(rows));
  const slow = links[0] ?? "1gbe";
  const round0 = 2 ** 30 / LINK_PROFILES[slow].bytesPerSecond;
  const sample = STATE_OPTIONS_FIELDS.translationSampleAccesses.default;
  return [
    `Two hosts run on one event clock: the source machine and the destination machine, each a nested-paging platform with its own vCPUs, TLBs, walk caches and caches; the sender on the source, the receiver on the destination and the guest's vCPUs are agents of that clock, and every exit is counted and charged by reason.`,
    `Per access, on the machines' MMUs and caches (${
      formatNumber(sample)
    } accesses per vCPU per window, a warm-up window then a measured one): the source before the migration; the source once dirty logging has split its host large pages (pre-copy and hybrid); the destination from cold, window after window until it runs as fast as warm, which gives the cold-start penalty every vCPU pays after the switch; and the destination warm, on the source's page size or, after post-copy, on 4 KiB host pages. The ratios of these cycles per access slow the guest's touches from then on.`,
    `Sampled: everything else — the guest's run before, during and after the migration, its writes into the dirty log (each write-protect exit, each PML-full exit), the pages on the wire, each remote fault and its stall — runs on the sampled page-touch guest, where one touch stands for ${
      formatNumber(STATE_OPTIONS_FIELDS.accessesPerTouch.default)
    } accesses of work (fewer when the dirty rate needs more touches). That is what lets a run cover a migration's seconds to minutes of guest time: moving 1 GiB over ${slow} takes ${
      formatNumber(round0, 1)
    } s of guest time for pre-copy's round 0 alone.`,
    `Every run is bounded. Pre-copy under QEMU's rule has no round cap, so the lab pauses a pre-copy that has not converged after ${MIGRATION_OPTIONS_FIELDS.timeoutPasses.default} passes' worth of time over memory (timeoutPasses, as libvirt's --timeout does; hybrid switches to post-copy then), and no run may go past ${STATE_OPTIONS_FIELDS.simTimeLimitS.default} s of simulated time (simTimeLimitS). Xen's rules cap rounds and bytes themselves.`,
  ].join("\n\n");
}
