/**
 * Options shared by the synthetic workload generators, and their validation.
 *
 * @module
 */

import { WorkloadError } from "../base/workload_error.ts";

/**
 * Options of a synthetic workload: plain JSON-serialisable data, stored with
 * every result. Fields that only one workload reads say so; the others
 * ignore them, so one options object can drive a sweep over workloads.
 */
export interface WorkloadOptions {
  /** Number of accesses the generator emits before it ends. A positive integer. */
  accesses: number;
  /** Bytes of virtual memory the accesses stay inside; an integer from 4096 to 2^52. */
  footprintBytes: number;
  /** Seed of the generator: any safe integer. The same seed gives the same accesses. */
  seed: number;
  /**
   * First 4 KiB page number of the footprint. Default `0x10000` (virtual
   * address 0x10000000, where a user-space heap might start).
   */
  baseVpn?: number;
  /**
   * Fraction of accesses that are stores, 0 to 1. Default 0.3, except
   * `pointer-chase` (default 0: a chase only reads). `gups` ignores it: each
   * of its updates is one read-modify-write.
   */
  writeFraction?: number;
  /** Bytes per access, 1 to 255. Default 8 (a 64-bit word). */
  accessBytes?: number;
  /** `strided` only: bytes from one access to the next, at least 1. Default 4096 (one access per page). */
  strideBytes?: number;
  /** `zipf` only: skew exponent, above 0. Default 0.99 (the YCSB default). */
  theta?: number;
  /**
   * `zipf` only: whether hot items are scattered over the footprint by a
   * seeded permutation (true, as in a hash table) or packed at its start in
   * rank order (false). Default true.
   */
  scramble?: boolean;
  /**
   * `pointer-chase` only: bytes per list node, from `accessBytes` to the
   * footprint. Default 64 (a cache line), or `accessBytes` if that is larger.
   */
  nodeBytes?: number;
}

/** {@linkcode WorkloadOptions} with every default applied and every field checked. */
export type ResolvedWorkloadOptions = Required<WorkloadOptions>;

/** Default {@linkcode WorkloadOptions.baseVpn}. */
export const DEFAULT_BASE_VPN = 0x10000;

/** Largest footprint: byte offsets inside it stay exact in a float64. */
const MAX_FOOTPRINT_BYTES = 2 ** 52;

/** Page numbers of a 57-bit (5-level paging) virtual address space. */
const VPN_LIMIT = 2 ** 45;

const OPTION_NAMES: readonly string[] = [
  "accesses",
  "footprintBytes",
  "seed",
  "baseVpn",
  "writeFraction",
  "accessBytes",
  "strideBytes",
  "theta",
  "scramble",
  "nodeBytes",
];

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function fail(workload: string, field: string, expected: string, value: unknown): never {
  throw new WorkloadError(
    `Invalid option "${field}" for workload "${workload}": expected ${expected}, got ${
      show(value)
    }`,
  );
}

function integerIn(
  workload: string,
  field: string,
  value: unknown,
  min: number,
  max: number,
  expected: string,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(workload, field, expected, value);
  }
  return value;
}

/**
 * Checks options and applies defaults, once, when a generator is built.
 *
 * @param workload the workload's registry name, for error messages.
 * @param options options as the user gave them (possibly parsed from JSON).
 * @param defaultWriteFraction the workload's default store fraction.
 * @throws {WorkloadError} naming the first bad or unknown field.
 *
 * @example
 * ```ts
 * import { resolveWorkloadOptions } from "./workload_options.ts";
 * const o = resolveWorkloadOptions("random", { accesses: 10, footprintBytes: 8192, seed: 1 }, 0.3);
 * if (o.accessBytes !== 8 || o.writeFraction !== 0.3) throw new Error();
 * ```
 */
export function resolveWorkloadOptions(
  workload: string,
  options: WorkloadOptions,
  defaultWriteFraction: number,
): ResolvedWorkloadOptions {
  if (typeof options !== "object" || options === null) {
    throw new WorkloadError(`Invalid options for workload "${workload}": expected an object`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new WorkloadError(
        `Unknown option "${key}" for workload "${workload}"; known options: ${
          OPTION_NAMES.join(", ")
        }`,
      );
    }
  }
  const accesses = integerIn(
    workload,
    "accesses",
    options.accesses,
    1,
    Number.MAX_SAFE_INTEGER,
    "a positive integer",
  );
  const footprintBytes = integerIn(
    workload,
    "footprintBytes",
    options.footprintBytes,
    4096,
    MAX_FOOTPRINT_BYTES,
    "an integer number of bytes from 4096 to 2^52",
  );
  const seed = integerIn(
    workload,
    "seed",
    options.seed,
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
    "a safe integer",
  );
  const footprintPages = Math.ceil(footprintBytes / 4096);
  const baseVpn = integerIn(
    workload,
    "baseVpn",
    options.baseVpn ?? DEFAULT_BASE_VPN,
    0,
    VPN_LIMIT - footprintPages,
    `a page number from 0 to ${VPN_LIMIT - footprintPages} (the footprint must end below 2^57)`,
  );
  const writeFraction = options.writeFraction ?? defaultWriteFraction;
  if (typeof writeFraction !== "number" || !(writeFraction >= 0 && writeFraction <= 1)) {
    fail(workload, "writeFraction", "a number from 0 to 1", writeFraction);
  }
  const accessBytes = integerIn(
    workload,
    "accessBytes",
    options.accessBytes ?? 8,
    1,
    255,
    "an integer from 1 to 255",
  );
  const strideBytes = integerIn(
    workload,
    "strideBytes",
    options.strideBytes ?? 4096,
    1,
    footprintBytes,
    `an integer number of bytes from 1 to the footprint (${footprintBytes})`,
  );
  const theta = options.theta ?? 0.99;
  if (typeof theta !== "number" || !(theta > 0 && theta <= 100)) {
    fail(workload, "theta", "a number above 0 and at most 100", theta);
  }
  const scramble = options.scramble ?? true;
  if (typeof scramble !== "boolean") fail(workload, "scramble", "true or false", scramble);
  const nodeBytes = integerIn(
    workload,
    "nodeBytes",
    options.nodeBytes ?? Math.max(64, accessBytes),
    accessBytes,
    footprintBytes,
    `an integer number of bytes from accessBytes (${accessBytes}) to the footprint (${footprintBytes})`,
  );
  return {
    accesses,
    footprintBytes,
    seed,
    baseVpn,
    writeFraction,
    accessBytes,
    strideBytes,
    theta,
    scramble,
    nodeBytes,
  };
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
