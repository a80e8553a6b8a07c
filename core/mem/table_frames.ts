/**
 * Where page-table pages live in host memory. Linux allocates page tables
 * (GFP_PGTABLE_KERNEL = GFP_KERNEL | __GFP_ZERO, include/asm-generic/pgalloc.h)
 * and KVM its MMU pages (GFP_KERNEL_ACCOUNT) without __GFP_MOVABLE, and the
 * page allocator groups such unmovable pages in 2 MiB pageblocks of their
 * own, apart from the movable pages that back guest memory ("grouping pages
 * by mobility", mm/page_alloc.c). So table pages come from a pool of
 * pageblocks claimed whole, not from between the guest's data frames.
 *
 * Inside a pageblock the pool hands frames out in a seeded shuffled order,
 * the same for every pageblock it claims, so that:
 * - which frames (and so which sets of a physically indexed cache, whose
 *   index takes the low bits of the frame number) a table's pages get does
 *   not depend on how the allocations of several tables interleave — two
 *   tables growing in step would otherwise each get every other frame and
 *   use half the sets;
 * - it does not depend on knobs that only move which pageblock is claimed
 *   (fragmentation): a pageblock is 2 MiB aligned, so the low bits of a
 *   frame are its offset in the block.
 * An aged host's free lists hand out order-0 pages in no particular order;
 * the shuffle stands for that (an assumption, not a measured layout).
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import { PageSize } from "../base/page_size.ts";
import { FrameAllocationError } from "./buddy_allocator.ts";
import type { FrameAllocator } from "./frame_allocator.ts";

/** Claims one 2 MiB pageblock at a time for a {@linkcode TableFramePool}. */
export interface PageblockSource {
  /**
   * Takes a pageblock, setting `claimed[i]` to 1 for each offset `i` whose
   * frame is now the pool's (0 where another owner holds it).
   * @returns the block's first frame, or -1 when memory is exhausted
   */
  claimPageblock(claimed: Uint8Array): number;
}

/** A source that always has a whole block: a frame allocator's 2M frames. */
export function wholeBlocks(frames: FrameAllocator): PageblockSource {
  return {
    claimPageblock(claimed: Uint8Array): number {
      claimed.fill(1);
      return frames.alloc(PageSize.SIZE_2M);
    },
  };
}

/**
 * The pool of page-table frames of one host.
 *
 * @example Two tables growing in step still spread over all sixteen page colours
 * ```ts
 * import { TableFramePool, wholeBlocks } from "./table_frames.ts";
 * import { BumpFrameAllocator } from "./frame_allocator.ts";
 * const pool = new TableFramePool(wholeBlocks(new BumpFrameAllocator()), 1);
 * const colours = new Set<number>();
 * for (let i = 0; i < 128; i++) {
 *   pool.alloc(0); // the other table's page
 *   colours.add(pool.alloc(0) % 16);
 * }
 * if (colours.size !== 16) throw new Error(`${colours.size} colours`);
 * ```
 */
export class TableFramePool implements FrameAllocator {
  #source: PageblockSource;
  /** Offsets 0–511 in the order frames are handed out, the same for every block. */
  #order = new Int32Array(512);
  #claimed = new Uint8Array(512);
  #block = -1;
  #next = 512;
  /** Freed table frames, reused last in first out (as a per-CPU free list). */
  #freed: number[] = [];
  #allocated = 0;
  /** Pageblocks claimed so far. */
  pageblocks = 0;

  /**
   * Creates an empty pool: it claims its first pageblock on the first allocation.
   * @param source where pageblocks come from
   * @param seed seed of the order frames are handed out in, inside a pageblock
   */
  constructor(source: PageblockSource, seed: number) {
    this.#source = source;
    const rng = new Prng(seed, 0x5441424c);
    for (let i = 0; i < 512; i++) this.#order[i] = i;
    for (let i = 511; i > 0; i--) {
      const j = rng.below(i + 1);
      const t = this.#order[i];
      this.#order[i] = this.#order[j];
      this.#order[j] = t;
    }
  }

  /** Table frames handed out and not freed. */
  get allocatedFrames(): number {
    return this.#allocated;
  }

  /**
   * Allocates one 4 KiB table frame.
   * @throws RangeError for a size other than 4K (table pages are 4 KiB)
   * @throws FrameAllocationError when no frame is left
   */
  alloc(size: PageSize): number {
    if (size !== PageSize.SIZE_4K) throw new RangeError("table pages are 4 KiB frames");
    this.#allocated++;
    if (this.#freed.length > 0) return this.#freed.pop()!;
    for (;;) {
      while (this.#next < 512) {
        const offset = this.#order[this.#next++];
        if (this.#claimed[offset] !== 0) return this.#block + offset;
      }
      this.#block = this.#source.claimPageblock(this.#claimed);
      if (this.#block < 0) {
        this.#allocated--;
        throw new FrameAllocationError("out of memory: no frame left for a page-table page");
      }
      this.pageblocks++;
      this.#next = 0;
    }
  }

  /** Returns a table frame to the pool (it stays in the pool's pageblocks). */
  free(frame: number): void {
    this.#allocated--;
    this.#freed.push(frame);
  }
}
