/**
 * Strategy `batch`: a hidden fault fills a batch of neighbouring shadow
 * entries from the same guest table page (KVM's `pte_prefetch`), not just
 * the one that faulted. The baseline fills one entry per hidden fault.
 *
 * @module
 */

import type { ShadowTable } from "./shadow_table.ts";
import { spanOffset } from "../../base/page_size.ts";

/** What a batching policy asks of the platform: try to fill one more entry. */
export interface PrefetchTarget {
  /**
   * Fills `shadow`'s entry for `page` from guest leaf entry `entry` if the
   * flag policy allows and it is not there yet.
   */
  prefetch(vcpu: number, shadow: ShadowTable, page: number, entry: number): void;
}

/** How many entries a hidden fault fills. */
export interface FillBatching {
  /** Entries filled per hidden fault, the faulting one included. */
  readonly batch: number;
  /**
   * After `vpn`'s entry was filled from the guest leaf table page whose
   * entries start at index `leafTable`: fill its neighbours.
   */
  neighbours(
    target: PrefetchTarget,
    vcpu: number,
    shadow: ShadowTable,
    vpn: number,
    leafTable: number,
  ): void;
}

/**
 * The baseline: one entry.
 *
 * @example
 * ```ts
 * import { SingleFill } from "./batched_fill.ts";
 * if (new SingleFill().batch !== 1) throw new Error();
 * ```
 */
export class SingleFill implements FillBatching {
  /** One. */
  readonly batch = 1;

  /** Nothing more. */
  neighbours(): void {}
}

/**
 * The strategy: the aligned batch of `batch` pages around the fault.
 *
 * @example
 * ```ts
 * import { BatchedFill } from "./batched_fill.ts";
 * const pages: number[] = [];
 * new BatchedFill(8).neighbours({ prefetch: (_v, _s, page) => pages.push(page) }, 0, null!, 0x13, 0);
 * if (pages.join() !== "16,17,18,20,21,22,23") throw new Error(pages.join());
 * ```
 */
export class BatchedFill implements FillBatching {
  /** Entries per hidden fault: 1 to 512, a power of two. */
  readonly batch: number;

  /**
   * Creates the policy.
   * @param batch entries per hidden fault
   */
  constructor(batch: number) {
    this.batch = batch;
  }

  /** Tries each other page of the batch, in address order. */
  neighbours(
    target: PrefetchTarget,
    vcpu: number,
    shadow: ShadowTable,
    vpn: number,
    leafTable: number,
  ): void {
    const batch = this.batch;
    if (batch === 1) return;
    const first = vpn - spanOffset(vpn, batch);
    for (let page = first; page < first + batch; page++) {
      if (page !== vpn) target.prefetch(vcpu, shadow, page, leafTable + spanOffset(page, 512));
    }
  }
}
