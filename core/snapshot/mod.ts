/**
 * Snapshot and restore of a running guest's memory: the storage model and
 * its named profiles, the snapshot methods (stop-and-copy, concurrent
 * copy-before-write, dirty-logging pre-copy), the restore methods (full,
 * lazy, lazy with a sweep, working-set prefetch), and the check that no data
 * is lost.
 *
 * @example Run a concurrent snapshot of a 64 MiB guest
 * ```ts
 * import { runSnapshot } from "./mod.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runSnapshot({ memoryGib: 0.0625, jobMs: 5 }, getProfile("amd-zen3"), 7);
 * if (row.lost_pages !== 0) throw new Error("lost data");
 * ```
 *
 * @module
 */

export * from "./state_params.ts";
export * from "./state_row.ts";
export * from "./snapshot.ts";
export * from "./restore.ts";
