/**
 * Strategy `tagged-tlb`: TLB entries tagged by VPID and shadow address space,
 * so VM exits and entries flush nothing and a switch between cached shadow
 * tables keeps every table's entries. The baseline has no tags: every exit
 * and entry flushes the vCPU's TLB (which makes the flushes a trapped CR3
 * load or INVLPG asks for redundant).
 *
 * @module
 */

import type { Mmu } from "../../mmu/mmu.ts";
import type { ShadowTable } from "./shadow_table.ts";

/** How a shadow MMU keeps its vCPUs' TLBs right. */
export interface TlbTagging {
  /** The tag the TLB entries of `shadow`'s translations carry. */
  tag(shadow: ShadowTable): number;
  /** After an exit of the vCPU of `mmu`. @returns whether the TLB was flushed */
  afterExit(mmu: Mmu): boolean;
  /** The vCPU loaded `shadow` (a trapped CR3 load); `flush` if its entries may be stale. */
  switched(mmu: Mmu, shadow: ShadowTable, flush: boolean, pcid: boolean): void;
  /** The vCPU reloaded CR3 of the space `shadow` shadows (a trapped flush). */
  reloaded(mmu: Mmu, shadow: ShadowTable | undefined): void;
  /** The vCPU executed a trapped INVLPG of the guest page of `pages` pages at `vpn`. */
  invalidated(mmu: Mmu, shadow: ShadowTable | undefined, vpn: number, pages: number): void;
  /** Flush, with no exit of the vCPU's own, every entry of `shadow` (a kicked shootdown target). */
  flushSpace(mmu: Mmu, shadow: ShadowTable | undefined): void;
  /** Flush, with no exit of the vCPU's own, the entries of `pages` pages at `vpn` of `shadow`. */
  flushPages(mmu: Mmu, shadow: ShadowTable | undefined, vpn: number, pages: number): void;
  /** A flush deferred to the vCPU's next entry: shadow table `id`, or everything for -1. */
  flushDeferred(mmu: Mmu, id: number): void;
}

/**
 * The baseline: no VPID, no tags; every exit flushes.
 *
 * @example
 * ```ts
 * import { UntaggedTlb } from "./tagged_tlb.ts";
 * import { buildVcpuMmu } from "../../mmu/vcpu_mmu.ts";
 * import { getProfile } from "../../cost/profiles.ts";
 * import { Stats } from "../../cost/stats.ts";
 * const identity = { leafSize: 0, walk: (v: number) => v, flush() {}, prefetch() {}, tablePages: () => 1 } as const;
 * const mmu = buildVcpuMmu(identity, getProfile("amd-zen3"), new Stats());
 * if (!new UntaggedTlb().afterExit(mmu)) throw new Error("an untagged exit flushes");
 * ```
 */
export class UntaggedTlb implements TlbTagging {
  /** Every entry carries tag 0. */
  tag(): number {
    return 0;
  }

  /** Flushes everything. */
  afterExit(mmu: Mmu): boolean {
    mmu.flushAll();
    return true;
  }

  /** Nothing more: the exit flushed. */
  switched(): void {}

  /** Nothing more: the exit flushed. */
  reloaded(): void {}

  /** Nothing more: the exit flushed. */
  invalidated(): void {}

  /** Flushes everything. */
  flushSpace(mmu: Mmu): void {
    mmu.flushAll();
  }

  /** Flushes everything. */
  flushPages(mmu: Mmu): void {
    mmu.flushAll();
  }

  /** Flushes everything. */
  flushDeferred(mmu: Mmu): void {
    mmu.flushAll();
  }
}

/**
 * The strategy: entries tagged by shadow table; exits flush nothing.
 *
 * @example
 * ```ts
 * import { TaggedTlb } from "./tagged_tlb.ts";
 * import { buildVcpuMmu } from "../../mmu/vcpu_mmu.ts";
 * import { getProfile } from "../../cost/profiles.ts";
 * import { Stats } from "../../cost/stats.ts";
 * const identity = { leafSize: 0, walk: (v: number) => v, flush() {}, prefetch() {}, tablePages: () => 1 } as const;
 * const mmu = buildVcpuMmu(identity, getProfile("amd-zen3"), new Stats());
 * if (new TaggedTlb().afterExit(mmu)) throw new Error("a tagged exit keeps the TLB");
 * ```
 */
export class TaggedTlb implements TlbTagging {
  /** The shadow table's id. */
  tag(shadow: ShadowTable): number {
    return shadow.id;
  }

  /** Nothing: entries survive exits. */
  afterExit(_mmu: Mmu): boolean {
    return false;
  }

  /** Without guest PCIDs a flushing CR3 load means "flush everything" to the guest. */
  switched(mmu: Mmu, shadow: ShadowTable, flush: boolean, pcid: boolean): void {
    if (!flush) return;
    if (pcid) mmu.flushTag(shadow.id);
    else mmu.flushAll();
  }

  /** Flushes the space's entries. */
  reloaded(mmu: Mmu, shadow: ShadowTable | undefined): void {
    if (shadow !== undefined) mmu.flushTag(shadow.id);
  }

  /** Flushes the page's entries, whatever size they were cached at. */
  invalidated(mmu: Mmu, shadow: ShadowTable | undefined, vpn: number, pages: number): void {
    if (shadow === undefined) return;
    if (pages === 1) mmu.flushPage(vpn, shadow.id);
    else mmu.flushRange(vpn, pages, shadow.id);
  }

  /** Flushes the space's entries. */
  flushSpace(mmu: Mmu, shadow: ShadowTable | undefined): void {
    if (shadow !== undefined) mmu.flushTag(shadow.id);
  }

  /** Flushes the pages' entries. */
  flushPages(mmu: Mmu, shadow: ShadowTable | undefined, vpn: number, pages: number): void {
    if (shadow !== undefined) mmu.flushRange(vpn, pages, shadow.id);
  }

  /** Flushes the table's entries, or everything when the space had no shadow table. */
  flushDeferred(mmu: Mmu, id: number): void {
    if (id < 0) mmu.flushAll();
    else mmu.flushTag(id);
  }
}
