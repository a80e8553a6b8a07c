/**
 * The sequential workload: a streaming scan over the footprint.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import type { WorkloadOptions } from "./workload_options.ts";

/**
 * Reads and writes consecutive `accessBytes`-sized slots from the start of
 * the footprint to its end, then starts again: the best case for TLBs and
 * prefetchers. Each access is a store with probability `writeFraction`
 * (default 0.3).
 *
 * @example Scan two pages with 8-byte accesses
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { SequentialGenerator } from "./sequential.ts";
 * const gen = new SequentialGenerator({ accesses: 1024, footprintBytes: 8192, seed: 1 });
 * const chunk = createAccessChunk(4096);
 * if (gen.fill(chunk) !== 1024 || gen.fill(chunk) !== 0) throw new Error();
 * if (chunk.vpn[512] !== 0x10001 || chunk.offset[513] !== 8) throw new Error();
 * ```
 */
export class SequentialGenerator extends SeededGenerator {
  #slot = 0;

  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("sequential", options, 0.3);
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  override fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, accessBytes } = this.options;
    const slots = this.slots;
    const threshold = this.threshold;
    const rng = this.rng;
    let slot = this.#slot;
    for (let i = 0; i < n; i++) {
      const byte = slot * accessBytes;
      const page = Math.floor(byte / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = byte - page * 4096;
      kind[i] = rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD;
      if (++slot === slots) slot = 0;
    }
    this.#slot = slot;
    return this.emitted(chunk, n);
  }
}
