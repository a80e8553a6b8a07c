/**
 * Zipf-distributed ranks without a table: rejection-inversion sampling
 * (W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates
 * from monotone discrete distributions", ACM TOMACS 6(3), 1996), in the form
 * that works for every positive exponent, including 1.
 *
 * @module
 */

import type { Prng } from "../base/prng.ts";

/** Below this magnitude, series expansions replace `log1p(x)/x` and `expm1(x)/x`. */
const TAYLOR_THRESHOLD = 1e-8;

/**
 * Draws ranks k in [1, n] with probability proportional to 1 / k^theta.
 * Constant time and memory per draw whatever `n` is, so footprints of many
 * GiB of 8-byte items need no cumulative table. On average it takes a little
 * over one uniform draw per rank.
 *
 * @example Rank 1 is the most frequent
 * ```ts
 * import { Prng } from "../base/prng.ts";
 * import { ZipfSampler } from "./zipf_sampler.ts";
 * const zipf = new ZipfSampler(1000, 0.99);
 * const rng = new Prng(5);
 * let ones = 0;
 * for (let i = 0; i < 1000; i++) if (zipf.sample(rng) === 1) ones++;
 * if (ones < 80) throw new Error("rank 1 should take about 13% of draws");
 * ```
 */
export class ZipfSampler {
  /** Number of ranks. */
  readonly n: number;
  /** Skew exponent. */
  readonly theta: number;
  #hIntegralX1: number;
  #hIntegralN: number;
  #s: number;

  /**
   * Precomputes the hat function's bounds.
   *
   * @param n number of ranks, an integer from 1 to 2^53.
   * @param theta skew exponent, above 0 (0.99 is the YCSB default).
   */
  constructor(n: number, theta: number) {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 53) {
      throw new RangeError(`Zipf rank count must be an integer from 1 to 2^53, got ${n}`);
    }
    if (!(theta > 0) || !Number.isFinite(theta)) {
      throw new RangeError(`Zipf exponent must be a finite number above 0, got ${theta}`);
    }
    this.n = n;
    this.theta = theta;
    this.#hIntegralX1 = this.#hIntegral(1.5) - 1;
    this.#hIntegralN = this.#hIntegral(n + 0.5);
    this.#s = 2 - this.#hIntegralInverse(this.#hIntegral(2.5) - this.#h(2));
  }

  /**
   * Returns a rank in [1, n].
   *
   * @example
   * ```ts
   * import { Prng } from "../base/prng.ts";
   * import { ZipfSampler } from "./zipf_sampler.ts";
   * const k = new ZipfSampler(2 ** 30, 0.99).sample(new Prng(1));
   * if (k < 1 || k > 2 ** 30 || !Number.isInteger(k)) throw new Error();
   * ```
   */
  sample(rng: Prng): number {
    const n = this.n;
    const hIntegralN = this.#hIntegralN;
    const span = this.#hIntegralX1 - hIntegralN;
    for (;;) {
      // u is uniform over the area under the hat function; inverting its
      // integral gives a continuous x whose nearest integer is the candidate.
      const u = hIntegralN + rng.next() * span;
      const x = this.#hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      // Rounding error can push k one step outside [1, n].
      if (k < 1) k = 1;
      else if (k > n) k = n;
      // The first test is a cheap sufficient condition for the second (the
      // paper's Theorem 2); the second accepts k with probability h(k) over
      // the hat's area for k, which makes P(k) proportional to k^-theta.
      if (k - x <= this.#s || u >= this.#hIntegral(k + 0.5) - this.#h(k)) return k;
    }
  }

  /** The hat function h(x) = x^-theta. */
  #h(x: number): number {
    return Math.exp(-this.theta * Math.log(x));
  }

  /** H(x) = (x^(1-theta) - 1) / (1-theta), written so that theta = 1 gives log x. */
  #hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.theta) * logX) * logX;
  }

  /** The inverse of H. */
  #hIntegralInverse(x: number): number {
    let t = x * (1 - this.theta);
    // Rounding can take t just below -1, where log1p is undefined.
    if (t < -1) t = -1;
    return Math.exp(log1pOverX(t) * x);
  }
}

/** log1p(x) / x, continuous at 0. */
function log1pOverX(x: number): number {
  if (Math.abs(x) > TAYLOR_THRESHOLD) return Math.log1p(x) / x;
  return 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, continuous at 0. */
function expm1OverX(x: number): number {
  if (Math.abs(x) > TAYLOR_THRESHOLD) return Math.expm1(x) / x;
  return 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x));
}
