/**
 * The page-size rule of shadow paging, as a self-contained first-touch
 * filler for a shadow table: the shadow table maps guest-virtual pages
 * straight to host-physical frames (guest table ∘ host map), and a shadow
 * entry can be large only where the guest page and its host backing are
 * both large and aligned; a guest 2M page on host 4K pages is splintered
 * into up to 512 shadow 4K entries (one per touched 4K page), and the TLB
 * entry follows the shadow entry.
 *
 * Walked by an ordinary one-dimensional {@linkcode NativeWalker}, this is
 * the `shadow-composed` translation mode: what hardware walks under shadow
 * paging once the shadow table is populated. It deliberately leaves out how
 * the shadow is kept in step with guest table writes (write protection,
 * unsync pages, flush hypercalls — the shadow hypervisor's strategies):
 * guest tables here only grow on first touch. Each fill is charged as a
 * hidden-fault VM exit.
 *
 * @module
 */

import type { BuddyAllocator } from "../mem/buddy_allocator.ts";
import type { DemandMapper } from "../mem/demand_mapper.ts";
import type { RemapListener } from "../mem/host_mapper.ts";
import { type PageTable, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PAGES_4K_PER, PageSize } from "../page_size.ts";
import type { Stats } from "../stats.ts";
import { ExitReason } from "./exit_reason.ts";

/** The tables and costs a {@linkcode ShadowComposedFill} composes. */
export interface ShadowComposedFillOptions {
  /** The guest's table (guest-virtual → guest-physical). */
  guestTable: PageTable;
  /** Maps guest first touches (the guest OS's page-fault handler). */
  guestMapper: DemandMapper;
  /** Guest-physical frame → guest-virtual page, -1 if none: to find shadow entries of a remapped region. */
  guestReverse: Float64Array;
  /** The host's map (guest-physical → host-physical). */
  hostTable: PageTable;
  /** Backs guest-physical memory on first touch (the hypervisor's policy). */
  hostMapper: DemandMapper;
  /** Host memory the shadow table's pages come from and return to. */
  hostFrames: BuddyAllocator;
  /** Counters and cycles. */
  stats: Stats;
  /** Cycles of one fill: exit round trip plus hidden-fault handler. */
  fillCycles: number;
}

/**
 * Fills shadow entries on first touch by composing guest and host mappings.
 *
 * @example A guest 2M page on a host 2M page gets one 2M shadow entry
 * ```ts
 * import { ShadowComposedFill } from "./shadow_composed_fill.ts";
 * import { BuddyAllocator } from "../mem/buddy_allocator.ts";
 * import { FixedSizeMapper } from "../mem/demand_mapper.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { Stats } from "../stats.ts";
 * const guestFrames = new BuddyAllocator(262144);
 * const hostFrames = new BuddyAllocator(2 * 262144);
 * const guestTable = new PageTable(4, guestFrames);
 * const hostTable = new PageTable(4, hostFrames);
 * const fill = new ShadowComposedFill({
 *   guestTable, guestMapper: new FixedSizeMapper(guestFrames, 1),
 *   guestReverse: new Float64Array(262144).fill(-1),
 *   hostTable, hostMapper: new FixedSizeMapper(hostFrames, 1), hostFrames,
 *   stats: new Stats(), fillCycles: 3500,
 * });
 * const shadow = new PageTable(4, hostFrames);
 * fill.map(shadow, 0x10007);
 * if (shadow.translate(0x10007) < 0 || shadow.lastSize !== 1) throw new Error();
 * ```
 */
export class ShadowComposedFill implements DemandMapper, RemapListener {
  /** Shadow entries filled. */
  fills = 0;
  /** Shadow 4K entries filled under a guest large page (splintered by its host backing). */
  splinteredFills = 0;
  /** The shadow table, once {@linkcode ShadowComposedFill.map} has been called with it. */
  shadow: PageTable | null = null;
  #o: ShadowComposedFillOptions;
  /** Guest table pages already backed by host memory. */
  #backedTables = 0;

  /**
   * Creates a filler.
   * @param options the guest and host sides and the fill cost
   */
  constructor(options: ShadowComposedFillOptions) {
    this.#o = options;
  }

  /** Fills the shadow entry covering guest-virtual page `vpn` into `shadow`. */
  map(shadow: PageTable, vpn: number): void {
    this.shadow = shadow;
    const o = this.#o;
    let gfn = o.guestTable.translate(vpn);
    if (gfn < 0) {
      o.guestMapper.map(o.guestTable, vpn);
      gfn = o.guestTable.translate(vpn);
    }
    const guestSize = o.guestTable.lastSize;
    // The hypervisor reads the guest's table pages in its software walk, so
    // they are backed by host memory like any guest page it touches.
    const guestTable = o.guestTable;
    for (; this.#backedTables < guestTable.tableCount; this.#backedTables++) {
      const tableGfn = guestTable.tableFrame[this.#backedTables];
      if (o.hostTable.translate(tableGfn) < 0) o.hostMapper.map(o.hostTable, tableGfn);
    }
    let frame = o.hostTable.translate(gfn);
    if (frame < 0) {
      o.hostMapper.map(o.hostTable, gfn);
      frame = o.hostTable.translate(gfn);
    }
    const hostSize = o.hostTable.lastSize;
    // Both leaves are aligned to their sizes, so over the smaller size the
    // composition is contiguous and aligned: that is the shadow page.
    const size = guestSize < hostSize ? guestSize : hostSize;
    const offset = vpn % PAGES_4K_PER[size];
    shadow.map(vpn - offset, frame - offset, size, PTE_WRITABLE);
    this.fills++;
    if (size < guestSize) this.splinteredFills++;
    o.stats.exit(ExitReason.HIDDEN_FAULT, o.fillCycles);
  }

  /**
   * A guest-physical 2M region moved to host frame `hostFrame` (a promotion):
   * shadow entries of guest 4K pages in it are pointed at the new frames,
   * and a guest 2M page on it gets one 2M shadow entry in place of its
   * splintered 4K entries, whose table page returns to host memory.
   */
  remapped(gfn: number, hostFrame: number): void {
    const shadow = this.shadow;
    if (shadow === null) return;
    const o = this.#o;
    for (let i = 0; i < 512; i++) {
      const vpn = o.guestReverse[gfn + i];
      if (vpn < 0) continue;
      o.guestTable.translate(vpn);
      if (o.guestTable.lastSize >= PageSize.SIZE_2M) {
        const base = vpn - vpn % 512;
        const released = shadow.collapse(base, hostFrame, PageSize.SIZE_2M, PTE_WRITABLE);
        if (released >= 0) o.hostFrames.free(released, PageSize.SIZE_4K);
        return;
      }
      if (shadow.translate(vpn) >= 0) {
        shadow.map(vpn, hostFrame + i, PageSize.SIZE_4K, PTE_WRITABLE);
      }
    }
  }
}
