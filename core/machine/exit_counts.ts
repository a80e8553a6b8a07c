/**
 * VM exits of several machines together, by reason: what a mechanism that
 * spans machines (a migration's source and destination, a fork's parent
 * and children) reports as one run's exits.
 *
 * @module
 */

import { EXIT_REASON_NAMES } from "../base/exit_reason.ts";
import type { Machine } from "./machine.ts";

/** Exits in all (`exits`) and by reason (`exits_<reason>` for every reason, in the enumeration's order). */
export type ExitCounts = { exits: number } & Record<`exits_${string}`, number>;

/**
 * The exits of `machines`' vCPUs summed: every reason present, the reasons
 * adding up to `exits`.
 *
 * @example
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { exitCounts } from "./exit_counts.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { ExitReason } from "../base/exit_reason.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const a = buildMachine({ platform: "nested" }, cost);
 * const b = buildMachine({ platform: "nested" }, cost);
 * a.vcpus[0].exit(ExitReason.KICK);
 * b.vcpus[0].exit(ExitReason.KICK);
 * const counts = exitCounts([a, b]);
 * if (counts.exits !== 2 || counts.exits_kick !== 2 || counts.exits_io !== 0) throw new Error();
 * ```
 */
export function exitCounts(machines: readonly Machine[]): ExitCounts {
  const counts: ExitCounts = { exits: 0 };
  for (const name of EXIT_REASON_NAMES) counts[`exits_${name}`] = 0;
  for (const machine of machines) {
    const counters = machine.report().counters;
    counts.exits += counters.exits;
    for (const name of EXIT_REASON_NAMES) counts[`exits_${name}`] += counters[`exits_${name}`];
  }
  return counts;
}
