/**
 * A point of the `shadow` experiment: its parameters, declared as data with
 * their units, and the typed point they give.
 *
 * @module
 */

import { OS_WORKLOADS } from "../../core/os/os_workloads.ts";
import {
  BATCH_SIZES,
  SHADOW_STRATEGY_NAMES,
  type ShadowStrategyName,
} from "../../core/platforms/shadow/shadow_config.ts";
import type { ChoiceParameter, NumberParameter, PointOf, StringParameter } from "../parameters.ts";

/** A shadow point's strategies: the baseline, one strategy alone, or all. */
export type StrategyValue = "baseline" | ShadowStrategyName | "all";

/** Strategy values of shadow points, in legend order: none, each strategy alone, all. */
export const STRATEGY_VALUES: readonly StrategyValue[] = [
  "baseline",
  ...SHADOW_STRATEGY_NAMES,
  "all",
];

/** How {@linkcode SHADOW_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type ShadowParameters = {
  /** The OS workload, or a trace. */
  readonly workload: StringParameter;
  /** The workload's event rates. */
  readonly rates: ChoiceParameter<"published" | "stress">;
  /** The platform. */
  readonly mode: ChoiceParameter<"native" | "nested" | "shadow">;
  /** The shadow strategies, or none outside shadow mode. */
  readonly strategy: ChoiceParameter<"none" | StrategyValue>;
  /** vCPUs. */
  readonly vcpus: NumberParameter;
  /** Shadow entries per hidden fault. */
  readonly batch: ChoiceParameter<typeof BATCH_SIZES[number]>;
  /** Memory in play, MiB. */
  readonly footprint_mib: NumberParameter;
  /** Accesses measured. */
  readonly accesses: NumberParameter & { readonly optional: true };
};

/** The parameters of a `shadow` point, in the order reports list them. */
export const SHADOW_PARAMETERS: ShadowParameters = {
  workload: {
    // A string rather than a choice: a trace point's workload is its path.
    kind: "string",
    description: `OS workload (core/os/os_workloads.ts): ${
      Object.keys(OS_WORKLOADS).join(", ")
    }; or FORMAT:PATH for a trace given with --trace (lackey, champsim or vmtrace, by the trace's name), each of its address spaces a process`,
  },
  rates: {
    kind: "choice",
    values: ["published", "stress"],
    description:
      "the workload's event rates: published (page faults and context switches per access measured on real programs, core/os/os_rates.ts) or stress (the churn of earlier versions: a build fault every 8 accesses, a server switch every 500)",
  },
  mode: {
    kind: "choice",
    values: ["native", "nested", "shadow"],
    description:
      "native (no hypervisor), nested (EPT/NPT 2-D walks) or shadow (shadow page tables)",
  },
  strategy: {
    kind: "choice",
    values: ["none", ...STRATEGY_VALUES],
    description:
      "shadow strategies: baseline (none), one strategy alone, or all; none outside shadow mode",
  },
  vcpus: { kind: "integer", min: 1, description: "vCPUs sharing the guest" },
  batch: {
    kind: "choice",
    values: BATCH_SIZES,
    description: "shadow entries filled per hidden fault (1 unless the batch strategy is on)",
  },
  footprint_mib: {
    kind: "number",
    min: 0,
    description:
      "memory in play, in MiB: a build job's mean footprint, all server workers', bigmem's, the threads' shared heap",
  },
  accesses: {
    kind: "integer",
    min: 1,
    optional: true,
    description:
      "accesses measured after the workload's warm-up; a trace point leaves it out and its row holds the accesses the trace ran",
  },
};

/** A point of the `shadow` experiment. */
export type ShadowPoint = PointOf<ShadowParameters>;
