/**
 * Parameters of snapshot and restore runs: plain JSON-serialisable options
 * where every field has a default (`{}` is valid), and their validation into
 * fully resolved settings. Bad values throw a one-line
 * {@linkcode StateParamError} naming the field.
 *
 * @module
 */

import { StateParamError } from "./state_error.ts";
import { TransferError } from "../transfer/transfer_error.ts";
import { DIRTY_LOG_METHODS, type DirtyLogMethod } from "../machine/machine_config.ts";
import type { StorageProfile } from "../transfer/storage_profile.ts";
import { getStorageProfile, validateStorageProfile } from "../transfer/storage_profile.ts";

/** Snapshot methods. */
export type SnapshotMethod = "stop-and-copy" | "concurrent-cow" | "dirty-precopy";
/** Names of the snapshot methods. */
export const SNAPSHOT_METHODS: readonly SnapshotMethod[] = [
  "stop-and-copy",
  "concurrent-cow",
  "dirty-precopy",
];

/** Restore methods. */
export type RestoreMethod = "full" | "lazy" | "lazy-sweep" | "prefetch";
/** Names of the restore methods. */
export const RESTORE_METHODS: readonly RestoreMethod[] = ["full", "lazy", "lazy-sweep", "prefetch"];

/** Order in which the concurrent saver writes pages in the background. */
export type SaveOrder = "sequential" | "cold-first" | "hot-first";
/** Names of the save orders. */
export const SAVE_ORDERS: readonly SaveOrder[] = ["sequential", "cold-first", "hot-first"];

/** What a copy-before-write fault saves before the write proceeds. */
export type FaultSave = "page" | "batch";
/** Names of the fault-save granularities. */
export const FAULT_SAVES: readonly FaultSave[] = ["page", "batch"];

/**
 * What a faulting write waits for: `io` until its page is on storage (the
 * saver writes straight from guest memory); `copy` only until the page is
 * copied to a host buffer, which the saver writes out later.
 */
export type CowWait = "io" | "copy";
/** Names of the copy-before-write wait modes. */
export const COW_WAITS: readonly CowWait[] = ["io", "copy"];

/** Platforms a state run's guest may run on: those with a hypervisor. */
export type StatePlatform = "nested" | "shadow";
/** Names of the state platforms. */
export const STATE_PLATFORMS: readonly StatePlatform[] = ["nested", "shadow"];

/** Host page sizes. */
export const HOST_PAGES: readonly ("4k" | "2m" | "1g")[] = ["4k", "2m", "1g"];

/** Largest batch, in pages (4 MiB of 4 KiB pages). */
export const MAX_BATCH_PAGES = 1024;

/**
 * Default simulated-time limit of one run (s): 20 minutes. A lab budget, not
 * a mechanism of any hypervisor: every guest touch is simulated, so a run
 * costs wall time in proportion to the simulated time the guest runs (about
 * 50 to 100 simulated seconds per wall-clock second for a 2-vCPU guest,
 * measured on the full `snapshot` grid). Every run of that grid except
 * non-converging pre-copies to slow storage ends well within it.
 */
export const DEFAULT_SIM_TIME_LIMIT_S = 1200;

/** Guest and storage options shared by snapshot and restore. Every field is optional. */
export interface StateOptions {
  /** Guest memory (GiB; fractions allowed, at least one page; up to 1024). Default 1. */
  memoryGib?: number;
  /** Pages per I/O batch, 1 to 1024. Default 64. */
  batchPages?: number;
  /** Storage profile name or a profile given as data. Default `nvme-ssd`. */
  storage?: string | StorageProfile;
  /** I/Os the mechanism keeps in flight at once (1 to 1024). Default 1, a single synchronous saver or restorer thread. */
  ioDepth?: number;
  /** CPU and device state written or read with the memory (bytes). Default 1 MiB (estimate). */
  deviceStateBytes?: number;
  /** vCPUs of the guest (1 to 64). Default 2. */
  vcpus?: number;
  /** Fraction of the guest's sampled touches that write (0 to 1). Default 0.2. */
  writeFraction?: number;
  /** Fraction of guest memory the guest touches (above 0, up to 1). Default 0.25. */
  workingSetFraction?: number;
  /**
   * Guest accesses each simulated touch stands for; a vCPU works
   * `accessesPerTouch × baseCyclesPerAccess` cycles between touches. Default 10,000.
   */
  accessesPerTouch?: number;
  /**
   * Run length of the working set (pages). Default 3: REAP (ASPLOS 2021, Fig. 3)
   * found contiguous runs of 2-3 pages on average in restored working sets.
   */
  wsRunPages?: number;
  /** Guest work each vCPU must complete for `job_done_ms` (ms of unhindered run time). Default 100. */
  jobMs?: number;
  /**
   * The hypervisor's platform: `nested` (EPT/NPT) or `shadow` page tables.
   * Default `nested`. The guest's touches are sampled; the platform shapes
   * the per-access translation cost measured when dirty logging splits host pages.
   */
  platform?: StatePlatform | string;
  /**
   * Page size the host backs guest memory with: `4k`, `2m` or `1g`. Default
   * `2m`: QEMU asks for transparent huge pages on guest RAM
   * (`madvise(MADV_HUGEPAGE)` on every RAM block; recalled from QEMU's
   * source, not re-read), so a KVM guest's memory is mostly 2M-backed.
   */
  hostPage?: "4k" | "2m" | "1g" | string;
  /**
   * Accesses each vCPU runs through its MMU per window when the run measures
   * translation cost per access (a warm-up window, then a measured one,
   * before and after dirty logging splits host pages). Default 20,000.
   */
  translationSampleAccesses?: number;
  /**
   * Simulated time after which the run gives up (s, above 0). The row then
   * says `finished: false` and why, leaves the times it could not measure as
   * `NaN`, and still checks the pages saved or restored so far. Default
   * {@linkcode DEFAULT_SIM_TIME_LIMIT_S} (1,200 s).
   */
  simTimeLimitS?: number;
}

/** Snapshot options. Every field is optional. */
export interface SnapshotOptions extends StateOptions {
  /** Snapshot method. Default `concurrent-cow`. */
  method?: SnapshotMethod | string;
  /** Background save order (concurrent-cow). Default `sequential`. */
  saveOrder?: SaveOrder | string;
  /** Share of the write bandwidth the background saver may use (above 0, up to 1). Default 1. */
  saverShare?: number;
  /** What a copy-before-write fault saves first (concurrent-cow). Default `batch`. */
  faultSave?: FaultSave | string;
  /** What a faulting write waits for (concurrent-cow). Default `io`. */
  cowWait?: CowWait | string;
  /**
   * Host time to write-protect one page of guest memory during the pause
   * (ns). Default 5: an estimate (no published per-page cost of uffd-wp or
   * KVM write-protection was found).
   */
  protectNsPerPage?: number;
  /**
   * Host time to create one 4 KiB mapping when dirty logging splits a host
   * large page (ns), spent by the thread enabling the log, beside the
   * running vCPUs: pre-copy's first round starts once it is done. Default
   * 61.6, derived from KVM's eager page splitting: splitting the 1 GiB
   * HugeTLB pages of a 96 GiB region took 1.55 s (D. Matlack, "KVM: x86/mmu:
   * Split huge pages mapped by the TDP MMU when dirty logging is enabled",
   * Linux commit a3fe5dbda0a4, 2022): 1.55 s / (96 × 262,144 entries).
   */
  splitNsPerEntry?: number;
  /** Pre-copy stops iterating once the rest fits in this pause (ms). Default 300, QEMU's downtime limit. */
  downtimeLimitMs?: number;
  /** Pre-copy stops iterating after this many rounds. Default 30 (legacy Xen's "30 times round loop"). */
  maxRounds?: number;
  /**
   * How pre-copy learns which pages were written: `write-protect` (an exit
   * on the first write to a page per round) or `pml` (Intel's
   * page-modification log: an exit per 512 pages). Only `dirty-precopy`
   * logs dirty pages. Default `write-protect`.
   */
  dirtyLog?: DirtyLogMethod | string;
  /** For tests only: a broken saver that lets writes to unsaved pages proceed. Default false. */
  brokenSkipCopyBeforeWrite?: boolean;
}

/** Restore options. Every field is optional. */
export interface RestoreOptions extends StateOptions {
  /** Restore method. Default `lazy-sweep`. */
  method?: RestoreMethod | string;
  /** Share of the read bandwidth the background sweep may use (above 0, up to 1). Default 1. */
  sweepShare?: number;
  /** For tests only: a broken restorer that maps an empty page instead of fetching. Default false. */
  brokenSkipFetch?: boolean;
}

/** {@linkcode StateOptions} with every field resolved. */
export interface StateSettings {
  /** Guest memory (GiB). */
  memoryGib: number;
  /** Guest memory (4 KiB pages). */
  pages: number;
  /** Pages per I/O batch. */
  batchPages: number;
  /** Storage profile. */
  storage: StorageProfile;
  /** I/Os in flight at once. */
  ioDepth: number;
  /** Device state (bytes). */
  deviceStateBytes: number;
  /** vCPUs. */
  vcpus: number;
  /** Write fraction of touches. */
  writeFraction: number;
  /** Working-set fraction of memory. */
  workingSetFraction: number;
  /** Accesses per touch. */
  accessesPerTouch: number;
  /** Working-set run length (pages). */
  wsRunPages: number;
  /** Job length (ms). */
  jobMs: number;
  /** Simulated-time limit of the run (s). */
  simTimeLimitS: number;
  /** The hypervisor's platform. */
  platform: StatePlatform;
  /** Host page size. */
  hostPage: "4k" | "2m" | "1g";
  /** Accesses per vCPU per measured window. */
  translationSampleAccesses: number;
}

/** {@linkcode SnapshotOptions} resolved. */
export interface SnapshotSettings extends StateSettings {
  /** Method. */
  method: SnapshotMethod;
  /** Background save order. */
  saveOrder: SaveOrder;
  /** Saver bandwidth share. */
  saverShare: number;
  /** Fault-save granularity. */
  faultSave: FaultSave;
  /** Fault wait mode. */
  cowWait: CowWait;
  /** Write-protect cost (ns per page). */
  protectNsPerPage: number;
  /** Host time per 4 KiB mapping a split creates (ns). */
  splitNsPerEntry: number;
  /** Pre-copy downtime limit (ms). */
  downtimeLimitMs: number;
  /** Pre-copy round cap. */
  maxRounds: number;
  /** Dirty logging of pre-copy, or null for the other methods. */
  dirtyLog: DirtyLogMethod | null;
  /** Broken saver (tests). */
  brokenSkipCopyBeforeWrite: boolean;
}

/** {@linkcode RestoreOptions} resolved. */
export interface RestoreSettings extends StateSettings {
  /** Method. */
  method: RestoreMethod;
  /** Sweep bandwidth share. */
  sweepShare: number;
  /** Broken restorer (tests). */
  brokenSkipFetch: boolean;
}

const PAGES_PER_GIB = 262144;

function num(
  value: unknown,
  field: string,
  dflt: number,
  min: number,
  max: number,
  integer: boolean,
  minExclusive = false,
): number {
  if (value === undefined) return dflt;
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) && value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const range = `${minExclusive ? "above" : "from"} ${min} ${minExclusive ? "up " : ""}to ${max}`;
    throw new StateParamError(
      field,
      `must be ${integer ? "an integer" : "a number"} ${range}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function choice<T extends string>(
  value: unknown,
  field: string,
  dflt: T,
  allowed: readonly T[],
): T {
  if (value === undefined) return dflt;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new StateParamError(
      field,
      `unknown value ${JSON.stringify(value)}; expected one of ${allowed.join(", ")}`,
    );
  }
  return value as T;
}

function bool(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new StateParamError(field, `must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Resolves the shared options.
 *
 * @throws {StateParamError} naming the first bad field.
 *
 * @example
 * ```ts
 * import { resolveStateOptions } from "./state_params.ts";
 * const s = resolveStateOptions({ memoryGib: 0.5 });
 * if (s.pages !== 131072 || s.batchPages !== 64) throw new Error();
 * ```
 */
export function resolveStateOptions(o: StateOptions): StateSettings {
  if (o === null || typeof o !== "object") {
    throw new StateParamError("options", "must be an object");
  }
  const memoryGib = num(o.memoryGib, "memoryGib", 1, 0, 1024, false, true);
  const pages = Math.round(memoryGib * PAGES_PER_GIB);
  if (pages < 1) throw new StateParamError("memoryGib", `is below one page: ${memoryGib}`);
  let storage: StorageProfile;
  try {
    if (o.storage === undefined) storage = getStorageProfile("nvme-ssd");
    else if (typeof o.storage === "string") storage = getStorageProfile(o.storage);
    else {
      validateStorageProfile(o.storage);
      storage = o.storage;
    }
  } catch (error) {
    if (error instanceof TransferError) throw new StateParamError(error.field, error.problem);
    throw error;
  }
  return {
    memoryGib,
    pages,
    batchPages: num(o.batchPages, "batchPages", 64, 1, MAX_BATCH_PAGES, true),
    storage,
    ioDepth: num(o.ioDepth, "ioDepth", 1, 1, 1024, true),
    deviceStateBytes: num(o.deviceStateBytes, "deviceStateBytes", 1048576, 0, 2 ** 40, true),
    vcpus: num(o.vcpus, "vcpus", 2, 1, 64, true),
    writeFraction: num(o.writeFraction, "writeFraction", 0.2, 0, 1, false),
    workingSetFraction: num(o.workingSetFraction, "workingSetFraction", 0.25, 0, 1, false, true),
    accessesPerTouch: num(o.accessesPerTouch, "accessesPerTouch", 10000, 1, 1e12, false),
    wsRunPages: num(o.wsRunPages, "wsRunPages", 3, 1, 1 << 20, true),
    jobMs: num(o.jobMs, "jobMs", 100, 0, 1e7, false),
    simTimeLimitS: num(
      o.simTimeLimitS,
      "simTimeLimitS",
      DEFAULT_SIM_TIME_LIMIT_S,
      0,
      1e9,
      false,
      true,
    ),
    platform: choice(o.platform, "platform", "nested", STATE_PLATFORMS),
    hostPage: choice(o.hostPage, "hostPage", "2m", HOST_PAGES),
    translationSampleAccesses: num(
      o.translationSampleAccesses,
      "translationSampleAccesses",
      20000,
      1,
      1e8,
      true,
    ),
  };
}

/**
 * Resolves snapshot options: defaults filled in, every field checked.
 *
 * @throws {StateParamError} naming the first bad field.
 *
 * @example A batch size of 0 is rejected in one line
 * ```ts
 * import { resolveSnapshotOptions } from "./state_params.ts";
 * import { StateParamError } from "./state_error.ts";
import { TransferError } from "../transfer/transfer_error.ts";
import { DIRTY_LOG_METHODS, type DirtyLogMethod } from "../machine/machine_config.ts";
 * try {
 *   resolveSnapshotOptions({ batchPages: 0 });
 *   throw new Error("not rejected");
 * } catch (e) {
 *   if (!(e instanceof StateParamError) || e.field !== "batchPages") throw e;
 * }
 * ```
 */
export function resolveSnapshotOptions(o: SnapshotOptions): SnapshotSettings {
  const base = resolveStateOptions(o);
  const method = choice(o.method, "method", "concurrent-cow", SNAPSHOT_METHODS);
  if (o.dirtyLog !== undefined && method !== "dirty-precopy") {
    throw new StateParamError("dirtyLog", `only dirty-precopy logs dirty pages, not ${method}`);
  }
  return {
    ...base,
    method,
    saveOrder: choice(o.saveOrder, "saveOrder", "sequential", SAVE_ORDERS),
    saverShare: num(o.saverShare, "saverShare", 1, 0, 1, false, true),
    faultSave: choice(o.faultSave, "faultSave", "batch", FAULT_SAVES),
    cowWait: choice(o.cowWait, "cowWait", "io", COW_WAITS),
    protectNsPerPage: num(o.protectNsPerPage, "protectNsPerPage", 5, 0, 1e6, false),
    splitNsPerEntry: num(o.splitNsPerEntry, "splitNsPerEntry", 61.6, 0, 1e6, false),
    downtimeLimitMs: num(o.downtimeLimitMs, "downtimeLimitMs", 300, 0, 1e7, false),
    maxRounds: num(o.maxRounds, "maxRounds", 30, 1, 10000, true),
    dirtyLog: method === "dirty-precopy"
      ? choice(o.dirtyLog, "dirtyLog", "write-protect", DIRTY_LOG_METHODS)
      : null,
    brokenSkipCopyBeforeWrite: bool(o.brokenSkipCopyBeforeWrite, "brokenSkipCopyBeforeWrite"),
  };
}

/**
 * Resolves restore options: defaults filled in, every field checked.
 *
 * @throws {StateParamError} naming the first bad field.
 *
 * @example An unknown method is rejected in one line
 * ```ts
 * import { resolveRestoreOptions } from "./state_params.ts";
 * import { StateParamError } from "./state_error.ts";
import { TransferError } from "../transfer/transfer_error.ts";
import { DIRTY_LOG_METHODS, type DirtyLogMethod } from "../machine/machine_config.ts";
 * try {
 *   resolveRestoreOptions({ method: "eager" });
 *   throw new Error("not rejected");
 * } catch (e) {
 *   if (!(e instanceof StateParamError) || e.field !== "method") throw e;
 * }
 * ```
 */
export function resolveRestoreOptions(o: RestoreOptions): RestoreSettings {
  const base = resolveStateOptions(o);
  return {
    ...base,
    method: choice(o.method, "method", "lazy-sweep", RESTORE_METHODS),
    sweepShare: num(o.sweepShare, "sweepShare", 1, 0, 1, false, true),
    brokenSkipFetch: bool(o.brokenSkipFetch, "brokenSkipFetch"),
  };
}
