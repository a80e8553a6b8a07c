/**
 * A point of the `snapshot` experiment: its parameters, declared as data
 * with their units, and the typed point they give.
 *
 * @module
 */

import { DIRTY_LOG_METHODS } from "../../core/machine/machine_config.ts";
import { RESTORE_METHODS, SNAPSHOT_METHODS } from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import type { ParameterSpecs, PointOf } from "../parameters.ts";

/** The parameters of a `snapshot` point, in the order reports list them. */
export const SNAPSHOT_PARAMETERS = {
  phase: {
    kind: "choice",
    values: ["snapshot", "restore"],
    description: "snapshot (save memory and device state) or restore (load them back)",
  },
  method: {
    kind: "choice",
    values: [...SNAPSHOT_METHODS, ...RESTORE_METHODS],
    description:
      "snapshot: stop-and-copy, concurrent-cow (write-protect, save in the background, copy before a write), dirty-precopy (iterative dirty logging); restore: full, lazy, lazy-sweep, prefetch (working set first)",
  },
  storage: {
    kind: "choice",
    values: STORAGE_PROFILE_NAMES,
    description:
      "storage profile the image is written to or read from (core/transfer/storage_profile.ts)",
  },
  memory_gib: { kind: "number", min: 0, description: "guest memory, in GiB" },
  batch_pages: {
    kind: "integer",
    min: 1,
    description: "pages per I/O: a batch of B pages of 4 KiB is one I/O",
  },
  write_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: "fraction of the guest's sampled touches that write",
  },
  working_set_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: "fraction of guest memory the guest touches",
  },
  dirty_log: {
    kind: "choice",
    values: ["none", ...DIRTY_LOG_METHODS],
    description:
      "how dirty-precopy logs dirty pages: write-protect (an exit on a page's first write per round) or pml (Intel's page-modification log: an exit per 512 logged pages); none for the other methods",
  },
} as const satisfies ParameterSpecs;

/** A point of the `snapshot` experiment. */
export type SnapshotPoint = PointOf<typeof SNAPSHOT_PARAMETERS>;
