/**
 * The uniform random workload.
 *
 * @module
 */

import { SeededGenerator } from "./_seeded_generator.ts";
import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import type { WorkloadOptions } from "./workload_options.ts";

const TWO_POW_32 = 4294967296;

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
  #state = new Int32Array(4);
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
    if (this.slots > TWO_POW_32) return this.#fillWide(chunk);
    const n = Math.min(chunk.vpn.length, this.remaining);
    const { vpn, offset, kind } = chunk;
    const { baseVpn, accessBytes } = this.options;
    const slots = this.slots;
    const threshold = this.threshold;
    // Prng.below(slots) and Prng.nextU32() stepped in locals (the same
    // xoshiro128** sequence, pinned by the tests against those methods): the
    // generator is part of every run's work, and locals stay in registers
    // where the Prng's fields are loaded and stored on every draw.
    const shift = Math.clz32(slots - 1);
    // A power-of-two access size divides pages into slots: shifts, not float arithmetic.
    const slotShift = 31 - Math.clz32(accessBytes);
    const pageShift = (accessBytes & (accessBytes - 1)) === 0 ? 12 - slotShift : -1;
    const state = this.#state;
    this.rng.getState(state);
    let s0 = state[0];
    let s1 = state[1];
    let s2 = state[2];
    let s3 = state[3];
    for (let i = 0; i < n; i++) {
      let slot = 0;
      if (shift < 32) {
        do {
          const t2 = s2 ^ s0;
          const t3 = s3 ^ s1;
          const m = Math.imul(s1, 5);
          slot = (Math.imul((m << 7) | (m >>> 25), 9) >>> 0) >>> shift;
          s0 ^= t3;
          s2 = t2 ^ (s1 << 9);
          s1 ^= t2;
          s3 = (t3 << 11) | (t3 >>> 21);
        } while (slot >= slots);
      }
      if (pageShift >= 0) {
        vpn[i] = baseVpn + (slot >>> pageShift);
        offset[i] = (slot << slotShift) & 4095;
      } else {
        const byte = slot * accessBytes;
        const page = Math.floor(byte / 4096);
        vpn[i] = baseVpn + page;
        offset[i] = byte - page * 4096;
      }
      const t2 = s2 ^ s0;
      const t3 = s3 ^ s1;
      const m = Math.imul(s1, 5);
      const draw = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      s0 ^= t3;
      s2 = t2 ^ (s1 << 9);
      s1 ^= t2;
      s3 = (t3 << 11) | (t3 >>> 21);
      // STORE is 1 and LOAD 0: the comparison as a number, without a branch
      // that a random mix of loads and stores mispredicts.
      kind[i] = +(draw < threshold);
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    this.rng.setState(state);
    return this.emitted(chunk, n);
  }

  /** {@linkcode UniformRandomGenerator.fill} for a footprint of more than 2^32 slots. */
  #fillWide(chunk: AccessChunk): number {
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
