/**
 * The registry of synthetic workloads, chosen by name from configuration.
 *
 * @module
 */

import type { AccessGenerator } from "../base/access_chunk.ts";
import { GupsGenerator } from "./gups.ts";
import { PointerChaseGenerator } from "./pointer_chase.ts";
import { SequentialGenerator } from "./sequential.ts";
import { StridedGenerator } from "./strided.ts";
import { UniformRandomGenerator } from "./uniform_random.ts";
import { ConfigError } from "../base/config_error.ts";
import type { WorkloadOptions } from "./workload_options.ts";
import { ZipfGenerator } from "./zipf.ts";

export { WORKLOAD_OPTIONS_FIELDS, type WorkloadOptions } from "./workload_options.ts";

/** A registry entry: what the workload does, and how to build it. */
export interface WorkloadEntry {
  /** One sentence for `--help` output and reports. */
  readonly description: string;
  /** Builds a generator; throws `ConfigError` for a bad option. */
  readonly create: (options: WorkloadOptions) => AccessGenerator;
}

/** Names of the synthetic workloads. */
export type WorkloadName = "sequential" | "strided" | "random" | "zipf" | "pointer-chase" | "gups";

/**
 * Every synthetic workload, by the name users write.
 *
 * @example List the workloads
 * ```ts
 * import { WORKLOADS } from "./workloads.ts";
 * for (const [name, entry] of Object.entries(WORKLOADS)) {
 *   if (entry.description.length === 0) throw new Error(`${name} has no description`);
 * }
 * ```
 */
export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadEntry>> = {
  sequential: {
    description: "scan the footprint from start to end, over and over",
    create: (options) => new SequentialGenerator(options),
  },
  strided: {
    description: "walk the footprint strideBytes at a time, column by column",
    create: (options) => new StridedGenerator(options),
  },
  random: {
    description: "uniformly random aligned accesses over the footprint",
    create: (options) => new UniformRandomGenerator(options),
  },
  zipf: {
    description: "accesses to items whose popularity follows Zipf's law (skew theta)",
    create: (options) => new ZipfGenerator(options),
  },
  "pointer-chase": {
    description: "dependent loads around one random cycle through all nodes of the footprint",
    create: (options) => new PointerChaseGenerator(options),
  },
  gups: {
    description: "random read-modify-write updates of 8-byte words (HPC Challenge RandomAccess)",
    create: (options) => new GupsGenerator(options),
  },
};

/**
 * Builds the named workload's generator.
 *
 * @throws {ConfigError} for an unknown name (the message lists the known
 *   ones) or an invalid option (the message names the field).
 *
 * @example Ten thousand zipf accesses over 64 MiB
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { createWorkload } from "./workloads.ts";
 * const gen = createWorkload("zipf", { accesses: 10_000, footprintBytes: 64 * 2 ** 20, seed: 7 });
 * const chunk = createAccessChunk();
 * let total = 0;
 * for (let n = gen.fill(chunk); n > 0; n = gen.fill(chunk)) total += n;
 * if (total !== 10_000) throw new Error();
 * ```
 */
export function createWorkload(name: string, options: WorkloadOptions): AccessGenerator {
  if (!Object.hasOwn(WORKLOADS, name)) {
    throw new ConfigError(
      `workload ${JSON.stringify(name)}`,
      undefined,
      `no such workload; known workloads: ${Object.keys(WORKLOADS).join(", ")}`,
    );
  }
  return WORKLOADS[name as WorkloadName].create(options);
}
