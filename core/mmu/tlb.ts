/**
 * A set-associative, true-LRU translation cache in flat typed arrays: the L1
 * and L2 TLBs, each mapping a (page number, page size, address-space tag) key
 * to a number. (The page-walk caches, the nested TLB and the line caches keep
 * their own, simpler structures: `walk_cache.ts`, `nested_tlb.ts`,
 * `../caches/line_cache.ts`.)
 *
 * @module
 */

import type { AccessChunk } from "../base/access_chunk.ts";

/** Entry flag: a global entry matches every address-space tag and survives {@linkcode Tlb.flushNonGlobal}. */
export const TLB_GLOBAL = 1;

/** 512 ** size, for page-size codes 0, 1, 2. */
const SPAN = [1, 512, 262144];

/**
 * A set-associative TLB with true LRU replacement per set.
 *
 * Keys are page numbers in units of the entry's own page size (a 2 MiB entry
 * is keyed by `vpn4k / 512`); the set index is that page number modulo the
 * number of sets, the plain indexing of hardware and of cache simulators.
 * Entries of different page sizes may share the structure (a unified STLB).
 *
 * @example Insert a translation and find it again
 * ```ts
 * import { Tlb } from "./tlb.ts";
 * const tlb = new Tlb(64, 4);
 * tlb.insert(0x1234, 0, 7, 42, 0);
 * const slot = tlb.lookup(0x1234, 0, 7);
 * if (slot < 0 || tlb.values[slot] !== 42) throw new Error("expected a hit");
 * ```
 */
export class Tlb {
  /** Total entries; 0 means the structure is disabled and always misses. */
  readonly entries: number;
  /** Associativity. */
  readonly ways: number;
  /** Number of sets. */
  readonly sets: number;
  /**
   * Per slot: `page * 4 + size`, or -1 when the slot is empty. Held in 32
   * bits while every key fits (pages below 2^29 in units of their size,
   * 2 TiB of 4 KiB pages), where the scans of a lookup and a fill compare
   * integers (the walk-dominated stream, which scans a 12-way set at every
   * access, ran 3.6 % faster). Widened in place to 64-bit floats by the
   * first key that does not fit.
   */
  keys: Int32Array | Float64Array;
  /** Per slot: address-space tag (PCID, ASID, VPID, or a combination). */
  readonly tags: Int32Array;
  /** Per slot: the cached value (a frame number, a table id, ...). */
  readonly values: Float64Array;
  /** Per slot: {@linkcode TLB_GLOBAL} and future flags. */
  readonly flags: Uint8Array;
  /**
   * Per slot: time of last use, for LRU; -1 when the slot is empty. Only
   * the order of a set's stamps means anything: they are renumbered, in
   * order, before the clock reaches 2^31.
   */
  readonly stamps: Int32Array;
  /** Valid entries held per page-size code, so callers can skip probing absent sizes. */
  readonly sizeCounts: Int32Array = new Int32Array(3);
  #mask: number;
  #clock = 0;
  // The clock at which stamps are renumbered (see #renumber).
  #clockLimit: number;
  // Where each page was last found or put: slot hints, indexed by the low
  // bits of page and tag (see #hintOf). A lookup tries the hinted slot
  // before it scans the set. The scan's exit comes at a random way for a
  // random stream, a branch mispredicted about every other lookup, which
  // cost the TLB-hit path half its time; the hint's check is predicted
  // right whenever the hints are (a working set that fits the TLB). A hint
  // is only a guess, checked against the slot's key and tag: a wrong one
  // costs the scan it saves. Exact while no entry is global: only then is
  // the one slot holding (key, tag) the first slot the scan would match.
  #hints: Int32Array;
  #hintMask: number;
  #anyGlobal = false;
  // Whether the keys have been widened to 64-bit floats.
  #wide = false;
  // The victim the last lookup's scan found when it missed, and for which
  // key and tag, valid while the clock stands where it stood: an insert
  // right after a miss (the usual fill) takes it without scanning the set a
  // second time. A lookup hit or an insert moves the clock, and emptying a
  // slot forgets the victim, so a stale one is never used.
  #missVictim = -1;
  #missKey = -1;
  #missTag = 0;
  #missClock = -1;
  // The slots an insert found empty since the last full flush, in order, and
  // how many there were (counting on past the array: then the flush clears
  // everything). Untagged TLBs are flushed on every address-space switch,
  // mostly long before they fill, and clearing the slots used costs such a
  // flush less than clearing every array.
  #filledSlots: Int32Array;
  #filledCount = 0;

  /**
   * Creates an empty TLB, every entry invalid.
   * @param entries total entries, a multiple of `ways`; 0 disables the TLB
   * @param ways associativity; `ways === entries` is fully associative
   * @param clockLimit the LRU clock's value at which stamps are renumbered
   *   (default 2^30); lower only to test that renumbering keeps the order
   */
  constructor(entries: number, ways: number, clockLimit: number = 2 ** 30) {
    if (!Number.isInteger(entries) || entries < 0) {
      throw new RangeError(`TLB entries must be a non-negative integer, got ${entries}`);
    }
    if (entries > 0 && (!Number.isInteger(ways) || ways < 1 || entries % ways !== 0)) {
      throw new RangeError(`TLB ways must divide entries (${entries}), got ${ways}`);
    }
    if (!Number.isInteger(clockLimit) || clockLimit < 1 || clockLimit > 2 ** 30) {
      throw new RangeError(`TLB clock limit must be an integer from 1 to 2^30, got ${clockLimit}`);
    }
    this.#clockLimit = clockLimit;
    this.entries = entries;
    this.ways = entries === 0 ? 1 : ways;
    this.sets = entries === 0 ? 0 : entries / ways;
    this.#mask = (this.sets & (this.sets - 1)) === 0 ? this.sets - 1 : -1;
    this.keys = new Int32Array(entries).fill(-1);
    this.tags = new Int32Array(entries);
    this.values = new Float64Array(entries);
    this.flags = new Uint8Array(entries);
    // Empty slots are older than any entry (stamps count from 1): the
    // scan for the least recently used slot takes the first empty one
    // without a test of its key.
    this.stamps = new Int32Array(entries).fill(-1);
    this.#filledSlots = new Int32Array(entries);
    // Twice as many hints as entries, a power of two: few pages of a
    // working set that fits share one.
    const hints = entries === 0 ? 1 : 2 ** Math.ceil(Math.log2(2 * entries));
    this.#hints = new Int32Array(hints);
    this.#hintMask = hints - 1;
  }

  /** Widens the keys to 64-bit floats, in place: only the element type changes. */
  #widen(): void {
    this.keys = Float64Array.from(this.keys);
    this.#wide = true;
  }

  /** The hint of `page` and `tag`. */
  #hintOf(page: number, tag: number): number {
    return ((page >>> 0) ^ tag) & this.#hintMask;
  }

  /** First slot of the set that `page` maps to. */
  #base(page: number): number {
    // ToUint32 keeps the low 32 bits exactly, so a power-of-two mask needs no float modulo.
    return (this.#mask >= 0 ? (page >>> 0) & this.#mask : page % this.sets) * this.ways;
  }

  /**
   * Finds the entry for `page` (in units of `size`) and `tag`, marking it most
   * recently used.
   * @returns the slot index, or -1 on a miss
   */
  lookup(page: number, size: number, tag: number): number {
    if (this.entries === 0) return -1;
    const wideKey = page * 4 + size;
    if (wideKey >= 2147483648 || this.#wide) return this.#lookupWide(page, wideKey, tag);
    const key = wideKey | 0;
    const keys = this.keys as Int32Array;
    const h = this.#hintOf(page, tag);
    const hinted = this.#hints[h];
    if (keys[hinted] === key && this.tags[hinted] === tag && !this.#anyGlobal) {
      this.#stamp(hinted);
      return hinted;
    }
    const base = this.#base(page);
    const end = base + this.ways;
    const stamps = this.stamps;
    let victim = base;
    let oldest = stamps[base];
    for (let i = base; i < end; i++) {
      if (keys[i] === key && (this.tags[i] === tag || (this.flags[i] & TLB_GLOBAL) !== 0)) {
        this.#stamp(i);
        this.#hints[h] = i;
        return i;
      }
      // The first of the oldest slots, chosen by a mask rather than a
      // branch: which slot of a full set is oldest is as good as random,
      // and a branch on it, mispredicted a few times a scan, cost a 12-way
      // miss twice the time of its key compares.
      const s = stamps[i];
      const older = (s - oldest) >> 31;
      victim ^= (victim ^ i) & older;
      oldest ^= (oldest ^ s) & older;
    }
    this.#missVictim = victim;
    this.#missKey = key;
    this.#missTag = tag;
    this.#missClock = this.#clock;
    return -1;
  }

  // lookup's scan over 64-bit keys, in a method of its own so that each
  // keeps one element type at its sites (as STYLE.md point 13 asks of call
  // sites): the 32-bit one compares integers.
  #lookupWide(page: number, key: number, tag: number): number {
    if (!this.#wide) this.#widen();
    const keys = this.keys;
    const h = this.#hintOf(page, tag);
    const hinted = this.#hints[h];
    if (keys[hinted] === key && this.tags[hinted] === tag && !this.#anyGlobal) {
      this.#stamp(hinted);
      return hinted;
    }
    const base = this.#base(page);
    const end = base + this.ways;
    const stamps = this.stamps;
    let victim = base;
    let oldest = stamps[base];
    for (let i = base; i < end; i++) {
      if (keys[i] === key && (this.tags[i] === tag || (this.flags[i] & TLB_GLOBAL) !== 0)) {
        this.#stamp(i);
        this.#hints[h] = i;
        return i;
      }
      // The first of the oldest slots, chosen by a mask rather than a
      // branch: which slot of a full set is oldest is as good as random,
      // and a branch on it, mispredicted a few times a scan, cost a 12-way
      // miss twice the time of its key compares.
      const s = stamps[i];
      const older = (s - oldest) >> 31;
      victim ^= (victim ^ i) & older;
      oldest ^= (oldest ^ s) & older;
    }
    this.#missVictim = victim;
    this.#missKey = key;
    this.#missTag = tag;
    this.#missClock = this.#clock;
    return -1;
  }

  /**
   * Runs accesses of `chunk` from index `from` through this TLB as 4K
   * lookups for as long as each is served without a set scan: a repeat of
   * the last page, or a hit through the page's slot hint. Stops at the
   * first access that straddles its page, or that needs more (a miss, a
   * hint that fails); that one and the rest are the caller's. Each access
   * taken counts as a hit and stamps its entry as `lookup` would.
   *
   * The hit path of a chunk loop, with the TLB's arrays and clock in locals
   * for a whole run of hits: a hit-dominated stream spends most of its time
   * there, and a call and a field load apiece cost it a fifth.
   * @param chunk the accesses
   * @param from the first access to take
   * @param run in and out: the last page, its tag, its slot (-1 when not
   *   known) and a count of hits, which each access taken adds one to
   * @returns the index of the first access not taken (`chunk.length` if all were)
   *
   * @example Two hits and a repeat, then a miss
   * ```ts
   * import { Tlb } from "./tlb.ts";
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * const tlb = new Tlb(64, 4);
   * tlb.insert(7, 0, 0, 70, 0);
   * tlb.insert(8, 0, 0, 80, 0);
   * const chunk = createAccessChunk(4);
   * chunk.vpn.set([7, 8, 8, 9]);
   * chunk.size.fill(8);
   * chunk.length = 4;
   * const run = Float64Array.of(-1, -1, -1, 0);
   * if (tlb.hitRun(chunk, 0, run) !== 3 || run[0] !== 8 || run[3] !== 3) throw new Error();
   * ```
   */
  hitRun(chunk: AccessChunk, from: number, run: Float64Array): number {
    // Widened keys are the lookup's to compare: the run's compares, of a
    // 32-bit key with the page's float key, then see one element type.
    if (this.#anyGlobal || this.entries === 0 || this.#wide) return from;
    // Stamps stay below 2^31: the clock is at most 2^30 here, and a run
    // takes fewer accesses than a chunk holds.
    if (this.#clock >= this.#clockLimit) this.#renumber();
    let lastVpn = run[0];
    let lastTag = run[1];
    let lastSlot = run[2];
    let hits = run[3];
    const { vpn, offset, size, space } = chunk;
    const n = chunk.length;
    const keys = this.keys as Int32Array;
    const tags = this.tags;
    const stamps = this.stamps;
    const hints = this.#hints;
    const mask = this.#hintMask;
    let clock = this.#clock;
    let i = from;
    for (; i < n; i++) {
      if (offset[i] + size[i] > 4096) break;
      const page = vpn[i];
      const tag = space[i];
      if (page === lastVpn && tag === lastTag) {
        hits++;
        continue;
      }
      const s = hints[((page >>> 0) ^ tag) & mask];
      if (keys[s] === page * 4 && tags[s] === tag) {
        stamps[s] = ++clock;
        hits++;
        lastVpn = page;
        lastTag = tag;
        lastSlot = s;
        continue;
      }
      break;
    }
    this.#clock = clock;
    run[0] = lastVpn;
    run[1] = lastTag;
    run[2] = lastSlot;
    run[3] = hits;
    return i;
  }

  /** Like {@linkcode Tlb.lookup} but leaves the LRU order alone. */
  probe(page: number, size: number, tag: number): number {
    if (this.entries === 0) return -1;
    const base = this.#base(page);
    const key = page * 4 + size;
    for (let i = base; i < base + this.ways; i++) {
      if (this.keys[i] === key && (this.tags[i] === tag || (this.flags[i] & TLB_GLOBAL) !== 0)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Inserts or refreshes an entry, evicting the set's least recently used
   * entry when the set is full.
   * @returns the slot written, or -1 when the TLB is disabled
   */
  insert(page: number, size: number, tag: number, value: number, flags: number): number {
    if (this.entries === 0) return -1;
    const key = page * 4 + size;
    if (key >= 2147483648 && !this.#wide) this.#widen();
    const keys = this.keys;
    let victim: number;
    if (this.#missClock === this.#clock && this.#missKey === key && this.#missTag === tag) {
      victim = this.#missVictim;
    } else if (this.#wide) victim = this.#victimWide(key, tag, this.#base(page));
    else victim = this.#victim(key | 0, tag, this.#base(page));
    if (keys[victim] >= 0) this.sizeCounts[keys[victim] & 3]--;
    else {
      const filled = this.#filledCount;
      if (filled < this.entries) this.#filledSlots[filled] = victim;
      this.#filledCount = filled + 1;
    }
    keys[victim] = key;
    this.sizeCounts[size]++;
    this.tags[victim] = tag;
    this.values[victim] = value;
    this.flags[victim] = flags;
    this.#stamp(victim);
    if ((flags & TLB_GLOBAL) !== 0) this.#anyGlobal = true;
    this.#hints[this.#hintOf(page, tag)] = victim;
    return victim;
  }

  /**
   * The slot an insert of `key` and `tag` takes in the set from `base`: the
   * entry it refreshes, else the first empty slot, else the least recently
   * used.
   */
  #victim(key: number, tag: number, base: number): number {
    const keys = this.keys as Int32Array;
    const stamps = this.stamps;
    const end = base + this.ways;
    let victim = base;
    let oldest = stamps[base];
    for (let i = base; i < end; i++) {
      if (keys[i] === key && this.tags[i] === tag) return i;
      // A mask, not a branch, as in lookup.
      const s = stamps[i];
      const older = (s - oldest) >> 31;
      victim ^= (victim ^ i) & older;
      oldest ^= (oldest ^ s) & older;
    }
    return victim;
  }

  /** `#victim` over 64-bit keys (see `#lookupWide`). */
  #victimWide(key: number, tag: number, base: number): number {
    const keys = this.keys;
    const stamps = this.stamps;
    const end = base + this.ways;
    let victim = base;
    let oldest = stamps[base];
    for (let i = base; i < end; i++) {
      if (keys[i] === key && this.tags[i] === tag) return i;
      // A mask, not a branch, as in lookup.
      const s = stamps[i];
      const older = (s - oldest) >> 31;
      victim ^= (victim ^ i) & older;
      oldest ^= (oldest ^ s) & older;
    }
    return victim;
  }

  /** Marks `slot` most recently used. */
  #stamp(slot: number): void {
    const now = ++this.#clock;
    this.stamps[slot] = now;
    if (now >= this.#clockLimit) this.#renumber();
  }

  /**
   * Renumbers every set's stamps 1, 2, ... in the order they stand, and
   * sets the clock back to the highest: LRU compares the stamps of one set
   * only, so every choice stays the same, while the stamps stay small
   * enough for the victim scan's 32-bit subtraction.
   */
  #renumber(): void {
    const stamps = this.stamps;
    const ways = this.ways;
    // Slots of a set in order of their stamps, empty ones (−1) first; a
    // sort, so that a fully associative TLB of many entries renumbers in
    // n log n, once every 2^30 uses.
    const order = Array.from({ length: ways }, (_, i) => i);
    let clock = 0;
    for (let base = 0; base < this.entries; base += ways) {
      order.sort((a, b) => stamps[base + a] - stamps[base + b]);
      let rank = 0;
      for (const way of order) if (stamps[base + way] >= 0) stamps[base + way] = ++rank;
      if (rank > clock) clock = rank;
    }
    this.#clock = clock;
    this.#missClock = -1;
  }

  /** Empties one slot. */
  invalidate(slot: number): void {
    const k = this.keys[slot];
    if (k < 0) return;
    this.sizeCounts[k & 3]--;
    this.keys[slot] = -1;
    this.stamps[slot] = -1;
    this.#missClock = -1;
  }

  /** Empties the whole TLB (a full flush, e.g. CR3 load without PCID). */
  flushAll(): void {
    const filled = this.#filledCount;
    if (filled * 4 <= this.entries) {
      const keys = this.keys;
      const stamps = this.stamps;
      const slots = this.#filledSlots;
      for (let i = 0; i < filled; i++) {
        keys[slots[i]] = -1;
        stamps[slots[i]] = -1;
      }
    } else {
      this.keys.fill(-1);
      this.stamps.fill(-1);
    }
    this.#filledCount = 0;
    this.sizeCounts.fill(0);
    this.#anyGlobal = false;
    this.#missClock = -1;
  }

  /** Empties every entry that is not global (a CR3 load that keeps global pages). */
  flushNonGlobal(): void {
    for (let i = 0; i < this.entries; i++) {
      if ((this.flags[i] & TLB_GLOBAL) === 0) this.invalidate(i);
    }
  }

  /** Empties every non-global entry of one address-space tag (INVPCID single-context). */
  flushTag(tag: number): void {
    for (let i = 0; i < this.entries; i++) {
      if (this.tags[i] === tag && (this.flags[i] & TLB_GLOBAL) === 0) this.invalidate(i);
    }
  }

  /**
   * Empties the entries of any page size that cover 4 KiB page `vpn` in
   * `tag`, global ones included (INVLPG).
   */
  flushPage(vpn: number, tag: number): void {
    if (this.entries === 0) return;
    for (let size = 0; size < 3; size++) {
      if (this.sizeCounts[size] === 0) continue;
      const slot = this.probe(Math.floor(vpn / SPAN[size]), size, tag);
      if (slot >= 0) this.invalidate(slot);
    }
  }

  /**
   * Empties the entries of `tag` (and global ones) of any page size that
   * overlap the `pages` 4 KiB pages from `vpn`: what INVLPG of a guest large
   * page must drop when its translations were cached as smaller pieces.
   *
   * @example
   * ```ts
   * import { Tlb } from "./tlb.ts";
   * const tlb = new Tlb(64, 4);
   * for (let p = 0; p < 512; p += 100) tlb.insert(512 + p, 0, 1, p, 0);
   * tlb.flushRange(512, 512, 1);
   * if (tlb.count() !== 0) throw new Error();
   * ```
   */
  flushRange(vpn: number, pages: number, tag: number): void {
    if (this.entries === 0) return;
    if (pages <= this.ways) {
      for (let p = 0; p < pages; p++) this.flushPage(vpn + p, tag);
      return;
    }
    const end = vpn + pages;
    for (let i = 0; i < this.entries; i++) {
      const k = this.keys[i];
      if (k < 0 || (this.tags[i] !== tag && (this.flags[i] & TLB_GLOBAL) === 0)) continue;
      const size = k & 3;
      const first = ((k - size) / 4) * SPAN[size];
      if (first < end && first + SPAN[size] > vpn) this.invalidate(i);
    }
  }

  /** Number of valid entries. */
  count(): number {
    return this.sizeCounts[0] + this.sizeCounts[1] + this.sizeCounts[2];
  }
}
