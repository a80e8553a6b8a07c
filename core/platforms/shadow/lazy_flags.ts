/**
 * Strategy `lazy-flags`: the guest's accessed and dirty flags are set at
 * fill time, a clean page's first write sets the shadow's dirty flag without
 * an exit, and what the hardware set in shadow entries is copied back to the
 * guest's table page only when the guest reads it. The baseline maps clean
 * pages read-only so their first write exits, and fills only entries the
 * guest has marked accessed (KVM's prefetch rule), keeping the guest's flags
 * exact at all times.
 *
 * @module
 */

import { PTE_ACCESSED, PTE_DIRTY, PTE_WRITABLE } from "../../mmu/page_table.ts";
import type { AddressSpace } from "../../os/address_space.ts";
import { tablePath } from "../../os/table_path.ts";
import { ExitReason } from "../../base/exit_reason.ts";
import { spanOffset } from "../../base/page_size.ts";
import type { ShadowCore } from "./shadow_core.ts";
import type { ShadowTable } from "./shadow_table.ts";

/** How the guest's accessed and dirty flags are kept exact. */
export interface FlagTracking {
  /** Whether a shadow entry filled from a guest entry with `guestFlags` may be writable. */
  writable(guestFlags: number): boolean;
  /** Whether a guest entry with `guestFlags` may be prefetched into the shadow. */
  prefetchable(guestFlags: number): boolean;
  /** The hardware set the accessed or dirty flag of `shadow`'s entry for `vpn`. */
  hardwareSet(shadow: ShadowTable, vpn: number): void;
  /** The guest is about to read the flags of its leaf for `vpn` of `mm` on `vcpu`. */
  beforeGuestRead(core: ShadowCore, vcpu: number, mm: AddressSpace, vpn: number): void;
}

/**
 * The baseline: flags kept exact by write-protecting clean pages.
 *
 * @example
 * ```ts
 * import { EagerFlags } from "./lazy_flags.ts";
 * import { PTE_DIRTY, PTE_WRITABLE } from "../../mmu/page_table.ts";
 * const flags = new EagerFlags();
 * if (flags.writable(PTE_WRITABLE) || !flags.writable(PTE_WRITABLE | PTE_DIRTY)) throw new Error();
 * ```
 */
export class EagerFlags implements FlagTracking {
  /** Writable only once the guest's dirty flag is set. */
  writable(guestFlags: number): boolean {
    return (guestFlags & PTE_WRITABLE) !== 0 && (guestFlags & PTE_DIRTY) !== 0;
  }

  /** Only entries the guest has seen accessed. */
  prefetchable(guestFlags: number): boolean {
    return (guestFlags & PTE_ACCESSED) !== 0;
  }

  /** Cannot happen unnoticed: flags are set when the entry is filled or first written. */
  hardwareSet(): void {}

  /** The guest's flags are exact already. */
  beforeGuestRead(): void {}
}

/**
 * The strategy: flags set lazily, propagated on the guest's read.
 *
 * @example
 * ```ts
 * import { LazyFlags } from "./lazy_flags.ts";
 * import { PTE_WRITABLE } from "../../mmu/page_table.ts";
 * if (!new LazyFlags().writable(PTE_WRITABLE)) throw new Error();
 * ```
 */
export class LazyFlags implements FlagTracking {
  readonly #path = new Int32Array(6);

  /** Writable whenever the guest's entry is. */
  writable(guestFlags: number): boolean {
    return (guestFlags & PTE_WRITABLE) !== 0;
  }

  /** Any present entry: the shadow's own flags are copied back later. */
  prefetchable(): boolean {
    return true;
  }

  /** Notes the guest table page holding `vpn`'s leaf as having flags the guest has not seen. */
  hardwareSet(shadow: ShadowTable, vpn: number): void {
    const guest = shadow.mm.table;
    const path = this.#path;
    if (tablePath(guest, vpn, path) < 0) return;
    const level = path[0];
    const frame = guest.tableFrame[path[level]];
    if (!shadow.pending.has(frame)) shadow.pending.set(frame, pendingKey(vpn, level));
  }

  /** A read of a page with pending flags faults; the flags are copied back. */
  beforeGuestRead(core: ShadowCore, vcpu: number, mm: AddressSpace, vpn: number): void {
    const shadow = core.shadowOf(mm);
    if (shadow === undefined || shadow.pending.size === 0) return;
    const path = this.#path;
    if (tablePath(mm.table, vpn, path) < 0) return;
    const frame = mm.table.tableFrame[path[path[0]]];
    if (!shadow.pending.has(frame)) return;
    core.exit(vcpu, ExitReason.HIDDEN_FAULT);
    core.propagate(vcpu, shadow, frame);
  }
}

/**
 * What {@linkcode ShadowTable.pending} holds for a guest table page at
 * `level` that maps `vpn`: the first page it maps, times 8, plus its level.
 *
 * @example
 * ```ts
 * import { pendingKey } from "./lazy_flags.ts";
 * if (pendingKey(0x1234, 1) !== 0x1200 * 8 + 1) throw new Error();
 * ```
 */
export function pendingKey(vpn: number, level: number): number {
  const span = 512 ** level;
  return (vpn - spanOffset(vpn, span)) * 8 + level;
}
