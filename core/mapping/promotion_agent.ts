/**
 * The promotion agent of `opportunistic+promote`: a model of Linux's
 * khugepaged (mm/khugepaged.c) acting on the host memory that backs a
 * guest. It wakes every `scanSleepMs` of guest time and scans the next
 * `pagesToScan` 4 KiB pages of guest-physical memory, 512 per 2M region
 * (khugepaged counts a region's 512 PTEs as progress whether it collapses
 * it or not), from a cursor that wraps round guest RAM. A region on host 4K
 * pages with at most `maxPtesNone` pages unbacked is collapsed: that needs
 * a free aligned host 2M block; without one the pass ends and the agent
 * sleeps `allocSleepMs` instead (khugepaged's `khugepaged_alloc_sleep`
 * after SCAN_ALLOC_HUGE_PAGE_FAIL). Each collapse copies the region
 * (charged to the agent, as a host thread's work), then the hypervisor
 * kicks every vCPU to flush its TLBs (KVM's remote flush after the mmu
 * notifier invalidates the range; charged to the vCPUs, whose refills
 * follow). Memory compaction (khugepaged's `defrag`) is not modelled: other
 * tenants' frames stand for unmovable allocations.
 *
 * Simplifications, against mm/khugepaged.c: the first pass comes one sleep
 * after the agent starts (a new mm is queued behind the scan cursor "to let
 * the area settle down"); a failed allocation ends the pass (khugepaged
 * sleeps, retries once and then ends it); the guest is not stalled while
 * its region is copied.
 *
 * @module
 */

import type { PageTable } from "../mmu/page_table.ts";
import type { HostMapper, RemapListener } from "./host_mapper.ts";

/** What a collapse must reach besides the host table: the vCPUs, kicked to flush their TLBs. */
export interface RemoteFlush {
  /** Kicks every vCPU out of the guest and flushes its TLBs and walk caches. */
  remoteFlush(): void;
}

/** How a {@linkcode PromotionAgent} scans; cycles are of guest time. */
export interface PromotionAgentOptions {
  /** The host mapper whose regions are collapsed. */
  host: HostMapper;
  /** 2M regions of guest RAM. */
  regions: number;
  /** 4 KiB pages scanned per pass (512 per region). */
  pagesToScan: number;
  /** Cycles between passes. */
  scanSleepCycles: number;
  /** Cycles to the next pass after a failed allocation. */
  allocSleepCycles: number;
  /** Unbacked 4 KiB pages a region may have and still be collapsed, 0 to 511. */
  maxPtesNone: number;
  /** Cycle at which the agent starts: its first pass is one scan sleep later (default 0). */
  start?: number;
}

/**
 * A khugepaged-like agent over one host mapper.
 *
 * @example One pass collapses at most eight regions
 * ```ts
 * import { PromotionAgent } from "./promotion_agent.ts";
 * import { HostMapper } from "./host_mapper.ts";
 * import { BuddyAllocator } from "../mem/buddy_allocator.ts";
 * import { PageTable } from "../mmu/page_table.ts";
 * import { Stats } from "../cost/stats.ts";
 * const frames = new BuddyAllocator(262144);
 * const table = new PageTable(4, frames);
 * const host = new HostMapper({
 *   policy: "4k", frames, guestFrames: 16 * 512, stats: new Stats(),
 *   pageCopyCycles: 500, flushCycles: 500,
 * });
 * for (let gfn = 0; gfn < 16 * 512; gfn++) host.map(table, gfn);
 * const agent = new PromotionAgent({
 *   host, regions: 16, pagesToScan: 4096, scanSleepCycles: 1000, allocSleepCycles: 6000,
 *   maxPtesNone: 511,
 * });
 * const flush = { remoteFlush() {} };
 * if (agent.runUntil(999, table, flush, null) !== 0) throw new Error("asleep until 1,000");
 * if (agent.runUntil(1000, table, flush, null) !== 8) throw new Error("eight regions a pass");
 * ```
 */
export class PromotionAgent {
  /** Passes run. */
  passes = 0;
  /** 2M regions scanned. */
  regionsScanned = 0;
  /** Regions collapsed. */
  collapses = 0;
  /** Passes that ended because no free 2M block was left. */
  allocFailures = 0;
  /** Times the cursor went round the whole of guest RAM. */
  fullScans = 0;
  /** Guest-time cycle of the next pass. */
  nextWake: number;
  #host: HostMapper;
  #regions: number;
  #perPass: number;
  #scanSleep: number;
  #allocSleep: number;
  #minBacked: number;
  #cursor = 0;

  /**
   * Creates the agent, asleep until one scan sleep after `start`.
   * @param options what it scans and how fast
   */
  constructor(options: PromotionAgentOptions) {
    if (!(options.scanSleepCycles > 0) || !(options.allocSleepCycles > 0)) {
      throw new RangeError("the promotion agent's sleeps must be positive");
    }
    if (!(options.maxPtesNone >= 0 && options.maxPtesNone <= 511)) {
      throw new RangeError(`maxPtesNone must be 0 to 511, got ${options.maxPtesNone}`);
    }
    this.#host = options.host;
    this.#regions = options.regions;
    this.#perPass = Math.ceil(options.pagesToScan / 512);
    this.#scanSleep = options.scanSleepCycles;
    this.#allocSleep = options.allocSleepCycles;
    this.#minBacked = 512 - options.maxPtesNone;
    this.nextWake = (options.start ?? 0) + options.scanSleepCycles;
  }

  /** 2M regions one pass scans. */
  get regionsPerPass(): number {
    return this.#perPass;
  }

  /**
   * Runs every pass due at or before guest-time cycle `now`.
   * @returns regions collapsed
   */
  runUntil(
    now: number,
    table: PageTable,
    vcpus: RemoteFlush,
    listener: RemapListener | null,
  ): number {
    let collapsed = 0;
    while (this.nextWake <= now) {
      const at = this.nextWake;
      const { collapsed: n, failed } = this.pass(table, vcpus, listener);
      collapsed += n;
      this.nextWake = at + (failed ? this.#allocSleep : this.#scanSleep);
    }
    return collapsed;
  }

  /**
   * One pass now, whatever the time: the next `pagesToScan` pages, or up to
   * a failed allocation. Does not move the wake-up time.
   * @returns regions collapsed, and whether an allocation failed
   */
  pass(
    table: PageTable,
    vcpus: RemoteFlush,
    listener: RemapListener | null,
  ): { collapsed: number; failed: boolean } {
    this.passes++;
    const host = this.#host;
    let collapsed = 0;
    for (let i = 0; i < this.#perPass; i++) {
      const region = this.#cursor;
      this.#cursor = region + 1 === this.#regions ? 0 : region + 1;
      if (this.#cursor === 0) this.fullScans++;
      this.regionsScanned++;
      if (host.backed4k(region) < this.#minBacked || !host.canCollapse(region)) continue;
      if (!host.collapse(table, region, listener)) {
        this.allocFailures++;
        return { collapsed, failed: true };
      }
      vcpus.remoteFlush();
      collapsed++;
      this.collapses++;
    }
    return { collapsed, failed: false };
  }

  /**
   * Passes back to back until the cursor has gone once round guest RAM or
   * an allocation fails, without moving the wake-up time: for tests and
   * what-if comparisons, not a rate anything in Linux runs at.
   * @returns regions collapsed
   */
  scanOnce(table: PageTable, vcpus: RemoteFlush, listener: RemapListener | null): number {
    let collapsed = 0;
    const passes = Math.ceil(this.#regions / this.#perPass);
    for (let i = 0; i < passes; i++) {
      const { collapsed: n, failed } = this.pass(table, vcpus, listener);
      collapsed += n;
      if (failed) break;
    }
    return collapsed;
  }
}
