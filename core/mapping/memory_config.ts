/**
 * Plain configuration of host and guest physical memory for large-page
 * studies: how the hypervisor backs guest memory (the host policy), how
 * fragmented host and guest memory are, and what share of guest memory the
 * guest maps with 2M pages. Validated once, stored with every result.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  type ResolvedSoFar,
  validateConfig,
} from "../base/config_fields.ts";

// Frame numbers of a host stay below 2^31 (Int32Array free lists).
const MAX_MIB = 2 ** 23 - 2;

/**
 * The fields of the promotion agent of `opportunistic+promote`: Linux
 * khugepaged's knobs (/sys/kernel/mm/transparent_hugepage/khugepaged/,
 * Documentation/admin-guide/mm/transhuge.rst) with its defaults
 * (mm/khugepaged.c: `khugepaged_pages_to_scan = HPAGE_PMD_NR * 8`,
 * `khugepaged_scan_sleep_millisecs = 10000`,
 * `khugepaged_alloc_sleep_millisecs = 60000`,
 * `khugepaged_max_ptes_none = HPAGE_PMD_NR - 1`), and a scale on simulated time.
 */
export const PROMOTION_FIELDS = {
  pagesToScan: {
    kind: "integer",
    min: 1,
    max: 2 ** 30,
    default: 4096,
    unit: "pages",
    description:
      "khugepaged pages_to_scan: 4 KiB pages scanned per pass, 512 per 2M region of guest memory whether backed or not (Linux default 4,096: 8 regions, 16 MiB)",
  },
  scanSleepMs: {
    kind: "number",
    above: 0,
    default: 10_000,
    unit: "ms",
    description:
      "khugepaged scan_sleep_millisecs: guest time between passes (Linux default 10,000; Linux's 0, scanning without a pause, is not modelled)",
  },
  allocSleepMs: {
    kind: "number",
    above: 0,
    default: 60_000,
    unit: "ms",
    description:
      "khugepaged alloc_sleep_millisecs: guest time to the next pass after a collapse found no free 2M block (Linux default 60,000)",
  },
  maxPtesNone: {
    kind: "integer",
    min: 0,
    max: 511,
    default: 511,
    unit: "pages",
    description:
      "khugepaged max_ptes_none: 4 KiB pages of a region that may be unbacked for the region to be collapsed (Linux default 511: one backed page suffices)",
  },
  timeScale: {
    kind: "number",
    min: 1,
    max: 1e6,
    default: 1,
    description:
      "simulated-time scale of the promotion agent: its sleeps are divided by this, so that minutes of khugepaged fit a run of milliseconds (1: the real rate; the large-pages experiment samples the guest instead and keeps 1)",
  },
} as const satisfies ConfigFields;

/** The fields of a {@linkcode MemoryConfig}: kind, range, default, unit and description of each. */
export const MEMORY_CONFIG_FIELDS = {
  hostPolicy: {
    kind: "enum",
    values: ["4k", "opportunistic", "opportunistic+promote", "1g"],
    default: "opportunistic",
    description:
      "how the hypervisor backs guest memory on first touch: 4k never large; opportunistic a host 2M frame where one is free and the guest region is aligned to it, else 4K; opportunistic+promote the same, and later a khugepaged-like agent (field promotion) collapses regions on 4K pages into free host 2M frames (copy and remap) as it scans; 1g a host 1G frame where possible, else as opportunistic",
  },
  fragmentation: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0,
    description: "share of host 2M and 1G blocks broken by other tenants' 4K frames",
  },
  guestLargeFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0,
    description: "share of 2M-aligned guest-virtual regions the guest maps with 2M pages",
  },
  guestFragmentation: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0,
    description: "share of guest-physical 2M and 1G blocks broken before the guest starts",
  },
  guestMemoryMib: {
    kind: "integer",
    min: 2,
    max: MAX_MIB,
    multipleOf: 2,
    default: 4096,
    unit: "MiB",
    description: "guest RAM",
  },
  hostMemoryMib: {
    kind: "integer",
    min: 2,
    max: MAX_MIB,
    multipleOf: 2,
    default: (values: ResolvedSoFar): number => 2 * (values.guestMemoryMib as number),
    defaultText: "twice guestMemoryMib",
    unit: "MiB",
    description: "host RAM",
  },
  seed: {
    kind: "integer",
    min: 0,
    default: 1,
    description:
      "seed of fragmentation placement, of which guest regions are large and of the order table pages take frames in",
  },
  promotion: {
    kind: "object",
    fields: PROMOTION_FIELDS,
    default: {},
    description:
      "the promotion agent of hostPolicy opportunistic+promote, a khugepaged: pages scanned per pass, sleeps, and the scale of its simulated time",
  },
} as const satisfies ConfigFields;

/** Promotion settings go only with the policy that promotes. */
export const checkMemoryConfig: ObjectCheck = (values, given, fail) => {
  if (given.promotion !== undefined && values.hostPolicy !== "opportunistic+promote") {
    fail("promotion", `needs hostPolicy "opportunistic+promote", got "${values.hostPolicy}"`);
  }
};

/** How the hypervisor backs guest-physical memory on first touch: see {@linkcode MEMORY_CONFIG_FIELDS}. */
export type HostPolicy = typeof MEMORY_CONFIG_FIELDS.hostPolicy.values[number];

/** The host policies, in order of ambition. */
export const HOST_POLICIES: readonly HostPolicy[] = MEMORY_CONFIG_FIELDS.hostPolicy.values;

/** Host and guest physical memory as users write it. `{}` is valid: every field has a default. */
export type MemoryConfig = ConfigInput<typeof MEMORY_CONFIG_FIELDS>;

/** A {@linkcode MemoryConfig} with every default filled in. */
export type ResolvedMemoryConfig = ConfigValues<typeof MEMORY_CONFIG_FIELDS>;

/**
 * Fills in defaults and validates every field. The memory is the `memory`
 * field of a machine configuration, so errors name `memory.<field>`.
 *
 * @example
 * ```ts
 * import { resolveMemoryConfig } from "./memory_config.ts";
 * import assert from "node:assert/strict";
 * const memory = resolveMemoryConfig({ fragmentation: 0.5 });
 * assert.equal(memory.hostPolicy, "opportunistic");
 * assert.equal(memory.hostMemoryMib, 8192);
 * assert.throws(() => resolveMemoryConfig({ fragmentation: 1.5 }), {
 *   message:
 *     'Cannot use machine config: field "memory.fragmentation": expected a number from 0 to 1, got 1.5',
 * });
 * ```
 * @throws {ConfigError} naming the offending field
 */
export function resolveMemoryConfig(config: MemoryConfig): ResolvedMemoryConfig {
  return validateConfig(MEMORY_CONFIG_FIELDS, config, {
    component: "machine config",
    path: "memory",
    check: checkMemoryConfig,
  });
}
