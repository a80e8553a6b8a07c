/**
 * Accesses spread uniformly over a set of pages: the per-access form of the
 * sampled guest's touches (same pages, same write fraction), for measuring
 * what translation costs the guest on the machine as it is.
 *
 * @module
 */

import { type AccessChunk, type AccessGenerator, AccessKind } from "../base/access_chunk.ts";
import { Prng } from "../base/prng.ts";

/**
 * `accesses` 8-byte accesses, each to a page drawn uniformly from `pages`
 * (virtual page number = page number) at a random aligned offset, a store
 * with probability `writeFraction`.
 *
 * @example
 * ```ts
 * import { WorkingSetAccesses } from "./working_set_accesses.ts";
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * const gen = new WorkingSetAccesses(new Uint32Array([3, 9]), 100, 0.5, 1);
 * const chunk = createAccessChunk(256);
 * if (gen.fill(chunk) !== 100 || gen.fill(chunk) !== 0) throw new Error();
 * for (let i = 0; i < 100; i++) if (chunk.vpn[i] !== 3 && chunk.vpn[i] !== 9) throw new Error();
 * ```
 */
export class WorkingSetAccesses implements AccessGenerator {
  readonly #pages: Uint32Array;
  readonly #writeBelow: number;
  readonly #rng: Prng;
  #remaining: number;

  /**
   * Prepares the accesses.
   * @param pages the pages accessed (at least one)
   * @param accesses how many accesses in all
   * @param writeFraction fraction that are stores, 0 to 1
   * @param seed seed of the draws
   */
  constructor(pages: Uint32Array, accesses: number, writeFraction: number, seed: number) {
    if (pages.length === 0) throw new RangeError("WorkingSetAccesses: no pages to access");
    this.#pages = pages;
    this.#remaining = accesses;
    this.#writeBelow = Math.round(writeFraction * 4294967296);
    this.#rng = new Prng(seed, 0xacce55);
  }

  /** Fills `chunk` with the next accesses; returns how many (0 at the end). */
  fill(chunk: AccessChunk): number {
    const n = Math.min(chunk.vpn.length, this.#remaining);
    const pages = this.#pages;
    const rng = this.#rng;
    for (let i = 0; i < n; i++) {
      chunk.vpn[i] = pages[rng.below(pages.length)];
      chunk.offset[i] = rng.below(512) * 8;
      chunk.kind[i] = rng.nextU32() < this.#writeBelow ? AccessKind.STORE : AccessKind.LOAD;
    }
    chunk.size.fill(8, 0, n);
    chunk.space.fill(0, 0, n);
    chunk.length = n;
    this.#remaining -= n;
    return n;
  }
}
