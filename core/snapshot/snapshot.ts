/**
 * Snapshot runs: save a running guest's memory and device state to storage
 * with one of three methods, and check that the image holds exactly the
 * guest's memory at the snapshot instant.
 *
 * - `stop-and-copy`: pause the guest, write everything, resume.
 * - `concurrent-cow`: pause only to quiesce devices and write-protect memory
 *   (the snapshot instant), then resume; a saver writes batches of pages in
 *   the background and a guest write to a page not yet saved exits to the
 *   saver. By default (`cowWait: "copy"`, QEMU's background snapshot) the
 *   saver copies that page into its buffer ahead of the scan and lets the
 *   write go on after the userfaultfd round trip; with `cowWait: "io"`, the
 *   pessimistic rule, the write waits until the page, or its whole batch,
 *   is on storage.
 * - `dirty-precopy`: iterative pre-copy to a file with dirty logging, then a
 *   final pause that writes the pages still dirty (the snapshot instant is
 *   that pause).
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { CowSaver } from "./_cow_saver.ts";
import { PrecopySaver } from "./_precopy_saver.ts";
import { resolveSnapshotOptions, type SnapshotOptions } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

/**
 * Runs one snapshot of a guest and returns its result row. Deterministic for
 * a given `seed`.
 *
 * @param options snapshot and guest options; `{}` is valid.
 * @param cost cost profile: clock, cycles per access, exit and copy costs.
 * @param seed seed of the guest's working set and touches.
 * @throws {ConfigError} for bad options (one line naming the field).
 *
 * @example A concurrent snapshot pauses far less than stop-and-copy, and loses nothing
 * ```ts
 * import { runSnapshot } from "./snapshot.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const opts = { memoryGib: 0.0625, batchPages: 64, storage: "sata-ssd", jobMs: 5 };
 * const cow = runSnapshot({ ...opts, method: "concurrent-cow" }, cost, 1);
 * const stop = runSnapshot({ ...opts, method: "stop-and-copy" }, cost, 1);
 * if (!(cow.pause_ms < stop.pause_ms)) throw new Error("expected a shorter pause");
 * if (cow.lost_pages !== 0 || stop.lost_pages !== 0) throw new Error("lost data");
 * ```
 */
export function runSnapshot(options: SnapshotOptions, cost: CostModel, seed: number): StateRow {
  const s = resolveSnapshotOptions(options);
  if (s.method === "dirty-precopy") return new PrecopySaver(s, cost, seed).run();
  return new CowSaver(s, cost, seed).run();
}
