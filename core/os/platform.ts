/**
 * What a guest kernel drives: the (virtual) hardware under it. A native
 * machine, a VM with nested paging, and a VM with shadow page tables each
 * implement it (core/platforms/), and charge the guest's actions as that
 * machine would; and what the hardware calls back into the guest kernel for.
 *
 * @module
 */

import type { RemapListener } from "../mapping/host_mapper.ts";
import type { Mmu } from "../mmu/mmu.ts";
import type { PageTable } from "../mmu/page_table.ts";
import type { AddressSpace } from "./address_space.ts";
import type { Shootdown } from "./shootdown.ts";

/**
 * The hardware interface of the guest kernel. Calls that a hypervisor may
 * trap (CR3 loads, INVLPG, writes to page-table pages, IPIs) go through it,
 * so each platform decides what they cost. Told of host remaps (a promotion)
 * as a {@linkcode RemapListener}.
 */
export interface Platform extends RemapListener {
  /** Its name in the platform registry. */
  readonly name: string;
  /** Each vCPU's MMU, by vCPU number. */
  readonly mmus: readonly Mmu[];
  /** The host map (guest-physical → host frames), or null natively. */
  readonly hostTable: PageTable | null;
  /** Bytes of the shadow tables alive (0 on platforms without shadow tables). */
  readonly shadowTableBytes: number;
  /**
   * `vcpu` starts out running `mm`, set up by the hypervisor before the
   * guest runs: not trapped, nothing flushed.
   */
  start(vcpu: number, mm: AddressSpace): void;
  /**
   * The host took guest-physical frame `gfn` away from this machine (handed
   * it to another): every cached translation to it must go.
   */
  unmapped(gfn: number): void;
  /**
   * One access by the address space loaded on `vcpu`, of a word at byte
   * `offset` (default 0) of 4 KiB page `vpn`: translated, then read through
   * the vCPU's caches when the machine has them. Faults it raises are
   * resolved (by the hypervisor or the guest) before it returns.
   * @returns the 4 KiB host (machine) frame accessed
   */
  access(vcpu: number, vpn: number, write: number, offset?: number): number;
  /**
   * The guest loads CR3 with `mm` (null: no user address space). `flush`
   * unless the space's PCID-tagged entries are current; a platform built
   * without PCIDs flushes every non-global entry on a flushing load.
   */
  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void;
  /** The guest wrote the entry for `vpn` at `level` in its table page at guest frame `tableFrame`. */
  pteWritten(vcpu: number, mm: AddressSpace, vpn: number, level: number, tableFrame: number): void;
  /** The guest is about to read the accessed/dirty flags of the leaf entry for `vpn`. */
  pteRead(vcpu: number, mm: AddressSpace, vpn: number): void;
  /**
   * The guest executes INVLPG for `vpn` of `mm` on `vcpu`, invalidating the
   * guest page of `pages` 4 KiB pages that starts at `vpn` (512 for a 2M page).
   */
  invlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void;
  /** The guest flushes every non-global entry of `mm` on `vcpu` (CR3 reload). */
  flushTlb(vcpu: number, mm: AddressSpace): void;
  /**
   * `vcpu` asks other vCPUs to flush a range of an address space (see
   * {@linkcode Shootdown}): IPIs, or whatever the platform offers instead.
   */
  shootdown(vcpu: number, request: Shootdown): void;
}

/** What the hardware calls back into the guest kernel for. */
export interface GuestKernel {
  /**
   * A page fault the guest must handle on `vcpu`: `vpn` not mapped, or a
   * store (`write` 1) to a write-protected page.
   */
  pageFault(vcpu: number, vpn: number, write: number): void;
  /** The address space loaded on `vcpu`, or null. */
  loaded(vcpu: number): AddressSpace | null;
  /** Whether `vcpu` is running a process (false when idle). */
  running(vcpu: number): boolean;
  /**
   * True for a guest whose pages are there from the start and never change
   * (materialised for free on first touch, as if populated before the run):
   * a missing guest entry is then no guest fault, and a platform fills its
   * own structures as if the entry had always been present.
   */
  readonly prepopulated: boolean;
}
