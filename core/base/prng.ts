/**
 * A small seeded pseudo-random number generator for workloads: xoshiro128**
 * (Blackman and Vigna) over four 32-bit words, seeded through splitmix32.
 * 32-bit integer arithmetic only, so it never allocates and needs no BigInt.
 *
 * @module
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * One splitmix32 step: a strong 32-bit mixer that turns nearby seeds
 * (0, 1, 2, ...) into unrelated states.
 */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) | 0;
}

/**
 * A deterministic xoshiro128** generator. The same seed and stream always
 * give the same sequence, on every platform.
 *
 * @example Draw a die roll and a probability
 * ```ts
 * import { Prng } from "./prng.ts";
 * const rng = new Prng(42);
 * const die = 1 + rng.below(6);
 * const p = rng.next();
 * if (die < 1 || die > 6 || p < 0 || p >= 1) throw new Error("out of range");
 * if (new Prng(42).nextU32() !== new Prng(42).nextU32()) throw new Error("not deterministic");
 * ```
 */
export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * Seeds the generator.
   *
   * @param seed any safe integer (negative and above 2^32 included: all its
   *   bits count).
   * @param stream a 32-bit integer selecting an independent stream for the
   *   same seed, so one user seed can feed several uncorrelated consumers.
   *   Default 0.
   */
  constructor(seed: number, stream: number = 0) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Prng seed must be a safe integer, got ${seed}`);
    }
    if (!Number.isInteger(stream)) {
      throw new RangeError(`Prng stream must be an integer, got ${stream}`);
    }
    const lo = seed | 0;
    const hi = Math.floor(seed / TWO_POW_32) | 0;
    let h = splitmix32(lo);
    h = splitmix32(h ^ hi);
    h = splitmix32(h ^ (stream | 0));
    this.#s0 = h = splitmix32(h);
    this.#s1 = h = splitmix32(h);
    this.#s2 = h = splitmix32(h);
    this.#s3 = h = splitmix32(h);
    // The all-zero state is the one fixed point of xoshiro; splitmix32 being a
    // bijection makes it very unlikely, but it must still be impossible.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /**
   * Returns the next 32 random bits as an unsigned integer.
   *
   * @example
   * ```ts
   * import { Prng } from "./prng.ts";
   * const x = new Prng(1).nextU32();
   * if (!Number.isInteger(x) || x < 0 || x >= 2 ** 32) throw new Error();
   * ```
   */
  nextU32(): number {
    const s0 = this.#s0;
    const s1 = this.#s1;
    const s2 = this.#s2 ^ s0;
    const s3 = this.#s3 ^ s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    this.#s0 = s0 ^ s3;
    this.#s1 = s1 ^ s2;
    this.#s2 = s2 ^ (s1 << 9);
    this.#s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * Copies the generator's state into `to` (four 32-bit words), for a hot
   * loop that steps xoshiro128** in local variables and hands the state back
   * with {@linkcode Prng.setState}: locals stay in registers where the
   * object's fields are loaded and stored on every draw.
   *
   * @example Step the state by hand and continue the same sequence
   * ```ts
   * import { Prng } from "./prng.ts";
   * const a = new Prng(9);
   * const b = new Prng(9);
   * const state = new Int32Array(4);
   * a.getState(state);
   * b.nextU32();
   * a.setState(state);
   * if (a.nextU32() !== new Prng(9).nextU32()) throw new Error();
   * ```
   */
  getState(to: Int32Array): void {
    to[0] = this.#s0;
    to[1] = this.#s1;
    to[2] = this.#s2;
    to[3] = this.#s3;
  }

  /** Makes `from` (as {@linkcode Prng.getState} wrote it) the generator's state. */
  setState(from: Int32Array): void {
    this.#s0 = from[0];
    this.#s1 = from[1];
    this.#s2 = from[2];
    this.#s3 = from[3];
  }

  /**
   * Returns a uniform float in [0, 1) with 53 random bits (two draws).
   *
   * @example
   * ```ts
   * import { Prng } from "./prng.ts";
   * const u = new Prng(7).next();
   * if (u < 0 || u >= 1) throw new Error();
   * ```
   */
  next(): number {
    const hi = this.nextU32() >>> 11;
    const lo = this.nextU32();
    return (hi * TWO_POW_32 + lo) / TWO_POW_53;
  }

  /**
   * Returns a uniform integer in [0, n), exactly unbiased: it draws just
   * enough bits to cover `n - 1` and rejects values that fall outside, so on
   * average it uses fewer than two draws (four for n above 2^32).
   *
   * @param n an integer from 1 to 2^53.
   *
   * @example Pick a 4 KiB page of a 1 TiB footprint
   * ```ts
   * import { Prng } from "./prng.ts";
   * const page = new Prng(3).below(2 ** 28);
   * if (page < 0 || page >= 2 ** 28) throw new Error();
   * ```
   */
  below(n: number): number {
    if (n <= TWO_POW_32) {
      // n - 1 fits 32 bits; shifting away the unneeded top bits keeps the draw exact.
      const shift = Math.clz32(n - 1);
      if (shift === 32) return 0;
      let x = this.nextU32() >>> shift;
      while (x >= n) x = this.nextU32() >>> shift;
      return x;
    }
    const shift = Math.clz32(Math.floor((n - 1) / TWO_POW_32));
    let x = (this.nextU32() >>> shift) * TWO_POW_32 + this.nextU32();
    while (x >= n) x = (this.nextU32() >>> shift) * TWO_POW_32 + this.nextU32();
    return x;
  }
}
