/**
 * The simplest guest: one address space whose pages are there from the
 * start and never change — materialised for free the first time anything
 * looks at them (a walk, or a hypervisor filling its shadow table), counted
 * in `demand_maps`, or populated in bulk before the run
 * ({@linkcode populate} in core/machine/populate.ts, through the same
 * mapper), so that a measured run meets no first touch at all. No page
 * faults, no page-table writes, no context switches: a translation-only
 * guest, as trace-driven simulators assume. Every access is taken as
 * writable: the guest has initialised its memory.
 *
 * @module
 */

import type { DemandMapper } from "../mmu/demand_mapper.ts";
import type { PageTable } from "../mmu/page_table.ts";
import { AddressSpace } from "../os/address_space.ts";
import type { GuestKernel } from "../os/platform.ts";
import { Counter, type Stats } from "../cost/stats.ts";

/**
 * A first-touch guest.
 *
 * @example
 * ```ts
 * import { FirstTouchGuest } from "./first_touch_guest.ts";
 * import { FixedSizeMapper } from "../mmu/demand_mapper.ts";
 * import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { Stats } from "../cost/stats.ts";
 * const frames = new BumpFrameAllocator();
 * const guest = new FirstTouchGuest(new PageTable(4, frames), new FixedSizeMapper(frames, 0), [new Stats()]);
 * guest.pageFault(0, 0x1234);
 * if (guest.space.table.translate(0x1234) < 0) throw new Error();
 * ```
 */
export class FirstTouchGuest implements GuestKernel {
  /** Pages are there from the start. */
  readonly prepopulated = true;
  /** The one address space. */
  readonly space: AddressSpace;
  /** How the guest maps its pages (fixed size, or 2M where chosen). */
  readonly mapper: DemandMapper;
  readonly #stats: readonly Stats[];

  /**
   * Creates the guest around an empty table.
   * @param table its page table
   * @param mapper what maps a page the first time it is looked at
   * @param stats each vCPU's statistics (first touches are counted in `demand_maps`)
   */
  constructor(table: PageTable, mapper: DemandMapper, stats: readonly Stats[]) {
    this.space = new AddressSpace(0, 0, table, stats.length);
    this.mapper = mapper;
    this.#stats = stats;
  }

  /** Materialises the page covering `vpn`, uncharged. */
  pageFault(vcpu: number, vpn: number): void {
    this.mapper.map(this.space.table, vpn);
    this.#stats[vcpu].counters[Counter.DEMAND_MAPS]++;
  }

  /** The one address space, on every vCPU. */
  loaded(): AddressSpace {
    return this.space;
  }

  /** Every vCPU runs. */
  running(): boolean {
    return true;
  }
}
