/**
 * The hypervisor side of large pages: guest-physical memory is backed with
 * host frames on first touch under a {@linkcode HostPolicy}, and, under
 * `opportunistic+promote`, 2M regions on 4K pages are later collapsed into a
 * host 2M frame at the rate of a khugepaged-like agent
 * (core/mapping/promotion_agent.ts): the pages are copied, the region
 * remapped with one entry, the old frames and table page freed.
 *
 * A region is mapped large only if it lies wholly inside guest RAM, its
 * host-virtual placement is aligned to the large size (the memory slot
 * offset, as KVM requires of a memslot before it maps a huge page), nothing
 * in it is mapped yet, and the host has a whole free block of that size.
 *
 * @module
 */

import { type PageTable, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PAGES_4K_PER, PageSize, spanOffset } from "../base/page_size.ts";
import { Cycle, type Stats } from "../cost/stats.ts";
import type { BuddyAllocator } from "../mem/buddy_allocator.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";
import type { HostPolicy } from "./memory_config.ts";
import type { PageVersions } from "../mem/page_versions.ts";

/** Told when a guest-physical 2M region moves to a new host 2M frame (a shadow MMU updates its entries). */
export interface RemapListener {
  /** Guest-physical frames `gfn`..`gfn + 511` now live at host frames `hostFrame`... */
  remapped(gfn: number, hostFrame: number): void;
}

/** How a {@linkcode HostMapper} backs guest memory and what promotions cost. */
export interface HostMapperOptions {
  /** The policy. */
  policy: HostPolicy;
  /** Host physical memory. */
  frames: BuddyAllocator;
  /** Guest RAM in 4 KiB frames: large mappings must lie inside it. */
  guestFrames: number;
  /** Offset of guest RAM in the host-virtual space, in 4 KiB frames (default 0: aligned). */
  slotOffset?: number;
  /** Where promotion cycles are charged (category `hypervisor`): the promotion agent's statistics. */
  stats: Stats;
  /** Cycles to copy one 4 KiB page. */
  pageCopyCycles: number;
  /** Cycles of zapping a collapsed region's old entries (the vCPUs' flushes are charged to them). */
  flushCycles: number;
  /** What the host frames hold: a promotion copies the pages' versions. */
  versions?: PageVersions;
  /** Where the host table's pages go back when a promotion releases one (default: `frames`). */
  tableFrames?: { free(frame: number): void };
}

/**
 * Backs guest-physical memory with host frames on first touch.
 *
 * @example An aligned free 2M block is used
 * ```ts
 * import { HostMapper } from "./host_mapper.ts";
 * import { BuddyAllocator } from "../mem/buddy_allocator.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { Stats } from "../cost/stats.ts";
 * const frames = new BuddyAllocator(262144);
 * const table = new PageTable(4, frames);
 * const host = new HostMapper({
 *   policy: "opportunistic", frames, guestFrames: 131072, stats: new Stats(),
 *   pageCopyCycles: 500, flushCycles: 500,
 * });
 * host.map(table, 1000);
 * if (table.translate(1000) < 0 || table.lastSize !== 1) throw new Error();
 * ```
 */
export class HostMapper implements DemandMapper {
  /** Host 4K pages mapped (and still mapped). */
  pages4k = 0;
  /** Host 2M pages mapped. */
  pages2m = 0;
  /** Host 1G pages mapped. */
  pages1g = 0;
  /** 2M regions promoted. */
  promotions = 0;
  /** Cycles charged for promotions (copies and the zap of the old entries). */
  promotionCycles = 0;
  /** Collapses that found no free 2M block. */
  collapseFailures = 0;
  /** The policy. */
  readonly policy: HostPolicy;
  #frames: BuddyAllocator;
  #guestFrames: number;
  #slotOffset: number;
  #stats: Stats;
  #copyCycles: number;
  #flushCycles: number;
  #versions: PageVersions | null;
  #tableFrames: { free(frame: number): void } | null;
  /** Per guest-physical 2M region: 4K pages mapped in it. */
  #small: Uint16Array;
  /** Per guest-physical 1G region: 1 once anything in it is mapped. */
  #touched1g: Uint8Array;
  #old = new Float64Array(512);

  /**
   * Creates a host mapper.
   * @param options policy, memory and promotion costs
   */
  constructor(options: HostMapperOptions) {
    this.policy = options.policy;
    this.#frames = options.frames;
    this.#guestFrames = options.guestFrames;
    this.#slotOffset = options.slotOffset ?? 0;
    this.#stats = options.stats;
    this.#copyCycles = options.pageCopyCycles;
    this.#flushCycles = options.flushCycles;
    this.#versions = options.versions ?? null;
    this.#tableFrames = options.tableFrames ?? null;
    this.#small = new Uint16Array(Math.ceil(options.guestFrames / 512));
    this.#touched1g = new Uint8Array(Math.ceil(options.guestFrames / 262144));
  }

  /** 4 KiB guest-physical frames backed by host 2M or 1G pages. */
  get largeFrames(): number {
    return this.pages2m * 512 + this.pages1g * 262144;
  }

  /** 4 KiB guest-physical frames backed by host pages of any size. */
  get backedFrames(): number {
    return this.pages4k + this.largeFrames;
  }

  /** Backs the page covering guest-physical frame `gfn` under the policy. */
  map(table: PageTable, gfn: number): void {
    const policy = this.policy;
    if (policy === "1g" && this.#tryLarge(table, gfn, PageSize.SIZE_1G)) return;
    if (policy !== "4k" && this.#tryLarge(table, gfn, PageSize.SIZE_2M)) return;
    table.map(gfn, this.#frames.alloc(PageSize.SIZE_4K), PageSize.SIZE_4K, PTE_WRITABLE);
    this.pages4k++;
    this.#small[Math.floor(gfn / 512)]++;
    this.#touched1g[Math.floor(gfn / 262144)] = 1;
  }

  #tryLarge(table: PageTable, gfn: number, size: PageSize): boolean {
    const span = PAGES_4K_PER[size];
    const base = gfn - spanOffset(gfn, span);
    if (base + span > this.#guestFrames || spanOffset(base + this.#slotOffset, span) !== 0) {
      return false;
    }
    if (size === PageSize.SIZE_1G ? this.#touched1g[base / span] : this.#small[base / 512]) {
      return false;
    }
    const frame = this.#frames.tryAlloc(size);
    if (frame < 0) return false;
    table.map(base, frame, size, PTE_WRITABLE);
    if (size === PageSize.SIZE_1G) this.pages1g++;
    else this.pages2m++;
    this.#touched1g[Math.floor(gfn / 262144)] = 1;
    return true;
  }

  /**
   * Splits the host page backing guest-physical frame `gfn` down to 4K
   * pages (before part of it is unmapped or remapped), keeping the counts.
   */
  split(table: PageTable, gfn: number): void {
    while (table.translate(gfn) >= 0 && table.lastSize > PageSize.SIZE_4K) {
      const size = table.lastSize;
      const frame = table.translate(gfn);
      // The block behind the large page is freed piece by piece from now on.
      this.#frames.split(frame - spanOffset(frame, PAGES_4K_PER[size]), size);
      table.split(gfn, size + 1);
      if (size === PageSize.SIZE_1G) {
        this.pages1g--;
        this.pages2m += 512;
      } else {
        this.pages2m--;
        this.pages4k += 512;
        this.#small[Math.floor(gfn / 512)] = 512;
      }
    }
  }

  /** Guest-physical frame `gfn` (split to 4K first) lost its host backing: the counts follow. */
  taken(gfn: number): void {
    this.pages4k--;
    this.#small[Math.floor(gfn / 512)]--;
  }

  /** Guest-physical frame `gfn` got a host 4K page from elsewhere: the counts follow. */
  given(gfn: number): void {
    this.pages4k++;
    this.#small[Math.floor(gfn / 512)]++;
    this.#touched1g[Math.floor(gfn / 262144)] = 1;
  }

  /** Whether 2M region `region` may ever be mapped large: inside guest RAM, its memory slot aligned. */
  canCollapse(region: number): boolean {
    const base = region * 512;
    return base + 512 <= this.#guestFrames && spanOffset(base + this.#slotOffset, 512) === 0;
  }

  /** 4 KiB host pages backing guest-physical 2M region `region` (0 when it is backed large or not at all). */
  backed4k(region: number): number {
    return this.#small[region];
  }

  /**
   * Collapses 2M region `region` (its guest-physical frames `region × 512`
   * onwards, backed by host 4K pages, some maybe not yet) into one host 2M
   * page, as khugepaged does (mm/khugepaged.c, `collapse_huge_page`): takes
   * a free aligned 2M block, copies the backed pages into it and clears the
   * rest, remaps the region with one entry, frees the old frames and the
   * table page. Charges the copies and the zap of the old entries to this
   * mapper's statistics (the promotion agent's, category `hypervisor`); the
   * caller flushes the vCPUs' TLBs.
   * @param table the host table (guest-physical → host-physical)
   * @param region the 2M region; it must hold 4K pages
   * @param listener told of the remapped region (a shadow MMU), or null
   * @returns false, and nothing changed, when no free 2M block is left
   * @throws RangeError if the region holds no 4K pages or cannot be mapped large
   */
  collapse(table: PageTable, region: number, listener: RemapListener | null): boolean {
    const base = region * 512;
    if (this.#small[region] === 0 || !this.canCollapse(region)) {
      throw new RangeError(
        `region ${region} has no 4K pages to collapse, or cannot be mapped large`,
      );
    }
    const frame = this.#frames.tryAlloc(PageSize.SIZE_2M);
    if (frame < 0) {
      this.collapseFailures++;
      return false;
    }
    const old = this.#old;
    for (let i = 0; i < 512; i++) old[i] = table.translate(base + i);
    const tablePage = table.collapse(base, frame, PageSize.SIZE_2M, PTE_WRITABLE);
    if (tablePage >= 0) {
      if (this.#tableFrames !== null) this.#tableFrames.free(tablePage);
      else this.#frames.free(tablePage, PageSize.SIZE_4K);
    }
    for (let i = 0; i < 512; i++) {
      if (old[i] < 0) continue;
      this.#versions?.copy(old[i], frame + i);
      this.#frames.free(old[i], PageSize.SIZE_4K);
    }
    this.pages4k -= this.#small[region];
    this.#small[region] = 0;
    this.pages2m++;
    this.#touched1g[Math.floor(base / 262144)] = 1;
    // Estimate: clearing a page not yet backed is charged like copying one
    // (an upper bound: a clear writes the page, a copy reads and writes it).
    const cycles = 512 * this.#copyCycles + this.#flushCycles;
    this.#stats.cycles[Cycle.HYPERVISOR] += cycles;
    this.promotionCycles += cycles;
    this.promotions++;
    listener?.remapped(base, frame);
    return true;
  }
}
