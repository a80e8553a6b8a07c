/**
 * VM fork with lazy child memory (US7313793; SnowFlock, EuroSys 2009;
 * VMware Instant Clone): a parent is forked into N children that run before
 * they hold its memory, and the run measures how soon each child runs its
 * first instruction, what it fetches, how long its vCPUs stall, and when its
 * work is done — and checks that every child sees the parent's memory as it
 * was at the fork instant.
 *
 * - The parent stops at instant 0 while its descriptor (CPU and device
 *   state, the guest's page-table pages) is captured. A `suspended` parent
 *   stays stopped; a `stunned` one also write-protects its memory, then runs
 *   on, and its first write to each page copies the page so the children's
 *   image keeps the fork instant.
 * - The children's host builds one child after another from a descriptor;
 *   a child starts with every page absent, and its first touch of a page
 *   exits and is served: `local` children (on the parent's host) map the
 *   parent's frame shared and copy it on their first write; `remote`
 *   children fetch it over the one link all children share (a round trip,
 *   the page's transfer, queueing behind the other children, and the
 *   fault's handling). Remote descriptors cross the link too, so the last
 *   child starts later the more children there are.
 * - `prefetch` brings the parent's recorded working set in before the
 *   child's first instruction (REAP); `skipFresh` maps a zeroed page for a
 *   page the child's allocator hands out fresh instead of fetching it
 *   (SnowFlock's avoidance heuristic); `multicast` sends each page over the
 *   link once for every child (SnowFlock).
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { ForkRun } from "./_fork_run.ts";
import { type ForkOptions, resolveForkOptions } from "./fork_params.ts";
import type { ForkRow } from "./fork_row.ts";

/**
 * Runs one fork and returns its result row. Deterministic for a given `seed`.
 *
 * @param options fork, guest and link options; `{}` is valid.
 * @param cost cost profile: clock, cycles per access, exit and copy costs.
 * @param seed seed of the parent's memory, the working set and every guest's touches.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example Local children start sooner than remote ones, and none loses data
 * ```ts
 * import { runFork } from "./fork.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const opts = { children: 4, memoryGib: 0.0625, jobMs: 2 };
 * const local = runFork({ ...opts, placement: "local" }, cost, 1);
 * const remote = runFork({ ...opts, placement: "remote", link: "10gbe" }, cost, 1);
 * if (!(local.first_instruction_ms < remote.first_instruction_ms)) throw new Error();
 * if (local.lost_pages !== 0 || remote.lost_pages !== 0) throw new Error("lost data");
 * if (remote.remote_faults === 0 || local.bytes_sent !== 0) throw new Error();
 * ```
 */
export function runFork(options: ForkOptions, cost: CostModel, seed: number): ForkRow {
  return new ForkRun(resolveForkOptions(options), cost, seed).run();
}
