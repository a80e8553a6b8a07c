/**
 * A point of the `large-pages` experiment: its parameters, declared as data
 * with their units, and the typed point they give.
 *
 * @module
 */

import {
  HOST_POLICIES,
  type HostPolicy,
  MEMORY_CONFIG_FIELDS,
} from "../../core/mapping/memory_config.ts";
import { describeParameter } from "../experiment.ts";
import type { ChoiceParameter, NumberParameter, PointOf, StringParameter } from "../parameters.ts";

/** The platforms compared, in report order. */
export const MODES: readonly ("nested" | "shadow")[] = ["nested", "shadow"];

/** What the other tenants do after the guest's first touch. */
export type Tenants = "stay" | "exit";

/** The tenant scenarios, in report order. */
export const TENANTS: readonly Tenants[] = ["stay", "exit"];

/** How {@linkcode LARGE_PAGES_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type LargePagesParameters = {
  /** The platform. */
  readonly mode: ChoiceParameter<"nested" | "shadow">;
  /** The host's backing policy. */
  readonly policy: ChoiceParameter<HostPolicy>;
  /** Share of host large blocks broken. */
  readonly fragmentation: NumberParameter;
  /** Share of guest regions mapped with 2M pages. */
  readonly guest_large_fraction: NumberParameter;
  /** Whether the other tenants stay or exit after first touch. */
  readonly tenants: ChoiceParameter<Tenants>;
  /** Guest time the promotion agent runs before measuring. */
  readonly promotion_seconds: NumberParameter;
  /** A synthetic workload or a lackey trace. */
  readonly workload: StringParameter;
  /** Guest memory touched, MiB. */
  readonly footprint_mib: NumberParameter;
  /** Accesses measured; left out of a trace point (the trace runs whole). */
  readonly accesses: NumberParameter & { readonly optional: true };
  /** Accesses run before measuring; left out of a trace point. */
  readonly warmup_accesses: NumberParameter & { readonly optional: true };
};

/** The parameters of a `large-pages` point, in the order reports list them. */
export const LARGE_PAGES_PARAMETERS: LargePagesParameters = {
  mode: {
    kind: "choice",
    values: MODES,
    description:
      "nested (2-D walk) or shadow (one walk of a guest∘host shadow table; every strategy)",
  },
  policy: {
    kind: "choice",
    values: HOST_POLICIES,
    description: describeParameter(MEMORY_CONFIG_FIELDS, "hostPolicy"),
  },
  fragmentation: {
    kind: "number",
    min: 0,
    max: 1,
    description: describeParameter(MEMORY_CONFIG_FIELDS, "fragmentation"),
  },
  guest_large_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: describeParameter(MEMORY_CONFIG_FIELDS, "guestLargeFraction"),
  },
  tenants: {
    kind: "choice",
    values: TENANTS,
    description:
      "the other tenants whose 4K frames broke host blocks: stay (their frames are unmovable allocations that keep breaking them) or exit right after the guest's first touch (a neighbour VM shutting down), freeing whole blocks a promotion can use",
  },
  promotion_seconds: {
    kind: "number",
    min: 0,
    description:
      "guest time, s, over which the promotion agent (a khugepaged at Linux's default rate) runs after first touch, before the measured window; opportunistic+promote only, as nothing else changes over time. The guest is sampled once per scan interval (10 s) rather than run for all of it",
  },
  workload: {
    kind: "string",
    description:
      "synthetic access pattern (core/workload/workloads.ts), or FORMAT:PATH for a trace given with --trace (lackey, champsim or vmtrace, by the trace's name)",
  },
  footprint_mib: {
    kind: "number",
    min: 0,
    description: "guest memory the workload touches, MiB; guest RAM is that plus 1/16, in GiB",
  },
  accesses: {
    kind: "integer",
    min: 1,
    optional: true,
    description:
      "accesses measured per point, after first touch and warm-up; a trace point leaves it out and its row holds the accesses the trace's measured pass ran",
  },
  warmup_accesses: {
    kind: "integer",
    min: 0,
    optional: true,
    description:
      "accesses run after first touch to warm TLBs and caches, not counted; a trace point leaves it out and its row holds its first pass (first touch and warm-up)",
  },
};

/** A point of the `large-pages` experiment. */
export type LargePagesPoint = PointOf<LargePagesParameters>;
