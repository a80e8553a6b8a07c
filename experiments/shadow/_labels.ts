/**
 * Legend labels and colours of the `shadow` configurations: native, nested,
 * and each shadow strategy setting.
 *
 * @module
 */

import {
  SHADOW_STRATEGIES,
  type ShadowStrategyName,
} from "../../core/platforms/shadow/shadow_config.ts";
import type { Value } from "../experiment.ts";
import { STRATEGY_VALUES } from "./point.ts";

/** The configuration fields of a point or a result row. */
type LabelFields = { readonly mode?: Value; readonly strategy?: Value; readonly batch?: Value };

/** The legend label of a configuration, e.g. `shadow: out of sync`. */
export function configLabel(row: LabelFields): string {
  if (row.mode !== "shadow") return String(row.mode);
  const s = String(row.strategy);
  const name = s === "baseline" || s === "all"
    ? s
    : SHADOW_STRATEGIES[s as ShadowStrategyName].label;
  return s === "batch" && row.batch !== 8 ? `shadow: ${name} ×${row.batch}` : `shadow: ${name}`;
}

/** The label of a shadow strategy alone: its registry label. */
export function strategyLabel(strategy: Value): string {
  return SHADOW_STRATEGIES[strategy as ShadowStrategyName].label;
}

/** Legend labels of every configuration at the default batch size, in legend order. */
export const CONFIG_LABELS: readonly string[] = [
  "native",
  "nested",
  ...STRATEGY_VALUES.map((s) => configLabel({ mode: "shadow", strategy: s, batch: 8 })),
];

/** Colours of {@linkcode CONFIG_LABELS}. */
export const CONFIG_COLOURS: readonly string[] = [
  "#222222",
  "#1d4ed8",
  "#9a3412",
  "#c2410c",
  "#d97706",
  "#ca8a04",
  "#65a30d",
  "#0d9488",
  "#7c3aed",
  "#15803d",
];
