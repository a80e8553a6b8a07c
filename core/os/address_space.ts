/**
 * A guest address space (a Linux `mm`): one guest page table, a tag the TLB
 * tells address spaces apart by (a PCID), and the TLB generation that lets a
 * vCPU switching back in know whether its cached entries went stale.
 *
 * @module
 */

import type { PageTable } from "../mmu/page_table.ts";

/**
 * One address space.
 *
 * @example
 * ```ts
 * import { AddressSpace } from "./address_space.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * const mm = new AddressSpace(1, 7, new PageTable(4, new BumpFrameAllocator()), 2);
 * if (mm.root !== mm.table.tableFrame[0]) throw new Error();
 * ```
 */
export class AddressSpace {
  /** Unique id, also the PCID its TLB entries are tagged with (never reused). */
  readonly id: number;
  /** The process owning it. */
  readonly pid: number;
  /** The guest page table; its table pages live in guest-physical frames. */
  readonly table: PageTable;
  /** Guest-physical frame of the root table: the value the guest loads into CR3. */
  readonly root: number;
  /** Bumped whenever a change needs TLB entries of this space flushed everywhere. */
  generation = 0;
  /** Per vCPU: the generation its TLB has caught up with. */
  readonly seen: Float64Array;

  /**
   * Creates an address space around an (empty) table.
   * @param id unique id and PCID
   * @param pid owning process
   * @param table its guest page table
   * @param vcpus number of vCPUs of the guest
   */
  constructor(id: number, pid: number, table: PageTable, vcpus: number) {
    this.id = id;
    this.pid = pid;
    this.table = table;
    this.root = table.tableFrame[table.root];
    this.seen = new Float64Array(vcpus);
  }
}
