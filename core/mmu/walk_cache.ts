/**
 * Page-walk caches: one small TLB-like cache per upper level, mapping the
 * virtual-address prefix that selects an entry at that level to the table it
 * points to, so a walk can start lower down (Intel's PML4/PDPTE/PDE caches,
 * AMD's page-directory cache).
 *
 * @module
 */

// Buckets of prefixes per level whose held entries are counted: a power of
// two, and many more than a level's entries, so that a prefix not held
// mostly finds its bucket empty.
const BUCKETS = 1024;

/** The bucket of a non-negative prefix: its low bits (ToUint32 keeps them exactly). */
function bucketOf(prefix: number): number {
  return (prefix >>> 0) & (BUCKETS - 1);
}

/** 2^(−9 (level − 1)): the prefix of a 4 KiB page number at `level` is `floor(vpn × this)`, exactly. */
const PREFIX_SCALE: Float64Array = Float64Array.from([0, 1, 2 ** -9, 2 ** -18, 2 ** -27, 2 ** -36]);

/**
 * Per level, the shift and the mask that take a page number below 2^32 to
 * its prefix: 9 (level − 1) bits off, and at level 5 (a shift of 36, past
 * what a 32-bit shift can do) nothing left.
 */
const PREFIX_SHIFT: Int32Array = Int32Array.from([0, 0, 9, 18, 27, 31]);
const PREFIX_KEEP: Int32Array = Int32Array.from([0, 0, -1, -1, -1, 0]);

/**
 * The prefix of 4 KiB page number `vpn` at `level` (2 to 5):
 * a shift of a 32-bit page number, else an exact multiplication. The shift
 * is a much shorter chain of instructions ahead of the bucket's load, which
 * every lookup and fill waits for.
 */
function prefixOf(vpn: number, level: number): number {
  return vpn < 4294967296
    ? ((vpn >>> 0) >>> PREFIX_SHIFT[level]) & PREFIX_KEEP[level]
    : Math.floor(vpn * PREFIX_SCALE[level]);
}

/**
 * The page-walk caches of one walker. A hit at level `L` yields the id of the
 * level `L − 1` table, so the walk reads only levels `L − 1` down to the leaf.
 *
 * Each level is a set-associative, true-LRU cache that holds exactly what a
 * {@linkcode Tlb} of the same geometry keyed by the level's prefix would
 * (tests check it against a reference TLB per level), but every level lives
 * in one set of flat arrays, the prefix is taken by an exact multiplication
 * rather than a division, and each set keeps its entries in order of last
 * use in a ring: the set's head names its most recent way, the way before
 * the head (cyclically) its least recent. A lookup tries the head first (a
 * walk that takes the same upper entry as the one before finds it there);
 * a hit elsewhere moves its entry to the front; a fill writes the way
 * before the head and makes it the head, so that the fill that evicts,
 * which a walk over much memory makes at nearly every walk, moves no other
 * entry (moving seven entries of three arrays cost a walk 15 ns). No time
 * stamps: no search for the oldest. Each level also counts the entries it holds by
 * bucket of prefixes, so a lookup whose bucket is empty misses without
 * scanning: a walk over more memory than the caches cover misses its
 * lowest level nearly every time.
 *
 * @example Cache the PD pointer of a walk and skip to it
 * ```ts
 * import { WalkCache } from "./walk_cache.ts";
 * const pwc = new WalkCache(4, 32, 4);
 * pwc.insert(3, 0x12345, 0, 17); // the level-3 entry on page 0x12345's path points to table 17
 * if (pwc.lookup(0x12345, 0) !== 2 || pwc.table !== 17) throw new Error();
 * ```
 */
export class WalkCache {
  /** Table id found by the last hit of {@linkcode WalkCache.lookup}. */
  table = 0;
  /** Whether the caches hold anything at all (false: 0 entries per level). */
  readonly enabled: boolean;
  #levels: number;
  #ways: number;
  #sets: number;
  // Sets − 1 when a power of two (index by mask), else −1 (index by modulo).
  #mask: number;
  // Per slot (level L's slots start at (L − 2) × entries): prefix, or −1 when
  // empty; its tag; the id of the table it points to (ids are small integers,
  // which the walker multiplies into an entry index without a conversion).
  #keys: Float64Array;
  #tags: Int32Array;
  #values: Int32Array;
  // Per set (level L's sets start at (L − 2) × sets): the way, 0 to ways − 1,
  // of its most recently used entry. The entry at age a (0 the most recent)
  // sits in way (head + a) mod ways.
  #heads: Int32Array;
  // Per level: the prefix and tag its last lookup missed (−1: none since, or
  // a fill came between). A walk that misses a level fills it next; while no
  // set has an empty slot before a full one (only flushTag leaves such holes),
  // that fill takes the way before the head without a search.
  #missKey: Float64Array;
  #missTag: Int32Array;
  #holes = false;
  // Whether anything was cached since the last flushAll.
  #filled = false;
  // Per level (row `level − 2`) and bucket of prefixes (prefix mod BUCKETS,
  // whatever the set): how many entries the level holds. An empty bucket
  // tells a lookup it misses in one load, where the scan compares every way
  // of the set; a count may only err high.
  #held: Int32Array;

  /**
   * Creates empty caches, one per cached upper level.
   * @param levels radix depth of the table walked (4 or 5)
   * @param entries entries per cached level; 0 disables the caches
   * @param ways associativity of each level's cache
   */
  constructor(levels: number, entries: number, ways: number) {
    if (!Number.isInteger(entries) || entries < 0) {
      throw new RangeError(`walk cache entries must be a non-negative integer, got ${entries}`);
    }
    if (entries > 0 && (!Number.isInteger(ways) || ways < 1 || entries % ways !== 0)) {
      throw new RangeError(`walk cache ways must divide entries (${entries}), got ${ways}`);
    }
    this.#levels = levels;
    this.enabled = entries > 0;
    this.#ways = entries === 0 ? 1 : ways;
    this.#sets = entries === 0 ? 0 : entries / ways;
    this.#mask = (this.#sets & (this.#sets - 1)) === 0 ? this.#sets - 1 : -1;
    const slots = entries * (levels - 1);
    this.#keys = new Float64Array(slots).fill(-1);
    this.#tags = new Int32Array(slots);
    this.#values = new Int32Array(slots);
    this.#heads = new Int32Array(this.#sets * (levels - 1));
    this.#missKey = new Float64Array(levels + 1).fill(-1);
    this.#missTag = new Int32Array(levels + 1);
    this.#held = new Int32Array((levels - 1) * BUCKETS);
  }

  /** The set of `prefix` at `level`, numbered across levels. */
  #set(level: number, prefix: number): number {
    const set = this.#mask >= 0 ? (prefix >>> 0) & this.#mask : prefix % this.#sets;
    return (level - 2) * this.#sets + set;
  }

  /**
   * Finds the lowest cached level on page `vpn`'s path.
   * @returns the level the walk must start at (its table id in {@linkcode WalkCache.table}), or 0 on a miss
   */
  lookup(vpn: number, tag: number): number {
    if (!this.enabled) return 0;
    const keys = this.#keys;
    for (let level = 2; level <= this.#levels; level++) {
      const prefix = prefixOf(vpn, level);
      if (this.#held[(level - 2) * BUCKETS + bucketOf(prefix)] !== 0) {
        const set = this.#set(level, prefix);
        const front = set * this.#ways + this.#heads[set];
        if (keys[front] === prefix && this.#tags[front] === tag) {
          this.table = this.#values[front];
          return level - 1;
        }
        if (this.#hitBehind(set, prefix, tag)) return level - 1;
      }
      this.#missKey[level] = prefix;
      this.#missTag[level] = tag;
    }
    return 0;
  }

  /**
   * Looks for the entry in the ways of `set` behind its head and, if held,
   * moves it to the front and takes its table. Kept out of
   * {@linkcode WalkCache.lookup}, as {@linkcode WalkCache.insert}'s search
   * is, so that both hold only their common cases: the walker then inlines
   * the fill on every run, where before V8 inlined the lookup or the fill,
   * whichever its feedback ranked first (walk caches on +2.7 to +4.4 %).
   */
  #hitBehind(set: number, prefix: number, tag: number): boolean {
    const keys = this.#keys;
    const base = set * this.#ways;
    for (let i = base, end = base + this.#ways; i < end; i++) {
      if (keys[i] === prefix && this.#tags[i] === tag) {
        const table = this.#values[i];
        this.#toFront(set, i, prefix, tag, table);
        this.table = table;
        return true;
      }
    }
    return false;
  }

  /** Caches that the level-`level` entry on `vpn`'s path points to table `table`. */
  insert(level: number, vpn: number, tag: number, table: number): void {
    if (!this.enabled) return;
    const prefix = prefixOf(vpn, level);
    const set = this.#set(level, prefix);
    const base = set * this.#ways;
    // As a TLB fill: the entry already holding the prefix, else an empty
    // way, else the least recently used. The way before the head is the
    // least recent, or empty if any is while no flushTag left holes; a fill
    // of the prefix and tag the last lookup missed takes it without a search.
    const head = this.#heads[set];
    const before = base + (head === 0 ? this.#ways - 1 : head - 1);
    const at = this.#holes || this.#missKey[level] !== prefix || this.#missTag[level] !== tag
      ? this.#wayFor(base, prefix, tag, before)
      : before;
    this.#missKey[level] = -1;
    this.#filled = true;
    const keys = this.#keys;
    const old = keys[at];
    if (old !== prefix) {
      const row = (level - 2) * BUCKETS;
      if (old >= 0) this.#held[row + bucketOf(old)]--;
      this.#held[row + bucketOf(prefix)]++;
    }
    // The way before the head becomes the head here rather than through
    // #toFront's call: measured apart, 29.7 against 36.8 ns a walk.
    if (at === before) {
      this.#heads[set] = before - base;
      keys[before] = prefix;
      this.#tags[before] = tag;
      this.#values[before] = table;
    } else this.#toFront(set, at, prefix, tag, table);
  }

  /**
   * The way of the set at `base` a fill of `prefix` and `tag` takes when
   * the last lookup did not miss them: the way holding them, else an empty
   * way if the least recent one, `before`, is not empty, else `before`.
   */
  #wayFor(base: number, prefix: number, tag: number, before: number): number {
    const keys = this.#keys;
    let empty = -1;
    for (let i = base, end = base + this.#ways; i < end; i++) {
      const k = keys[i];
      if (k === prefix && this.#tags[i] === tag) return i;
      if (k < 0 && empty < 0) empty = i;
    }
    return empty >= 0 && keys[before] >= 0 ? empty : before;
  }

  /**
   * Makes way `slot` of set `set` hold the entry and be the most recent:
   * the ways from the head up to it each take the entry of the one before,
   * unless it is the way before the head, which becomes the head.
   */
  #toFront(set: number, slot: number, prefix: number, tag: number, table: number): void {
    const ways = this.#ways;
    const base = set * ways;
    const head = this.#heads[set];
    const keys = this.#keys;
    const tags = this.#tags;
    const values = this.#values;
    if (slot - base === (head === 0 ? ways - 1 : head - 1)) {
      this.#heads[set] = slot - base;
    } else {
      const front = base + head;
      for (let i = slot; i !== front;) {
        const before = i === base ? base + ways - 1 : i - 1;
        keys[i] = keys[before];
        tags[i] = tags[before];
        values[i] = values[before];
        i = before;
      }
      slot = front;
    }
    keys[slot] = prefix;
    tags[slot] = tag;
    values[slot] = table;
  }

  /** Empties every level. */
  flushAll(): void {
    // Loops rather than fill: untagged TLBs flush on every address-space
    // switch, and a call of the builtin costs more than these few slots.
    const missKey = this.#missKey;
    for (let level = 0; level < missKey.length; level++) missKey[level] = -1;
    this.#holes = false;
    // Often no walk filled anything since the last flush; else only the
    // counts of the buckets held need clearing.
    if (!this.#filled) return;
    this.#filled = false;
    const keys = this.#keys;
    const perLevel = this.#sets * this.#ways;
    for (let row = 0, i = 0; i < keys.length; row += BUCKETS) {
      for (const end = i + perLevel; i < end; i++) {
        const key = keys[i];
        if (key >= 0) {
          this.#held[row + bucketOf(key)] = 0;
          keys[i] = -1;
        }
      }
    }
  }

  /** Empties every level's entries of one tag. */
  flushTag(tag: number): void {
    const perLevel = this.#sets * this.#ways;
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i];
      if (key >= 0 && this.#tags[i] === tag) {
        this.#held[Math.floor(i / perLevel) * BUCKETS + bucketOf(key)]--;
        this.#keys[i] = -1;
      }
    }
    this.#holes = true;
  }
}
