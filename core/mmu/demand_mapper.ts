/**
 * What a page walker does when it finds an entry not present: map the page
 * on first touch. The default maps pages of one fixed size from a frame
 * allocator; a guest OS with transparent huge pages, a hypervisor with a
 * large-page policy, or a shadow-page filler decide size and frame
 * themselves. Called only on first touches, never on the per-access path.
 *
 * @module
 */

import type { PageTable } from "./page_table.ts";
import { PTE_WRITABLE } from "./page_table.ts";
import { PAGES_4K_PER, type PageSize, spanOffset } from "../base/page_size.ts";
import { Counter, type Stats } from "../cost/stats.ts";
import type { FrameAllocator } from "../mem/frame_allocator.ts";

/** Maps pages into a table on first touch. */
export interface DemandMapper {
  /** Maps the page covering 4 KiB page `vpn` into `table` (a page of whatever size it chooses). */
  map(table: PageTable, vpn: number): void;
  /**
   * Maps every page covering 4 KiB pages `first`..`first + count - 1` that
   * is not mapped yet, exactly as {@linkcode DemandMapper.map} would one
   * page after another in address order, only faster (optional: without it
   * populating calls `map` page by page).
   */
  mapRange?(table: PageTable, first: number, count: number): void;
}

/**
 * Maps every first touch with a page of one size, from a frame allocator.
 *
 * @example 2M pages on first touch
 * ```ts
 * import { FixedSizeMapper } from "./demand_mapper.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { PageTable } from "./page_table.ts";
 * const frames = new BumpFrameAllocator();
 * const table = new PageTable(4, frames);
 * new FixedSizeMapper(frames, 1).map(table, 0x1234);
 * if (table.translate(0x1200) < 0 || table.lastSize !== 1) throw new Error();
 * ```
 */
export class FixedSizeMapper implements DemandMapper {
  #frames: FrameAllocator;
  #size: PageSize;

  /**
   * Creates a mapper of `size` pages.
   * @param frames where the pages' frames come from
   * @param size page size of every mapping
   */
  constructor(frames: FrameAllocator, size: PageSize) {
    this.#frames = frames;
    this.#size = size;
  }

  /** Maps the `size` page covering `vpn` to a fresh frame. */
  map(table: PageTable, vpn: number): void {
    const size = this.#size;
    const aligned = vpn - spanOffset(vpn, PAGES_4K_PER[size]);
    table.map(aligned, this.#frames.alloc(size), size, PTE_WRITABLE);
  }

  /**
   * Maps the `size` pages covering `first`..`first + count - 1` that are
   * not mapped yet, in address order, each to a fresh frame (see
   * {@linkcode PageTable.mapRange}).
   */
  mapRange(table: PageTable, first: number, count: number): void {
    const span = PAGES_4K_PER[this.#size];
    const start = first - spanOffset(first, span);
    const pages = Math.ceil((first + count - start) / span);
    table.mapRange(start, pages, this.#size, PTE_WRITABLE, this.#frames);
  }
}

/**
 * A mapper whose mappings are free first touches, counted in `demand_maps`
 * of one vCPU's statistics (the mapper underneath may be shared by vCPUs).
 *
 * @example
 * ```ts
 * import { CountedMapper, FixedSizeMapper } from "./demand_mapper.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { PageTable } from "./page_table.ts";
 * import { Counter, Stats } from "../cost/stats.ts";
 * const frames = new BumpFrameAllocator();
 * const stats = new Stats();
 * new CountedMapper(new FixedSizeMapper(frames, 0), stats).map(new PageTable(4, frames), 7);
 * if (stats.counters[Counter.DEMAND_MAPS] !== 1) throw new Error();
 * ```
 */
export class CountedMapper implements DemandMapper {
  readonly #inner: DemandMapper;
  readonly #stats: Stats;

  /**
   * Wraps `inner`, counting into `stats`.
   * @param inner the mapper that decides size and frame
   * @param stats the vCPU statistics the mapping is counted in
   */
  constructor(inner: DemandMapper, stats: Stats) {
    this.#inner = inner;
    this.#stats = stats;
  }

  /** Maps through the inner mapper and counts one first touch. */
  map(table: PageTable, vpn: number): void {
    this.#inner.map(table, vpn);
    this.#stats.counters[Counter.DEMAND_MAPS]++;
  }
}
