/**
 * The strided workload: a column-wise walk with a fixed byte stride.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import type { WorkloadOptions } from "./workload_options.ts";

/**
 * Walks the footprint `strideBytes` at a time, like reading a row-major
 * matrix by columns: a sweep starts at a lane offset and steps by the stride
 * while an access still fits; the next sweep starts `accessBytes` further
 * (back at 0 once the lane reaches the stride). With the default stride of
 * 4096, every access lands on a different page until the sweep wraps. A
 * stride that is not a multiple of the access size can make accesses
 * straddle pages; that is allowed. Each access is a store with probability
 * `writeFraction` (default 0.3).
 *
 * @example One access per page
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { StridedGenerator } from "./strided.ts";
 * const gen = new StridedGenerator({ accesses: 5, footprintBytes: 4 * 4096, seed: 1 });
 * const chunk = createAccessChunk(8);
 * gen.fill(chunk);
 * // Pages 0..3 at lane 0, then page 0 again at lane 8.
 * if (chunk.vpn[3] !== 0x10003 || chunk.vpn[4] !== 0x10000 || chunk.offset[4] !== 8) throw new Error();
 * ```
 */
export class StridedGenerator extends SeededGenerator {
  #position = 0;
  #lane = 0;

  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("strided", options, 0.3);
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  override fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, accessBytes, strideBytes } = this.options;
    const lastStart = this.options.footprintBytes - accessBytes;
    const threshold = this.threshold;
    const rng = this.rng;
    let position = this.#position;
    let lane = this.#lane;
    for (let i = 0; i < n; i++) {
      const page = Math.floor(position / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = position - page * 4096;
      kind[i] = rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD;
      position += strideBytes;
      if (position > lastStart) {
        lane += accessBytes;
        if (lane >= strideBytes || lane > lastStart) lane = 0;
        position = lane;
      }
    }
    this.#position = position;
    this.#lane = lane;
    return this.emitted(chunk, n);
  }
}
