/**
 * The tables of the `migration` report, and the row selections its plots,
 * prose and validation start from.
 *
 * @module
 */

import { modelRounds } from "../../core/migration/stop_rule.ts";
import { LINK_PROFILE_NAMES, LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import type { Row } from "../experiment.ts";
import { DOWNTIME_LIMIT_MS, VARIANT_NAMES, type VariantName } from "./grid.ts";
import { formatNumber } from "../../reports/number_format.ts";
import {
  formatRate,
  guestLabel,
  VARIANT_SHORT,
  variantOf,
  variantShort,
  wwsFits,
  wwsSize,
} from "./_labels.ts";
import { runsOf, runsTotal, runsWhere } from "../seed_runs.ts";

/** The sweep's migrations whose link never fails: what the plots show. */
export function mainRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.phase === "migrate" && Number(r.link_fail_ms) === 0);
}

/** The migrations whose link fails part-way. */
export function failureRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.phase === "migrate" && Number(r.link_fail_ms) > 0);
}

/** Rows of the given variants. */
export function ofVariants(rows: readonly Row[], variants: readonly VariantName[]): Row[] {
  return rows.filter((r) => (variants as readonly string[]).includes(variantOf(r)));
}

/** The links the rows use, slowest first. */
export function linksOf(rows: readonly Row[]): string[] {
  return LINK_PROFILE_NAMES.filter((l) => rows.some((r) => r.link === l));
}

/** Sorts by link (slowest first), memory, writable working set, dirty rate. */
function byGuest(a: Row, b: Row): number {
  return LINK_PROFILE_NAMES.indexOf(String(a.link)) - LINK_PROFILE_NAMES.indexOf(String(b.link)) ||
    Number(a.memory_gib) - Number(b.memory_gib) ||
    Number(a.wws_fraction) - Number(b.wws_fraction) ||
    Number(a.dirty_rate_mib_s) - Number(b.dirty_rate_mib_s);
}

/** The key of a row's guest and link: the rows of one key differ by method only. */
function guestKey(r: Row): string {
  return `${r.link}/${r.memory_gib}/${r.wws_fraction}/${r.dirty_rate_mib_s}`;
}

/** Rows grouped by guest and link, in {@linkcode byGuest} order. */
function byGuestGroups(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of [...rows].sort(byGuest)) {
    const key = guestKey(r);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()];
}

/** The guest columns every per-guest table starts with. */
function guestColumns(r: Row): Row {
  return {
    link: String(r.link),
    memory_gib: Number(r.memory_gib),
    wws: `${wwsSize(r)} (${wwsFits(r) ? "fits" : "exceeds"})`,
    dirty_rate_mib_s: Number(r.dirty_rate_mib_s),
  };
}

/** "post-copy: 5.9 ms": a row's variant and a measure of it. */
function winner(r: Row | undefined, value: (r: Row) => string): string {
  return r === undefined ? "" : `${variantShort(r)}: ${value(r)}`;
}

/** Milliseconds for a table cell: whole from 10 ms up, one decimal below. */
function msCell(x: number): string {
  return `${formatNumber(x, x >= 10 ? 0 : 1)} ms`;
}

/** Time a vCPU lost over the whole migration (ms): the guest's slowdown over its total time. */
export function guestLostMs(r: Row): number {
  return Number(r.guest_slowdown) * Number(r.total_ms);
}

/** The completed row of `rows` with the smallest `value`, or undefined. */
function best(rows: readonly Row[], value: (r: Row) => number): Row | undefined {
  let out: Row | undefined;
  for (const r of rows) {
    const v = value(r);
    if (r.completed !== true || !Number.isFinite(v)) continue;
    if (out === undefined || v < value(out)) out = r;
  }
  return out;
}

/** True for a row whose guest found all its memory on the destination at the switch. */
function wholeAtSwitch(r: Row): boolean {
  return Number(r.remote_faults) === 0 && !String(r.stop_reason).includes("post-copy") &&
    r.method !== "post-copy";
}

/**
 * Per guest and link: the method with the shortest downtime, the one with
 * the shortest downtime among those whose guest finds all its memory on the
 * destination at the switch, the shortest total time, the fewest bytes, and
 * the least time lost by the guest over the whole migration; each with its
 * figure.
 */
export function bestMethodRows(rows: readonly Row[]): Row[] {
  return byGuestGroups(mainRows(rows)).map((group) => {
    const pre = group.find((r) => variantOf(r) === "pre-copy");
    const down = (r: Row) => Number(r.downtime_ms);
    return {
      ...guestColumns(group[0]),
      precopy_converges: pre === undefined ? "" : pre.converged === true ? "yes" : "no",
      shortest_downtime: winner(best(group, down), (r) => msCell(down(r))),
      shortest_whole: winner(best(group.filter(wholeAtSwitch), down), (r) => msCell(down(r))),
      shortest_total: winner(
        best(group, (r) => Number(r.total_ms)),
        (r) => msCell(Number(r.total_ms)),
      ),
      fewest_bytes: winner(
        best(group, (r) => Number(r.bytes_sent)),
        (r) => `${formatNumber(Number(r.bytes_sent) / 2 ** 30, 2)} GiB`,
      ),
      least_lost: winner(best(group, guestLostMs), (r) => msCell(guestLostMs(r))),
    };
  });
}

/** ρ of a pre-copy row: the dirty rate it achieved over the bandwidth it measured. */
export function rhoOf(r: Row): number {
  return Number(r.achieved_dirty_rate_mib_s) / Number(r.measured_bandwidth_mib_s);
}

/**
 * The model's round count for a pre-copy row under QEMU's rule:
 * n* = ⌈ln(R·T/M) / ln ρ⌉ with R the bandwidth the sender measured and ρ
 * the achieved dirty rate over it.
 */
export function modelRoundsOf(r: Row): number {
  return modelRounds(
    Number(r.memory_gib) * 2 ** 30,
    Number(r.measured_bandwidth_mib_s) * 2 ** 20,
    DOWNTIME_LIMIT_MS / 1000,
    rhoOf(r),
  );
}

/**
 * Pre-copy runs under QEMU's rule without auto-converge (whose throttle
 * changes ρ from round to round): rounds against the model's n*.
 */
export function roundsRows(rows: readonly Row[]): Row[] {
  return ofVariants(mainRows(rows), ["pre-copy", "pre-copy-pml"])
    .filter((r) => Number(r.rounds) > 0)
    .sort(byGuest)
    .map((r) => {
      const n = modelRoundsOf(r);
      return {
        ...guestColumns(r),
        dirty_log: String(r.dirty_log),
        achieved: Number(r.achieved_dirty_rate_mib_s),
        bandwidth: Number(r.measured_bandwidth_mib_s),
        rho: rhoOf(r),
        rounds: Number(r.rounds),
        model: Number.isFinite(n) ? n : "∞",
        stop_reason: String(r.stop_reason),
      };
    });
}

/** Why pre-copy stopped, per variant that iterates: runs by stop reason. */
export function stopReasonRows(rows: readonly Row[]): Row[] {
  const iterating = VARIANT_NAMES.filter((v) => v.startsWith("pre-copy") || v === "hybrid");
  const main = mainRows(rows);
  const out: Row[] = [];
  for (const v of iterating) {
    const of = ofVariants(main, [v]);
    if (of.length === 0) continue;
    const count = (reason: string): number =>
      of.reduce(
        (s, r) =>
          s + (String(r.stop_reason).split(" / ").includes(reason) ? reasonRuns(r, reason) : 0),
        0,
      );
    out.push({
      variant: VARIANT_SHORT[v],
      runs: of.reduce((s, r) => s + runsOf(r), 0),
      converged: count("converged"),
      timeout: count("timeout"),
      round_cap: count("round cap"),
      byte_cap: count("byte cap"),
      post_copy: count("post-copy"),
      max_rounds: Math.max(...of.map((r) => Number(r.rounds_max ?? r.rounds))),
      max_downtime_ms: Math.max(
        ...of.map((r) => Number(r.downtime_ms_max ?? r.downtime_ms)).filter(Number.isFinite),
      ),
    });
  }
  return out;
}

/**
 * Runs of a row that stopped for `reason`: all of them when its seeds
 * agree; when they disagree (reasons joined by " / "), an even share, the
 * best a summary can say.
 */
function reasonRuns(r: Row, reason: string): number {
  const reasons = String(r.stop_reason).split(" / ");
  if (reasons.length === 1) return reasons[0] === reason ? runsOf(r) : 0;
  return runsOf(r) / reasons.length;
}

/** The post-copy variants the degraded-period table and plot compare. */
export const POSTCOPY_VARIANTS: readonly VariantName[] = [
  "post-copy",
  "post-copy-preempt",
  "hybrid",
];

/**
 * The post-copy period per link, memory and variant, averaged over the
 * dirty rates and working sets of the sweep (hybrid over the runs that
 * switched to post-copy): remote faults, the stall of one, the degraded
 * period and the post-copy period it is part of.
 */
export function postcopyRows(rows: readonly Row[]): Row[] {
  const main = ofVariants(mainRows(rows), POSTCOPY_VARIANTS)
    .filter((r) => r.completed === true && Number(r.remote_faults) > 0);
  const groups = new Map<string, Row[]>();
  for (const r of main.sort(byGuest)) {
    const key = `${r.link}/${r.memory_gib}/${variantOf(r)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const out = [...groups.values()].map((g) => {
    const runs = g.reduce((s, r) => s + runsOf(r), 0);
    const perRun = (key: string) => g.reduce((s, r) => s + Number(r[key]) * runsOf(r), 0) / runs;
    const faults = perRun("remote_faults");
    return {
      link: String(g[0].link),
      memory_gib: Number(g[0].memory_gib),
      variant: variantShort(g[0]),
      runs,
      downtime_ms: perRun("downtime_ms"),
      remote_faults: faults,
      // Over all the faults of the group, not a mean of the rows' means.
      fault_stall_ms: g.reduce(
        (s, r) => s + Number(r.fault_stall_ms) * Number(r.remote_faults) * runsOf(r),
        0,
      ) / (faults * runs),
      degraded_ms: perRun("degraded_ms"),
      postcopy_ms: perRun("postcopy_ms"),
      degraded_share: perRun("degraded_ms") / perRun("postcopy_ms"),
      dest_translation_slowdown: perRun("dest_translation_slowdown"),
    };
  });
  return out.sort((a, b) =>
    LINK_PROFILE_NAMES.indexOf(a.link) - LINK_PROFILE_NAMES.indexOf(b.link) ||
    a.memory_gib - b.memory_gib
  );
}

/**
 * Write protection against PML, per guest and link where pre-copy ran
 * both ways: exits, the dirty rate the guest achieved, rounds, downtime
 * and what the guest lost.
 */
export function loggingRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const group of byGuestGroups(ofVariants(mainRows(rows), ["pre-copy", "pre-copy-pml"]))) {
    const wp = group.find((r) => variantOf(r) === "pre-copy");
    const pml = group.find((r) => variantOf(r) === "pre-copy-pml");
    if (wp === undefined || pml === undefined) continue;
    // A summary's mean rounds over seeds may be fractional.
    const rounds = (r: Row) =>
      `${formatNumber(Number(r.rounds), Number.isInteger(Number(r.rounds)) ? 0 : 1)}${
        r.converged === true ? "" : ` (${r.stop_reason})`
      }`;
    const pair = (a: number, b: number, digits: number) =>
      `${formatNumber(a, digits)} / ${formatNumber(b, digits)}`;
    out.push({
      ...guestColumns(wp),
      exits: pair(Number(wp.exits_write_protect), Number(pml.exits_pml_full), 0),
      achieved: pair(
        Number(wp.achieved_dirty_rate_mib_s),
        Number(pml.achieved_dirty_rate_mib_s),
        0,
      ),
      rounds: `${rounds(wp)} / ${rounds(pml)}`,
      downtime: pair(Number(wp.downtime_ms), Number(pml.downtime_ms), 0),
      total: pair(Number(wp.total_ms), Number(pml.total_ms), 0),
      slowdown: pair(Number(wp.guest_slowdown), Number(pml.guest_slowdown), 3),
    });
  }
  return out;
}

/**
 * What the per-access translation samples measured, per memory size: the
 * source before and while dirty logging split its host pages, a
 * destination that received everything first (host pages as the source's)
 * and a post-copy destination (4 KiB host pages), and what warming a
 * destination's cold TLBs and caches costs.
 */
export function translationRows(rows: readonly Row[]): Row[] {
  const main = mainRows(rows);
  const out: Row[] = [];
  for (const memory of [...new Set(main.map((r) => Number(r.memory_gib)))].sort((a, b) => a - b)) {
    const of = main.filter((r) => Number(r.memory_gib) === memory);
    const pick = (v: VariantName) => of.find((r) => variantOf(r) === v);
    for (
      const [label, r] of [
        ["pre-copy (source logs dirty pages; destination as the source)", pick("pre-copy")],
        ["stop-and-copy (no logging; destination as the source)", pick("stop-and-copy")],
        ["post-copy (no logging; destination on 4 KiB host pages)", pick("post-copy")],
        ["hybrid (source logs; destination on 4 KiB host pages)", pick("hybrid")],
      ] as const
    ) {
      if (r === undefined) continue;
      out.push({
        memory_gib: memory,
        method: label,
        host_page: `${r.host_page} → ${r.dest_host_page}`,
        host_pages_split: Number(r.host_pages_split),
        source: Number(r.access_cycles_source),
        logging: Number(r.access_cycles_logging) > 0 ? Number(r.access_cycles_logging) : "—",
        translation_slowdown: Number(r.translation_slowdown),
        dest: Number(r.access_cycles_dest),
        dest_translation_slowdown: Number(r.dest_translation_slowdown),
        cold_start_ms: Number(r.cold_start_ms),
      });
    }
  }
  return out;
}

/** The link-failure runs: when the link failed, what became of the guest, and what was lost. */
export function failureTableRows(rows: readonly Row[]): Row[] {
  return failureRows(rows).map((r) => ({
    variant: variantShort(r),
    guest: `${guestLabel(r)}, ${formatRate(Number(r.dirty_rate_mib_s))}`,
    link: String(r.link),
    link_fail_ms: Number(r.link_fail_ms),
    outcome: String(r.outcome),
    vm_lost: r.vm_lost === true ? "yes" : "no",
    lost_pages: Number(r.lost_pages),
  }));
}

/** Pages checked and lost, per variant, and the runs that lost the VM or did not complete. */
export function integrityRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const failing of [false, true]) {
    const set = failing ? failureRows(rows) : mainRows(rows);
    for (const v of VARIANT_NAMES) {
      const of = ofVariants(set, [v]);
      if (of.length === 0) continue;
      const runs = of.reduce((s, r) => s + runsOf(r), 0);
      out.push({
        variant: VARIANT_SHORT[v],
        link_fails: failing ? "yes" : "no",
        runs,
        completed: of.reduce((s, r) => s + runsWhere(r, "completed"), 0),
        vm_lost: of.reduce((s, r) => s + runsWhere(r, "vm_lost"), 0),
        pages_checked: of.reduce((s, r) => s + Number(r.memory_gib) * 262144 * runsOf(r), 0),
        lost_pages: runsTotal(of, "lost_pages"),
      });
    }
  }
  return out;
}

/** The link profiles the rows use: bandwidth, round trip, and what one pass over each memory size takes. */
export function linkRows(rows: readonly Row[]): Row[] {
  const memories = [...new Set(rows.map((r) => Number(r.memory_gib)))].sort((a, b) => a - b);
  return linksOf(rows).map((name) => {
    const p = LINK_PROFILES[name];
    return {
      link: name,
      description: p.description,
      bandwidth: p.bytesPerSecond / 2 ** 20,
      round_trip_us: p.roundTripUs,
      fits_mib: p.bytesPerSecond * DOWNTIME_LIMIT_MS / 1000 / 2 ** 20,
      pass: memories.map((m) => `${m} GiB: ${(m * 2 ** 30 / p.bytesPerSecond).toFixed(2)} s`)
        .join(", "),
    };
  });
}
