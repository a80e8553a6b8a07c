/**
 * A point of the `large-pages` experiment: its parameters, declared as data
 * with their units, and the typed point they give.
 *
 * @module
 */

import { HOST_POLICIES } from "../../core/mapping/memory_config.ts";
import type { ParameterSpecs, PointOf } from "../parameters.ts";

/** Workload values of trace points start with this, followed by the trace's path. */
export const LACKEY_PREFIX = "lackey:";

/** The platforms compared, in report order. */
export const MODES = ["nested", "shadow"] as const;

/** The parameters of a `large-pages` point, in the order reports list them. */
export const LARGE_PAGES_PARAMETERS = {
  mode: {
    kind: "choice",
    values: MODES,
    description:
      "nested (2-D walk) or shadow (one walk of a guest∘host shadow table; every strategy)",
  },
  policy: {
    kind: "choice",
    values: HOST_POLICIES,
    description:
      "host backing on first touch: 4k; opportunistic (2M where a whole aligned block is free); opportunistic+promote (and later copy fully backed regions into freed 2M blocks); 1g (1G where possible, else as opportunistic)",
  },
  fragmentation: {
    kind: "number",
    min: 0,
    max: 1,
    description: "share (0–1) of host 2M and 1G blocks broken by another tenant's 4K frame",
  },
  guest_large_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: "share (0–1) of 2M guest-virtual regions the guest maps with 2M pages",
  },
  workload: {
    kind: "string",
    description:
      "synthetic access pattern (core/workload/workloads.ts), or lackey:PATH for a valgrind lackey trace given with --trace",
  },
  footprint_mib: {
    kind: "number",
    min: 0,
    description: "guest memory the workload touches, MiB; guest RAM is that plus 1/16, in GiB",
  },
  accesses: {
    kind: "integer",
    min: 1,
    description: "accesses measured per point, after first touch and warm-up",
  },
  warmup_accesses: {
    kind: "integer",
    min: 0,
    description: "accesses run after first touch to warm TLBs and caches, not counted",
  },
} as const satisfies ParameterSpecs;

/** A point of the `large-pages` experiment. */
export type LargePagesPoint = PointOf<typeof LARGE_PAGES_PARAMETERS>;
