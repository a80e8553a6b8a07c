/**
 * Moving and forking running guests: live migration between two hosts
 * (stop-and-copy, pre-copy with QEMU's or Xen's stop rule and
 * auto-converge, post-copy, hybrid) with its stop rules, and VM fork with
 * lazy child memory, local or over a network link; each checked page by
 * page for lost data.
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
 * @example Fork a 64 MiB parent into two remote children
 * ```ts
 * import { runFork } from "./mod.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runFork({ children: 2, memoryGib: 0.0625, jobMs: 2 }, getProfile("amd-zen3"), 7);
 * if (row.lost_pages !== 0 || !row.finished) throw new Error("lost data");
 * ```
 *
 * @module
 */

export * from "./migration_params.ts";
export * from "./migration_row.ts";
export * from "./stop_rule.ts";
export * from "./migration.ts";
export * from "./fork_params.ts";
export * from "./fork_row.ts";
export * from "./fork.ts";
