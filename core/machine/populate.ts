/**
 * Populating a first-touch guest's memory before a measured run: the
 * tables end up as those of a process that has touched every page of a
 * range once, in address order — the guest's table, the host map behind it
 * (nested paging), the shadow table (shadow paging) — so that the run
 * measures steady state rather than first touches.
 *
 * Every page is placed by the machine's own mappers, the same placement
 * rule a first touch follows (a fixed page size, or the large-page policies
 * of core/mapping/), and in the order a touching process would meet them:
 * guest pages in address order; on the host, for each guest page, the
 * guest table pages on its path from the top down, then the page itself, as
 * the 2-D walk of its first touch backs them. What differs is speed: the
 * guest table and a fixed-size host map are filled a table of leaves at a
 * time ({@linkcode PageTable.mapRange}) instead of through 16 million walks.
 * A shadow table is filled through the shadow platform's own fill, page by
 * page, since its bookkeeping (write protection, the reverse map a promotion
 * uses) is the platform's.
 *
 * Nothing is charged that the caller should keep: it resets the statistics
 * before it measures.
 *
 * @module
 */

import { PAGES_4K_PER, parsePageSize, spanOffset } from "../base/page_size.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";
import {
  ENTRIES_PER_TABLE,
  LEVEL_SPAN,
  type PageTable,
  PTE_LEAF,
  PTE_PRESENT,
} from "../mmu/page_table.ts";
import { ShadowPlatform } from "../platforms/shadow_platform.ts";
import type { Machine } from "./machine.ts";

/** A run of 4 KiB virtual pages. */
export interface PageRange {
  /** First page number. */
  readonly first: number;
  /** Pages. */
  readonly pages: number;
}

/**
 * Populates the pages of `range` of `machine`'s first-touch guest: guest
 * table, host map and shadow table, as the platform has them.
 * @throws RangeError on a machine with the guest OS, whose pages are its
 *   processes' to touch
 *
 * @example Nothing left to map on first touch
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { populate } from "./populate.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested" }, getProfile("intel-skylake-sp"));
 * populate(machine, { first: 0x10000, pages: 4096 });
 * for (let p = 0; p < 4096; p += 97) machine.vcpus[0].mmu.access(0x10000 + p, 0, 8, 0, 0);
 * if (machine.report().counters.demand_maps !== 0) throw new Error();
 * ```
 */
export function populate(machine: Machine, range: PageRange): void {
  const { first, pages } = range;
  const guest = machine.firstTouch;
  if (guest === null) {
    throw new RangeError(
      "populate needs the first-touch guest; guest OS processes touch their own pages",
    );
  }
  if (pages <= 0) return;
  const table = guest.space.table;
  mapRange(guest.mapper, table, first, pages);
  const platform = machine.platform;
  if (platform instanceof ShadowPlatform) {
    fillShadow(platform, first, pages);
  } else if (machine.hostTable !== null && machine.hostMapper !== null) {
    const host = machine.hostTable;
    const hostPage = machine.config.hostPage;
    if (machine.memory === null && hostPage !== null) {
      // A fixed host page size tells how many host tables are coming: made room for at once.
      const span = PAGES_4K_PER[parsePageSize(hostPage)!];
      host.reserve((pages + table.bytes / 4096) / span / ENTRIES_PER_TABLE * 1.01);
    }
    new HostBacking(host, machine.hostMapper).backRange(table, first, pages);
  }
}

/** Maps what `mapper` would map on a first touch of each page of the range, in order. */
function mapRange(mapper: DemandMapper, table: PageTable, first: number, count: number): void {
  if (mapper.mapRange !== undefined) {
    mapper.mapRange(table, first, count);
    return;
  }
  const end = first + count;
  for (let page = first; page < end;) {
    if (table.translate(page) < 0) {
      mapper.map(table, page);
      if (table.translate(page) < 0) throw new RangeError(`page ${page} was not mapped`);
    }
    const span = PAGES_4K_PER[table.lastSize];
    page = page - spanOffset(page, span) + span;
  }
}

/**
 * The shadow entries of every page of the range, filled as the hidden
 * faults of the first-touch guest's accesses to them in order fill them,
 * host backing included. Those are read faults: the first-touch guest's
 * accesses are translated, never checked for write permission.
 */
function fillShadow(platform: ShadowPlatform, first: number, count: number): void {
  const shadow = platform.current[0];
  if (shadow === null) return;
  const table = shadow.table;
  const end = first + count;
  for (let page = first; page < end;) {
    if (table.leafEntry(page) < 0) {
      platform.hiddenFault(0, page, 0);
      if (table.leafEntry(page) < 0) throw new RangeError(`page ${page} was not filled`);
    }
    const span = PAGES_4K_PER[table.lastSize];
    page = page - spanOffset(page, span) + span;
  }
}

/**
 * Backs guest-physical memory in the order a 2-D walk of each page's first
 * touch reaches it: the guest table pages on the path, top down, then the
 * data. Runs of consecutive guest frames go to the host mapper together.
 */
class HostBacking {
  readonly #host: PageTable;
  readonly #mapper: DemandMapper;
  #runStart = 0;
  #runLength = 0;

  constructor(host: PageTable, mapper: DemandMapper) {
    this.#host = host;
    this.#mapper = mapper;
  }

  /** Backs everything the guest's pages `first`..`first + count - 1` reach. */
  backRange(guest: PageTable, first: number, count: number): void {
    this.#visit(guest, guest.root, guest.levels, 0, first, first + count);
    this.#flush();
  }

  #visit(guest: PageTable, table: number, level: number, base: number, first: number, end: number) {
    this.#back(guest.tableFrame[table], 1);
    const span = LEVEL_SPAN[level - 1];
    const from = Math.max(0, Math.floor((first - base) / span));
    const to = Math.min(ENTRIES_PER_TABLE, Math.ceil((end - base) / span));
    const flags = guest.flags;
    const entries = guest.entries;
    const row = table * ENTRIES_PER_TABLE;
    if (level === 1) {
      this.#visitLeaves(flags, entries, row + from, row + to);
      return;
    }
    for (let i = from; i < to; i++) {
      const f = flags[row + i];
      if ((f & PTE_PRESENT) === 0) continue;
      const start = base + i * span;
      if ((f & PTE_LEAF) === 0) {
        this.#visit(guest, entries[row + i], level - 1, start, first, end);
        continue;
      }
      // The part of the leaf inside the range, 4 KiB frame by frame.
      const lo = start < first ? first : start;
      const hi = start + span > end ? end : start + span;
      const gfn = entries[row + i] + (lo - start);
      if (this.#runLength > 0 && gfn === this.#runStart + this.#runLength) {
        this.#runLength += hi - lo;
      } else this.#back(gfn, hi - lo);
    }
  }

  /**
   * The 4K leaves among entries `from` to `to` (exclusive) of a guest table
   * of leaves, all inside the range: most extend the run before them, which
   * is kept in locals meanwhile (16 million leaves in a 64 GiB footprint).
   */
  #visitLeaves(flags: Uint8Array, entries: Int32Array | Float64Array, from: number, to: number) {
    let start = this.#runStart;
    let length = this.#runLength;
    for (let e = from; e < to; e++) {
      if ((flags[e] & PTE_PRESENT) === 0) continue;
      const gfn = entries[e];
      if (length > 0 && gfn === start + length) length++;
      else {
        this.#runLength = length;
        this.#back(gfn, 1);
        start = this.#runStart;
        length = this.#runLength;
      }
    }
    this.#runStart = start;
    this.#runLength = length;
  }

  /** Backs `count` guest frames from `gfn`, after those asked for before. */
  #back(gfn: number, count: number): void {
    if (this.#runLength > 0 && gfn === this.#runStart + this.#runLength) {
      this.#runLength += count;
      return;
    }
    this.#flush();
    this.#runStart = gfn;
    this.#runLength = count;
  }

  #flush(): void {
    if (this.#runLength === 0) return;
    mapRange(this.#mapper, this.#host, this.#runStart, this.#runLength);
    this.#runLength = 0;
  }
}
