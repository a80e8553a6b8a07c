/**
 * Strategy `out-of-sync`: the guest's writes to its leaf table pages are not
 * trapped after the first; such a page is resynchronised with its shadow at
 * the guest's next flush point (INVLPG, CR3 load or reload, flush
 * hypercall). The baseline traps every write to a shadowed guest table page.
 *
 * @module
 */

import type { AddressSpace } from "../../os/address_space.ts";
import { tablePath } from "../../os/table_path.ts";
import { ExitReason } from "../../base/exit_reason.ts";
import { spanOffset } from "../../base/page_size.ts";
import type { ShadowCore } from "./shadow_core.ts";

/** An out-of-sync guest leaf table page: whose it is and the first page it maps. */
export interface UnsyncPage {
  /** The address space. */
  readonly mm: AddressSpace;
  /** First 4 KiB page the table page maps. */
  readonly base: number;
}

/** How writes to shadowed guest table pages are tracked. */
export interface TableWriteTracking {
  /** The guest wrote the level-`level` entry for `vpn` in its write-protected table page `frame`. */
  written(
    core: ShadowCore,
    vcpu: number,
    mm: AddressSpace,
    vpn: number,
    level: number,
    frame: number,
  ): void;
  /** The guest invalidated `vpn` of `mm` (INVLPG): resynchronise its table page if out of sync. */
  invalidated(core: ShadowCore, vcpu: number, mm: AddressSpace, vpn: number): void;
  /** A flush point for `mm`: resynchronise each of its out-of-sync pages. */
  resyncSpace(core: ShadowCore, vcpu: number, mm: AddressSpace): void;
  /** Guest table page `frame` is no longer shadowed. */
  unprotected(frame: number): void;
}

/**
 * The baseline: every write exits, and the shadow entries it affects go.
 *
 * @example
 * ```ts
 * import { TrapEveryWrite } from "./out_of_sync.ts";
 * new TrapEveryWrite().unprotected();
 * ```
 */
export class TrapEveryWrite implements TableWriteTracking {
  /** An exit; the shadow entries under the written entry are zapped. */
  written(core: ShadowCore, vcpu: number, mm: AddressSpace, vpn: number, level: number): void {
    core.exit(vcpu, ExitReason.PT_WRITE);
    const shadow = core.shadowOf(mm);
    if (shadow === undefined) return;
    const span = 512 ** (level - 1);
    core.zap(shadow, vpn - spanOffset(vpn, span), span);
  }

  /** Never out of sync. */
  invalidated(): void {}

  /** Never out of sync. */
  resyncSpace(): void {}

  /** Nothing tracked. */
  unprotected(): void {}
}

/**
 * The strategy: leaf table pages go out of sync on their first write.
 *
 * @example
 * ```ts
 * import { OutOfSync } from "./out_of_sync.ts";
 * if (new OutOfSync().unsync.size !== 0) throw new Error();
 * ```
 */
export class OutOfSync implements TableWriteTracking {
  /** Out-of-sync guest table pages by guest frame. */
  readonly unsync: Map<number, UnsyncPage> = new Map();
  readonly #trap = new TrapEveryWrite();
  readonly #path = new Int32Array(6);

  /** A leaf table page's first write exits and unprotects it; other levels trap as in the baseline. */
  written(
    core: ShadowCore,
    vcpu: number,
    mm: AddressSpace,
    vpn: number,
    level: number,
    frame: number,
  ): void {
    if (level !== 1) {
      this.#trap.written(core, vcpu, mm, vpn, level);
      return;
    }
    if (this.unsync.has(frame)) return;
    // The one write fault that unprotects the page until the next flush point.
    core.exit(vcpu, ExitReason.PT_WRITE);
    this.unsync.set(frame, { mm, base: vpn - spanOffset(vpn, 512) });
  }

  /** Resynchronises the leaf table page holding `vpn` if it is out of sync. */
  invalidated(core: ShadowCore, vcpu: number, mm: AddressSpace, vpn: number): void {
    const guest = mm.table;
    const found = tablePath(guest, vpn, this.#path);
    // Only a leaf table page (level 1) goes out of sync.
    if (found >= 0 ? this.#path[0] !== 1 : found !== -1) return;
    const frame = guest.tableFrame[this.#path[1]];
    const page = this.unsync.get(frame);
    if (page !== undefined) this.#resync(core, vcpu, frame, page);
  }

  /** Resynchronises every out-of-sync page of `mm`. */
  resyncSpace(core: ShadowCore, vcpu: number, mm: AddressSpace): void {
    if (this.unsync.size === 0) return;
    for (const [frame, page] of this.unsync) {
      if (page.mm === mm) this.#resync(core, vcpu, frame, page);
    }
  }

  /** Forgets the page. */
  unprotected(frame: number): void {
    this.unsync.delete(frame);
  }

  #resync(core: ShadowCore, vcpu: number, frame: number, page: UnsyncPage): void {
    this.unsync.delete(frame);
    core.resync(vcpu, page.mm, page.base);
  }
}
