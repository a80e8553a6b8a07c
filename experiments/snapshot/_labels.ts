/**
 * Legend labels and colours of the `snapshot` methods, and how the report
 * names storage profiles and runs that did not finish.
 *
 * @module
 */

import { DEFAULT_SIM_TIME_LIMIT_S } from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILES } from "../../core/transfer/storage_profile.ts";
import type { Row } from "../experiment.ts";

/**
 * Snapshot lines of the plots: the methods, copy-before-write once more
 * under its pessimistic rule, pre-copy once per way of logging dirty pages.
 */
export const SNAPSHOT_VARIANTS: readonly string[] = [
  "stop-and-copy",
  "concurrent-cow",
  "concurrent-cow-pessimistic",
  "dirty-precopy",
  "dirty-precopy-pml",
];

/** The snapshot lines whose pause and total time differ: the pessimistic rule only changes what the guest pays. */
export const SNAPSHOT_TIME_VARIANTS: readonly string[] = SNAPSHOT_VARIANTS.filter((v) =>
  v !== "concurrent-cow-pessimistic"
);

/** The plot line of a row: its method, copy-before-write's pessimistic rule and pre-copy with PML apart. */
export function variantOf(r: Row): string {
  if (r.method === "dirty-precopy" && r.dirty_log === "pml") return "dirty-precopy-pml";
  if (r.method === "concurrent-cow" && r.cow_rule === "pessimistic") {
    return "concurrent-cow-pessimistic";
  }
  return String(r.method);
}

/** Legend labels of the snapshot lines. */
export const SNAPSHOT_LABELS: Readonly<Record<string, string>> = {
  "stop-and-copy": "stop-and-copy",
  "concurrent-cow": "concurrent copy-before-write (QEMU's rule)",
  "concurrent-cow-pessimistic": "copy-before-write, pessimistic rule (a write waits for storage)",
  "dirty-precopy": "dirty-logging pre-copy (write protection)",
  "dirty-precopy-pml": "dirty-logging pre-copy (PML)",
};
/** Legend labels of the restore methods. */
export const RESTORE_LABELS: Readonly<Record<string, string>> = {
  full: "full, then run",
  lazy: "lazy",
  "lazy-sweep": "lazy + background sweep",
  prefetch: "working-set prefetch + sweep",
};
/** Colours of the snapshot lines, in {@linkcode SNAPSHOT_VARIANTS} order. */
export const SNAPSHOT_COLOURS: readonly string[] = [
  "#6e6e6e",
  "#1d4ed8",
  "#0891b2",
  "#c2410c",
  "#a21caf",
];
/** Colours of the restore methods, in `RESTORE_METHODS` order. */
export const RESTORE_COLOURS: readonly string[] = ["#6e6e6e", "#c2410c", "#1d4ed8", "#15803d"];

/** A storage profile as the plots name it: name and device. */
export function storageLabel(name: string): string {
  const p = STORAGE_PROFILES[name];
  return p === undefined ? name : `${name} (${p.description.split(":")[0]})`;
}

/** What the report shows instead of a number for a run that gave up. */
export const DID_NOT_FINISH = `did not finish within ${DEFAULT_SIM_TIME_LIMIT_S} s`;
