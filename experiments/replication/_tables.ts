/**
 * The tables of the `replication` report, and the row selections and
 * averages over failure instants its plots, prose and validation start
 * from.
 *
 * @module
 */

import type { ReplicationMethod } from "../../core/replication/replication_params.ts";
import { LINK_PROFILE_NAMES } from "../../core/transfer/link_profile.ts";
import type { Row } from "../experiment.ts";
import { BASE_GUEST, METHODS } from "./grid.ts";
import { duration, METHOD_SHORT, methodOf } from "./_labels.ts";
import { runsOf, runsTotal, runsWhere } from "../seed_runs.ts";

/** The production host fails, the link stays up: the trade-off's rows, every restore. */
export function failoverRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.failure === "production" && Number(r.link_outage_ms) === 0);
}

/** The trade-off's rows: failover with the cheapest restore (resident; disk: boot). */
export function mainRows(rows: readonly Row[]): Row[] {
  return failoverRows(rows).filter((r) => r.restore === "resident" || r.restore === "boot");
}

/** Rows whose link goes down for a while. */
export function outageRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => Number(r.link_outage_ms) > 0);
}

/** Rows whose backup fails. */
export function backupRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.failure === "backup");
}

/** Rows of one method. */
export function ofMethod(rows: readonly Row[], method: ReplicationMethod): Row[] {
  return rows.filter((r) => r.method === method);
}

/** The links the rows use, slowest first. */
export function linksOf(rows: readonly Row[]): string[] {
  return LINK_PROFILE_NAMES.filter((l) => rows.some((r) => r.link === l));
}

/** A measure over a group of rows: mean over every run, lowest and highest run. */
export interface Stat {
  /** Mean over the runs (a summarised row weighs as its seeds). */
  mean: number;
  /** The lowest run. */
  low: number;
  /** The highest run. */
  high: number;
}

/** A measure over rows (each row's `KEY_min` and `KEY_max` where seeds were summarised). */
export function statOf(rows: readonly Row[], key: string): Stat {
  let sum = 0;
  let n = 0;
  let low = Infinity;
  let high = -Infinity;
  for (const r of rows) {
    const v = Number(r[key]);
    if (r[key] === undefined || !Number.isFinite(v)) continue;
    sum += v * runsOf(r);
    n += runsOf(r);
    low = Math.min(low, typeof r[`${key}_min`] === "number" ? Number(r[`${key}_min`]) : v);
    high = Math.max(high, typeof r[`${key}_max`] === "number" ? Number(r[`${key}_max`]) : v);
  }
  return n === 0 ? { mean: NaN, low: NaN, high: NaN } : { mean: sum / n, low, high };
}

/** The mean of a measure over rows' runs (NaN for none). */
export function meanOf(rows: readonly Row[], key: string): number {
  return statOf(rows, key).mean;
}

/** The fields that make a configuration: every parameter but the failure instant. */
const CONFIG_KEYS = [
  "method",
  "interval_ms",
  "memory_gib",
  "dirty_rate_mib_s",
  "wws_fraction",
  "link",
  "failure",
  "restore",
  "link_outage_ms",
] as const;

/** A configuration's rows: one per failure instant (and seed). */
export interface Config {
  /** The first row: the configuration's parameters. */
  first: Row;
  /** Every row of the configuration. */
  rows: Row[];
  /** Runs over instants and seeds. */
  runs: number;
}

/** Sorts by method, link (slowest first), dirty rate, working set, interval. */
function byConfig(a: Row, b: Row): number {
  return METHODS.indexOf(methodOf(a)) - METHODS.indexOf(methodOf(b)) ||
    LINK_PROFILE_NAMES.indexOf(String(a.link)) - LINK_PROFILE_NAMES.indexOf(String(b.link)) ||
    Number(a.dirty_rate_mib_s) - Number(b.dirty_rate_mib_s) ||
    Number(a.wws_fraction) - Number(b.wws_fraction) ||
    Number(a.interval_ms) - Number(b.interval_ms) ||
    Number(a.link_outage_ms) - Number(b.link_outage_ms);
}

/** Rows grouped by configuration (their failure instants together), in method, link, rate, interval order. */
export function configsOf(rows: readonly Row[]): Config[] {
  const groups = new Map<string, Row[]>();
  for (const r of [...rows].sort(byConfig)) {
    const key = JSON.stringify(CONFIG_KEYS.map((k) => r[k]));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  return [...groups.values()].map((g) => ({
    first: g[0],
    rows: g,
    runs: g.reduce((s, r) => s + runsOf(r), 0),
  }));
}

/**
 * The main rows a trade-off plot shows: the base writable working set, and
 * the dirty rates at which both memory methods ran at two intervals or more
 * (the quick grid's saturation slice adds single intervals at other rates).
 * Disk replication ships no memory: its rows join every such rate.
 */
export function tradeoffRows(rows: readonly Row[]): { rows: Row[]; rates: number[] } {
  const main = mainRows(rows);
  const memory = main.filter((r) =>
    r.method !== "disk" && Number(r.wws_fraction) === BASE_GUEST.wws_fraction
  );
  const rates = [...new Set(memory.map((r) => Number(r.dirty_rate_mib_s)))].sort((a, b) => a - b)
    .filter((rate) =>
      (["remus", "async"] as const).every((m) =>
        new Set(
          memory.filter((r) => r.method === m && Number(r.dirty_rate_mib_s) === rate)
            .map((r) => r.interval_ms),
        ).size >= 2
      )
    );
  const disk = ofMethod(main, "disk");
  return {
    rows: [
      ...memory.filter((r) => rates.includes(Number(r.dirty_rate_mib_s))),
      ...rates.flatMap((rate) => disk.map((r) => ({ ...r, dirty_rate_mib_s: rate }))),
    ],
    rates,
  };
}

/** "2 of 8": runs of a config for which a boolean held. */
function heldOf(c: Config, key: string): string {
  const held = c.rows.reduce((s, r) => s + runsWhere(r, key), 0);
  return held === 0 ? "no" : held === c.runs ? "yes" : `${held} of ${c.runs}`;
}

/**
 * Per configuration of the trade-off, over its failure instants: recovery
 * point (mean and worst) against the interval and the model's bound, the
 * commit, what protection cost the guest and the link.
 */
export function tradeoffTableRows(rows: readonly Row[]): Row[] {
  return configsOf(mainRows(rows)).map((c) => {
    const r = c.first;
    const disk = r.method === "disk";
    const interval = Number(r.interval_ms);
    const rpo = statOf(c.rows, "rpo_ms");
    return {
      method: METHOD_SHORT[methodOf(r)],
      interval: duration(interval),
      link: String(r.link),
      dirty_rate: disk ? "—" : Number(r.dirty_rate_mib_s),
      wws: disk ? "—" : Number(r.wws_fraction),
      runs: c.runs,
      rpo_mean: rpo.mean,
      rpo_max: rpo.high,
      rpo_bound: meanOf(c.rows, "rpo_bound_ms"),
      rpo_ratio: rpo.mean / interval,
      commit: meanOf(c.rows, "commit_ms"),
      effective: meanOf(c.rows, "effective_interval_ms"),
      pause: disk ? "—" : meanOf(c.rows, "pause_ms_per_checkpoint"),
      slowdown: disk ? "—" : meanOf(c.rows, "guest_slowdown"),
      output_delay: r.method === "remus" ? meanOf(c.rows, "output_delay_ms") : "—",
      bandwidth: meanOf(c.rows, "bandwidth_mib_s"),
      needed: meanOf(c.rows, "bandwidth_needed_mib_s"),
      saturated: heldOf(c, "link_saturated"),
    };
  });
}

/** The restores in the order the RTO plot and table list them. */
export const RESTORE_ORDER: readonly string[] = ["resident", "lazy", "full", "boot"];

/** One bar of the RTO plot: a method and restore, and the mean of each part of its recovery time. */
export interface RtoBar {
  /** "Remus, resident". */
  label: string;
  /** The method. */
  method: ReplicationMethod;
  /** The restore. */
  restore: string;
  /** Runs averaged. */
  runs: number;
  /** Until the failure is declared (ms). */
  detect: number;
  /** Fencing, taking over addresses, preparing the guest (ms). */
  activation: number;
  /** Restoring memory or booting (ms). */
  restore_ms: number;
  /** Lazy restore: reading the rest of memory after the first instruction (ms). */
  background: number;
  /** Extra time warming the backup's cold TLBs and caches (ms per vCPU). */
  cold_start: number;
  /** The recovery time (ms). */
  rto: number;
}

/** A failure's identity apart from the restore: its configuration and instant. */
function failureKey(r: Row): string {
  return JSON.stringify(
    [...CONFIG_KEYS.filter((k) => k !== "restore"), "instant", "instants"].map((k) => r[k]),
  );
}

/**
 * Per method and restore: the parts of the recovery time, over the
 * failovers with the link up. Where a method ran some failures with several
 * restores, every restore of it is averaged over those failures only, so
 * that its bars differ by the restore alone (detection depends on the
 * failure instant).
 */
export function rtoBars(rows: readonly Row[]): RtoBar[] {
  const failover = failoverRows(rows).filter((r) => r.rto_ms !== undefined);
  const out: RtoBar[] = [];
  for (const method of METHODS) {
    const all = ofMethod(failover, method);
    const restores = new Map<string, Set<string>>();
    for (const r of all) {
      const key = failureKey(r);
      if (!restores.has(key)) restores.set(key, new Set());
      restores.get(key)!.add(String(r.restore));
    }
    const shared = new Set([...restores].filter(([, set]) => set.size > 1).map(([k]) => k));
    const compared = shared.size > 0 ? all.filter((r) => shared.has(failureKey(r))) : all;
    for (const restore of RESTORE_ORDER) {
      const of = compared.filter((r) => r.restore === restore);
      if (of.length === 0) continue;
      const detect = meanOf(of, "detect_ms");
      const restoreMs = meanOf(of, "restore_ms");
      const rto = meanOf(of, "rto_ms");
      out.push({
        label: `${METHOD_SHORT[method]}, ${restore}`,
        method,
        restore,
        runs: of.reduce((s, r) => s + runsOf(r), 0),
        detect,
        activation: rto - detect - restoreMs,
        restore_ms: restoreMs,
        background: meanOf(of, "restore_background_ms"),
        cold_start: meanOf(of, "cold_start_ms"),
        rto,
      });
    }
  }
  return out;
}

/** The RTO table's rows: {@linkcode rtoBars} with their figures. */
export function rtoTableRows(rows: readonly Row[]): Row[] {
  return rtoBars(rows).map((b) => ({
    method: METHOD_SHORT[b.method],
    restore: b.restore,
    runs: b.runs,
    detect: b.detect,
    activation: b.activation,
    restore_ms: b.restore_ms,
    rto: b.rto,
    background: b.background,
    cold_start: b.cold_start,
  }));
}

/** The link-outage and backup-failure runs, one line each. */
export function trialRows(rows: readonly Row[]): Row[] {
  return [...outageRows(rows), ...backupRows(rows)].sort(byConfig).map((r) => ({
    method: METHOD_SHORT[methodOf(r)],
    interval: duration(Number(r.interval_ms)),
    what: r.failure === "backup"
      ? "backup fails"
      : `link down ${duration(Number(r.link_outage_ms))}, production fails near its end`,
    fail_at: Number(r.fail_at_ms),
    outcome: String(r.outcome),
    rpo: r.rpo_ms === undefined ? "—" : Number(r.rpo_ms),
    output_delay_max: Number(r.output_delay_max_ms),
    released_outputs_lost: Number(r.released_outputs_lost),
    lost_pages: Number(r.lost_pages),
  }));
}

/** The situations the integrity table sets apart. */
const SITUATIONS = [
  ["production fails", (r: Row) => failoverRows([r]).length > 0],
  ["link down, then production fails", (r: Row) => outageRows([r]).length > 0],
  ["backup fails", (r: Row) => backupRows([r]).length > 0],
] as const;

/** Per method and situation: runs, checkpoints applied, and what the backup or the clients lost. */
export function integrityRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const method of METHODS) {
    for (const [situation, holds] of SITUATIONS) {
      const of = ofMethod(rows, method).filter(holds);
      if (of.length === 0) continue;
      out.push({
        method: METHOD_SHORT[method],
        situation,
        runs: of.reduce((s, r) => s + runsOf(r), 0),
        applied: runsTotal(of, "checkpoints_applied"),
        lost_pages: runsTotal(of, "lost_pages"),
        lost_blocks: runsTotal(of, "lost_blocks"),
        torn: runsTotal(of, "torn_checkpoints"),
        outputs_lost: runsTotal(of, "released_outputs_lost"),
      });
    }
  }
  return out;
}
