/**
 * The nested TLB of a 2-D walker: guest-physical → host-physical
 * translations of the frames the walk touches (guest table pages and the
 * data page), at the size of the host leaf that mapped each.
 *
 * @module
 */

import { LEVEL_SPAN } from "./page_table.ts";

/** 512^−size: the page of a 4 KiB frame in pages of `size` is `floor(frame × this)`, exactly. */
const PAGE_SCALE: Float64Array = Float64Array.from([1, 2 ** -9, 2 ** -18]);

/**
 * A set-associative, true-LRU cache of host translations, holding exactly
 * what a {@linkcode Tlb} of the same geometry would if every lookup tried
 * the sizes it holds from 4K up and every fill keyed a frame's page by its
 * size (tests check it against the reference TLB). Each set keeps its
 * entries in order of last use, most recent first: a hit moves its entry to
 * the front, a fill takes the set's first empty slot or else its last (the
 * least recently used) and puts the new entry in front, so no time stamps
 * and no search for the oldest.
 *
 * @example A 2M host page serves every frame inside it
 * ```ts
 * import { NestedTlb } from "./nested_tlb.ts";
 * const ntlb = new NestedTlb(16, 16);
 * ntlb.insert(0x40123, 1, 0x80123); // host leaf of 2M: frame 0x40123 lies in it
 * if (ntlb.translate(0x40005) !== 0x80005 || ntlb.size !== 1) throw new Error();
 * if (ntlb.translate(0x40205) !== -1) throw new Error("the next 2M page");
 * ```
 */
export class NestedTlb {
  /** Total entries; 0 disables the cache (every lookup misses). */
  readonly entries: number;
  /** Size code of the host page the last hit of {@linkcode NestedTlb.translate} was cached at. */
  size = 0;
  #ways: number;
  #sets: number;
  #mask: number;
  // Per slot: page * 4 + size (the page in units of its size), or −1 when empty.
  #keys: Float64Array;
  // Per slot: the host frame of the page's first 4 KiB frame.
  #values: Float64Array;
  // Valid entries per size code, so that lookups skip sizes not held.
  #sizeCounts: Int32Array = new Int32Array(3);
  // The frame the last translate missed (−1: none since, or a fill or flush
  // came between): its fill needs no search, the page being absent at any size.
  #missed = -1;

  /**
   * Creates an empty nested TLB.
   * @param entries total entries, a multiple of `ways`; 0 disables it
   * @param ways associativity; `ways === entries` is fully associative
   */
  constructor(entries: number, ways: number) {
    if (!Number.isInteger(entries) || entries < 0) {
      throw new RangeError(`nested TLB entries must be a non-negative integer, got ${entries}`);
    }
    if (entries > 0 && (!Number.isInteger(ways) || ways < 1 || entries % ways !== 0)) {
      throw new RangeError(`nested TLB ways must divide entries (${entries}), got ${ways}`);
    }
    this.entries = entries;
    this.#ways = entries === 0 ? 1 : ways;
    this.#sets = entries === 0 ? 0 : entries / ways;
    this.#mask = (this.#sets & (this.#sets - 1)) === 0 ? this.#sets - 1 : -1;
    this.#keys = new Float64Array(entries).fill(-1);
    this.#values = new Float64Array(entries);
  }

  /** First slot of the set of `page`. */
  #base(page: number): number {
    return (this.#mask >= 0 ? (page >>> 0) & this.#mask : page % this.#sets) * this.#ways;
  }

  /**
   * The host frame of guest-physical 4 KiB frame `frame`, trying the 4K,
   * 2M and 1G entries held in turn; a hit becomes the most recently used
   * entry of its set and sets {@linkcode NestedTlb.size}.
   * @returns the host 4 KiB frame, or −1 on a miss
   */
  translate(frame: number): number {
    if (this.entries === 0) return -1;
    const counts = this.#sizeCounts;
    // A host of 4 KiB pages holds nothing else: one scan, no loop over sizes.
    if (counts[1] === 0 && counts[2] === 0) {
      const host = this.#translateAt(frame, 0, frame);
      if (host < 0) this.#missed = frame;
      return host;
    }
    for (let size = 0; size < 3; size++) {
      if (counts[size] === 0) continue;
      const page = size === 0 ? frame : Math.floor(frame * PAGE_SCALE[size]);
      const host = this.#translateAt(frame, size, page);
      if (host >= 0) return host;
    }
    this.#missed = frame;
    return -1;
  }

  /** {@linkcode NestedTlb.translate} through the entry for `page` of `size`, if held; −1 if not. */
  #translateAt(frame: number, size: number, page: number): number {
    const keys = this.#keys;
    const key = page * 4 + size;
    const base = this.#base(page);
    const end = base + this.#ways;
    for (let i = base; i < end; i++) {
      if (keys[i] === key) {
        const first = this.#values[i];
        this.#toFront(base, i, key, first);
        this.size = size;
        this.#missed = -1;
        return first + (frame - page * LEVEL_SPAN[size]);
      }
    }
    return -1;
  }

  /**
   * Caches that guest-physical frame `frame` lies in a host page of `size`
   * whose frame `frame` maps to `host`.
   */
  insert(frame: number, size: number, host: number): void {
    if (this.entries === 0) return;
    const page = size === 0 ? frame : Math.floor(frame * PAGE_SCALE[size]);
    const key = page * 4 + size;
    const base = this.#base(page);
    const end = base + this.#ways;
    const keys = this.#keys;
    // As a TLB fill: the entry already holding the page, else the last one
    // (the least recently used, or empty: nothing is emptied but whole
    // sets, so empty slots are always a set's last).
    let slot = end - 1;
    if (frame !== this.#missed) {
      for (let i = base; i < end; i++) {
        if (keys[i] === key) {
          slot = i;
          break;
        }
      }
    }
    this.#missed = -1;
    const old = keys[slot];
    if (old >= 0) this.#sizeCounts[old & 3]--;
    this.#sizeCounts[size]++;
    this.#toFront(base, slot, key, host - (frame - page * LEVEL_SPAN[size]));
  }

  /** Drops slot `slot` of the set at `base`, moves the ones before it back a way, and puts the entry in front. */
  #toFront(base: number, slot: number, key: number, first: number): void {
    const keys = this.#keys;
    const values = this.#values;
    for (let i = slot; i > base; i--) {
      keys[i] = keys[i - 1];
      values[i] = values[i - 1];
    }
    keys[base] = key;
    values[base] = first;
  }

  /** Empties the nested TLB. */
  flushAll(): void {
    this.#keys.fill(-1);
    this.#sizeCounts.fill(0);
    this.#missed = -1;
  }
}
