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
  type ResolvedSoFar,
  validateConfig,
} from "../base/config_fields.ts";

// Frame numbers of a host stay below 2^31 (Int32Array free lists).
const MAX_MIB = 2 ** 23 - 2;

/** The fields of a {@linkcode MemoryConfig}: kind, range, default, unit and description of each. */
export const MEMORY_CONFIG_FIELDS = {
  hostPolicy: {
    kind: "enum",
    values: ["4k", "opportunistic", "opportunistic+promote", "1g"],
    default: "opportunistic",
    description:
      "how the hypervisor backs guest memory on first touch: 4k never large; opportunistic a host 2M frame where one is free and the guest region is aligned to it, else 4K; opportunistic+promote the same, and later promotion of fully backed 2M regions to a free host 2M frame (copy and remap); 1g a host 1G frame where possible, else as opportunistic",
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
    description: "seed of fragmentation placement and of which guest regions are large",
  },
} as const satisfies ConfigFields;

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
  });
}
