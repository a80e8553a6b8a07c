/**
 * The guest OS side of large pages: on first touch the guest maps a
 * 2M-aligned region of its virtual memory with one 2M page (as Linux's
 * transparent huge pages do) if the region is one of the chosen share and a
 * whole, aligned 2M block of guest-physical memory is free; else with 4K
 * pages. Which regions are chosen depends only on the region and the seed,
 * never on the order of touches.
 *
 * @module
 */

import { type PageTable, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PageSize } from "../base/page_size.ts";
import type { BuddyAllocator } from "../mem/buddy_allocator.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";

/** The golden-ratio step of a Weyl sequence: any run of regions gets close to the exact share. */
const GOLDEN = 0.6180339887498949;

/** How a {@linkcode GuestMapper} maps. */
export interface GuestMapperOptions {
  /** Guest-physical memory. */
  frames: BuddyAllocator;
  /** Share of 2M-aligned guest-virtual regions mapped with 2M pages, 0 to 1. */
  largeFraction: number;
  /** Seed of the choice of regions. */
  seed: number;
}

/**
 * Maps guest first touches with 2M pages where chosen and possible, else 4K.
 *
 * @example Every region large on unfragmented guest memory
 * ```ts
 * import { GuestMapper } from "./guest_mapper.ts";
 * import { BuddyAllocator } from "../mem/buddy_allocator.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * const frames = new BuddyAllocator(262144);
 * const table = new PageTable(4, frames);
 * const guest = new GuestMapper({ frames, largeFraction: 1, seed: 1 });
 * guest.map(table, 0x10005);
 * if (table.translate(0x10005) < 0 || table.lastSize !== 1 || guest.largePages !== 1) {
 *   throw new Error();
 * }
 * ```
 */
export class GuestMapper implements DemandMapper {
  /** 2M pages mapped. */
  largePages = 0;
  /** 4K pages mapped. */
  smallPages = 0;
  /** Chosen regions that fell back to 4K pages because no guest-physical 2M block was free. */
  fallbacks = 0;
  /** First guest-physical frame of every 2M page mapped, in mapping order. */
  largeFrames: number[] = [];
  #frames: BuddyAllocator;
  #fraction: number;
  #offset: number;
  #fellBack = new Set<number>();

  /**
   * Creates a guest mapper.
   * @param options guest memory, the large share and the seed
   */
  constructor(options: GuestMapperOptions) {
    this.#frames = options.frames;
    this.#fraction = options.largeFraction;
    this.#offset = (options.seed * 0.7548776662466927) % 1;
  }

  /** Whether the guest maps 2M-aligned region `region` (virtual page ÷ 512) with a 2M page. */
  isLargeRegion(region: number): boolean {
    return (region * GOLDEN + this.#offset) % 1 < this.#fraction;
  }

  /** Maps the page covering guest-virtual page `vpn`. */
  map(table: PageTable, vpn: number): void {
    const region = Math.floor(vpn / 512);
    if (this.isLargeRegion(region) && !this.#fellBack.has(region)) {
      const frame = this.#frames.tryAlloc(PageSize.SIZE_2M);
      if (frame >= 0) {
        table.map(region * 512, frame, PageSize.SIZE_2M, PTE_WRITABLE);
        this.largePages++;
        this.largeFrames.push(frame);
        return;
      }
      this.#fellBack.add(region);
      this.fallbacks++;
    }
    const frame = this.#frames.alloc(PageSize.SIZE_4K);
    table.map(vpn, frame, PageSize.SIZE_4K, PTE_WRITABLE);
    this.smallPages++;
  }
}
