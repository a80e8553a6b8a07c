/**
 * A set-associative, true-LRU cache of 64-byte lines that only answers
 * "was this line present?" and then holds it: one level of the data-cache
 * hierarchy (L1D, L2, last-level cache), and the PTE cache of the
 * translation-only model.
 *
 * @module
 */

/**
 * A line cache in flat typed arrays: per slot a line number (-1 when empty)
 * and a time of last use (0 when empty, so that the least recently used slot
 * of a set is its first empty one while it has one). It behaves exactly like a {@linkcode Tlb} on which
 * every access is a `lookup` followed, on a miss, by an `insert` (same sets,
 * same victims), but needs one scan instead of two and a third of the
 * memory, since a line has no tag, value or flags.
 *
 * @example A second access to the same line hits
 * ```ts
 * import { LineCache } from "./line_cache.ts";
 * const cache = new LineCache(512, 8);
 * if (cache.access(1234)) throw new Error("cold cache hit");
 * if (!cache.access(1234)) throw new Error("expected a hit");
 * ```
 */
export class LineCache {
  /** Total lines; 0 means the cache is disabled and always misses. */
  readonly entries: number;
  /** Associativity. */
  readonly ways: number;
  /** Number of sets. */
  readonly sets: number;
  /** Per slot: the line number held, or -1 when empty. */
  readonly lines: Float64Array;
  /** Per slot: time of last use, for LRU; 0 while empty. */
  readonly stamps: Float64Array;
  #mask: number;
  #clock = 0;

  /**
   * Creates an empty cache.
   * @param entries total lines, a multiple of `ways`; 0 disables the cache
   * @param ways associativity
   */
  constructor(entries: number, ways: number) {
    if (!Number.isInteger(entries) || entries < 0) {
      throw new RangeError(`Line cache entries must be a non-negative integer, got ${entries}`);
    }
    if (entries > 0 && (!Number.isInteger(ways) || ways < 1 || entries % ways !== 0)) {
      throw new RangeError(`Line cache ways must divide entries (${entries}), got ${ways}`);
    }
    this.entries = entries;
    this.ways = entries === 0 ? 1 : ways;
    this.sets = entries === 0 ? 0 : entries / ways;
    this.#mask = (this.sets & (this.sets - 1)) === 0 ? this.sets - 1 : -1;
    this.lines = new Float64Array(entries).fill(-1);
    this.stamps = new Float64Array(entries);
  }

  /**
   * Accesses non-negative line number `line`: on a hit marks it most
   * recently used, on a miss fills it into the set's first empty slot or
   * over its least recently used line.
   * @returns whether the line was present
   */
  access(line: number): boolean {
    if (this.entries === 0) return false;
    const base = (this.#mask >= 0 ? (line >>> 0) & this.#mask : line % this.sets) * this.ways;
    const end = base + this.ways;
    const lines = this.lines;
    const stamps = this.stamps;
    for (let i = base; i < end; i++) {
      if (lines[i] === line) {
        stamps[i] = ++this.#clock;
        return true;
      }
    }
    let victim = base;
    let oldest = stamps[base];
    for (let i = base + 1; i < end; i++) {
      const t = stamps[i];
      if (t < oldest) {
        victim = i;
        oldest = t;
      }
    }
    lines[victim] = line;
    stamps[victim] = ++this.#clock;
    return false;
  }

  /** Empties the cache. */
  flushAll(): void {
    this.lines.fill(-1);
    this.stamps.fill(0);
  }
}
