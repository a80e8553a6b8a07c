/**
 * A partition bus (US7689800): a guest's virtual device client and a
 * service in the host partition, connected through the hypervisor by a
 * channel — a ring buffer per direction in memory both map, signals that
 * are hypercalls on one side and interrupts on the other, and bulk data
 * moved by copying (inline through the ring, or through transfer pages
 * shared once), by remapping the sender's pages into the receiver, or by
 * a hypervisor copy; a policy picks copy or remap per message by size.
 * Both sides are agents on the one clock, running on their partitions'
 * vCPUs, every ring access charged through their MMUs and caches.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { BusRun } from "./_bus_run.ts";
import { type BusOptions, resolveBusOptions } from "./bus_params.ts";
import type { BusRow } from "./bus_row.ts";

/**
 * Sends messages from a guest to the host partition over a bus and returns
 * the run's row. Deterministic for a given `seed`.
 *
 * @param options method, message size, rate, batching, signalling; `{}` is valid.
 * @param cost cost profile: its `bus` section, exits, caches and TLBs.
 * @param seed seed of the arrivals.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example Every message arrives once, in order, intact
 * ```ts
 * import { runBus } from "./bus.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runBus({ method: "transfer-pages", messages: 200 }, getProfile("intel-skylake-sp"), 1);
 * if (row.delivered !== 200 || row.lost_messages !== 0 || row.corrupted_messages !== 0) {
 *   throw new Error("a message went wrong");
 * }
 * ```
 */
export function runBus(options: BusOptions, cost: CostModel, seed: number): BusRow {
  return new BusRun(resolveBusOptions(options), cost, seed).run();
}
