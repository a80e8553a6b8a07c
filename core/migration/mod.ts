/**
 * Moving and forking running VMs: VM fork with lazy child memory, local or
 * over a network link, and the check that no child loses data.
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

export * from "./fork_params.ts";
export * from "./fork_row.ts";
export * from "./fork.ts";
