/**
 * The row selections of the `partition-bus` report's slices, and its
 * tables: the policy against the better of copy and remap per size, the
 * measured crossover, signalling, vCPUs, and correctness.
 *
 * @module
 */

import type { BusMethod } from "../../core/bus/bus_params.ts";
import type { Row } from "../experiment.ts";
import { runsOf, runsTotal } from "../seed_runs.ts";
import {
  crossoverRate,
  METHODS,
  SATURATING_MSGS_S,
  SIGNAL_BYTES,
  SIGNAL_METHOD,
  SIGNALLINGS,
  VCPU_METHODS,
} from "./grid.ts";
import { rateLabel, sizeLabel, touchesLabel } from "./_labels.ts";

/** The crossover slice's rows: vmbus, batch 1, one vCPU, the offered rate of its size. */
export function crossoverRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) =>
    r.signalling === "vmbus" && Number(r.batch) === 1 && Number(r.vcpus) === 1 &&
    Number(r.offered_msgs_s) === crossoverRate(Number(r.message_bytes))
  );
}

/** The capacity slice's rows: every method at every size, all messages offered at once. */
export function capacityRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) =>
    r.signalling === "vmbus" && Number(r.batch) === 1 && Number(r.vcpus) === 1 &&
    Number(r.offered_msgs_s) === SATURATING_MSGS_S
  );
}

/** The signalling slice's rows: small transfer-pages messages, one vCPU (not the capacity slice's). */
export function signallingRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) =>
    r.method === SIGNAL_METHOD && Number(r.message_bytes) === SIGNAL_BYTES &&
    Number(r.vcpus) === 1 && r.receiver_touches === false &&
    Number(r.offered_msgs_s) !== SATURATING_MSGS_S
  ).sort((a, b) =>
    SIGNALLINGS.indexOf(String(a.signalling) as never) -
      SIGNALLINGS.indexOf(String(b.signalling) as never) ||
    Number(a.batch) - Number(b.batch) || Number(a.offered_msgs_s) - Number(b.offered_msgs_s)
  );
}

/**
 * The vCPU slice's rows: copy and remap at the crossover's rate, vmbus,
 * batch 1, at the sizes run with more than one vCPU (the crossover slice's
 * other sizes have one vCPU only).
 */
export function vcpuRows(rows: readonly Row[]): Row[] {
  const of = rows.filter((r) =>
    VCPU_METHODS.includes(String(r.method) as BusMethod) && r.signalling === "vmbus" &&
    Number(r.batch) === 1 && r.receiver_touches === false &&
    Number(r.offered_msgs_s) === crossoverRate(Number(r.message_bytes))
  );
  const sizes = new Set(of.filter((r) => Number(r.vcpus) > 1).map((r) => Number(r.message_bytes)));
  return of.filter((r) => sizes.has(Number(r.message_bytes))).sort((a, b) =>
    String(a.method).localeCompare(String(b.method)) ||
    Number(a.message_bytes) - Number(b.message_bytes) || Number(a.vcpus) - Number(b.vcpus)
  );
}

/** The mean of a measure over rows' runs (a summarised row weighs as its seeds); NaN for none. */
export function meanOf(rows: readonly Row[], key: string): number {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    const v = Number(r[key]);
    if (r[key] === undefined || !Number.isFinite(v)) continue;
    sum += v * runsOf(r);
    n += runsOf(r);
  }
  return n === 0 ? NaN : sum / n;
}

/** The crossover slice's receiver settings the rows have: false (the default) first. */
export function touchesOf(rows: readonly Row[]): boolean[] {
  return [false, true].filter((t) => rows.some((r) => r.receiver_touches === t));
}

/** The message sizes the rows have, smallest first. */
export function sizesOf(rows: readonly Row[]): number[] {
  return [...new Set(rows.map((r) => Number(r.message_bytes)))].sort((a, b) => a - b);
}

/** A measure of one method at one size and receiver setting of the crossover slice (NaN when not run). */
export function crossoverValue(
  rows: readonly Row[],
  method: BusMethod,
  bytes: number,
  touches: boolean,
  key: string,
): number {
  return meanOf(
    crossoverRows(rows).filter((r) =>
      r.method === method && Number(r.message_bytes) === bytes && r.receiver_touches === touches
    ),
    key,
  );
}

/** Where remap starts to cost fewer cycles per byte than copying through transfer pages. */
export interface Crossover {
  /** The first size of the sweep at which remap costs fewer cycles per byte (NaN: never). */
  firstBytes: number;
  /**
   * Where remap/copy crosses 1, interpolated log-linearly between the sizes
   * either side (NaN: never).
   */
  interpolatedBytes: number;
  /** The policy's threshold derived from the cost profile (bytes; NaN without policy rows). */
  thresholdBytes: number;
}

/** The measured crossover and the policy's threshold for one receiver setting. */
export function crossoverOf(rows: readonly Row[], touches: boolean): Crossover {
  const sizes = sizesOf(crossoverRows(rows).filter((r) => r.receiver_touches === touches));
  const ratio = (bytes: number) =>
    crossoverValue(rows, "remap", bytes, touches, "cycles_per_byte") /
    crossoverValue(rows, "transfer-pages", bytes, touches, "cycles_per_byte");
  let firstBytes = NaN;
  let interpolatedBytes = NaN;
  let previous: number | undefined;
  for (const bytes of sizes) {
    const r = ratio(bytes);
    if (!Number.isFinite(r)) continue;
    if (r < 1) {
      firstBytes = bytes;
      if (previous !== undefined) {
        const r0 = ratio(previous);
        const t = Math.log(r0) / (Math.log(r0) - Math.log(r));
        interpolatedBytes = previous * (bytes / previous) ** t;
      }
      break;
    }
    previous = bytes;
  }
  const policy = crossoverRows(rows).filter((r) =>
    r.method === "policy" && r.receiver_touches === touches
  );
  return {
    firstBytes,
    interpolatedBytes,
    thresholdBytes: meanOf(policy, "policy_threshold_bytes"),
  };
}

/** Per receiver setting and size: copy, remap and the policy in cycles per byte, and the policy over the better. */
export function policyTableRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const touches of touchesOf(crossoverRows(rows))) {
    for (const bytes of sizesOf(crossoverRows(rows))) {
      const v = (m: BusMethod) => crossoverValue(rows, m, bytes, touches, "cycles_per_byte");
      const copy = v("transfer-pages");
      const remap = v("remap");
      const policy = v("policy");
      if (![copy, remap, policy].every(Number.isFinite)) continue;
      const remapped = crossoverValue(rows, "policy", bytes, touches, "remapped_messages") /
        crossoverValue(rows, "policy", bytes, touches, "messages");
      out.push({
        receiver: touches ? "reads" : "passes on",
        size: sizeLabel(bytes),
        copy,
        remap,
        policy,
        better: copy <= remap ? "copy" : "remap",
        ratio: policy / Math.min(copy, remap),
        remapped,
      });
    }
  }
  return out;
}

/** The crossover slice's throughput and cycles per message and per byte, per method and size. */
export function crossoverTableRows(rows: readonly Row[]): Row[] {
  const shown = crossoverRows(rows);
  const out: Row[] = [];
  for (const touches of touchesOf(shown)) {
    for (const bytes of sizesOf(shown)) {
      for (const method of METHODS) {
        const of = shown.filter((r) =>
          r.method === method && Number(r.message_bytes) === bytes && r.receiver_touches === touches
        );
        if (of.length === 0) continue;
        out.push({
          receiver: touches ? "reads" : "passes on",
          size: sizeLabel(bytes),
          method,
          offered: rateLabel(Number(of[0].offered_msgs_s)),
          throughput: meanOf(of, "throughput_mib_s"),
          cycles_per_msg: meanOf(of, "cycles_per_msg"),
          cycles_per_byte: meanOf(of, "cycles_per_byte"),
          copy: meanOf(of, "copy_cycles_per_msg"),
          remap: meanOf(of, "remap_cycles_per_msg"),
          signal: meanOf(of, "signal_cycles_per_msg"),
          p99: meanOf(of, "latency_p99_us"),
        });
      }
    }
  }
  return out;
}

/** The signalling slice in numbers. */
export function signallingTableRows(rows: readonly Row[]): Row[] {
  return signallingRows(rows).map((r) => ({
    signalling: String(r.signalling),
    batch: Number(r.batch),
    offered: rateLabel(Number(r.offered_msgs_s)),
    msgs_s: Number(r.msgs_s),
    exits: Number(r.exits_per_msg),
    interrupts: Number(r.interrupts_per_msg),
    signals: Number(r.signals_per_msg),
    p50: Number(r.latency_p50_us),
    p99: Number(r.latency_p99_us),
    busy: Number(r.receiver_busy),
    poll: Number(r.poll_cycles_per_msg),
  }));
}

/** The vCPU slice in numbers. */
export function vcpuTableRows(rows: readonly Row[]): Row[] {
  return vcpuRows(rows).map((r) => ({
    method: String(r.method),
    size: sizeLabel(Number(r.message_bytes)),
    vcpus: Number(r.vcpus),
    cycles_per_msg: Number(r.cycles_per_msg),
    remap: Number(r.remap_cycles_per_msg),
    cycles_per_byte: Number(r.cycles_per_byte),
    shootdowns: Number(r.tlb_shootdowns),
  }));
}

/** The checks every run makes of every message. */
export const CHECKS: readonly string[] = [
  "lost_messages",
  "duplicated_messages",
  "reordered_messages",
  "corrupted_messages",
  "stale_translations",
];

/** Per method: runs, messages sent and delivered, and every check's total. */
export function correctnessRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const method of METHODS) {
    const of = rows.filter((r) => r.method === method);
    if (of.length === 0) continue;
    const row: Row = {
      method,
      runs: of.reduce((s, r) => s + runsOf(r), 0),
      messages: runsTotal(of, "messages"),
      delivered: runsTotal(of, "delivered"),
    };
    for (const key of CHECKS) row[key] = runsTotal(of, key);
    out.push(row);
  }
  return out;
}

/** Every check's total over every run. */
export function failuresOf(rows: readonly Row[]): number {
  return CHECKS.reduce((s, key) => s + runsTotal(rows, key), 0);
}

/** The crossover's receiver facet names, in order. */
export function touchesPanels(rows: readonly Row[]): string[] {
  return touchesOf(crossoverRows(rows)).map(touchesLabel);
}
