/**
 * A set-associative, true-LRU cache of 64-byte lines that only answers
 * "was this line present?" and then holds it: one level of the data-cache
 * hierarchy (L1D, L2, last-level cache), and the PTE cache of the
 * translation-only model.
 *
 * @module
 */

/**
 * A line cache in one flat typed array: each set's ways hold its lines in
 * order of last use, most recent first, empty slots (-1) last. A hit moves
 * its line to the front; a miss drops the set's last line (its least
 * recently used, or an empty slot while it has one) and puts the new line
 * at the front. It behaves exactly like a {@linkcode Tlb} on which every
 * access is a `lookup` followed, on a miss, by an `insert` (the same lines
 * in each set after every access, so the same hits), but keeps no time
 * stamps: one array to scan instead of two, a hit on a recently used line
 * ends its scan early, and a set's lines sit in half the memory.
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
  /** Per slot: the line number held, or -1 when empty; each set most recently used first. */
  readonly lines: Float64Array;
  #mask: number;

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
  }

  /**
   * Accesses non-negative line number `line`: on a hit marks it most
   * recently used, on a miss fills it over the set's least recently used
   * line (or an empty slot).
   * @returns whether the line was present
   */
  access(line: number): boolean {
    if (this.entries === 0) return false;
    const base = (this.#mask >= 0 ? (line >>> 0) & this.#mask : line % this.sets) * this.ways;
    const lines = this.lines;
    if (lines[base] === line) return true;
    // One pass: each line moves back a way until the one accessed (a hit),
    // or to the end, where the last (the victim) falls off (a miss).
    const end = base + this.ways;
    let moving = lines[base];
    lines[base] = line;
    for (let i = base + 1; i < end; i++) {
      const held = lines[i];
      lines[i] = moving;
      if (held === line) return true;
      moving = held;
    }
    return false;
  }

  /** Empties the cache. */
  flushAll(): void {
    this.lines.fill(-1);
  }
}
