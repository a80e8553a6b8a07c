/**
 * The tables of the `snapshot` report, and the rows its plots and prose
 * start from.
 *
 * @module
 */

import { RESTORE_METHODS } from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES, STORAGE_PROFILES } from "../../core/transfer/storage_profile.ts";
import type { Row } from "../experiment.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { findRow, largest } from "../rows.ts";
import { DEFAULT_GUEST } from "./grid.ts";
import {
  DID_NOT_FINISH,
  RESTORE_LABELS,
  SNAPSHOT_LABELS,
  SNAPSHOT_VARIANTS,
  variantOf,
} from "./_labels.ts";
import { runsOf, runsTotal } from "../seed_runs.ts";

/**
 * True for a run that gave up at its simulated-time limit; for a row
 * summarised over seeds, when any seed's run gave up (its times are then
 * means over the seeds that finished, so the point is shown as unfinished).
 */
export function gaveUp(r: Row): boolean {
  return r.finished === false;
}

/**
 * Runs of a row that gave up. A summarised row whose seeds disagree says
 * for how many `finished` held in `finished_seeds`, e.g. `"2 of 3"`.
 */
export function runsGaveUp(r: Row): number {
  if (!gaveUp(r)) return 0;
  const held = typeof r.finished_seeds === "string"
    ? /^(\d+) of (\d+)$/.exec(r.finished_seeds)
    : null;
  return held ? Number(held[2]) - Number(held[1]) : runsOf(r);
}

/**
 * The rows the plots show: the default guest if the sweep has it (else the
 * first guest), at the largest memory size; without the runs that gave up
 * unless `withUnfinished`.
 */
export function plotted(rows: readonly Row[], phase: string, withUnfinished = false): Row[] {
  const ofPhase = rows.filter((r) => r.phase === phase && (withUnfinished || !gaveUp(r)));
  if (ofPhase.length === 0) return [];
  const hasDefault = ofPhase.some((r) => isDefaultGuest(r));
  const guestRows = hasDefault
    ? ofPhase.filter(isDefaultGuest)
    : ofPhase.filter((r) =>
      r.write_fraction === ofPhase[0].write_fraction &&
      r.working_set_fraction === ofPhase[0].working_set_fraction
    );
  const memory = largest(guestRows, "memory_gib");
  return guestRows.filter((r) => r.memory_gib === memory);
}

/** True for a row of the default guest. */
function isDefaultGuest(r: Row): boolean {
  return r.write_fraction === DEFAULT_GUEST.write_fraction &&
    r.working_set_fraction === DEFAULT_GUEST.working_set_fraction;
}

/** Restore rows: where each lazy method finishes the guest's work before a full restore does. */
export function lazyVersusFullRows(rows: readonly Row[]): Row[] {
  const restore = rows.filter((r) => r.phase === "restore");
  const out: Row[] = [];
  for (const full of restore.filter((r) => r.method === "full")) {
    const same = (method: string): Row | undefined =>
      findRow(restore, {
        method,
        storage: full.storage,
        memory_gib: full.memory_gib,
        batch_pages: full.batch_pages,
        write_fraction: full.write_fraction,
        working_set_fraction: full.working_set_fraction,
      });
    const lazy = same("lazy");
    const sweep = same("lazy-sweep");
    const prefetch = same("prefetch");
    const row: Row = {
      storage: String(full.storage),
      memory_gib: Number(full.memory_gib),
      write_fraction: Number(full.write_fraction),
      working_set_fraction: Number(full.working_set_fraction),
      batch_pages: Number(full.batch_pages),
      full_job_ms: Number(full.job_done_ms),
    };
    let best = "full";
    let bestMs = Number(full.job_done_ms);
    for (
      const [name, r] of [["lazy", lazy], ["lazy-sweep", sweep], ["prefetch", prefetch]] as const
    ) {
      if (r === undefined) continue;
      if (gaveUp(r) && r.job_done_ms === undefined) {
        row[`${name}_job_ms`] = DID_NOT_FINISH;
        continue;
      }
      row[`${name}_job_ms`] = Number(r.job_done_ms);
      if (Number(r.job_done_ms) < bestMs) {
        best = name;
        bestMs = Number(r.job_done_ms);
      }
    }
    row.fastest = best;
    if (lazy !== undefined) {
      row.lazy_beats_full = Number(lazy.job_done_ms) < Number(full.job_done_ms);
    }
    out.push(row);
  }
  return out.sort((a, b) =>
    STORAGE_PROFILE_NAMES.indexOf(String(a.storage)) -
      STORAGE_PROFILE_NAMES.indexOf(String(b.storage)) ||
    Number(a.memory_gib) - Number(b.memory_gib) ||
    Number(a.write_fraction) - Number(b.write_fraction) ||
    Number(a.batch_pages) - Number(b.batch_pages)
  );
}

/** Pages checked and lost, per phase and method (each snapshot line apart: both copy-before-write rules). */
export function integrityRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const phase of ["snapshot", "restore"]) {
    const methods = phase === "snapshot" ? SNAPSHOT_VARIANTS : RESTORE_METHODS;
    for (const method of methods) {
      const of = rows.filter((r) => r.phase === phase && variantOf(r) === method);
      if (of.length === 0) continue;
      out.push({
        phase,
        method: phase === "snapshot" ? SNAPSHOT_LABELS[method] : method,
        runs: of.reduce((s, r) => s + runsOf(r), 0),
        unfinished: of.reduce((s, r) => s + runsGaveUp(r), 0),
        pages_checked: of.reduce((s, r) => s + Number(r.memory_gib) * 262144 * runsOf(r), 0),
        lost_pages: runsTotal(of, "lost_pages"),
      });
    }
  }
  return out;
}

/**
 * The mean stall of one copy-before-write fault (µs): all vCPUs' stall
 * outside the pause over the write-protect exits (`stall_ms` is per vCPU).
 * NaN for a row without faults.
 */
export function faultStallUs(r: Row): number {
  const faults = Number(r.exits_write_protect);
  return faults > 0 ? 1000 * Number(r.stall_ms) * Number(r.vcpus) / faults : NaN;
}

/**
 * Copy-before-write under each rule for the plotted guest: per storage and
 * batch size, the faults, what one costs the guest, the slowdown and the
 * buffer the saver needed.
 */
export function cowRuleRows(rows: readonly Row[]): Row[] {
  const cow = plotted(rows, "snapshot").filter((r) => r.method === "concurrent-cow");
  return cow.map((r) => ({
    storage: String(r.storage),
    batch_pages: Number(r.batch_pages),
    rule: r.cow_rule === "pessimistic"
      ? "pessimistic: wait for storage"
      : "QEMU: wait for the copy",
    exits_write_protect: Number(r.exits_write_protect),
    stall_per_fault_us: faultStallUs(r),
    guest_slowdown: Number(r.guest_slowdown),
    total_ms: Number(r.total_ms),
    buffer_peak_mib: Number(r.buffer_peak_bytes) / 2 ** 20,
  })).sort((a, b) =>
    STORAGE_PROFILE_NAMES.indexOf(String(a.storage)) -
      STORAGE_PROFILE_NAMES.indexOf(String(b.storage)) ||
    Number(a.batch_pages) - Number(b.batch_pages) ||
    // QEMU's rule first, then its bound.
    (String(a.rule).startsWith("QEMU") ? 0 : 1) - (String(b.rule).startsWith("QEMU") ? 0 : 1)
  );
}

/** Runs that gave up, for their table: what each had done by the limit and what was left. */
export function unfinishedRows(rows: readonly Row[]): Row[] {
  return rows.filter(gaveUp).map((r) => ({
    phase: String(r.phase),
    method: String(r.method),
    storage: String(r.storage),
    memory_gib: Number(r.memory_gib),
    write_fraction: Number(r.write_fraction),
    working_set_fraction: Number(r.working_set_fraction),
    batch_pages: Number(r.batch_pages),
    result: typeof r.finished_seeds === "string"
      ? `${DID_NOT_FINISH} (${runsGaveUp(r)} of ${runsOf(r)} seeds)`
      : DID_NOT_FINISH,
    rounds: Number(r.rounds),
    pages_moved: Number(r.pages_moved),
    lost_pages: Number(r.lost_pages),
    // Seeds that disagree join their reasons with " / " (a seed that finished gave "").
    reason: String(r.gave_up_reason).split(" / ").filter((x) => x !== "")
      .map((x) => x.replace(/^did not finish within [^:]*: /, "")).join(" / "),
  }));
}

/** Exits per run by reason, averaged over the runs of each method (and pre-copy's dirty logging). */
export function exitRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.phase}/${variantOf(r)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  // Over runs: a row summarised over seeds weighs as many runs as it has seeds.
  const perRun = (rs: readonly Row[], key: string) =>
    rs.reduce((s, r) => s + Number(r[key] ?? 0) * runsOf(r), 0) /
    rs.reduce((s, r) => s + runsOf(r), 0);
  return [...groups].map(([key, rs]) => ({
    phase: key.split("/")[0],
    method: SNAPSHOT_LABELS[key.split("/")[1]] ?? RESTORE_LABELS[key.split("/")[1]] ??
      key.split("/")[1],
    runs: rs.reduce((s, r) => s + runsOf(r), 0),
    exits_write_protect: perRun(rs, "exits_write_protect"),
    exits_pml_full: perRun(rs, "exits_pml_full"),
    exits_kick: perRun(rs, "exits_kick"),
    exits_nested_fault: perRun(rs, "exits_nested_fault"),
    exits: perRun(rs, "exits"),
  }));
}

/** What starting dirty logging did, per memory size and way of logging. */
export function splitRows(rows: readonly Row[]): Row[] {
  const seen = new Map<string, Row>();
  for (const r of rows) {
    if (r.method !== "dirty-precopy") continue;
    const key = `${r.memory_gib}/${r.dirty_log}`;
    if (seen.has(key)) continue;
    seen.set(key, {
      memory_gib: Number(r.memory_gib),
      dirty_log: String(r.dirty_log),
      host_page: String(r.host_page),
      host_pages_split: Number(r.host_pages_split),
      before: Number(r.access_cycles_before_split),
      after: Number(r.access_cycles_after_split),
      translation_slowdown: Number(r.translation_slowdown),
    });
  }
  return [...seen.values()];
}

/** The storage profiles the rows use, with their bandwidths, latencies and queue depth. */
export function storageRows(rows: readonly Row[]): Row[] {
  return STORAGE_PROFILE_NAMES.filter((name) => rows.some((r) => r.storage === name)).map(
    (name) => {
      const p = STORAGE_PROFILES[name];
      return {
        storage: name,
        device: p.description.split(": ")[1] ?? p.description,
        read: p.readBytesPerSecond / 1e6,
        write: p.writeBytesPerSecond / 1e6,
        read_latency: `${formatNumber(p.randomReadLatencyUs)} / ${
          formatNumber(p.sequentialReadLatencyUs)
        }`,
        write_latency: `${formatNumber(p.randomWriteLatencyUs)} / ${
          formatNumber(p.sequentialWriteLatencyUs)
        }`,
        queue_depth: p.queueDepth,
      };
    },
  );
}
