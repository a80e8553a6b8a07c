/**
 * Restore runs: bring a guest back from a snapshot image while measuring
 * when it runs its first instruction, how long its vCPUs stall on pages not
 * yet restored, and when its work is done; and check that every page the
 * guest sees holds the image's version.
 *
 * - `full`: read device state and every page, then run.
 * - `lazy`: run right after device state; a touch of a page not yet restored
 *   exits and waits while its batch is read.
 * - `lazy-sweep`: lazy, plus a background reader that restores the rest in
 *   order (QEMU's fast snapshot load: a fault thread and an eager thread).
 * - `prefetch`: read the recorded working set (stored contiguously at the
 *   start of the image) before the first instruction, then sweep the rest
 *   with lazy faults (REAP, FaaSnap, VMware's working-set restore).
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { Restorer } from "./_restorer.ts";
import { resolveRestoreOptions, type RestoreOptions } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

/**
 * Runs one restore and returns its result row. Deterministic for a given `seed`.
 *
 * @param options restore and guest options; `{}` is valid.
 * @param cost cost profile: clock, cycles per access, exit costs.
 * @param seed seed of the image, the guest's working set and its touches.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example Lazy restore runs its first instruction long before a full restore
 * ```ts
 * import { runRestore } from "./restore.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const opts = { memoryGib: 0.0625, batchPages: 32, storage: "nvme-ssd", jobMs: 5 };
 * const lazy = runRestore({ ...opts, method: "lazy" }, cost, 1);
 * const full = runRestore({ ...opts, method: "full" }, cost, 1);
 * if (!(lazy.first_instruction_ms < full.first_instruction_ms)) throw new Error();
 * if (lazy.lost_pages !== 0 || full.lost_pages !== 0) throw new Error("lost data");
 * ```
 */
export function runRestore(options: RestoreOptions, cost: CostModel, seed: number): StateRow {
  return new Restorer(resolveRestoreOptions(options), cost, seed).run();
}
