/**
 * A point of the `shadow` experiment: its parameters, declared as data with
 * their units, and the typed point they give.
 *
 * @module
 */

import { OS_WORKLOADS } from "../../core/os/os_workloads.ts";
import { BATCH_SIZES, SHADOW_STRATEGY_NAMES } from "../../core/platforms/shadow/shadow_config.ts";
import type { ParameterSpecs, PointOf } from "../parameters.ts";

/** Strategy values of shadow points, in legend order: none, each strategy alone, all. */
export const STRATEGY_VALUES = ["baseline", ...SHADOW_STRATEGY_NAMES, "all"] as const;

/** The parameters of a `shadow` point, in the order reports list them. */
export const SHADOW_PARAMETERS = {
  workload: {
    kind: "choice",
    values: Object.keys(OS_WORKLOADS),
    description: "OS workload (core/os/os_workloads.ts): build, server, bigmem or threads",
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
      "memory in play, in MiB: a build job's footprint, all server workers', bigmem's, the threads' shared heap",
  },
  accesses: {
    kind: "integer",
    min: 1,
    description: "accesses measured after the workload's warm-up",
  },
} as const satisfies ParameterSpecs;

/** A point of the `shadow` experiment. */
export type ShadowPoint = PointOf<typeof SHADOW_PARAMETERS>;
