/**
 * The shadow-paging strategies, each switchable on its own, in one explicit
 * registry, and the shadow options of a machine configuration. A set of
 * strategies is a bit mask; the empty set is the unoptimised shadow MMU (no
 * VPID, every address-space switch rebuilds the shadow table, one shadow
 * entry per hidden fault, accessed/dirty flags tracked by write-protecting
 * clean pages, every guest page-table write trapped, shootdowns by IPI and
 * per-page INVLPG on every target). Each strategy replaces one of the six
 * baseline policies of {@linkcode ShadowPolicies} with its own.
 *
 * @module
 */

import { ConfigError } from "../../base/config_error.ts";
import {
  type ConfigFields,
  type ConfigInput,
  type ObjectCheck,
  validateConfig,
} from "../../base/config_fields.ts";
import type { ResolvedShadowConfig } from "../platform_kind.ts";
import { BatchedFill, type FillBatching, SingleFill } from "./batched_fill.ts";
import { EagerFlags, type FlagTracking, LazyFlags } from "./lazy_flags.ts";
import { OutOfSync, type TableWriteTracking, TrapEveryWrite } from "./out_of_sync.ts";
import { IpiShootdown, PvShootdown, type ShootdownPolicy } from "./pv_shootdown.ts";
import { DropUnused, ShadowCache, type ShadowRetention } from "./shadow_cache.ts";
import { TaggedTlb, type TlbTagging, UntaggedTlb } from "./tagged_tlb.ts";

/** The six policies a shadow MMU is made of, one per strategy. */
export interface ShadowPolicies {
  /** `tagged-tlb`. */
  tlb: TlbTagging;
  /** `shadow-cache`. */
  retention: ShadowRetention;
  /** `batch`. */
  fill: FillBatching;
  /** `lazy-flags`. */
  flags: FlagTracking;
  /** `out-of-sync`. */
  tableWrites: TableWriteTracking;
  /** `pv-shootdown`. */
  shootdown: ShootdownPolicy;
}

/** A shadow-paging strategy. */
export interface ShadowStrategy {
  /** Its bit in a strategy mask. */
  readonly bit: number;
  /** Short label for legends. */
  readonly label: string;
  /** What it changes, one sentence. */
  readonly description: string;
  /** Puts the strategy's policy in place of the baseline's. */
  apply(policies: ShadowPolicies, config: ResolvedShadowConfig): void;
}

/**
 * Every strategy, by the name users write.
 *
 * @example
 * ```ts
 * import { SHADOW_STRATEGIES, SHADOW_STRATEGY_NAMES } from "./shadow_config.ts";
 * const bits = SHADOW_STRATEGY_NAMES.map((name) => SHADOW_STRATEGIES[name].bit);
 * if (new Set(bits).size !== bits.length) throw new Error("bits must differ");
 * ```
 */
export const SHADOW_STRATEGIES = {
  "tagged-tlb": {
    bit: 1,
    label: "tagged TLB",
    description:
      "TLB entries tagged by VPID and shadow address space: VM exits, entries and switches between cached shadow tables flush nothing",
    apply: (policies: ShadowPolicies): void => {
      policies.tlb = new TaggedTlb();
    },
  },
  "shadow-cache": {
    bit: 2,
    label: "shadow cache",
    description:
      "shadow tables of recently used guest address spaces kept, keyed by guest CR3, instead of rebuilt on every switch",
    apply: (policies: ShadowPolicies, config: ResolvedShadowConfig): void => {
      policies.retention = new ShadowCache(config.cacheSize);
    },
  },
  batch: {
    bit: 4,
    label: "batched fill",
    description:
      "a hidden fault fills a batch of neighbouring shadow entries from the same guest table page",
    apply: (policies: ShadowPolicies, config: ResolvedShadowConfig): void => {
      policies.fill = new BatchedFill(config.batch);
    },
  },
  "lazy-flags": {
    bit: 8,
    label: "lazy flags",
    description:
      "accessed/dirty set at fill time, dirty on first write without an exit, propagated to the guest when it reads the table page",
    apply: (policies: ShadowPolicies): void => {
      policies.flags = new LazyFlags();
    },
  },
  "out-of-sync": {
    bit: 16,
    label: "out of sync",
    description:
      "guest writes to its leaf table pages not trapped after the first; shadows resynchronised at the guest's next flush point",
    apply: (policies: ShadowPolicies): void => {
      policies.tableWrites = new OutOfSync();
    },
  },
  "pv-shootdown": {
    bit: 32,
    label: "PV shootdown",
    description:
      "one flush hypercall instead of IPIs and INVLPG exits on every target; flushes for idle vCPUs deferred to their next entry",
    apply: (policies: ShadowPolicies): void => {
      policies.shootdown = new PvShootdown();
    },
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

/**
 * Parses a list of strategy names, separated by commas or `+` (so the
 * canonical name {@linkcode strategyName} prints parses back), into a mask.
 * `baseline` (or an empty list) is no strategy, `all` every one.
 *
 * @example
 * ```ts
 * import { ALL_STRATEGIES, parseStrategies } from "./shadow_config.ts";
 * if (parseStrategies("tagged-tlb,batch") !== 5) throw new Error();
 * if (parseStrategies("tagged-tlb+batch") !== 5) throw new Error();
 * if (parseStrategies("all") !== ALL_STRATEGIES || parseStrategies("baseline") !== 0) throw new Error();
 * ```
 * @throws {ConfigError} for an unknown name, as the machine config's field
 * `shadow.strategies`; the message lists the known names
 */
export function parseStrategies(list: string): number {
  let mask = 0;
  for (const raw of list.split(/[,+]/)) {
    const name = raw.trim().toLowerCase();
    if (name === "" || name === "baseline" || name === "none") continue;
    if (name === "all") {
      mask |= ALL_STRATEGIES;
      continue;
    }
    if (!Object.hasOwn(SHADOW_STRATEGIES, name)) {
      throw new ConfigError(
        "machine config",
        "shadow.strategies",
        `unknown strategy ${JSON.stringify(raw.trim())}; known: baseline, all, ${
          SHADOW_STRATEGY_NAMES.join(", ")
        }`,
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
 * import { strategyName } from "./shadow_config.ts";
 * if (strategyName(5) !== "tagged-tlb+batch" || strategyName(0) !== "baseline") throw new Error();
 * ```
 */
export function strategyName(mask: number): string {
  if (mask === 0) return "baseline";
  if (mask === ALL_STRATEGIES) return "all";
  return SHADOW_STRATEGY_NAMES.filter((n) => (mask & SHADOW_STRATEGIES[n].bit) !== 0).join("+");
}

/**
 * The baseline policies with each strategy of `config` applied.
 *
 * @example
 * ```ts
 * import { shadowPolicies } from "./shadow_config.ts";
 * import { TaggedTlb } from "./tagged_tlb.ts";
 * const policies = shadowPolicies({ strategies: "tagged-tlb", batch: 8, cacheSize: 16 });
 * if (!(policies.tlb instanceof TaggedTlb)) throw new Error();
 * ```
 */
export function shadowPolicies(config: ResolvedShadowConfig): ShadowPolicies {
  const policies: ShadowPolicies = {
    tlb: new UntaggedTlb(),
    retention: new DropUnused(),
    fill: new SingleFill(),
    flags: new EagerFlags(),
    tableWrites: new TrapEveryWrite(),
    shootdown: new IpiShootdown(),
  };
  const mask = parseStrategies(config.strategies.replaceAll("+", ","));
  for (const name of SHADOW_STRATEGY_NAMES) {
    const strategy: ShadowStrategy = SHADOW_STRATEGIES[name];
    if ((mask & strategy.bit) !== 0) strategy.apply(policies, config);
  }
  return policies;
}

/** Batch sizes the `batch` strategy accepts. */
export const BATCH_SIZES = [1, 8, 64, 512] as const;

/** The fields of a {@linkcode ShadowConfig}: the `shadow` options of a machine configuration. */
export const SHADOW_CONFIG_FIELDS = {
  strategies: {
    kind: "string",
    default: "baseline",
    description:
      "shadow strategies: baseline (none), all, or strategy names separated by commas (or +)",
  },
  batch: {
    kind: "enum",
    values: BATCH_SIZES,
    default: 8,
    description: "shadow entries filled per hidden fault by the batch strategy",
  },
  cacheSize: {
    kind: "integer",
    min: 0,
    default: 16,
    unit: "address spaces",
    description: "idle shadow tables the shadow-cache strategy keeps",
  },
} as const satisfies ConfigFields;

/** Shadow options of a machine configuration. `{}` is valid: the baseline. */
export type ShadowConfig = ConfigInput<typeof SHADOW_CONFIG_FIELDS>;

/**
 * The rule of shadow options: the strategy list names known strategies, and
 * becomes its canonical name (`tagged-tlb+batch`).
 */
export const checkShadowConfig: ObjectCheck = (values, _given, fail) => {
  try {
    values.strategies = strategyName(parseStrategies(values.strategies as string));
  } catch (error) {
    if (error instanceof ConfigError) fail("strategies", error.problem);
    throw error;
  }
};

/**
 * Validates shadow options and fills in defaults; the strategy list becomes
 * its canonical name. The options are the `shadow` field of a machine
 * configuration, so errors name `shadow.<field>`.
 *
 * @example
 * ```ts
 * import { resolveShadowConfig } from "./shadow_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveShadowConfig({ strategies: "batch,tagged-tlb" }).strategies, "tagged-tlb+batch");
 * assert.throws(() => resolveShadowConfig({ batch: 3 }), {
 *   message: 'Cannot use machine config: field "shadow.batch": expected one of 1, 8, 64, 512, got 3',
 * });
 * ```
 * @throws {ConfigError} naming the field
 */
export function resolveShadowConfig(config: ShadowConfig): ResolvedShadowConfig {
  return validateConfig(SHADOW_CONFIG_FIELDS, config, {
    component: "machine config",
    path: "shadow",
    check: checkShadowConfig,
  });
}
