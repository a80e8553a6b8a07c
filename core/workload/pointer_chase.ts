/**
 * The pointer-chase workload: a walk around one random linked cycle.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import { RandomPermutation } from "./random_permutation.ts";
import type { WorkloadOptions } from "./workload_options.ts";

/**
 * Follows a linked list whose `nodeBytes`-sized nodes (default 64) are
 * threaded through the footprint in a seeded random order and closed into
 * one cycle: every node is visited exactly once per lap, and laps repeat in
 * the same order, as in the latency benchmarks of lmbench and Intel MLC.
 * Each access reads `accessBytes` (default 8, the next pointer) at the start
 * of a node.
 *
 * The order is `P(0), P(1), ..., P(nodes - 1), P(0), ...` for a seeded
 * {@linkcode RandomPermutation} P, so the node following `P(i)` is
 * `P(i + 1)`: the same single cycle a shuffled array of pointers would
 * make, computed on the fly instead of stored, so footprints of many GiB
 * cost no memory. Accesses are loads unless `writeFraction` (default 0) asks
 * for stores.
 *
 * @example Four nodes, each visited once per lap
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { PointerChaseGenerator } from "./pointer_chase.ts";
 * const gen = new PointerChaseGenerator({ accesses: 8, footprintBytes: 4096, nodeBytes: 1024, seed: 2 });
 * const chunk = createAccessChunk(8);
 * gen.fill(chunk);
 * const lap = Array.from(chunk.offset.subarray(0, 4)).sort((a, b) => a - b);
 * if (lap.join() !== "0,1024,2048,3072" || chunk.offset[4] !== chunk.offset[0]) throw new Error();
 * ```
 */
export class PointerChaseGenerator extends SeededGenerator {
  /** Number of nodes in the cycle. */
  readonly nodes: number;
  #step = 0;
  #permutation: RandomPermutation;

  /**
   * Validates the options once and prepares the generator.
   *
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(options: WorkloadOptions) {
    super("pointer-chase", options, 0);
    this.nodes = Math.floor(this.options.footprintBytes / this.options.nodeBytes);
    this.#permutation = new RandomPermutation(this.nodes, this.options.seed);
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  override fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, nodeBytes } = this.options;
    const nodes = this.nodes;
    const permutation = this.#permutation;
    const threshold = this.threshold;
    const rng = this.rng;
    let step = this.#step;
    for (let i = 0; i < n; i++) {
      const byte = permutation.map(step) * nodeBytes;
      const page = Math.floor(byte / 4096);
      vpn[i] = baseVpn + page;
      offset[i] = byte - page * 4096;
      kind[i] = rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD;
      if (++step === nodes) step = 0;
    }
    this.#step = step;
    return this.emitted(chunk, n);
  }
}
