/**
 * The steady writer: a sampled guest that dirties distinct pages of its
 * writable working set at a given rate, page after page in a fixed
 * shuffled order, so that the pages it dirties in a time t are
 * min(working set, rate × t) — the premise of the pre-copy and checkpoint
 * models — while its reads fall in a working set of their own. Migration
 * and replication run it.
 *
 * @module
 */

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import { Prng } from "../base/prng.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { buildWorkingSet, type GuestWorkload, touchCyclesOf } from "./sampled_guest.ts";

const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];

/** What the steady writer is given (validated by the caller). */
export interface SteadyWriter {
  /** Guest memory (4 KiB pages). */
  pages: number;
  /** vCPUs of the guest. */
  vcpus: number;
  /** Distinct pages dirtied per second, unhindered (MiB/s). */
  dirtyRateMibS: number;
  /** Fraction of memory written. */
  wwsFraction: number;
  /** Fraction of memory read. */
  workingSetFraction: number;
  /** Run length of the working sets (pages). */
  wsRunPages: number;
  /** Accesses a touch stands for, before the dirty rate shortens it. */
  accessesPerTouch: number;
}

/** The guest's workload, and how its rates came out. */
export interface SteadyWriterWorkload {
  /** What the sampled guest runs (it has no job: it runs until the mechanism ends the run). */
  workload: GuestWorkload;
  /** Fraction of touches that write. */
  writeFraction: number;
}

/**
 * The guest's workload in cycles of `cost`: touches `accessesPerTouch`
 * accesses apart, or closer when the dirty rate needs more touches (at most
 * half of them write), and writes that go page after page through the
 * writable working set, shuffled, so that the guest dirties distinct pages
 * at the given rate until it has dirtied them all.
 */
export function steadyWriterWorkload(
  s: SteadyWriter,
  cost: CostModel,
  seed: number,
): SteadyWriterWorkload {
  const hz = cost.clockGhz * 1e9;
  const writesPerVcpu = s.dirtyRateMibS * 1048576 / PAGE_BYTES / s.vcpus;
  let touchCycles = touchCyclesOf(s.accessesPerTouch, cost);
  if (writesPerVcpu * 2 * touchCycles > hz) {
    touchCycles = Math.max(1, Math.floor(hz / (2 * writesPerVcpu)));
  }
  const writeFraction = Math.min(1, writesPerVcpu * touchCycles / hz);
  // The writable working set is drawn apart from the read set: its own seed.
  const wws = buildWorkingSet(s.pages, s.wwsFraction, s.wsRunPages, (seed * 2654435761 + 1) >>> 0);
  const rng = new Prng(seed, 0x3717e5);
  for (let i = wws.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const x = wws[i];
    wws[i] = wws[j];
    wws[j] = x;
  }
  return {
    workload: {
      writeFraction,
      workingSetFraction: s.workingSetFraction,
      wsRunPages: s.wsRunPages,
      touchCycles,
      jobTouches: 0,
      writeOrder: wws,
    },
    writeFraction,
  };
}

/**
 * Guest memory as a running guest left it: every page written a few times,
 * but `zeroPageFraction` of them still zero (version 0).
 */
export function fillMemory(version: Uint32Array, zeroFraction: number, seed: number): void {
  const zeroBelow = Math.round(zeroFraction * 4294967296);
  const rng = new Prng(seed, 0x2e80);
  for (let p = 0; p < version.length; p++) {
    version[p] = zeroBelow > 0 && rng.nextU32() < zeroBelow ? 0 : 1 + (p & 7);
  }
}
