/**
 * The snapshot tests' guest: the quick grid's points on 4 MiB of memory,
 * small enough to run them all in a test.
 *
 * @module
 */

import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";
import type { SnapshotPoint } from "../../../experiments/snapshot/point.ts";

/** Guest memory of the tests' points (GiB): 4 MiB. */
export const SMALL_GIB = 1 / 256;

/** The quick grid's points with {@linkcode SMALL_GIB} of guest memory. */
export const SMALL_POINTS: readonly SnapshotPoint[] = SNAPSHOT.grids.quick.map((p) => ({
  ...p,
  memory_gib: SMALL_GIB,
}));
