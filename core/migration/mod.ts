/**
 * Moving a running guest between hosts: live migration (stop-and-copy,
 * pre-copy with QEMU's or Xen's stop rule and auto-converge, post-copy,
 * hybrid) with its stop rules, and the check that no data is lost.
 *
 * @example Migrate a 64 MiB guest with pre-copy over 10 GbE
 * ```ts
 * import { runMigration } from "./mod.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runMigration(
 *   { memoryGib: 0.0625, translationSampleAccesses: 2000 },
 *   getProfile("amd-zen3"),
 *   7,
 * );
 * if (row.lost_pages !== 0 || !row.completed) throw new Error(row.outcome);
 * ```
 *
 * @module
 */

export * from "./migration_params.ts";
export * from "./migration_row.ts";
export * from "./stop_rule.ts";
export * from "./migration.ts";
