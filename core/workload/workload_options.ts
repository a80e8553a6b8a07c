/**
 * Options shared by the synthetic workload generators, declared field by
 * field, and their validation.
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

/** Default {@linkcode WorkloadOptions.baseVpn}. */
export const DEFAULT_BASE_VPN = 0x10000;

/** Page numbers of a 57-bit (5-level paging) virtual address space. */
const VPN_LIMIT = 2 ** 45;

/**
 * The fields of {@linkcode WorkloadOptions}. Fields that only one workload
 * reads say so; the others ignore them, so one options object can drive a
 * sweep over workloads.
 */
export const WORKLOAD_OPTIONS_FIELDS = {
  accesses: {
    kind: "integer",
    min: 1,
    required: true,
    unit: "accesses",
    description: "accesses the generator emits before it ends",
  },
  footprintBytes: {
    kind: "size",
    min: 4096,
    // Byte offsets inside the footprint stay exact in a float64.
    max: 2 ** 52,
    required: true,
    unit: "bytes",
    description: "virtual memory the accesses stay inside",
  },
  seed: {
    kind: "integer",
    required: true,
    description: "seed of the generator: the same seed gives the same accesses",
  },
  baseVpn: {
    kind: "integer",
    min: 0,
    default: DEFAULT_BASE_VPN,
    unit: "4 KiB pages",
    description:
      "first page number of the footprint (0x10000: virtual address 0x10000000, where a user-space heap might start); the footprint must end below 2^57",
  },
  writeFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.3,
    defaultText: "0.3; pointer-chase 0 (a chase only reads)",
    description:
      "fraction of accesses that are stores; gups ignores it: each of its updates is one read-modify-write",
  },
  accessBytes: {
    kind: "integer",
    min: 1,
    max: 255,
    default: 8,
    unit: "bytes",
    description: "bytes per access (8: a 64-bit word)",
  },
  strideBytes: {
    kind: "integer",
    min: 1,
    default: 4096,
    unit: "bytes",
    description: "strided only: bytes from one access to the next, at most the footprint",
  },
  theta: {
    kind: "number",
    above: 0,
    max: 100,
    default: 0.99,
    description: "zipf only: skew exponent (0.99: the YCSB default)",
  },
  scramble: {
    kind: "boolean",
    default: true,
    description:
      "zipf only: hot items scattered over the footprint by a seeded permutation (true, as in a hash table) or packed at its start in rank order (false)",
  },
  nodeBytes: {
    kind: "integer",
    min: 1,
    default: (values: ResolvedSoFar): number => Math.max(64, values.accessBytes as number),
    defaultText: "64 (a cache line), or accessBytes if that is larger",
    unit: "bytes",
    description: "pointer-chase only: bytes per list node, from accessBytes to the footprint",
  },
} as const satisfies ConfigFields;

/**
 * Options of a synthetic workload: plain JSON-serialisable data, stored with
 * every result; see {@linkcode WORKLOAD_OPTIONS_FIELDS}.
 */
export type WorkloadOptions = ConfigInput<typeof WORKLOAD_OPTIONS_FIELDS>;

/** {@linkcode WorkloadOptions} with every default applied and every field checked. */
export type ResolvedWorkloadOptions = ConfigValues<typeof WORKLOAD_OPTIONS_FIELDS>;

/** The bounds that depend on the footprint and the access size. */
const checkWorkload: ObjectCheck = (values, _given, fail) => {
  const footprintBytes = values.footprintBytes as number;
  const last = VPN_LIMIT - Math.ceil(footprintBytes / 4096);
  if ((values.baseVpn as number) > last) {
    fail(
      "baseVpn",
      `expected a page number from 0 to ${last} (the footprint must end below 2^57), got ${values.baseVpn}`,
    );
  }
  if ((values.strideBytes as number) > footprintBytes) {
    fail(
      "strideBytes",
      `expected at most the footprint (${footprintBytes} bytes), got ${values.strideBytes}`,
    );
  }
  const nodeBytes = values.nodeBytes as number;
  if (nodeBytes < (values.accessBytes as number) || nodeBytes > footprintBytes) {
    fail(
      "nodeBytes",
      `expected an integer from accessBytes (${values.accessBytes}) to the footprint (${footprintBytes}), got ${nodeBytes}`,
    );
  }
};

/**
 * Checks options and applies defaults, once, when a generator is built.
 *
 * @param workload the workload's registry name, for error messages.
 * @param options options as the user gave them (possibly parsed from JSON).
 * @param defaultWriteFraction the workload's default store fraction.
 * @throws {ConfigError} naming the first bad or unknown field.
 *
 * @example
 * ```ts
 * import { resolveWorkloadOptions } from "./workload_options.ts";
 * import assert from "node:assert/strict";
 * const o = resolveWorkloadOptions("random", { accesses: 10, footprintBytes: "8K", seed: 1 }, 0.3);
 * assert.equal(o.footprintBytes, 8192);
 * assert.equal(o.accessBytes, 8);
 * assert.throws(() => resolveWorkloadOptions("zipf", { accesses: 1, footprintBytes: 4096, seed: 1, theta: 0 }, 0.3), {
 *   message:
 *     'Cannot use options of workload "zipf": field "theta": expected a number above 0 and at most 100, got 0',
 * });
 * ```
 */
export function resolveWorkloadOptions(
  workload: string,
  options: WorkloadOptions,
  defaultWriteFraction: number,
): ResolvedWorkloadOptions {
  return validateConfig(WORKLOAD_OPTIONS_FIELDS, options, {
    component: `options of workload ${JSON.stringify(workload)}`,
    defaults: { writeFraction: defaultWriteFraction },
    check: checkWorkload,
  });
}

/**
 * Converts a store fraction into a threshold for a 32-bit draw: a draw below
 * it is a store. Comparing integers keeps the per-access decision cheap.
 *
 * @example
 * ```ts
 * import { writeThreshold } from "./workload_options.ts";
 * if (writeThreshold(1) !== 2 ** 32 || writeThreshold(0) !== 0) throw new Error();
 * ```
 */
export function writeThreshold(writeFraction: number): number {
  return Math.round(writeFraction * 4294967296);
}
