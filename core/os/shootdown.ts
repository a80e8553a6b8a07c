/**
 * A TLB shootdown as the guest kernel asks for it: which vCPUs must forget
 * which pages of which address space.
 *
 * @module
 */

import type { AddressSpace } from "./address_space.ts";

/**
 * One shootdown request. The guest kernel keeps one and refills it for each
 * shootdown, so a platform must not keep it past the call.
 */
export interface Shootdown {
  /** The vCPUs to flush: the first `count` entries. */
  targets: Int32Array;
  /** How many entries of `targets` count. */
  count: number;
  /** The address space whose entries go. */
  mm: AddressSpace;
  /** First virtual page number (4 KiB pages) to flush. */
  vpn: number;
  /** Pages (4 KiB) to flush from `vpn`; 0 flushes all of `mm`. */
  pages: number;
  /** 4 KiB pages each invalidation covers: the guest page size of the range. */
  stride: number;
}
