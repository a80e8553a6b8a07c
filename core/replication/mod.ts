/**
 * Disaster recovery by checkpoint replication to a backup host: Remus-style
 * epochs with outputs held until their checkpoint commits, asynchronous
 * interval checkpoints, and disk-only log shipping (Hyper-V Replica); a
 * failure of either host or of the link at any instant, and failover by
 * detection, activation and restore — each run checked page by page and
 * block by block against the state the backup promised to hold.
 *
 * @example Fail a 64 MiB guest's production host mid-epoch; the backup takes over
 * ```ts
 * import { runReplication } from "./mod.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runReplication(
 *   { memoryGib: 0.0625, diskGib: 0.0625, intervalMs: 25, failAtMs: 70, translationSampleAccesses: 2000 },
 *   getProfile("amd-zen3"),
 *   7,
 * );
 * if (row.lost_pages !== 0 || row.torn_checkpoints !== 0) throw new Error(row.outcome);
 * ```
 *
 * @module
 */

export * from "./replication_params.ts";
export * from "./replication_row.ts";
export * from "./replication.ts";
