/**
 * Every experiment `deno task experiment` knows, by id. One explicit object,
 * no registration by side effect: adding an experiment means adding a line.
 *
 * @module
 */

import type { Experiment } from "./experiment.ts";
import { TRANSLATION } from "./translation/experiment.ts";
import { SNAPSHOT } from "./snapshot/experiment.ts";
import { LARGE_PAGES } from "./large_pages/experiment.ts";
import { SHADOW } from "./shadow/experiment.ts";
import { MIGRATION } from "./migration/experiment.ts";
import { REPLICATION } from "./replication/experiment.ts";
import { PARTITION_BUS } from "./partition_bus/experiment.ts";

/**
 * The registered experiments, by id, in the order the index lists them.
 *
 * @example
 * ```ts
 * import { EXPERIMENTS } from "./registry.ts";
 * for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
 *   if (experiment.id !== id) throw new Error(`${id} is registered under the wrong id`);
 * }
 * ```
 */
export const EXPERIMENTS: Readonly<Record<string, Experiment>> = {
  translation: TRANSLATION,
  shadow: SHADOW,
  "large-pages": LARGE_PAGES,
  snapshot: SNAPSHOT,
  migration: MIGRATION,
  replication: REPLICATION,
  "partition-bus": PARTITION_BUS,
};
