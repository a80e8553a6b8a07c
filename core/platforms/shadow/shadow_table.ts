/**
 * One shadow page table: the hypervisor's composition of a guest address
 * space's table with the host mapping (guest-virtual → host frame), which
 * the hardware walks instead of the guest's table. It remembers which guest
 * table pages it was built from (they must stay write-protected, or be
 * resynchronised) and which of its pages hold accessed/dirty flags the guest
 * has not seen yet.
 *
 * @module
 */

import type { FrameAllocator } from "../../mem/frame_allocator.ts";
import { PageTable } from "../../mmu/page_table.ts";
import type { AddressSpace } from "../../os/address_space.ts";

/**
 * A shadow table for one guest address space.
 *
 * @example
 * ```ts
 * import { ShadowTable } from "./shadow_table.ts";
 * import { AddressSpace } from "../../os/address_space.ts";
 * import { PageTable } from "../../mmu/page_table.ts";
 * import { BumpFrameAllocator } from "../../mem/frame_allocator.ts";
 * const mm = new AddressSpace(1, 1, new PageTable(4, new BumpFrameAllocator()), 1);
 * const shadow = new ShadowTable(3, mm, 4, new BumpFrameAllocator(1 << 18));
 * if (shadow.users !== 0 || shadow.table.tableCount !== 1) throw new Error();
 * ```
 */
export class ShadowTable {
  /** Unique id, the tag of its TLB entries when TLBs are tagged. */
  readonly id: number;
  /** The guest address space it shadows. */
  readonly mm: AddressSpace;
  /** The shadow entries: guest-virtual page → host frame, in host memory. */
  readonly table: PageTable;
  /** vCPUs that have it loaded. */
  users = 0;
  /** Guest table pages (guest frames) it was built from and keeps write-protected. */
  readonly protectedFrames: Set<number> = new Set();
  /** Guest leaf-table frame → first page it maps, for pages whose flags the guest has not seen. */
  readonly pending: Map<number, number> = new Map();

  /**
   * Creates an empty shadow table.
   * @param id unique id
   * @param mm the guest address space shadowed
   * @param levels radix levels
   * @param frames host frames for the shadow table's own pages
   */
  constructor(id: number, mm: AddressSpace, levels: 4 | 5, frames: FrameAllocator) {
    this.id = id;
    this.mm = mm;
    this.table = new PageTable(levels, frames);
  }
}
