/**
 * The `migration` experiment beside published figures: for each case the
 * closest published number (shared/references/vm-state.md §0 and §1), its
 * citation, the lab's comparable figure computed from the rows, and how
 * the two cases differ. Data and arithmetic only; the report's validation
 * section renders it.
 *
 * @module
 */

import type { ValidationCase } from "../../reports/report_section.ts";
import type { Row } from "../experiment.ts";
import {
  AKOUSH_MASCOTS_2010,
  CLARK_NSDI_2005,
  OPNFV_LIVE_MIGRATION,
  QEMU_MIGRATION_SOURCE,
  XU_POSTCOPY_PREEMPT_2022,
} from "../published_sources.ts";
import { DOWNTIME_LIMIT_MS, type VariantName } from "./grid.ts";
import { formatRate, guestLabel, linkLabel, wwsFits, wwsSize } from "./_labels.ts";
import { LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import { formatMib } from "../size_format.ts";
import { linksOf, mainRows, modelRoundsOf, ofVariants, rhoOf } from "./_tables.ts";
import { MIGRATION_OPTIONS_FIELDS } from "../../core/migration/migration_params.ts";
import { runsOf } from "../seed_runs.ts";

/** One case of the validation: the lab's figure beside the published one. */
export type MigrationValidationRow = ValidationCase;

/** Post-copy sends every page once (Hines & Gopalan's pre-paging eliminates duplicates). */
const HINES_VEE_2009 =
  'Hines and Gopalan, "Post-Copy Based Live Virtual Machine Migration Using Adaptive Pre-Paging and Dynamic Self-Ballooning", VEE 2009, abstract: Xen over a Gigabit LAN; pre-paging "eliminate[s] all duplicate page transmissions", and network-bound page faults fall "to within 21% of the VM\'s working set for large workloads"';

/** The completed rows of some variants on one link. */
function completedOn(rows: readonly Row[], variants: readonly VariantName[], link: string): Row[] {
  return ofVariants(mainRows(rows), variants).filter((r) =>
    r.link === link && r.completed === true
  );
}

/** The median of some numbers (NaN for none). */
function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The mean stall of one remote fault over every fault of the rows (ms). */
function faultStall(rows: readonly Row[]): number {
  let faults = 0;
  let stall = 0;
  for (const r of rows) {
    const n = Number(r.remote_faults) * runsOf(r);
    faults += n;
    stall += n * Number(r.fault_stall_ms);
  }
  return faults > 0 ? stall / faults : NaN;
}

/** The link the published case ran on, or the nearest the rows have (by bandwidth order). */
function nearestLink(rows: readonly Row[], wanted: string): string | undefined {
  const links = linksOf(mainRows(rows));
  return links.includes(wanted) ? wanted : links[0];
}

function qemuLimitCase(rows: readonly Row[]): ValidationCase | undefined {
  const converged = ofVariants(mainRows(rows), [
    "pre-copy",
    "pre-copy-pml",
    "pre-copy-auto-converge",
  ])
    .filter((r) => r.completed === true && r.converged === true);
  if (converged.length === 0) return undefined;
  const worst = converged.reduce((a, b) => Number(b.downtime_ms) > Number(a.downtime_ms) ? b : a);
  return {
    case:
      `Pre-copy under QEMU's rule, longest downtime of a run that converged (${converged.length} rows)`,
    lab: Number(worst.downtime_ms),
    published: DOWNTIME_LIMIT_MS,
    unit: "ms",
    citation: QEMU_MIGRATION_SOURCE,
    note:
      `Lab: the largest downtime_ms over every converged pre-copy run under QEMU's rule (with either dirty log, with or without auto-converge); here ${
        guestLabel(worst)
      }, ${
        formatRate(Number(worst.dirty_rate_mib_s))
      } on ${worst.link}. The rule pauses once what is left would take less than the limit at the bandwidth measured over the last 100 ms, so the pages it counts take under ${DOWNTIME_LIMIT_MS} ms to send; the downtime adds the device state (${
        formatMib(MIGRATION_OPTIONS_FIELDS.deviceStateBytes.default / 2 ** 20)
      }), the fixed switch-over work (${MIGRATION_OPTIONS_FIELDS.switchoverMs.default} ms) and what still sat in the send buffer when the rule decided, which QEMU counts as sent (up to ${
        formatMib(MIGRATION_OPTIONS_FIELDS.sendWindowBytes.default / 2 ** 20)
      }: ${
        Math.round(
          MIGRATION_OPTIONS_FIELDS.sendWindowBytes.default /
            LINK_PROFILES[String(worst.link)].bytesPerSecond * 1000,
        )
      } ms on ${worst.link}). A converged run exceeds the limit by that much at most, as QEMU's own downtime can exceed its limit.`,
  };
}

function clarkCase(rows: readonly Row[]): ValidationCase | undefined {
  const link = nearestLink(rows, "1gbe");
  if (link === undefined) return undefined;
  // The guests whose writable working set fits, as a game server's or a web
  // server's would; all of them if none does.
  const xenRows = completedOn(rows, ["pre-copy-xen-legacy", "pre-copy-xen"], link);
  const fitting = xenRows.some(wwsFits) ? xenRows.filter(wwsFits) : xenRows;
  if (fitting.length === 0) return undefined;
  // The smallest guest: 1 GiB in both grids.
  const memory = Math.min(...fitting.map((r) => Number(r.memory_gib)));
  const xen = fitting.filter((r) => Number(r.memory_gib) === memory);
  const wwsMs = Number(xen[0].wws_fraction) * memory * 2 ** 30 /
    LINK_PROFILES[link].bytesPerSecond * 1000;
  const where = `${linkLabel(link)}, ${guestLabel(xen[0])}`;
  return {
    case: `Pre-copy downtime under Xen's rules, ${where}: median over dirty rates`,
    lab: median(xen.map((r) => Number(r.downtime_ms))),
    published: [60, 210],
    unit: "ms",
    citation:
      `${CLARK_NSDI_2005}: 60 ms for a Quake 3 server, 210 ms for SPECweb, Xen over gigabit Ethernet`,
    note:
      `Lab: the median downtime_ms of the pre-copy runs under Xen's rules (legacy and current, where the sweep has them) on ${where}. Clark et al.'s guests' sizes and writable working sets were not reachable (shared/references/vm-state.md §1: NF); their rule also adapted its send rate, which the lab's Xen rules leave out. Under Xen's rules the last round holds what the guest rewrote during the round before, bounded by its writable working set, so the downtime follows the working set over the link: ${
        wwsSize(xen[0])
      } over ${link} takes ${Math.round(wwsMs)} ms.${
        link === "1gbe"
          ? ""
          : ` The sweep has no 1 Gbit/s link, so the case runs on ${link}: its downtimes are shorter than gigabit Ethernet's.`
      }`,
  };
}

function opnfvCase(rows: readonly Row[]): ValidationCase | undefined {
  const link = "10gbe";
  const pre = ofVariants(mainRows(rows), [
    "pre-copy",
    "pre-copy-pml",
    "pre-copy-auto-converge",
    "pre-copy-xen",
    "pre-copy-xen-legacy",
  ]).filter((r) => r.link === link && r.completed === true);
  if (pre.length === 0) return undefined;
  const least = pre.reduce((a, b) => Number(b.downtime_ms) < Number(a.downtime_ms) ? b : a);
  return {
    case: "Shortest pre-copy downtime over 10 GbE",
    lab: Number(least.downtime_ms),
    published: [5, 29],
    unit: "ms",
    citation: OPNFV_LIVE_MIGRATION,
    note: `Lab: the smallest downtime_ms of any pre-copy run on 10gbe (${guestLabel(least)}, ${
      formatRate(Number(least.dirty_rate_mib_s))
    }, stop rule ${least.stop_rule}). OPNFV set a 10 ms downtime target; the lab keeps QEMU's default 300 ms, under which pre-copy pauses with up to 300 ms of data left, so only runs that iterate until little is left (Xen's rules, or a small writable working set) come near. The lab's fixed switch-over work (${MIGRATION_OPTIONS_FIELDS.switchoverMs.default} ms) was taken from this very source's tuned 5–7 ms: the floor agrees by construction, and what is compared is the few ms the last pages add.`,
  };
}

function xuCase(rows: readonly Row[], preempt: boolean): ValidationCase | undefined {
  const link = "10gbe";
  const of = completedOn(rows, [preempt ? "post-copy-preempt" : "post-copy"], link);
  const stall = faultStall(of);
  if (!Number.isFinite(stall)) return undefined;
  const memories = [...new Set(of.map((r) => Number(r.memory_gib)))].join(" and ");
  return {
    case: `Post-copy page-request latency, 4 KiB pages, 10 GbE, ${
      preempt ? "preempt channel" : "vanilla"
    }`,
    lab: stall,
    published: preempt ? 0.57 : 10.68,
    unit: "ms",
    citation: XU_POSTCOPY_PREEMPT_2022,
    note: preempt
      ? `Lab: fault_stall_ms of post-copy with a preempt channel on 10gbe (${memories} GiB guests), over every remote fault: the fault's exit, the request's trip, the page on its own channel, placing it and waking the vCPU. The lab's requested page never waits for the background stream, and its 10 GbE round trip (50 µs) is an estimate; Peter Xu's 40-vCPU guest had many faults in flight at once, each queueing behind the others on the one preempt channel and behind the destination's fault thread, which the lab's 2-vCPU guest rarely does, hence a shorter stall.`
      : `Lab: fault_stall_ms of vanilla post-copy on 10gbe (${memories} GiB guests), over every remote fault: the requested page waits behind what the source has in its send buffer (the 4 MiB TCP send buffer, sendWindowBytes), about 3.4 ms at 10 Gbit/s, plus the round trip and handling. Peter Xu's guest dirtied 18 GB while it ran, so the stream ahead of a requested page was longer than one send buffer (QEMU's page requests also wait behind its migration thread), hence his longer stall.`,
  };
}

function roundsCase(rows: readonly Row[]): ValidationCase | undefined {
  const runs = ofVariants(mainRows(rows), ["pre-copy", "pre-copy-pml"]).filter((r) =>
    r.completed === true && r.converged === true && Number(r.rounds) > 0 && rhoOf(r) < 1 &&
    // n* is 0 where all memory fits at once; the lab still sends round 0 live.
    modelRoundsOf(r) > 0
  );
  if (runs.length === 0) return undefined;
  const most = runs.reduce((a, b) => Number(b.rounds) > Number(a.rounds) ? b : a);
  const within = runs.filter((r) => Math.abs(Number(r.rounds) - modelRoundsOf(r)) <= 1).length;
  return {
    case:
      `Pre-copy rounds under QEMU's rule against the model's n*, converged run with the most rounds`,
    lab: Number(most.rounds),
    published: modelRoundsOf(most),
    unit: "rounds",
    citation: `${AKOUSH_MASCOTS_2010}; n* = ⌈ln(R·T/M) / ln ρ⌉`,
    note: `Lab: rounds of ${guestLabel(most)}, ${
      formatRate(Number(most.dirty_rate_mib_s))
    } on ${most.link} (${most.dirty_log}); the model's n* with R the bandwidth the sender measured, T = ${DOWNTIME_LIMIT_MS} ms, M the guest's memory and ρ = ${
      rhoOf(most).toFixed(3)
    }, the distinct-page dirty rate the guest achieved over R. Over all ${runs.length} converged runs, ${within} are within ±1 round of n* ("Pre-copy rounds against the model" lists them). The model's ρ is one number for every round; the lab's guest rewrites a writable working set, so round 0 (all memory) sees fewer distinct dirty pages per second than later rounds, which the mean ρ blurs.`,
  };
}

function postcopyBytesCase(rows: readonly Row[]): ValidationCase | undefined {
  const of = ofVariants(mainRows(rows), ["post-copy", "post-copy-preempt"])
    .filter((r) => r.completed === true);
  if (of.length === 0) return undefined;
  const perPage =
    of.reduce((s, r) => s + Number(r.pages_sent) / (Number(r.memory_gib) * 262144), 0) /
    of.length;
  return {
    case: "Post-copy pages sent per page of guest memory",
    lab: perPage,
    published: 1,
    unit: "pages/page",
    citation: HINES_VEE_2009,
    note:
      `Lab: pages_sent over the guest's pages, averaged over every completed post-copy run (${of.length} rows). The source sends a page once, by request or by the background push, and never again (the destination writes its own copy from then on); a check of the mechanism more than of a measurement.`,
  };
}

function hinesFaultsCase(rows: readonly Row[]): ValidationCase | undefined {
  const link = nearestLink(rows, "1gbe");
  if (link === undefined) return undefined;
  const of = completedOn(rows, ["post-copy"], link);
  if (of.length === 0) return undefined;
  const share = of.reduce(
    (s, r) =>
      s + Number(r.remote_faults) /
        (Number(r.working_set_fraction) * Number(r.memory_gib) * 262144),
    0,
  ) / of.length;
  return {
    case: `Post-copy network-bound faults over the guest's working set, ${linkLabel(link)}`,
    lab: 100 * share,
    published: [0, 21],
    unit: "%",
    citation: HINES_VEE_2009,
    note:
      `Lab: remote_faults over the pages of the guest's read working set, averaged over the vanilla post-copy runs on ${link}. Like Hines and Gopalan's pre-paging, QEMU's background push restarts at a requested page, so its neighbours follow; but a lab vCPU waits out each fault (several ms) while the push moves on, so it faults on far fewer pages than it touches: the share is low because the guest is stalled, not because it is spared.`,
  };
}

/**
 * The validation cases of the `migration` experiment, each with the lab's
 * figure computed from `rows`. A case whose rows the sweep lacks is left
 * out.
 *
 * @example
 * ```ts
 * import { migrationValidation } from "./_validation.ts";
 * if (migrationValidation([]).length !== 0) throw new Error("no rows, no cases");
 * ```
 */
export function migrationValidation(rows: readonly Row[]): MigrationValidationRow[] {
  const cases = [
    qemuLimitCase(rows),
    clarkCase(rows),
    opnfvCase(rows),
    xuCase(rows, false),
    xuCase(rows, true),
    roundsCase(rows),
    postcopyBytesCase(rows),
    hinesFaultsCase(rows),
  ];
  return cases.filter((c): c is ValidationCase => c !== undefined && Number.isFinite(c.lab));
}
