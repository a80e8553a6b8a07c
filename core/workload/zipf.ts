/**
 * The zipf workload: skewed popularity, as in key-value stores and YCSB.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import { RandomPermutation } from "./random_permutation.ts";
import type { WorkloadOptions } from "./workload_options.ts";
import { ZipfSampler } from "./zipf_sampler.ts";

/**
 * Accesses `accessBytes`-sized items whose popularity follows Zipf's law with
 * exponent `theta` (default 0.99): the item of rank k is drawn with
 * probability proportional to 1 / k^theta. With `scramble` (the default) a
 * seeded permutation scatters the ranks over the footprint, so hot items sit
 * on many pages as they would in a hash table; without it, rank k is slot
 * k - 1 and the hot set is packed at the start. Each access is a store with
 * probability `writeFraction` (default 0.3).
 *
 * @example The hottest item dominates when packed
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { ZipfGenerator } from "./zipf.ts";
 * const gen = new ZipfGenerator({ accesses: 1000, footprintBytes: 2 ** 20, seed: 1, scramble: false });
 * const chunk = createAccessChunk(1000);
 * gen.fill(chunk);
 * let first = 0;
 * for (let i = 0; i < 1000; i++) if (chunk.vpn[i] === 0x10000 && chunk.offset[i] === 0) first++;
 * if (first < 50) throw new Error("rank 1 should take about 8% of accesses");
 * ```
 */
export class ZipfGenerator extends SeededGenerator {
  #sampler: ZipfSampler;
  #permutation: RandomPermutation;

  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("zipf", options, 0.3);
    const items = this.slots;
    this.#sampler = new ZipfSampler(items, this.options.theta);
    // Without scrambling, a size-1 permutation stands in and is never consulted:
    // the field keeps one type, so fill() stays monomorphic.
    this.#permutation = new RandomPermutation(this.options.scramble ? items : 1, this.options.seed);
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  override fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, accessBytes, scramble } = this.options;
    const sampler = this.#sampler;
    const permutation = this.#permutation;
    const threshold = this.threshold;
    const rng = this.rng;
    for (let i = 0; i < n; i++) {
      const rankIndex = sampler.sample(rng) - 1;
      const slot = scramble ? permutation.map(rankIndex) : rankIndex;
      const byte = slot * accessBytes;
      const page = Math.floor(byte / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = byte - page * 4096;
      kind[i] = rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD;
    }
    return this.emitted(chunk, n);
  }
}
