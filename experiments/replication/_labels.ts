/**
 * How the `replication` report names methods, intervals, links and times,
 * and the colours of its methods.
 *
 * @module
 */

import type { ReplicationMethod } from "../../core/replication/replication_params.ts";
import { LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";

/** Legend labels of the methods. */
export const METHOD_LABELS: Readonly<Record<ReplicationMethod, string>> = {
  remus: "Remus (outputs held until acknowledged)",
  async: "asynchronous checkpoints (outputs released at once)",
  disk: "disk replication (boot from the replica disk)",
};

/** Short names of the methods, for tables and sentences. */
export const METHOD_SHORT: Readonly<Record<ReplicationMethod, string>> = {
  remus: "Remus",
  async: "async",
  disk: "disk",
};

/** Colours of the methods. */
export const METHOD_COLOURS: Readonly<Record<ReplicationMethod, string>> = {
  remus: "#c2410c",
  async: "#1d4ed8",
  disk: "#0f766e",
};

/** The method of a row, typed. */
export function methodOf(r: Row): ReplicationMethod {
  return String(r.method) as ReplicationMethod;
}

/**
 * A duration as prose writes it: ms below 1 s, s below 2 min, min above
 * (25 ms, 1.5 s, 15 min).
 *
 * @example
 * ```ts
 * import { duration } from "./_labels.ts";
 * if (duration(25) !== "25 ms" || duration(1500) !== "1.5 s" || duration(900000) !== "15 min") throw new Error();
 * ```
 */
export function duration(ms: number): string {
  const trim = (x: number, digits: number) => formatNumber(Number(x.toFixed(digits)));
  if (ms >= 120000) return `${trim(ms / 60000, 1)} min`;
  if (ms >= 1000) return `${trim(ms / 1000, ms >= 10000 ? 0 : 1)} s`;
  if (ms >= 10) return `${trim(ms, 0)} ms`;
  return `${trim(ms, 1)} ms`;
}

/** A link as the plots name it: name and line rate. */
export function linkLabel(link: string): string {
  const p = LINK_PROFILES[link];
  return p === undefined
    ? link
    : `${link} (${Number((p.bytesPerSecond * 8e-9).toPrecision(3))} Gbit/s)`;
}

/** A link's bandwidth in MiB/s. */
export function linkMibS(link: string): number {
  return LINK_PROFILES[link].bytesPerSecond / 2 ** 20;
}

/** "64 MiB/s, WWS 10 %": a memory guest's dirty rate and writable working set. */
export function guestLabel(r: Row): string {
  return `${formatNumber(Number(r.dirty_rate_mib_s))} MiB/s, WWS ${
    formatNumber(100 * Number(r.wws_fraction))
  } %`;
}

/** A fraction as a percentage: one decimal below 10 %, whole percent above. */
export function pct(fraction: number): string {
  const p = 100 * fraction;
  return p < 10 ? `${formatNumber(p, 1)} %` : `${Math.round(p)} %`;
}
