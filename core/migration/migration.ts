/**
 * Live migration of a running guest from one host to another over a
 * network link, with one of four methods, checked for lost data:
 *
 * - `stop-and-copy`: pause, send all memory and the device state, resume on
 *   the destination.
 * - `pre-copy`: send all memory while the guest runs with dirty logging,
 *   then in rounds what it dirtied meanwhile, until a stop rule (QEMU's,
 *   or Xen's) says the rest fits a pause; optionally QEMU's auto-converge.
 * - `post-copy`: pause only to send CPU and device state; the guest runs on
 *   the destination at once, a touch of a page still at the source stalls
 *   until it is fetched, and a background push sends the rest.
 * - `hybrid`: pre-copy rounds, then post-copy once they stop paying.
 *
 * The guest is the sampled page-touch guest: it runs on the source, then on
 * the destination; what translation costs it on each (host pages split for
 * dirty logging, 4 KiB pages on a post-copy destination, cold TLBs and
 * caches after the switch) is measured access by access and carried into
 * its touches.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { MigrationRun } from "./_migration_run.ts";
import { type MigrationOptions, resolveMigrationOptions } from "./migration_params.ts";
import type { MigrationRow } from "./migration_row.ts";

/**
 * Runs one migration of a guest and returns its result row. Deterministic
 * for a given `seed`.
 *
 * @param options migration and guest options; `{}` is valid.
 * @param cost cost profile: clock, cycles per access, exit and copy costs.
 * @param seed seed of the guest's working sets and touches.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example Post-copy pauses far less than stop-and-copy; neither loses a page
 * ```ts
 * import { runMigration } from "./migration.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const opts = { memoryGib: 0.0625, link: "10gbe", translationSampleAccesses: 2000 };
 * const post = runMigration({ ...opts, method: "post-copy" }, cost, 1);
 * const stop = runMigration({ ...opts, method: "stop-and-copy" }, cost, 1);
 * if (!(post.downtime_ms < stop.downtime_ms)) throw new Error("expected a shorter pause");
 * if (post.lost_pages !== 0 || stop.lost_pages !== 0) throw new Error("lost data");
 * ```
 */
export function runMigration(
  options: MigrationOptions,
  cost: CostModel,
  seed: number,
): MigrationRow {
  return new MigrationRun(resolveMigrationOptions(options), cost, seed).run();
}
