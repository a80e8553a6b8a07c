/**
 * Parameters of snapshot and restore runs: plain JSON-serialisable options
 * where every field has a default (`{}` is valid), declared field by field
 * ({@linkcode SNAPSHOT_OPTIONS_FIELDS}, {@linkcode RESTORE_OPTIONS_FIELDS}),
 * and their validation into fully resolved settings. Bad values throw a
 * one-line `ConfigError` naming the field.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  refuseOtherModes,
  validateConfig,
} from "../base/config_fields.ts";
import { PAGE_SIZE_NAMES } from "../base/page_size.ts";
import { DIRTY_LOG_METHODS, type DirtyLogMethod } from "../machine/machine_config.ts";
import {
  STORAGE_PROFILE_FIELDS,
  STORAGE_PROFILES,
  type StorageProfile,
} from "../transfer/storage_profile.ts";

/** Snapshot methods. */
export const SNAPSHOT_METHODS = ["stop-and-copy", "concurrent-cow", "dirty-precopy"] as const;
/** A snapshot method. */
export type SnapshotMethod = typeof SNAPSHOT_METHODS[number];

/** Restore methods. */
export const RESTORE_METHODS = ["full", "lazy", "lazy-sweep", "prefetch"] as const;
/** A restore method. */
export type RestoreMethod = typeof RESTORE_METHODS[number];

/** Orders in which the concurrent saver writes pages in the background. */
export const SAVE_ORDERS = ["sequential", "cold-first", "hot-first"] as const;
/** A save order. */
export type SaveOrder = typeof SAVE_ORDERS[number];

/** What a copy-before-write fault saves before the write proceeds. */
export const FAULT_SAVES = ["page", "batch"] as const;
/** A fault-save granularity. */
export type FaultSave = typeof FAULT_SAVES[number];

/**
 * When concurrent-cow releases a page (lets the guest write it): `copy`,
 * QEMU's background-snapshot rule and the default, once the page is copied
 * into the saver's buffer — a background batch when its I/O is issued, a
 * faulting page at its fault; `io`, the pessimistic rule, only once the
 * page's I/O is on storage (the saver writes straight from guest memory, so
 * a faulting write waits for its page's batch to reach storage).
 */
export const COW_WAITS = ["copy", "io"] as const;
/** A copy-before-write wait mode. */
export type CowWait = typeof COW_WAITS[number];

/**
 * The two rules of concurrent copy-before-write as option presets: `qemu`,
 * QEMU's background snapshot and the defaults (a faulting page is copied
 * alone into the saver's buffer and released); `pessimistic`, the lab's
 * former default and a bound (a faulting write waits until its page's whole
 * batch is on storage).
 */
export const COW_RULES = {
  qemu: { cowWait: "copy", faultSave: "page" },
  pessimistic: { cowWait: "io", faultSave: "batch" },
} as const satisfies Record<string, { cowWait: CowWait; faultSave: FaultSave }>;
/** The name of a copy-before-write rule. */
export type CowRule = keyof typeof COW_RULES;
/** The names of the copy-before-write rules, QEMU's first. */
export const COW_RULE_NAMES: readonly CowRule[] = ["qemu", "pessimistic"];

/** Platforms a state run's guest may run on: those with a hypervisor. */
export const STATE_PLATFORMS = ["nested", "shadow"] as const;
/** A state platform. */
export type StatePlatform = typeof STATE_PLATFORMS[number];

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

const PAGES_PER_GIB = 262144;

/** The guest and storage fields shared by snapshot and restore. */
export const STATE_OPTIONS_FIELDS = {
  memoryGib: {
    kind: "number",
    above: 0,
    max: 1024,
    default: 1,
    unit: "GiB",
    description: "guest memory, at least one 4 KiB page",
  },
  batchPages: {
    kind: "integer",
    min: 1,
    max: MAX_BATCH_PAGES,
    default: 64,
    unit: "pages",
    description: "pages per I/O: a batch of B pages of 4 KiB is one I/O",
  },
  storage: {
    kind: "preset",
    presets: STORAGE_PROFILES,
    fields: STORAGE_PROFILE_FIELDS,
    default: "nvme-ssd",
    description: "storage the image is written to or read from",
  },
  ioDepth: {
    kind: "integer",
    min: 1,
    max: 1024,
    default: 1,
    unit: "I/Os",
    description:
      "I/Os the saver or restorer keeps in flight at once; 1 is a single synchronous thread",
  },
  deviceStateBytes: {
    kind: "size",
    min: 0,
    max: 2 ** 40,
    default: 1048576,
    unit: "bytes",
    description: "CPU and device state written or read with the memory (an estimate)",
  },
  vcpus: {
    kind: "integer",
    min: 1,
    max: 64,
    default: 2,
    description: "vCPUs of the guest",
  },
  writeFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.2,
    description: "fraction of the guest's sampled touches that write",
  },
  workingSetFraction: {
    kind: "number",
    above: 0,
    max: 1,
    default: 0.25,
    description: "fraction of guest memory the guest touches",
  },
  accessesPerTouch: {
    kind: "number",
    min: 1,
    max: 1e12,
    default: 10000,
    unit: "accesses",
    description:
      "guest accesses each simulated touch stands for: a vCPU works accessesPerTouch × baseCyclesPerAccess cycles between touches",
  },
  wsRunPages: {
    kind: "integer",
    min: 1,
    max: 1 << 20,
    default: 3,
    unit: "pages",
    description:
      "run length of the working set; REAP (ASPLOS 2021, Fig. 3) found contiguous runs of 2-3 pages on average in restored working sets",
  },
  jobMs: {
    kind: "number",
    min: 0,
    max: 1e7,
    default: 100,
    unit: "ms",
    description: "guest work each vCPU must complete for job_done_ms, in unhindered run time",
  },
  simTimeLimitS: {
    kind: "number",
    above: 0,
    max: 1e9,
    default: DEFAULT_SIM_TIME_LIMIT_S,
    unit: "s",
    // The row then says finished: false and why, leaves the times it could
    // not measure NaN, and still checks the pages saved or restored so far.
    description: "simulated time after which the run gives up",
  },
  platform: {
    kind: "enum",
    values: STATE_PLATFORMS,
    default: "nested",
    // The guest's touches are sampled; the platform shapes the per-access
    // translation cost measured when dirty logging splits host pages.
    description: "the hypervisor's paging: nested (EPT/NPT) or shadow page tables",
  },
  hostPage: {
    kind: "enum",
    values: PAGE_SIZE_NAMES,
    default: "2m",
    // QEMU asks for transparent huge pages on guest RAM (madvise(MADV_HUGEPAGE)
    // on every RAM block; recalled from QEMU's source, not re-read), so a KVM
    // guest's memory is mostly 2M-backed.
    description: "page size the host backs guest memory with (2m: as THP backs a KVM guest)",
  },
  translationSampleAccesses: {
    kind: "integer",
    min: 1,
    max: 1e8,
    default: 20000,
    unit: "accesses",
    description:
      "accesses per vCPU per window when translation is measured per access (a warm-up window, then a measured one, before and after dirty logging splits host pages)",
  },
} as const satisfies ConfigFields;

/** The fields of {@linkcode SnapshotOptions}: the method's own, then the shared ones. */
export const SNAPSHOT_OPTIONS_FIELDS = {
  method: {
    kind: "enum",
    values: SNAPSHOT_METHODS,
    default: "concurrent-cow",
    description:
      "stop-and-copy (pause, write everything, resume); concurrent-cow (write-protect, save in the background, copy a page before its first write); dirty-precopy (iterative pre-copy with dirty logging, then a final pause)",
  },
  ...STATE_OPTIONS_FIELDS,
  saveOrder: {
    kind: "enum",
    values: SAVE_ORDERS,
    default: "sequential",
    description: "order in which concurrent-cow's saver writes pages in the background",
  },
  saverShare: {
    kind: "number",
    above: 0,
    max: 1,
    default: 1,
    description: "share of the write bandwidth the background saver may use",
  },
  faultSave: {
    kind: "enum",
    values: FAULT_SAVES,
    default: "page",
    // QEMU's background snapshot saves the faulting host page alone, ahead of
    // the scan (migration/ram.c: get_queued_page() polls the userfaultfd with
    // poll_fault_page(), then ram_save_host_page() saves that page).
    description:
      "what a concurrent-cow write fault saves ahead of the background scan: its page alone (QEMU) or its page's whole batch",
  },
  cowWait: {
    kind: "enum",
    values: COW_WAITS,
    default: "copy",
    // QEMU: ram_save_release_protection() flushes the page into the
    // migration stream (qemu_fflush), then un-protects it
    // (uffd_change_protection); it never waits for the stream's storage.
    description:
      "when concurrent-cow lets the guest write a page again: copy (QEMU's rule: once the page is copied into the saver's buffer) or io (the pessimistic rule: once its batch is on storage)",
  },
  uffdRoundTripUs: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 4.74,
    unit: "µs",
    // Measured: Peter Xu, "Userfaultfd-wp Latency Measurements" (2020-08-27,
    // xzpeter.org; github xzpeter/xzpeter.github.com, _posts/2020-08-27-
    // userfaultfd-wp-latency-measurements.markdown): Linux 5.9, Intel
    // i7-8665U at 1.9 GHz, mitigations off, one writing thread and one
    // uffd-wp handler thread: 2.43 µs from the write to the handler reading
    // the fault message, 1.16 µs for UFFDIO_WRITEPROTECT to un-protect, 1.15
    // µs until the write continues; 4.74 µs in all. QEMU's background
    // snapshot has that shape: its migration thread reads the vCPU thread's
    // fault from the userfaultfd. The measurement is of a native thread: in a
    // guest the vCPU thread reaches the userfaultfd through the EPT-violation
    // exit, charged apart (vmExitCycles and the write_protect handler), so
    // the native fault entry and return inside the 4.74 µs are charged twice,
    // an overstatement well under a microsecond.
    description:
      "host time of one concurrent-cow write fault in userfaultfd beyond the VM exit: delivering the fault to the saver thread, un-protecting the page and waking the vCPU thread; Peter Xu's uffd-wp measurement (Linux 5.9, 2020): 2.43 + 1.16 + 1.15 µs",
  },
  protectNsPerPage: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 5,
    unit: "ns",
    description:
      "host time to write-protect one page during the pause; an estimate (no published per-page cost of uffd-wp or KVM write protection was found)",
  },
  splitNsPerEntry: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 61.6,
    unit: "ns",
    description:
      "host time to create one 4 KiB mapping when dirty logging splits a host large page, spent beside the running vCPUs before pre-copy's first round; from KVM's eager page splitting (Linux commit a3fe5dbda0a4, 2022): 1.55 s for 96 × 262,144 entries",
  },
  downtimeLimitMs: {
    kind: "number",
    min: 0,
    max: 1e7,
    default: 300,
    unit: "ms",
    description: "pre-copy stops iterating once the rest fits in this pause (QEMU's default)",
  },
  maxRounds: {
    kind: "integer",
    min: 1,
    max: 10000,
    default: 30,
    unit: "rounds",
    description: "pre-copy stops iterating after this many rounds (legacy Xen's 30)",
  },
  dirtyLog: {
    kind: "enum",
    values: DIRTY_LOG_METHODS,
    default: "write-protect",
    description:
      "how dirty-precopy learns which pages were written: write-protect (an exit on a page's first write per round) or pml (Intel's page-modification log: an exit per 512 logged pages)",
  },
  brokenSkipCopyBeforeWrite: {
    kind: "boolean",
    default: false,
    description: "for tests only: a broken saver that lets writes to unsaved pages proceed",
  },
} as const satisfies ConfigFields;

/** The fields of {@linkcode RestoreOptions}: the method's own, then the shared ones. */
export const RESTORE_OPTIONS_FIELDS = {
  method: {
    kind: "enum",
    values: RESTORE_METHODS,
    default: "lazy-sweep",
    description:
      "full (load everything, then run); lazy (run at once, fetch pages on first touch); lazy-sweep (lazy, and a background sweep loads the rest); prefetch (the recorded working set first, then as lazy-sweep)",
  },
  ...STATE_OPTIONS_FIELDS,
  sweepShare: {
    kind: "number",
    above: 0,
    max: 1,
    default: 1,
    description: "share of the read bandwidth the background sweep may use",
  },
  brokenSkipFetch: {
    kind: "boolean",
    default: false,
    description: "for tests only: a broken restorer that maps an empty page instead of fetching",
  },
} as const satisfies ConfigFields;

/** Guest and storage options shared by snapshot and restore. Every field is optional. */
export type StateOptions = ConfigInput<typeof STATE_OPTIONS_FIELDS>;
/** Snapshot options. Every field is optional. */
export type SnapshotOptions = ConfigInput<typeof SNAPSHOT_OPTIONS_FIELDS>;
/** Restore options. Every field is optional. */
export type RestoreOptions = ConfigInput<typeof RESTORE_OPTIONS_FIELDS>;

/** What every resolved state run adds to its options. */
export interface StatePages {
  /** Guest memory (4 KiB pages). */
  pages: number;
  /** Storage profile. */
  storage: StorageProfile;
}

/** {@linkcode StateOptions} with every field resolved. */
export type StateSettings = ConfigValues<typeof STATE_OPTIONS_FIELDS> & StatePages;

/** {@linkcode SnapshotOptions} resolved; `dirtyLog` is null but for dirty-precopy. */
export type SnapshotSettings =
  & Omit<ConfigValues<typeof SNAPSHOT_OPTIONS_FIELDS>, "dirtyLog">
  & StatePages
  & { dirtyLog: DirtyLogMethod | null };

/** {@linkcode RestoreOptions} resolved. */
export type RestoreSettings = ConfigValues<typeof RESTORE_OPTIONS_FIELDS> & StatePages;

/**
 * The rule of every state mechanism's `memoryGib`: guest memory holds at
 * least one 4 KiB page.
 *
 * @example
 * ```ts
 * import { checkGuestMemory } from "./state_params.ts";
 * import assert from "node:assert/strict";
 * const fail = (field: string, problem: string): never => {
 *   throw new Error(`${field}: ${problem}`);
 * };
 * assert.throws(() => checkGuestMemory({ memoryGib: 1e-9 }, {}, fail), /^Error: memoryGib: expected at least one 4 KiB page/);
 * checkGuestMemory({ memoryGib: 1 }, {}, fail);
 * ```
 */
export const checkGuestMemory: ObjectCheck = (values, _given, fail) => {
  const gib = values.memoryGib as number;
  if (pagesOfGib(gib) < 1) {
    fail("memoryGib", `expected at least one 4 KiB page (${1 / PAGES_PER_GIB} GiB), got ${gib}`);
  }
};

const checkState = checkGuestMemory;

/**
 * Refuses `dirtyLog: "pml"` off the nested platform: PML logs what the
 * processor marks dirty in the nested (EPT) table, which shadow paging has
 * not.
 *
 * @example
 * ```ts
 * import { checkPmlPlatform } from "./state_params.ts";
 * import assert from "node:assert/strict";
 * const fail = (field: string, problem: string): never => {
 *   throw new Error(`${field}: ${problem}`);
 * };
 * assert.throws(() => checkPmlPlatform({ platform: "shadow" }, { dirtyLog: "pml" }, fail), /^Error: dirtyLog: pml/);
 * ```
 */
export const checkPmlPlatform: ObjectCheck = (values, given, fail) => {
  if (given.dirtyLog === "pml" && values.platform !== "nested") {
    fail(
      "dirtyLog",
      "pml logs what the processor marks dirty in the nested (EPT) table: use platform nested",
    );
  }
};

/**
 * The snapshot fields only some methods use. Giving one to another method is
 * a mistake, refused rather than ignored.
 */
const METHOD_FIELDS: Readonly<Record<string, readonly SnapshotMethod[]>> = {
  saveOrder: ["concurrent-cow"],
  saverShare: ["concurrent-cow"],
  faultSave: ["concurrent-cow"],
  cowWait: ["concurrent-cow"],
  uffdRoundTripUs: ["concurrent-cow"],
  brokenSkipCopyBeforeWrite: ["concurrent-cow"],
  protectNsPerPage: ["concurrent-cow", "dirty-precopy"],
  splitNsPerEntry: ["dirty-precopy"],
  downtimeLimitMs: ["dirty-precopy"],
  maxRounds: ["dirty-precopy"],
};

/** Only pre-copy logs dirty pages, so only it may choose how; likewise each method's own fields. */
const checkSnapshot: ObjectCheck = (values, given, fail) => {
  checkState(values, given, fail);
  const method = values.method as SnapshotMethod;
  if (given.dirtyLog !== undefined && method !== "dirty-precopy") {
    fail("dirtyLog", `only dirty-precopy logs dirty pages, not ${method}`);
  }
  refuseOtherModes(METHOD_FIELDS, method, given, fail);
  checkPmlPlatform(values, given, fail);
};

/**
 * 4 KiB pages in `memoryGib` GiB of guest memory, rounded to the nearest.
 *
 * @example
 * ```ts
 * import { pagesOfGib } from "./state_params.ts";
 * if (pagesOfGib(0.5) !== 131072) throw new Error();
 * ```
 */
export function pagesOfGib(memoryGib: number): number {
  return Math.round(memoryGib * PAGES_PER_GIB);
}

/**
 * Resolves the shared options.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example
 * ```ts
 * import { resolveStateOptions } from "./state_params.ts";
 * const s = resolveStateOptions({ memoryGib: 0.5 });
 * if (s.pages !== 131072 || s.batchPages !== 64) throw new Error();
 * ```
 */
export function resolveStateOptions(o: StateOptions): StateSettings {
  const v = validateConfig(STATE_OPTIONS_FIELDS, o, {
    component: "snapshot/restore options",
    check: checkState,
  });
  return { ...v, pages: pagesOfGib(v.memoryGib) };
}

/**
 * Resolves snapshot options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example A batch size of 0 is rejected in one line
 * ```ts
 * import { resolveSnapshotOptions } from "./state_params.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => resolveSnapshotOptions({ batchPages: 0 }), {
 *   message:
 *     'Cannot use snapshot options: field "batchPages": expected an integer from 1 to 1024, got 0',
 * });
 * ```
 */
export function resolveSnapshotOptions(o: SnapshotOptions): SnapshotSettings {
  const v = validateConfig(SNAPSHOT_OPTIONS_FIELDS, o, {
    component: "snapshot options",
    check: checkSnapshot,
  });
  return {
    ...v,
    pages: pagesOfGib(v.memoryGib),
    dirtyLog: v.method === "dirty-precopy" ? v.dirtyLog : null,
  };
}

/**
 * Resolves restore options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example An unknown method is rejected in one line, naming the known ones
 * ```ts
 * import { resolveRestoreOptions } from "./state_params.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => resolveRestoreOptions({ method: "eager" }), {
 *   message:
 *     'Cannot use restore options: field "method": expected one of full, lazy, lazy-sweep, prefetch, got "eager"',
 * });
 * ```
 */
export function resolveRestoreOptions(o: RestoreOptions): RestoreSettings {
  const v = validateConfig(RESTORE_OPTIONS_FIELDS, o, {
    component: "restore options",
    check: checkState,
  });
  return { ...v, pages: pagesOfGib(v.memoryGib) };
}
