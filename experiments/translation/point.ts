/**
 * A point of the `translation` experiment: its parameters, declared as data
 * with their units, and the typed point they give.
 *
 * @module
 */

import { PAGE_SIZE_NAMES } from "../../core/base/page_size.ts";
import { type WorkloadName, WORKLOADS } from "../../core/workload/workloads.ts";
import type { ParameterSpecs, PointOf } from "../parameters.ts";

/** The parameters of a `translation` point, in the order reports list them. */
export const TRANSLATION_PARAMETERS = {
  translation_caches: {
    kind: "choice",
    values: ["on", "off"],
    description:
      "the translation caches: on, page-walk caches and nested TLB as in the profile and walk references through the data caches; off, walk caches and nested TLB off and every walk reference to DRAM, to count the references of cold walks",
  },
  mode: {
    kind: "choice",
    values: ["native", "nested"],
    description:
      "native (one page table) or nested (guest table translated through the host table)",
  },
  guest_page: {
    kind: "choice",
    values: PAGE_SIZE_NAMES,
    description: "page size the guest (or native OS) maps data with",
  },
  host_page: {
    kind: "choice",
    values: [...PAGE_SIZE_NAMES, "none"],
    description: "page size the host maps guest memory with (none when native)",
  },
  levels: {
    kind: "choice",
    values: [4, 5],
    description: "radix levels of the guest and host tables: 4 (48-bit) or 5 (57-bit)",
  },
  workload: {
    kind: "choice",
    values: Object.keys(WORKLOADS) as WorkloadName[],
    description: "synthetic access pattern (core/workload/workloads.ts)",
  },
  footprint_mib: {
    kind: "number",
    min: 0,
    description: "bytes of virtual memory the workload touches, in MiB",
  },
  accesses: {
    kind: "integer",
    min: 1,
    description: "accesses measured per point, after the warm-up",
  },
  warmup_accesses: {
    kind: "integer",
    min: 0,
    description:
      "accesses of the workload run first and not counted: they fill the TLBs and translation caches (sim --warmup)",
  },
  populate: {
    kind: "choice",
    values: ["on", "off"],
    description:
      "on: the tables are populated before the run, as a process that has touched its whole footprint, so no first touch is measured; off: cold tables, each page mapped (uncharged) on its first touch (sim --populate)",
  },
} as const satisfies ParameterSpecs;

/** A point of the `translation` experiment. */
export type TranslationPoint = PointOf<typeof TRANSLATION_PARAMETERS>;
