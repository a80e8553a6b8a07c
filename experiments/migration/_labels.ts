/**
 * Legend labels and colours of the `migration` method variants, and how the
 * report names links, guests and the writable working set of a row.
 *
 * @module
 */

import { LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import type { Row } from "../experiment.ts";
import { formatMib } from "../size_format.ts";
import {
  DOWNTIME_LIMIT_MS,
  fitsInLimit,
  VARIANT_NAMES,
  type VariantName,
  VARIANTS,
} from "./grid.ts";

/** The variant a row ran: the line of the plots it belongs to. */
export function variantOf(r: Row): VariantName | "other" {
  for (const name of VARIANT_NAMES) {
    const v = VARIANTS[name];
    if (
      r.method === v.method && r.stop_rule === v.stop_rule &&
      r.auto_converge === v.auto_converge && r.preempt === v.preempt &&
      r.dirty_log === v.dirty_log
    ) return name;
  }
  return "other";
}

/** Legend labels of the variants. */
export const VARIANT_LABELS: Readonly<Record<VariantName, string>> = {
  "stop-and-copy": "stop-and-copy",
  "pre-copy": "pre-copy, QEMU's rule",
  "pre-copy-auto-converge": "pre-copy, QEMU's rule + auto-converge",
  "pre-copy-pml": "pre-copy, QEMU's rule, PML dirty log",
  "pre-copy-xen": "pre-copy, Xen's rule (5 rounds)",
  "pre-copy-xen-legacy": "pre-copy, Xen's legacy rule (29 rounds, 3 × memory)",
  "post-copy": "post-copy",
  "post-copy-preempt": "post-copy + preempt channel",
  hybrid: "hybrid (pre-copy, then post-copy)",
};

/** Short names of the variants, for tables and sentences. */
export const VARIANT_SHORT: Readonly<Record<VariantName, string>> = {
  "stop-and-copy": "stop-and-copy",
  "pre-copy": "pre-copy",
  "pre-copy-auto-converge": "pre-copy + auto-converge",
  "pre-copy-pml": "pre-copy (PML)",
  "pre-copy-xen": "pre-copy (Xen)",
  "pre-copy-xen-legacy": "pre-copy (Xen legacy)",
  "post-copy": "post-copy",
  "post-copy-preempt": "post-copy + preempt",
  hybrid: "hybrid",
};

/** Colours of the variants. */
export const VARIANT_COLOURS: Readonly<Record<VariantName, string>> = {
  "stop-and-copy": "#6e6e6e",
  "pre-copy": "#c2410c",
  "pre-copy-auto-converge": "#eab308",
  "pre-copy-pml": "#a21caf",
  "pre-copy-xen": "#0f766e",
  "pre-copy-xen-legacy": "#65a30d",
  "post-copy": "#1d4ed8",
  "post-copy-preempt": "#60a5fa",
  hybrid: "#db2777",
};

/** The short name of a row's variant. */
export function variantShort(r: Row): string {
  const v = variantOf(r);
  return v === "other" ? String(r.method) : VARIANT_SHORT[v];
}

/** A link as the plots name it: name and line rate. */
export function linkLabel(link: string): string {
  const p = LINK_PROFILES[link];
  return p === undefined
    ? link
    : `${link} (${Number((p.bytesPerSecond * 8e-9).toPrecision(3))} Gbit/s)`;
}

/** MiB/s written with sensible digits, in GiB/s from 1,024 MiB/s up. */
export function formatRate(mibS: number): string {
  return mibS >= 1024
    ? `${Number((mibS / 1024).toPrecision(3))} GiB/s`
    : `${Number(mibS.toPrecision(3))} MiB/s`;
}

/**
 * Whether a row's writable working set fits in what its link sends within
 * the downtime limit (pre-copy under QEMU's rule then always converges).
 */
export function wwsFits(r: Row): boolean {
  return Number(r.wws_fraction) < fitsInLimit(String(r.link), Number(r.memory_gib));
}

/** A row's writable working set in MiB or GiB, to three digits. */
export function wwsSize(r: Row): string {
  const mib = Number(r.wws_fraction) * Number(r.memory_gib) * 1024;
  return mib >= 1024
    ? formatMib(Number((mib / 1024).toPrecision(3)) * 1024)
    : formatMib(Number(mib.toPrecision(3)));
}

/** "1 GiB guest, writable working set 512 MiB": a row's guest in words. */
export function guestLabel(r: Row): string {
  return `${formatMib(Number(r.memory_gib) * 1024)} guest, writable working set ${wwsSize(r)}`;
}

/** The row of a faceted plot a row belongs to: its memory and whether its writable working set fits. */
export function guestPanel(r: Row): string {
  return `${formatMib(Number(r.memory_gib) * 1024)}, WWS ${
    wwsFits(r) ? "fits in" : "exceeds"
  } link × ${DOWNTIME_LIMIT_MS} ms`;
}
