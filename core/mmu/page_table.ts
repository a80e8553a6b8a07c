/**
 * A radix page table (x86-64 style, 4 or 5 levels, 512 entries a table) held
 * in flat typed arrays that stand for the physical memory its table pages
 * occupy. Each table page has a physical frame, so a walk knows the address
 * of every entry it reads — which a 2-D walk must translate and a PTE cache
 * must index.
 *
 * Levels are numbered from the leaf up: level 1 holds 4 KiB leaves (PT),
 * level 2 may hold 2 MiB leaves (PD), level 3 1 GiB leaves (PDPT), level 4 is
 * the PML4 and level 5 the PML5.
 *
 * @module
 */

import type { FrameAllocator } from "../mem/frame_allocator.ts";
import { PageSize, spanOffset } from "../base/page_size.ts";

/** Entry flag: the entry is present. */
export const PTE_PRESENT = 1;
/** Entry flag: writes allowed through this entry. */
export const PTE_WRITABLE = 2;
/** Entry flag: the entry maps a page (a leaf) rather than pointing to a table. */
export const PTE_LEAF = 4;
/** Entry flag: accessed bit, set by walks. */
export const PTE_ACCESSED = 8;
/** Entry flag: dirty bit, set by writes through a leaf. */
export const PTE_DIRTY = 16;
/** Entry flag: global page (survives CR3 loads). */
export const PTE_GLOBAL = 32;

/** Entries per table page. */
export const ENTRIES_PER_TABLE = 512;

/** 4 KiB pages spanned by one entry at each level (index = level − 1). */
export const LEVEL_SPAN: readonly number[] = [1, 512, 262144, 134217728, 68719476736];

/**
 * Per level (1 to 3, where leaves may sit): the mask of the 4 KiB page
 * number's bits that select the 4 KiB page inside a leaf of that level.
 */
export const LEAF_OFFSET_MASK: Int32Array = Int32Array.from([0, 0, 511, 262143, 0, 0]);

/**
 * Most slots of a table's cache of its tables of 4K leaves (see
 * `PageTable.knownLeaves`): 8 GiB of 4 KiB pages without a conflict.
 */
const LEAF_SLOTS_MAX = 4096;

/** Largest entry value a table keeps in 32 bits. */
const INT32_ENTRY_MAX = 0x7fffffff;

/** Thrown when a mapping request conflicts with the table's current contents. */
export class MappingError extends Error {
  /**
   * Creates the error.
   * @param message what conflicts
   */
  constructor(message: string) {
    super(message);
    this.name = "MappingError";
  }
}

/**
 * Radix index of 4 KiB page number `vpn` at `level`, from its low and high
 * 32-bit halves (`lo = vpn >>> 0`, `hi = (vpn - lo) / 2 ** 32`), so no float
 * modulo is needed on the walk path.
 *
 * @example
 * ```ts
 * import { radixIndex } from "./page_table.ts";
 * const vpn = 0x123456789; // 36-bit page number
 * const lo = vpn >>> 0, hi = (vpn - lo) / 2 ** 32;
 * if (radixIndex(lo, hi, 4) !== Math.floor(vpn / 2 ** 27) % 512) throw new Error();
 * ```
 */
export function radixIndex(lo: number, hi: number, level: number): number {
  switch (level) {
    case 1:
      return lo & 511;
    case 2:
      return (lo >>> 9) & 511;
    case 3:
      return (lo >>> 18) & 511;
    case 4:
      return ((lo >>> 27) | (hi << 5)) & 511;
    default:
      return (hi >>> 4) & 511;
  }
}

/**
 * A radix page table whose table pages live in simulated physical memory.
 *
 * @example Map a 2 MiB page and translate an address inside it
 * ```ts
 * import { PageTable } from "./page_table.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { PageSize } from "../base/page_size.ts";
 * const table = new PageTable(4, new BumpFrameAllocator());
 * table.map(0x200, 0x40000, PageSize.SIZE_2M, 0);
 * if (table.translate(0x203) !== 0x40003) throw new Error();
 * ```
 */
export class PageTable {
  /** Radix depth: 4 or 5. */
  readonly levels: number;
  /**
   * Per entry: child table id (non-leaf) or first 4 KiB frame of the page
   * (leaf). Held in 32 bits while every value fits (frames below 2^31, 8 TiB):
   * a walk's leaf entry is a cache miss, and half the bytes per entry make
   * it a nearer one (with 1 Mi leaves, a 4 MiB array instead of 8 MiB).
   * Widened to 64-bit floats, in place, the first time a larger frame is
   * written: only the element type changes, never a value.
   */
  entries: Int32Array | Float64Array;
  /** Per entry: `PTE_*` flags. */
  flags: Uint8Array;
  /** Per table id: physical 4 KiB frame holding the table page. */
  tableFrame: Float64Array;
  /** Per table id: its level. */
  tableLevel: Uint8Array;
  // Per table id: one past the highest entry ever written present. The
  // entries from there on are absent, so a fill of them need not read
  // them: a table's memory is fresh until written, and the first read of a
  // fresh page of memory maps the zero page, which the write after it must
  // fault out again. Entries made absent later only make this an upper bound.
  #filled: Uint16Array;
  // Indices of the last-level entries readAhead reads, grown to its longest window.
  #ahead: Int32Array | null = null;
  /** Table id of the root (always 0). */
  readonly root = 0;
  /** Table pages allocated. */
  tableCount = 0;
  /** Table pages released by {@linkcode PageTable.collapse} (their ids are not reused). */
  releasedTables = 0;
  /** Page size of the leaf found by the last {@linkcode PageTable.translate}. */
  lastSize: PageSize = PageSize.SIZE_4K;
  #frames: FrameAllocator;
  // Tables of 4K leaves that lookups, mappings and walks reached, by the
  // 512 pages each maps, in a direct-mapped cache of (key, table) pairs:
  // pages met again skip the descent (populating, a hypervisor backing
  // guest memory, a walk that no walk cache or line cache sees). A key
  // holds the page number ÷ 512 (23 bits: pages below 2^32, 16 TiB, are
  // cached) and, from bit 23, an epoch of 1 to 255: a table unlinked
  // forgets every slot by a new epoch (all of them cleared once in 255
  // times), and an empty slot (0) matches no key. Entries written from
  // outside only ever clear or flag leaves, which leaves every path to a
  // table of leaves as it was. One slot per table page the arrays hold room
  // for, up to LEAF_SLOTS_MAX: a table of a small address space (there may
  // be thousands) keeps a small cache.
  #leaves: Int32Array;
  #leafMask: number;
  #epoch = 1 << 23;

  /**
   * Creates an empty table: only its root page is allocated.
   * @param levels 4 or 5
   * @param frames where table pages get their physical frames
   */
  constructor(levels: number, frames: FrameAllocator) {
    if (levels !== 4 && levels !== 5) throw new RangeError(`levels must be 4 or 5, got ${levels}`);
    this.levels = levels;
    this.#frames = frames;
    const capacity = 16;
    this.entries = new Int32Array(capacity * ENTRIES_PER_TABLE);
    this.flags = new Uint8Array(capacity * ENTRIES_PER_TABLE);
    this.tableFrame = new Float64Array(capacity);
    this.tableLevel = new Uint8Array(capacity);
    this.#filled = new Uint16Array(capacity);
    this.#leaves = new Int32Array(2 * capacity);
    this.#leafMask = capacity - 1;
    this.#newTable(levels);
  }

  /** Bytes of memory the table pages occupy. */
  get bytes(): number {
    return (this.tableCount - this.releasedTables) * 4096;
  }

  #newTable(level: number): number {
    if (this.tableCount === this.tableFrame.length) this.#grow(this.tableFrame.length * 2);
    const id = this.tableCount++;
    this.#fit(id);
    this.tableFrame[id] = this.#frames.alloc(PageSize.SIZE_4K);
    this.tableLevel[id] = level;
    return id;
  }

  /**
   * Makes room for `tables` more table pages at once, where a caller knows
   * it will create many: growing one doubling at a time, a big table spends
   * more time copying itself than being filled.
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.reserve(1000);
   * if (table.tableFrame.length < 1001) throw new Error();
   * ```
   */
  reserve(tables: number): void {
    const needed = Math.ceil(this.tableCount + tables);
    if (needed > this.tableFrame.length) this.#grow(Math.max(needed, this.tableFrame.length * 2));
  }

  /** Room for `capacity` table pages (more than now), their contents kept. */
  #grow(capacity: number): void {
    const entries = this.entries instanceof Int32Array
      ? new Int32Array(capacity * ENTRIES_PER_TABLE)
      : new Float64Array(capacity * ENTRIES_PER_TABLE);
    entries.set(this.entries);
    this.entries = entries;
    const flags = new Uint8Array(capacity * ENTRIES_PER_TABLE);
    flags.set(this.flags);
    this.flags = flags;
    const tableFrame = new Float64Array(capacity);
    tableFrame.set(this.tableFrame);
    this.tableFrame = tableFrame;
    const tableLevel = new Uint8Array(capacity);
    tableLevel.set(this.tableLevel);
    this.tableLevel = tableLevel;
    const filled = new Uint16Array(capacity);
    filled.set(this.#filled);
    this.#filled = filled;
    // A larger cache starts empty: it only saves descents.
    const slots = Math.min(2 ** Math.floor(Math.log2(capacity)), LEAF_SLOTS_MAX);
    if (slots > this.#leafMask + 1) {
      this.#leaves = new Int32Array(2 * slots);
      this.#leafMask = slots - 1;
    }
  }

  /** Records that entry `e` (an index into the entries) is now present. */
  #wrote(e: number): void {
    const table = e >>> 9;
    const end = (e & 511) + 1;
    if (end > this.#filled[table]) this.#filled[table] = end;
  }

  /** Makes room for entry value `value` (a frame): 32 bits while it fits. */
  #fit(value: number): void {
    if (value > INT32_ENTRY_MAX && this.entries instanceof Int32Array) {
      this.entries = Float64Array.from(this.entries);
    }
  }

  /**
   * Maps the page of `size` starting at 4 KiB page `vpn` (aligned to `size`)
   * to the frame starting at `frame` (aligned to `size`), creating tables on
   * the way. Replaces an existing leaf of the same size.
   * @throws MappingError if a leaf of another size covers the page, or a table sits where a large leaf must go
   */
  map(vpn: number, frame: number, size: PageSize, flags: number): void {
    const span = LEVEL_SPAN[size];
    if (spanOffset(vpn, span) !== 0 || spanOffset(frame, span) !== 0) {
      throw new MappingError(`page ${vpn} or frame ${frame} is not aligned to its size`);
    }
    if (vpn < 0 || vpn >= LEVEL_SPAN[this.levels - 1] * 512) {
      throw new MappingError(`page ${vpn} is outside a ${this.levels}-level address space`);
    }
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    const leafLevel = size + 1;
    let table = this.root;
    const known = leafLevel === 1 ? this.knownLeaves(lo, hi) : -1;
    if (known >= 0) table = known;
    else {
      for (let level = this.levels; level > leafLevel; level--) {
        const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
        const f = this.flags[e];
        if ((f & PTE_PRESENT) === 0) {
          const child = this.#newTable(level - 1);
          this.entries[e] = child;
          this.flags[e] = PTE_PRESENT | PTE_WRITABLE;
          this.#wrote(e);
          table = child;
        } else if ((f & PTE_LEAF) !== 0) {
          throw new MappingError(`page ${vpn} lies inside a larger page mapped at level ${level}`);
        } else {
          table = this.entries[e];
        }
      }
      if (leafLevel === 1) this.#remember(lo, hi, table);
    }
    const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, leafLevel);
    const f = this.flags[e];
    if ((f & PTE_PRESENT) !== 0 && (f & PTE_LEAF) === 0) {
      throw new MappingError(`page ${vpn}: a table is mapped where a ${size} leaf should go`);
    }
    this.#fit(frame);
    this.entries[e] = frame;
    this.flags[e] = (flags | PTE_PRESENT | PTE_LEAF) & 0xff;
    this.#wrote(e);
  }

  /**
   * Maps `count` pages of `size` from `first` (aligned to `size`), in
   * address order, each to the next frame of `frames` — the table and frames
   * that many {@linkcode PageTable.map} calls with `frames.alloc(size)` would
   * give, one page after another (a page's frame is taken before the tables
   * its mapping creates), but with one descent per table of leaves instead
   * of one per page: what populating a process's memory needs. Pages mapped
   * already keep their mapping, and so do larger leaves covering some.
   * @returns pages mapped by this call
   * @throws MappingError if `first` is misaligned, the range leaves the
   *   address space, or a table sits where a leaf of `size` must go
   *
   * @example 1,024 4K pages: the same as mapping them one by one
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const bulkFrames = new BumpFrameAllocator();
   * const bulk = new PageTable(4, bulkFrames);
   * bulk.mapRange(0x10000, 1024, 0, 2, bulkFrames);
   * const frames = new BumpFrameAllocator();
   * const one = new PageTable(4, frames);
   * for (let p = 0; p < 1024; p++) one.map(0x10000 + p, frames.alloc(0), 0, 2);
   * if (bulk.tableCount !== one.tableCount || bulk.translate(0x103ff) !== one.translate(0x103ff)) {
   *   throw new Error();
   * }
   * ```
   */
  mapRange(
    first: number,
    count: number,
    size: PageSize,
    flags: number,
    frames: FrameAllocator,
  ): number {
    const span = LEVEL_SPAN[size];
    const end = first + count * span;
    if (spanOffset(first, span) !== 0) {
      throw new MappingError(`page ${first} is not aligned to its size`);
    }
    if (first < 0 || end > LEVEL_SPAN[this.levels - 1] * 512) {
      throw new MappingError(
        `pages ${first} to ${end - 1} leave a ${this.levels}-level address space`,
      );
    }
    const leafLevel = size + 1;
    const tableSpan = span * ENTRIES_PER_TABLE;
    // The tables of leaves the range may need, and the few above them.
    this.reserve(count / ENTRIES_PER_TABLE * 1.01 + this.levels + 1);
    const leafFlags = (flags | PTE_PRESENT | PTE_LEAF) & 0xff;
    let mapped = 0;
    let page = first;
    while (page < end) {
      const lo = page >>> 0;
      const hi = (page - lo) / 4294967296;
      let table = this.root;
      let level = this.levels;
      let cover = 0;
      for (; level > leafLevel; level--) {
        const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
        const f = this.flags[e];
        if ((f & PTE_PRESENT) === 0) break;
        if ((f & PTE_LEAF) !== 0) {
          cover = LEVEL_SPAN[level - 1];
          break;
        }
        table = this.entries[e];
      }
      if (cover > 0) {
        // A larger leaf covers the page: on past it.
        page = page - spanOffset(page, cover) + cover;
        continue;
      }
      if (level > leafLevel) {
        // Tables are missing: this page's mapping creates them, after its frame.
        this.map(page, frames.alloc(size), size, flags);
        mapped++;
        page += span;
        continue;
      }
      // The table of leaves is there: fill it up to its end or the range's.
      const stop = Math.min(end, page - spanOffset(page, tableSpan) + tableSpan);
      let entries = this.entries;
      const entryFlags = this.flags;
      let e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, leafLevel);
      // Frames come a run at a time where the allocator can hand them out
      // so, never more than the pages left to map (those present are skipped).
      let next = 0;
      let run = 0;
      let absent = 0;
      const last = e + (stop - page) / span;
      // Entries from `known` on have never been written: absent, and left
      // unread where the allocator hands out runs (populating's bump allocator).
      const known = frames.allocRun === undefined
        ? last
        : Math.max(e, Math.min(last, table * ENTRIES_PER_TABLE + this.#filled[table]));
      if (frames.allocRun !== undefined) {
        for (let k = e; k < known; k++) if ((entryFlags[k] & PTE_PRESENT) === 0) absent++;
        absent += last - known;
      }
      for (; e < known; page += span, e++) {
        const f = entryFlags[e];
        if ((f & PTE_PRESENT) !== 0) {
          if ((f & PTE_LEAF) === 0) {
            throw new MappingError(
              `page ${page}: a table is mapped where a ${size} leaf should go`,
            );
          }
          continue;
        }
        let frame: number;
        if (frames.allocRun === undefined) frame = frames.alloc(size);
        else {
          if (run === 0) {
            next = frames.allocRun(size, absent);
            run = frames.runLength!;
            absent -= run;
          }
          frame = next;
          next += span;
          run--;
        }
        if (frame > INT32_ENTRY_MAX) {
          this.#fit(frame);
          entries = this.entries;
        }
        entries[e] = frame;
        entryFlags[e] = leafFlags;
        mapped++;
      }
      if (e === last) continue;
      mapped += last - e;
      this.#filled[table] = last - table * ENTRIES_PER_TABLE;
      page = stop;
      // The rest in runs (only run allocators leave any), the frame of the
      // run's last page fitted once.
      while (e < last) {
        if (run === 0) {
          next = frames.allocRun!(size, absent);
          run = frames.runLength!;
          absent -= run;
        }
        if (next + (run - 1) * span > INT32_ENTRY_MAX) {
          this.#fit(next + (run - 1) * span);
          entries = this.entries;
        }
        for (; run > 0; run--, e++, next += span) {
          entries[e] = next;
          entryFlags[e] = leafFlags;
        }
      }
    }
    return mapped;
  }

  /**
   * Finds the leaf entry covering `vpn`.
   * @returns the entry index into {@linkcode PageTable.entries}, or -1 if unmapped
   */
  leafEntry(vpn: number): number {
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    const known = this.knownLeaves(lo, hi);
    if (known >= 0) {
      const e = known * ENTRIES_PER_TABLE + (lo & 511);
      if ((this.flags[e] & PTE_PRESENT) === 0) return -1;
      this.lastSize = PageSize.SIZE_4K;
      return e;
    }
    let table = this.root;
    for (let level = this.levels; level >= 1; level--) {
      if (level === 1) this.#remember(lo, hi, table);
      const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
      const f = this.flags[e];
      if ((f & PTE_PRESENT) === 0) return -1;
      if ((f & PTE_LEAF) !== 0) {
        this.lastSize = (level - 1) as PageSize;
        return e;
      }
      table = this.entries[e];
    }
    return -1;
  }

  /**
   * Writes to `out[0]` to `out[to - from - 1]` the index of the level-1
   * entry that a walk of each 4 KiB page `pages[from]` to `pages[to - 1]`
   * reads; where a walk stops above level 1 (an entry on the way absent or
   * a large leaf), some entry of a table that exists, a harmless read. For
   * a prefetch pass in software (a walker's `prefetch`), which wants many
   * of these entries' cache misses in flight at once: the descent reads the
   * upper levels without a branch on what they hold (a branch there would
   * be mispredicted wherever mapped and unmapped pages mix, and would wait
   * for the miss before it), and a page of the same 16 as the one before
   * it takes that one's table without a descent (a sequential or strided
   * stream). Writes nothing in the table.
   * @returns how many descents it made: few for many pages, a stream in
   *   order, whose lines the host's own prefetcher brings
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x1234, 7, 0, 0);
   * const out = new Int32Array(2);
   * table.lastLevelEntries(Float64Array.of(0x1234, 0x99999), 0, 2, out);
   * if (table.entries[out[0]] !== 7) throw new Error();
   * if (out[1] >= table.tableCount * 512) throw new Error("a harmless entry is in the tables");
   * ```
   */
  lastLevelEntries(pages: Float64Array, from: number, to: number, out: Int32Array): number {
    const entries = this.entries;
    const flags = this.flags;
    const five = this.levels === 5;
    let descents = 0;
    let group = -1;
    let base = 0;
    for (let i = from; i < to; i++) {
      const page = pages[i];
      const lo = page >>> 0;
      // The page's group of 16, exact at any width.
      const first = page - (lo & 15);
      if (first !== group) {
        group = first;
        descents++;
        const hi = (page - lo) / 4294967296;
        const known = this.knownLeaves(lo, hi);
        if (known >= 0) {
          base = known * 512;
          out[i - from] = base + (lo & 511);
          continue;
        }
        // Each step: the next table where the entry points to one (present,
        // not a leaf), else the root, by a mask: all ones where the flags
        // hold present without leaf, else 0.
        let e = ((lo >>> 27) | (hi << 5)) & 511;
        if (five) {
          const top = (hi >>> 4) & 511;
          const f = flags[top];
          e += (entries[top] & ((((f & 5) ^ 1) - 1) >> 31)) * 512;
        }
        let f = flags[e];
        e = (entries[e] & ((((f & 5) ^ 1) - 1) >> 31)) * 512 + ((lo >>> 18) & 511);
        f = flags[e];
        e = (entries[e] & ((((f & 5) ^ 1) - 1) >> 31)) * 512 + ((lo >>> 9) & 511);
        f = flags[e];
        base = (entries[e] & ((((f & 5) ^ 1) - 1) >> 31)) * 512;
      }
      out[i - from] = base + (lo & 511);
    }
    return descents;
  }

  /**
   * Reads the entries and flags at indices `at[0]` to `at[count - 1]`.
   * @returns a sum of what was read, for the caller to keep, so that the
   *   reads are not optimized away
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x1234, 7, 0, 0);
   * const at = new Int32Array(1);
   * table.lastLevelEntries(Float64Array.of(0x1234), 0, 1, at);
   * if (table.readEntries(at, 1) !== 7 + table.flags[at[0]]) throw new Error();
   * ```
   */
  readEntries(at: Int32Array, count: number): number {
    const entries = this.entries;
    const flags = this.flags;
    let sum = 0;
    for (let i = 0; i < count; i++) sum += flags[at[i]] + entries[at[i]];
    return sum;
  }

  /**
   * Reads the last-level entries (and flags) that walks of the 4 KiB pages
   * `pages[from]` to `pages[to - 1]` would read, for a walker's `prefetch`
   * (a prefetch in software): their indices by
   * {@linkcode PageTable.lastLevelEntries}, then the reads by
   * {@linkcode PageTable.readEntries}, each in a tight loop of its own so
   * that many misses are in flight at once. Pages in order (a descent for 8
   * pages or more) are left alone: the host's own prefetcher brings their
   * lines.
   * @returns a sum of what was read (0 when nothing was), for the caller to
   *   keep, so that the reads are not optimized away
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x1234, 7, 0, 0);
   * if (table.readAhead(Float64Array.of(0x1234), 0, 1) === 0) throw new Error("one page, read");
   * ```
   */
  readAhead(pages: Float64Array, from: number, to: number): number {
    const count = to - from;
    let at = this.#ahead;
    if (at === null || at.length < count) at = this.#ahead = new Int32Array(Math.max(count, 256));
    if (this.lastLevelEntries(pages, from, to, at) * 8 <= count) return 0;
    return this.readEntries(at, count);
  }

  /**
   * Tells the table that `table` is the table of 4K leaves for the 512 pages
   * around 4 KiB page `vpn`, as a walk that just descended to it knows: a
   * mapping or lookup of those pages that follows (the first-touch mapping
   * of an entry the walk found not present) then skips the descent. `table`
   * must be linked on that path (a walk's word for it, not a guess).
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x1200, 7, 0, 0); // creates the table of leaves for pages 0x1200-0x13ff
   * const leaves = table.tableCount - 1;
   * table.map(0x999000, 8, 0, 0); // elsewhere
   * table.atLeafTable(0x1234, leaves);
   * table.map(0x1234, 9, 0, 0);
   * if (table.translate(0x1234) !== 9) throw new Error();
   * ```
   */
  atLeafTable(vpn: number, table: number): void {
    const lo = vpn >>> 0;
    this.#remember(lo, (vpn - lo) / 4294967296, table);
  }

  /**
   * The table of 4K leaves for the 512 pages around 4 KiB page `lo + hi *
   * 2^32`, where a lookup, a mapping or a walk (by
   * {@linkcode PageTable.atLeafTable}) reached it since the last table was
   * unlinked and nothing has taken its slot of the cache since; else -1
   * (it may still be there: a descent finds out).
   * @param lo the page number's low 32 bits (`vpn >>> 0`)
   * @param hi its high bits (`(vpn - lo) / 2 ** 32`)
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x1200, 7, 0, 0);
   * const leaves = table.knownLeaves(0x1234, 0);
   * if (table.entries[leaves * 512 + 0x34] !== 0 || table.entries[leaves * 512] !== 7) {
   *   throw new Error();
   * }
   * ```
   */
  knownLeaves(lo: number, hi: number): number {
    const region = lo >>> 9;
    const s = (region & this.#leafMask) * 2;
    const leaves = this.#leaves;
    return leaves[s] === (region | this.#epoch) && hi === 0 ? leaves[s + 1] : -1;
  }

  /** The table of 4K leaves for the 512 pages of `lo`, `hi` is `table`. */
  #remember(lo: number, hi: number, table: number): void {
    if (hi !== 0) return;
    const region = lo >>> 9;
    const s = (region & this.#leafMask) * 2;
    this.#leaves[s] = region | this.#epoch;
    this.#leaves[s + 1] = table;
  }

  /** A table was unlinked: the cache may point into it. */
  #forgetLeaves(): void {
    if (this.#epoch === 255 << 23) {
      this.#leaves.fill(0);
      this.#epoch = 1 << 23;
    } else this.#epoch += 1 << 23;
  }

  /**
   * Translates 4 KiB page `vpn` to its 4 KiB frame, setting
   * {@linkcode PageTable.lastSize} to the leaf's size.
   * @returns the frame, or -1 if unmapped
   */
  translate(vpn: number): number {
    const e = this.leafEntry(vpn);
    if (e < 0) return -1;
    return this.entries[e] + spanOffset(vpn, LEVEL_SPAN[this.lastSize]);
  }

  /**
   * Maps a large page over a range that may hold a table of smaller
   * mappings, as a hypervisor does when it promotes 512 small pages to one
   * large page: the table page under the entry is released (counted in
   * {@linkcode PageTable.releasedTables}) and the entry becomes the leaf.
   * Tables below the released one must already be gone: only one level of
   * table is released, as when 4K pages collapse into a 2M page.
   * @returns the physical frame of the released table page, or -1 if none was there
   * @throws MappingError if the range is misaligned or lies inside a larger leaf
   */
  collapse(vpn: number, frame: number, size: PageSize, flags: number): number {
    const span = LEVEL_SPAN[size];
    if (size === PageSize.SIZE_4K || spanOffset(vpn, span) !== 0 || spanOffset(frame, span) !== 0) {
      throw new MappingError(`collapse of page ${vpn} to frame ${frame}: not a large aligned page`);
    }
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    const leafLevel = size + 1;
    let table = this.root;
    for (let level = this.levels; level > leafLevel; level--) {
      const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
      const f = this.flags[e];
      if ((f & PTE_PRESENT) === 0 || (f & PTE_LEAF) !== 0) {
        // Nothing below to release, or a larger leaf: an ordinary map decides.
        this.map(vpn, frame, size, flags);
        return -1;
      }
      table = this.entries[e];
    }
    const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, leafLevel);
    const f = this.flags[e];
    let released = -1;
    if ((f & PTE_PRESENT) !== 0 && (f & PTE_LEAF) === 0) {
      const child = this.entries[e];
      const base = child * ENTRIES_PER_TABLE;
      for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
        const cf = this.flags[base + i];
        if ((cf & PTE_PRESENT) !== 0 && (cf & PTE_LEAF) === 0) {
          throw new MappingError(`collapse of page ${vpn}: more than one level of tables below`);
        }
      }
      this.flags.fill(0, base, base + ENTRIES_PER_TABLE);
      this.entries.fill(0, base, base + ENTRIES_PER_TABLE);
      released = this.tableFrame[child];
      this.releasedTables++;
      this.#forgetLeaves();
    }
    this.#fit(frame);
    this.entries[e] = frame;
    this.flags[e] = (flags | PTE_PRESENT | PTE_LEAF) & 0xff;
    this.#wrote(e);
    return released;
  }

  /**
   * Maps a leaf of `size` at `vpn` (aligned) over whatever tables lie under
   * its entry, of any depth: the tables are released (counted in
   * {@linkcode PageTable.releasedTables}) and their frames pushed onto
   * `released`, for the caller to return to its allocator.
   * @throws MappingError if the range is misaligned or lies inside a larger leaf
   *
   * @example A 2M leaf over a table of 4K leaves
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x201, 7, 0, 0);
   * const released: number[] = [];
   * table.replace(0x200, 0x40000, 1, 0, released);
   * if (released.length !== 1 || table.translate(0x201) !== 0x40001) throw new Error();
   * ```
   */
  replace(vpn: number, frame: number, size: PageSize, flags: number, released: number[]): void {
    const e = this.#entryAt(vpn, size + 1);
    if (e < 0) {
      this.map(vpn, frame, size, flags);
      return;
    }
    const f = this.flags[e];
    if ((f & PTE_PRESENT) !== 0 && (f & PTE_LEAF) === 0) {
      this.#release(this.entries[e], released);
      this.flags[e] = 0;
    }
    this.map(vpn, frame, size, flags);
  }

  /**
   * Splits the large leaf covering `vpn` at `level` (2 or 3) into a new
   * table of 512 leaves of the next smaller size, with the same frames and
   * flags: what a kernel does before changing part of a large page.
   * @returns the new table's id
   * @throws MappingError if no leaf of that level covers `vpn`
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x200, 0x40000, 1, 2);
   * table.split(0x234, 2);
   * if (table.translate(0x234) !== 0x40034 || table.lastSize !== 0) throw new Error();
   * ```
   */
  split(vpn: number, level: number): number {
    const e = this.#entryAt(vpn, level);
    const f = e < 0 ? 0 : this.flags[e];
    if (level < 2 || (f & PTE_PRESENT) === 0 || (f & PTE_LEAF) === 0) {
      throw new MappingError(`page ${vpn}: no large leaf at level ${level} to split`);
    }
    const first = this.entries[e];
    const child = this.#newTable(level - 1);
    const span = LEVEL_SPAN[level - 2];
    const base = child * ENTRIES_PER_TABLE;
    this.#fit(first + (ENTRIES_PER_TABLE - 1) * span);
    for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
      this.entries[base + i] = first + i * span;
      this.flags[base + i] = f;
    }
    this.#filled[child] = ENTRIES_PER_TABLE;
    this.entries[e] = child;
    this.flags[e] = PTE_PRESENT | PTE_WRITABLE;
    return child;
  }

  /**
   * Removes every leaf under the level-`level` entry covering `vpn` (the
   * entry itself if it is a leaf); tables stay allocated.
   * @returns leaves removed
   *
   * @example
   * ```ts
   * import { PageTable } from "./page_table.ts";
   * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
   * const table = new PageTable(4, new BumpFrameAllocator());
   * table.map(0x200, 1, 0, 0);
   * table.map(0x3ff, 2, 0, 0);
   * if (table.clearRange(0x234, 2) !== 2 || table.translate(0x3ff) !== -1) throw new Error();
   * ```
   */
  clearRange(vpn: number, level: number): number {
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    let table = this.root;
    for (let l = this.levels; l >= level; l--) {
      const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, l);
      const f = this.flags[e];
      if ((f & PTE_PRESENT) === 0) return 0;
      if ((f & PTE_LEAF) !== 0) {
        this.flags[e] = 0;
        this.entries[e] = 0;
        return 1;
      }
      if (l === level) return this.#clearTable(this.entries[e]);
      table = this.entries[e];
    }
    return 0;
  }

  #clearTable(table: number): number {
    let cleared = 0;
    const base = table * ENTRIES_PER_TABLE;
    for (let i = base; i < base + ENTRIES_PER_TABLE; i++) {
      const f = this.flags[i];
      if ((f & PTE_PRESENT) === 0) continue;
      if ((f & PTE_LEAF) !== 0) {
        this.flags[i] = 0;
        this.entries[i] = 0;
        cleared++;
      } else cleared += this.#clearTable(this.entries[i]);
    }
    return cleared;
  }

  /** Index of the level-`level` entry on `vpn`'s path, or -1 if a leaf or a gap comes first. */
  #entryAt(vpn: number, level: number): number {
    const lo = vpn >>> 0;
    const hi = (vpn - lo) / 4294967296;
    let table = this.root;
    for (let l = this.levels; l > level; l--) {
      const e = table * ENTRIES_PER_TABLE + radixIndex(lo, hi, l);
      if ((this.flags[e] & PTE_PRESENT) === 0 || (this.flags[e] & PTE_LEAF) !== 0) return -1;
      table = this.entries[e];
    }
    return table * ENTRIES_PER_TABLE + radixIndex(lo, hi, level);
  }

  #release(table: number, released: number[]): void {
    const base = table * ENTRIES_PER_TABLE;
    for (let i = base; i < base + ENTRIES_PER_TABLE; i++) {
      const f = this.flags[i];
      if ((f & PTE_PRESENT) !== 0 && (f & PTE_LEAF) === 0) this.#release(this.entries[i], released);
    }
    this.flags.fill(0, base, base + ENTRIES_PER_TABLE);
    this.entries.fill(0, base, base + ENTRIES_PER_TABLE);
    released.push(this.tableFrame[table]);
    this.releasedTables++;
    this.#forgetLeaves();
  }

  /**
   * Removes the leaf covering `vpn` (tables stay allocated, as in most kernels).
   * @returns whether a leaf was removed
   */
  unmap(vpn: number): boolean {
    const e = this.leafEntry(vpn);
    if (e < 0) return false;
    this.flags[e] = 0;
    this.entries[e] = 0;
    return true;
  }
}
