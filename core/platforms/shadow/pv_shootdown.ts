/**
 * Strategy `pv-shootdown`: a TLB shootdown is one flush hypercall instead of
 * an IPI (an exit) per target followed by a trapped INVLPG or CR3 reload on
 * each; running targets are kicked with a host IPI, idle ones flush on their
 * next entry. The baseline sends IPIs.
 *
 * @module
 */

import type { Shootdown } from "../../os/shootdown.ts";
import { ExitReason } from "../../base/exit_reason.ts";
import type { ShadowCore } from "./shadow_core.ts";

/** How a guest's TLB shootdown reaches the other vCPUs. */
export interface ShootdownPolicy {
  /** `vcpu` asks other vCPUs to flush a range of an address space. */
  shootdown(core: ShadowCore, vcpu: number, request: Shootdown): void;
}

/**
 * The baseline: an IPI to each target, which then exits on its INVLPGs or
 * CR3 reload.
 *
 * @example
 * ```ts
 * import { IpiShootdown } from "./pv_shootdown.ts";
 * if (typeof new IpiShootdown().shootdown !== "function") throw new Error();
 * ```
 */
export class IpiShootdown implements ShootdownPolicy {
  /** One IPI (an exit on the sender) and the target's trapped flush, per target. */
  shootdown(core: ShadowCore, vcpu: number, request: Shootdown): void {
    const { targets, mm, vpn, pages, stride } = request;
    for (let i = 0; i < request.count; i++) {
      core.sendIpi(vcpu);
      const t = targets[i];
      if (pages === 0) core.guestFlush(t, mm);
      else for (let p = 0; p < pages; p += stride) core.guestInvlpg(t, mm, vpn + p, stride);
    }
  }
}

/**
 * The strategy: one hypercall; the hypervisor zaps and flushes.
 *
 * @example
 * ```ts
 * import { PvShootdown } from "./pv_shootdown.ts";
 * if (typeof new PvShootdown().shootdown !== "function") throw new Error();
 * ```
 */
export class PvShootdown implements ShootdownPolicy {
  /** A flush hypercall; running targets are kicked, idle ones flush on their next entry. */
  shootdown(core: ShadowCore, vcpu: number, request: Shootdown): void {
    const { targets, mm, vpn, pages, stride } = request;
    core.exit(vcpu, ExitReason.HYPERCALL);
    core.resyncSpace(vcpu, mm);
    const shadow = core.shadowOf(mm);
    if (shadow !== undefined && pages > 0) {
      for (let p = 0; p < pages; p += stride) core.zap(shadow, vpn + p, stride);
    }
    for (let i = 0; i < request.count; i++) {
      const t = targets[i];
      if (!core.kernel.running(t)) {
        // Not running: flushed on its next entry, for free.
        core.deferFlush(t, shadow === undefined ? -1 : shadow.id);
        continue;
      }
      // A running vCPU is kicked out with a host IPI: a bare round trip.
      core.kick(t, ExitReason.IPI);
      core.forgetStore(t);
      if (pages === 0) core.tlb.flushSpace(core.mmus[t], shadow);
      else core.tlb.flushPages(core.mmus[t], shadow, vpn, pages);
    }
  }
}
