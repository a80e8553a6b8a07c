/**
 * Disaster recovery by replication: a production host ships a running
 * guest's state to a backup host in another place, checkpoint after
 * checkpoint, and when the production host fails the backup resumes the
 * guest from the last checkpoint it holds whole (US20110047548). Three
 * methods:
 *
 * - `remus`: every interval (25–200 ms) the guest pauses, the pages it
 *   dirtied (from the machine's dirty log), its CPU and device state and
 *   the epoch's disk writes are copied to a local buffer, the guest runs
 *   on, and the buffer crosses the link; the backup applies a checkpoint
 *   only once all of it has arrived, then acknowledges it. The guest's
 *   outputs are held until the checkpoint that produced them is
 *   acknowledged (Cully et al., NSDI 2008).
 * - `async`: the same at intervals of seconds to minutes, outputs released
 *   at once: what the backup loses, clients may have seen.
 * - `disk`: the disk's writes alone, every 30 s to 15 min (Hyper-V
 *   Replica); the backup boots the guest from its replica disk.
 *
 * Failures: the production host at any instant (the backup detects it by
 * missed heartbeats, activates, restores memory and runs the guest), the
 * backup host, and an outage of the link. Every run checks that the
 * backup's image equals, page by page and block by block, the production
 * state at the capture of the checkpoint it recovered, and counts outputs
 * released to clients that depend on state the backup lost.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { ReplicationRun } from "./_replication_run.ts";
import { type ReplicationOptions, resolveReplicationOptions } from "./replication_params.ts";
import type { ReplicationRow } from "./replication_row.ts";

/**
 * Runs one replication, with a failure if asked, and returns its result
 * row. Deterministic for a given `seed`.
 *
 * @param options replication, guest and failure options; `{}` is valid.
 * @param cost cost profile: clock, cycles per access, exit and copy costs.
 * @param seed seed of the guest's working sets, touches and disk writes.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example Remus recovers a whole checkpoint and never releases an output it lost
 * ```ts
 * import { runReplication } from "./replication.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runReplication(
 *   { memoryGib: 0.0625, diskGib: 0.0625, intervalMs: 50, failAtMs: 180, translationSampleAccesses: 2000 },
 *   getProfile("intel-skylake-sp"),
 *   1,
 * );
 * if (row.lost_pages !== 0 || row.torn_checkpoints !== 0) throw new Error("lost data");
 * if (row.released_outputs_lost !== 0) throw new Error("a client saw lost state");
 * if (!(row.rpo_ms <= row.rpo_bound_ms)) throw new Error(`${row.rpo_ms} > ${row.rpo_bound_ms}`);
 * ```
 */
export function runReplication(
  options: ReplicationOptions,
  cost: CostModel,
  seed: number,
): ReplicationRow {
  return new ReplicationRun(resolveReplicationOptions(options), cost, seed).run();
}
