/**
 * Plain configuration of host and guest physical memory for large-page
 * studies: how the hypervisor backs guest memory (the host policy), how
 * fragmented host and guest memory are, and what share of guest memory the
 * guest maps with 2M pages. Validated once, stored with every result.
 *
 * @module
 */

import { MachineConfigError } from "../base/config_error.ts";

/**
 * How the hypervisor backs guest-physical memory on first touch:
 * `4k` never large; `opportunistic` a host 2M frame where one is free and the
 * guest region is aligned to it, else 4K; `opportunistic+promote` the same,
 * and later promotion of fully backed 2M regions to a free host 2M frame
 * (copy and remap); `1g` a host 1G frame where possible, else as
 * `opportunistic`.
 */
export type HostPolicy = "4k" | "opportunistic" | "opportunistic+promote" | "1g";

/** The host policies, in order of ambition. */
export const HOST_POLICIES: readonly HostPolicy[] = [
  "4k",
  "opportunistic",
  "opportunistic+promote",
  "1g",
];

/** Host and guest physical memory. `{}` is valid: every field has a default. */
export interface MemoryConfig {
  /** How the host backs guest memory. Default `opportunistic`. */
  hostPolicy?: HostPolicy;
  /** Share (0 to 1) of host 2M and 1G blocks broken by other tenants' 4K frames. Default 0. */
  fragmentation?: number;
  /** Share (0 to 1) of 2M-aligned guest-virtual regions the guest maps with 2M pages. Default 0. */
  guestLargeFraction?: number;
  /** Share (0 to 1) of guest-physical 2M and 1G blocks broken before the guest starts. Default 0. */
  guestFragmentation?: number;
  /** Guest RAM in MiB, a multiple of 2. Default 4096. */
  guestMemoryMib?: number;
  /** Host RAM in MiB, a multiple of 2. Default twice the guest RAM. */
  hostMemoryMib?: number;
  /** Seed of fragmentation placement and of which guest regions are large. Default 1. */
  seed?: number;
}

/** A {@linkcode MemoryConfig} with every default filled in. */
export interface ResolvedMemoryConfig {
  /** How the host backs guest memory. */
  hostPolicy: HostPolicy;
  /** Host fragmentation, 0 to 1. */
  fragmentation: number;
  /** Share of guest regions mapped with 2M pages, 0 to 1. */
  guestLargeFraction: number;
  /** Guest-physical fragmentation, 0 to 1. */
  guestFragmentation: number;
  /** Guest RAM, MiB. */
  guestMemoryMib: number;
  /** Host RAM, MiB. */
  hostMemoryMib: number;
  /** Seed. */
  seed: number;
}

const KEYS: readonly string[] = [
  "hostPolicy",
  "fragmentation",
  "guestLargeFraction",
  "guestFragmentation",
  "guestMemoryMib",
  "hostMemoryMib",
  "seed",
];

function share(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new MachineConfigError(
      `field "memory.${name}": expected a number from 0 to 1, got ${value}`,
    );
  }
  return value;
}

function mebibytes(name: string, value: unknown): number {
  if (
    typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value % 2 !== 0 ||
    value >= 2 ** 23
  ) {
    throw new MachineConfigError(
      `field "memory.${name}": expected a positive even number of MiB below 8 TiB, got ${value}`,
    );
  }
  return value;
}

/**
 * Fills in defaults and validates every field.
 *
 * @example
 * ```ts
 * import { resolveMemoryConfig } from "./memory_config.ts";
 * const memory = resolveMemoryConfig({ fragmentation: 0.5 });
 * if (memory.hostPolicy !== "opportunistic" || memory.hostMemoryMib !== 8192) throw new Error();
 * ```
 * @throws MachineConfigError naming the offending field
 */
export function resolveMemoryConfig(config: MemoryConfig): ResolvedMemoryConfig {
  if (typeof config !== "object" || config === null) {
    throw new MachineConfigError(`field "memory": expected an object`);
  }
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key)) throw new MachineConfigError(`unknown field "memory.${key}"`);
  }
  const hostPolicy = config.hostPolicy ?? "opportunistic";
  if (!HOST_POLICIES.includes(hostPolicy)) {
    throw new MachineConfigError(
      `field "memory.hostPolicy": expected ${HOST_POLICIES.join(", ")}, got "${hostPolicy}"`,
    );
  }
  const guestMemoryMib = mebibytes("guestMemoryMib", config.guestMemoryMib ?? 4096);
  const seed = config.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new MachineConfigError(
      `field "memory.seed": expected a non-negative integer, got ${seed}`,
    );
  }
  return {
    hostPolicy,
    fragmentation: share("fragmentation", config.fragmentation ?? 0),
    guestLargeFraction: share("guestLargeFraction", config.guestLargeFraction ?? 0),
    guestFragmentation: share("guestFragmentation", config.guestFragmentation ?? 0),
    guestMemoryMib,
    hostMemoryMib: mebibytes("hostMemoryMib", config.hostMemoryMib ?? 2 * guestMemoryMib),
    seed,
  };
}
