/**
 * The modelling assumptions every report states under its finding: what a
 * data access and a walk reference cost under the profile, and what is
 * assumed about memory-level parallelism and the shared cache.
 *
 * @module
 */

import type { CostModel } from "../../core/cost/cost_model.ts";

function kib(lines: number): string {
  const bytes = lines * 64;
  return bytes >= 1 << 20 ? `${+(bytes / (1 << 20)).toFixed(3)} MiB` : `${bytes / 1024} KiB`;
}

/**
 * The assumptions paragraph of a report under cost profile `cost`.
 *
 * @example
 * ```ts
 * import { modelAssumptions } from "./model_assumptions.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const text = modelAssumptions(getProfile("intel-skylake-sp"));
 * if (!text.includes("Memory-level parallelism of 2")) throw new Error(text);
 * ```
 */
export function modelAssumptions(cost: CostModel): string {
  const c = cost.caches;
  const mlp = c.memoryLevelParallelism;
  return [
    `Every data access and every page-walk reference goes through a per-vCPU L1D (${
      kib(c.l1d.entries)
    }, ${c.l1dHitCycles} cycles) and L2 (${kib(c.l2.entries)}, ${c.l2HitCycles} cycles), ` +
    `a last-level cache of which each vCPU sees ${kib(c.llcLinesPerVcpu)} of the socket's ${
      kib(c.llc.entries)
    } (${c.llcHitCycles} cycles; the rest is taken to be other tenants'), and DRAM (${c.dramCycles} cycles): ` +
    `set-associative, true LRU, 64-byte lines, physically indexed, page-table entries competing with data ` +
    `(profile \`${cost.name}\`; points or runs with \`caches off\` use the translation-only model instead).`,
    `Memory-level parallelism of ${mlp}: a data access served beyond L1D is charged its latency ÷ ${mlp}, ` +
    `as an out-of-order core overlaps independent misses; walk references are charged in full, since ` +
    `each entry gives the address of the next. Stores cost what loads cost; write-backs and coherence ` +
    `traffic are not modelled. Cycles are the profile's counts, not wall-clock measurements.`,
  ].join("\n\n");
}
