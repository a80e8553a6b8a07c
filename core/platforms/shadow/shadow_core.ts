/**
 * The six policies a shadow MMU is made of, one per strategy — TLB tagging,
 * shadow-table retention, fill batching, accessed/dirty flag tracking, guest
 * table-write tracking and shootdowns — and the part of the shadow platform
 * they act on. Each strategy file holds one policy interface, its baseline
 * implementation (the classic, unoptimised shadow MMU) and the strategy's
 * implementation; the platform holds one implementation of each, chosen when
 * it is built.
 *
 * @module
 */

import type { Mmu } from "../../mmu/mmu.ts";
import type { AddressSpace } from "../../os/address_space.ts";
import type { GuestKernel } from "../../os/platform.ts";
import type { ShadowTable } from "./shadow_table.ts";
import type { TlbTagging } from "./tagged_tlb.ts";

/** Shadow-paging events of a run. */
export interface ShadowCounts {
  /** Shadow tables built (an empty table started for a guest CR3). */
  tablesBuilt: number;
  /** CR3 loads that found their shadow table kept by the cache. */
  cacheHits: number;
  /** Shadow entries filled by hidden faults. */
  fills: number;
  /** Extra shadow entries filled by batched population. */
  prefetched: number;
  /** Shadow entries removed because the guest entry changed. */
  zaps: number;
  /** Out-of-sync guest table pages resynchronised at flush points. */
  resyncs: number;
  /** Shadow table pages whose flags were copied back to the guest. */
  propagations: number;
}

/** What the policies may read and do on the shadow platform. */
export interface ShadowCore {
  /** Each vCPU's MMU. */
  readonly mmus: readonly Mmu[];
  /** Shadow-paging events. */
  readonly counts: ShadowCounts;
  /** The guest kernel. */
  readonly kernel: GuestKernel;
  /** Every live shadow table, least recently loaded first. */
  readonly shadows: ReadonlyMap<number, ShadowTable>;
  /** The TLB tagging policy. */
  readonly tlb: TlbTagging;
  /** Charges `vcpu` one exit of `reason` (and whatever the TLB policy does on an exit). */
  exit(vcpu: number, reason: number): void;
  /** Charges `vcpu` one exit of `reason` that is only a round trip (a host IPI kick). */
  kick(vcpu: number, reason: number): void;
  /** `vcpu` sends a guest IPI: the guest kernel's cost of it, and its exit. */
  sendIpi(vcpu: number): void;
  /** The guest on `vcpu` reloads CR3 of `mm` (trapped, a flush point). */
  guestFlush(vcpu: number, mm: AddressSpace): void;
  /** The guest on `vcpu` executes INVLPG of the guest page of `pages` pages at `vpn` (trapped). */
  guestInvlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void;
  /** `vcpu` must re-check write permissions before its next store (its TLB lost entries). */
  forgetStore(vcpu: number): void;
  /** The live shadow table of `mm`, if any. */
  shadowOf(mm: AddressSpace): ShadowTable | undefined;
  /** Removes `shadow`'s entries for the guest page of `pages` 4 KiB pages at `vpn`. */
  zap(shadow: ShadowTable, vpn: number, pages: number): void;
  /** Drops `shadow` (on `vcpu`'s behalf): flags propagated, guest pages unprotected. */
  drop(vcpu: number, shadow: ShadowTable): void;
  /** Copies `shadow`'s pending flags of guest table page `frame` into the guest's entries. */
  propagate(vcpu: number, shadow: ShadowTable, frame: number): void;
  /** Resynchronises every out-of-sync table page of `mm` (a flush point). */
  resyncSpace(vcpu: number, mm: AddressSpace): void;
  /** Brings the shadow entries of `mm`'s leaf table page mapping from `base` in step with the guest's. */
  resync(vcpu: number, mm: AddressSpace, base: number): void;
  /** `vcpu` flushes all of `shadowId`'s entries (-1: everything) on its next entry. */
  deferFlush(vcpu: number, shadowId: number): void;
}
