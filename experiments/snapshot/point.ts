/**
 * A point of the `snapshot` experiment: its parameters, declared as data
 * with their units, and the typed point they give.
 *
 * @module
 */

import { DIRTY_LOG_METHODS } from "../../core/machine/machine_config.ts";
import {
  COW_RULE_NAMES,
  type CowRule,
  RESTORE_METHODS,
  type RestoreMethod,
  SNAPSHOT_METHODS,
  SNAPSHOT_OPTIONS_FIELDS,
  type SnapshotMethod,
} from "../../core/snapshot/state_params.ts";
import type { DirtyLogMethod } from "../../core/machine/machine_config.ts";
import { describeParameter } from "../experiment.ts";
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import type { ChoiceParameter, NumberParameter, PointOf } from "../parameters.ts";

/** How {@linkcode SNAPSHOT_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type SnapshotParameters = {
  /** Snapshot or restore. */
  readonly phase: ChoiceParameter<"snapshot" | "restore">;
  /** The snapshot or restore method. */
  readonly method: ChoiceParameter<SnapshotMethod | RestoreMethod>;
  /** The storage profile. */
  readonly storage: ChoiceParameter<string>;
  /** Guest memory, GiB. */
  readonly memory_gib: NumberParameter;
  /** Pages per I/O. */
  readonly batch_pages: NumberParameter;
  /** Share of touches that write. */
  readonly write_fraction: NumberParameter;
  /** Share of memory touched. */
  readonly working_set_fraction: NumberParameter;
  /** How dirty pages are logged, or none. */
  readonly dirty_log: ChoiceParameter<"none" | DirtyLogMethod>;
  /** Concurrent-cow's rule, or none. */
  readonly cow_rule: ChoiceParameter<"none" | CowRule>;
};

/** The parameters of a `snapshot` point, in the order reports list them. */
export const SNAPSHOT_PARAMETERS: SnapshotParameters = {
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
  memory_gib: {
    kind: "number",
    min: 0,
    description: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "memoryGib"),
  },
  batch_pages: {
    kind: "integer",
    min: 1,
    description: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "batchPages"),
  },
  write_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "writeFraction"),
  },
  working_set_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "workingSetFraction"),
  },
  dirty_log: {
    kind: "choice",
    values: ["none", ...DIRTY_LOG_METHODS],
    description: `${
      describeParameter(SNAPSHOT_OPTIONS_FIELDS, "dirtyLog")
    }; none for the other methods`,
  },
  cow_rule: {
    kind: "choice",
    values: ["none", ...COW_RULE_NAMES],
    description:
      "concurrent-cow's rule: qemu (QEMU's background snapshot: a faulting write waits only until its page is copied into the saver's buffer; cowWait copy, faultSave page) or pessimistic (the write waits until its page's whole batch is on storage; cowWait io, faultSave batch); none for the other methods",
  },
};

/** A point of the `snapshot` experiment. */
export type SnapshotPoint = PointOf<SnapshotParameters>;
