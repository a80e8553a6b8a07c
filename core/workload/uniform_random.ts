/**
 * The uniform random workload.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import type { WorkloadOptions } from "./workload_options.ts";

/**
 * Accesses `accessBytes`-aligned slots chosen uniformly over the footprint:
 * the worst case for TLB reach once the footprint outgrows it. Each access
 * is a store with probability `writeFraction` (default 0.3).
 *
 * @example Every access stays inside the footprint
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { UniformRandomGenerator } from "./uniform_random.ts";
 * const gen = new UniformRandomGenerator({ accesses: 100, footprintBytes: 2 ** 30, seed: 1 });
 * const chunk = createAccessChunk(128);
 * gen.fill(chunk);
 * for (let i = 0; i < chunk.length; i++) {
 *   if (chunk.vpn[i] < 0x10000 || chunk.vpn[i] >= 0x10000 + 2 ** 18) throw new Error();
 * }
 * ```
 */
export class UniformRandomGenerator extends SeededGenerator {
  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("random", options, 0.3);
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  override fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, accessBytes } = this.options;
    const slots = this.slots;
    const threshold = this.threshold;
    const rng = this.rng;
    for (let i = 0; i < n; i++) {
      const byte = rng.below(slots) * accessBytes;
      const page = Math.floor(byte / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = byte - page * 4096;
      kind[i] = rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD;
    }
    return this.emitted(chunk, n);
  }
}
