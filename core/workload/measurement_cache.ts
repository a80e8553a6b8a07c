/**
 * A bounded cache of per-access measurements. Measuring what translation
 * costs a sampled guest (cycles per access before and after dirty logging
 * splits the host's pages, the cold start of a fresh machine) runs tens of
 * thousands of accesses through every vCPU's MMU and caches, and a sweep
 * measures the same machine and working set again for every point that
 * differs only in what the mechanism does (an interval, a failure
 * instant). The measurement is a pure function of its inputs — a freshly
 * built machine, a seeded working set and seeded accesses — so a result
 * keyed by those inputs can stand for a new measurement: rows are the same
 * with the cache as without it.
 *
 * @module
 */

/**
 * A cache of at most `capacity` results, the oldest dropped first.
 *
 * @example The second request with the same key is not measured again
 * ```ts
 * import { MeasurementCache } from "./measurement_cache.ts";
 * const cache = new MeasurementCache<number>(2);
 * let measured = 0;
 * const measure = (): number => ++measured;
 * cache.get("a", measure);
 * if (cache.get("a", measure) !== 1 || measured !== 1) throw new Error();
 * ```
 */
export class MeasurementCache<T> {
  readonly #capacity: number;
  readonly #entries = new Map<string, T>();

  /** Creates an empty cache that holds at most `capacity` results (≥ 1). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `MeasurementCache: capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
  }

  /** The result for `key`: cached, or measured now by `measure` and cached. */
  get(key: string, measure: () => T): T {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    const value = measure();
    if (this.#entries.size >= this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, value);
    return value;
  }

  /** Results held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every result. */
  clear(): void {
    this.#entries.clear();
  }
}
