/**
 * The contract between the MMU and whatever fills its TLBs on a miss: a
 * native radix walk or a 2-D nested walk.
 *
 * @module
 */

import type { PageSize } from "../base/page_size.ts";

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
}
