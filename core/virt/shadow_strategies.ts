/**
 * The shadow-paging strategies, each switchable on its own, in one explicit
 * registry. A set of strategies is a bit mask; the empty set is the
 * unoptimised shadow MMU (no VPID, every address-space switch rebuilds the
 * shadow table, one shadow entry per hidden fault, accessed/dirty flags
 * tracked by write-protecting clean pages, every guest page-table write
 * trapped, shootdowns by IPI and per-page INVLPG on every target).
 *
 * @module
 */

/** A shadow-paging strategy. */
export interface ShadowStrategy {
  /** Its bit in a strategy mask. */
  readonly bit: number;
  /** Short label for legends. */
  readonly label: string;
  /** What it changes, one sentence. */
  readonly description: string;
}

/**
 * Every strategy, by the name users write.
 *
 * @example
 * ```ts
 * import { SHADOW_STRATEGIES } from "./shadow_strategies.ts";
 * const bits = Object.values(SHADOW_STRATEGIES).map((s) => s.bit);
 * if (new Set(bits).size !== bits.length) throw new Error("bits must differ");
 * ```
 */
export const SHADOW_STRATEGIES = {
  "tagged-tlb": {
    bit: 1,
    label: "tagged TLB",
    description:
      "TLB entries tagged by VPID and shadow address space: VM exits, entries and switches between cached shadow tables flush nothing",
  },
  "shadow-cache": {
    bit: 2,
    label: "shadow cache",
    description:
      "shadow tables of recently used guest address spaces kept, keyed by guest CR3, instead of rebuilt on every switch",
  },
  batch: {
    bit: 4,
    label: "batched fill",
    description:
      "a hidden fault fills a batch of neighbouring shadow entries from the same guest table page",
  },
  "lazy-flags": {
    bit: 8,
    label: "lazy flags",
    description:
      "accessed/dirty set at fill time, dirty on first write without an exit, propagated to the guest when it reads the table page",
  },
  "out-of-sync": {
    bit: 16,
    label: "out of sync",
    description:
      "guest writes to its leaf table pages not trapped after the first; shadows resynchronised at the guest's next flush point",
  },
  "pv-shootdown": {
    bit: 32,
    label: "PV shootdown",
    description:
      "one flush hypercall instead of IPIs and INVLPG exits on every target; flushes for idle vCPUs deferred to their next entry",
  },
} as const satisfies Record<string, ShadowStrategy>;

/** Name of a shadow strategy. */
export type ShadowStrategyName = keyof typeof SHADOW_STRATEGIES;

/** Strategy names in registry order. */
export const SHADOW_STRATEGY_NAMES: readonly ShadowStrategyName[] = Object.keys(
  SHADOW_STRATEGIES,
) as ShadowStrategyName[];

/** Mask of every strategy. */
export const ALL_STRATEGIES: number = SHADOW_STRATEGY_NAMES.reduce(
  (mask, name) => mask | SHADOW_STRATEGIES[name].bit,
  0,
);

/** Thrown for an unknown strategy name; the message is one line naming it. */
export class StrategyError extends Error {
  /**
   * Creates the error.
   * @param message one line naming the bad name and the known ones
   */
  constructor(message: string) {
    super(message);
    this.name = "StrategyError";
  }
}

/**
 * Parses a comma-separated list of strategy names into a mask. `baseline`
 * (or an empty list) is no strategy, `all` every one.
 *
 * @example
 * ```ts
 * import { ALL_STRATEGIES, parseStrategies } from "./shadow_strategies.ts";
 * if (parseStrategies("tagged-tlb,batch") !== 5) throw new Error();
 * if (parseStrategies("all") !== ALL_STRATEGIES || parseStrategies("baseline") !== 0) throw new Error();
 * ```
 * @throws {StrategyError} for an unknown name
 */
export function parseStrategies(list: string): number {
  let mask = 0;
  for (const raw of list.split(",")) {
    const name = raw.trim().toLowerCase();
    if (name === "" || name === "baseline" || name === "none") continue;
    if (name === "all") {
      mask |= ALL_STRATEGIES;
      continue;
    }
    if (!Object.hasOwn(SHADOW_STRATEGIES, name)) {
      throw new StrategyError(
        `unknown shadow strategy "${raw.trim()}" (known: baseline, all, ${
          SHADOW_STRATEGY_NAMES.join(", ")
        })`,
      );
    }
    mask |= SHADOW_STRATEGIES[name as ShadowStrategyName].bit;
  }
  return mask;
}

/**
 * The canonical name of a mask: `baseline`, `all`, or the names joined by `+`.
 *
 * @example
 * ```ts
 * import { strategyName } from "./shadow_strategies.ts";
 * if (strategyName(5) !== "tagged-tlb+batch" || strategyName(0) !== "baseline") throw new Error();
 * ```
 */
export function strategyName(mask: number): string {
  if (mask === 0) return "baseline";
  if (mask === ALL_STRATEGIES) return "all";
  return SHADOW_STRATEGY_NAMES.filter((n) => (mask & SHADOW_STRATEGIES[n].bit) !== 0).join("+");
}
