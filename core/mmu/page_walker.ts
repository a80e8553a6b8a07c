/**
 * The contract between the MMU and whatever fills its TLBs on a miss: a
 * native radix walk or a 2-D nested walk.
 *
 * @module
 */

import type { PageSize } from "../base/page_size.ts";

/**
 * Table pages (of all the tables a walk reads) below which the MMU does not
 * have a walker prefetch: their last-level entries then fit the host's own
 * caches, and the pass would cost more than the misses it overlaps.
 * Measured on the walk stream (a 2-core Sapphire Rapids, 2 MiB L2 a core),
 * with a first pass of one loop an access: at 512 tables (1 GiB of 4 KiB
 * pages, 1.25 MiB of entries and flags) it cost 6 %, at 2048 it gave 22 %;
 * the pass of today gives 5 % at 1024 (2 GiB).
 */
export const PREFETCH_MIN_TABLES = 1024;

/** Walks page tables for a TLB miss. */
export interface PageWalker {
  /**
   * Translates 4 KiB page `vpn` of address space `tag`, counting and charging
   * every reference made.
   * @returns the 4 KiB machine frame
   */
  walk(vpn: number, tag: number): number;
  /** Size of the TLB entry the last walk may fill (the smaller of guest and host leaf). */
  readonly leafSize: PageSize;
  /** Empties the walker's own caches (page-walk caches, nested TLB). */
  flush(): void;
  /**
   * Reads, counting nothing and changing nothing, the last-level entries
   * that walks of the 4 KiB pages `pages[from]` to `pages[to - 1]` would
   * read: a prefetch in software, run over the next few hundred
   * accesses of a chunk before they run. In a large table each walk's
   * last-level read misses, and a walk runs too long for the host's core to
   * overlap one walk's miss with the next; a tight loop over the pages
   * keeps many misses in flight at once, and the walks that follow find
   * their entries cached. Nothing modelled depends on it: only how fast
   * the host runs the walks.
   */
  prefetch(pages: Float64Array, from: number, to: number): void;
  /**
   * Table pages of the tables a walk reads now (guest and host for a 2-D
   * walk): what says whether their entries still fit the host's caches.
   */
  tablePages(): number;
}
