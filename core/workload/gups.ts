/**
 * The GUPS-like workload (HPC Challenge RandomAccess).
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import type { WorkloadOptions } from "./workload_options.ts";

/**
 * Random read-modify-write updates of `accessBytes`-sized words (default 8,
 * the 64-bit words of RandomAccess) chosen uniformly over the footprint.
 *
 * Each update is ONE access of kind `MODIFY`, not a load followed by a
 * store: the update `table[i] ^= x` compiles to a single x86 instruction
 * with a memory operand, which valgrind lackey reports as one `M`, and the
 * MMU translates the address once and sets the accessed and dirty bits
 * together. So `accesses` counts updates, and `writeFraction` is ignored.
 *
 * @example Every access is a modify
 * ```ts
 * import { AccessKind, createAccessChunk } from "../base/access_chunk.ts";
 * import { GupsGenerator } from "./gups.ts";
 * const gen = new GupsGenerator({ accesses: 10, footprintBytes: 2 ** 24, seed: 3 });
 * const chunk = createAccessChunk(16);
 * gen.fill(chunk);
 * if (!chunk.kind.subarray(0, 10).every((k) => k === AccessKind.MODIFY)) throw new Error();
 * ```
 */
export class GupsGenerator extends SeededGenerator {
  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("gups", options, 1);
  }

  /** Fills `chunk` from its start with the next updates; returns how many (0 at the end). */
  fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset } = chunk;
    const { baseVpn, accessBytes } = this.options;
    const words = this.slots;
    const rng = this.rng;
    for (let i = 0; i < n; i++) {
      const byte = rng.below(words) * accessBytes;
      const page = Math.floor(byte / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = byte - page * 4096;
    }
    chunk.kind.fill(AccessKind.MODIFY, 0, n);
    return this.emitted(chunk, n);
  }
}
