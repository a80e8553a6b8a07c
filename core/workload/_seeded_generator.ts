// What the synthetic generators share (private to core/workload): options
// validated once, the accesses still to emit, the store threshold and the
// seeded PRNG. Each generator's fill() loop stays its own, reading these into
// locals before the per-access loop, so its call sites stay monomorphic
// (STYLE.md point 13).

import type { AccessChunk, AccessGenerator } from "../base/access_chunk.ts";
import { Prng } from "../base/prng.ts";
import {
  type ResolvedWorkloadOptions,
  resolveWorkloadOptions,
  type WorkloadOptions,
  writeThreshold,
} from "./workload_options.ts";

/** A seeded synthetic generator: options, accesses left, store threshold, PRNG. */
export abstract class SeededGenerator implements AccessGenerator {
  /** The options with defaults applied. */
  readonly options: ResolvedWorkloadOptions;
  /** Accesses still to emit. */
  protected remaining: number;
  /** A PRNG draw below this makes the access a store. */
  protected readonly threshold: number;
  /** The generator's PRNG, seeded from the options. */
  protected readonly rng: Prng;
  /** Access-sized slots in the footprint. */
  protected readonly slots: number;

  /**
   * Validates `options` for workload `name` once.
   * @param defaultWriteFraction the workload's share of stores when none is given
   * @throws {ConfigError} for an invalid option, naming it.
   */
  constructor(name: string, options: WorkloadOptions, defaultWriteFraction: number) {
    this.options = resolveWorkloadOptions(name, options, defaultWriteFraction);
    this.remaining = this.options.accesses;
    this.threshold = writeThreshold(this.options.writeFraction);
    this.rng = new Prng(this.options.seed);
    this.slots = Math.floor(this.options.footprintBytes / this.options.accessBytes);
  }

  /**
   * Completes a chunk whose first `n` accesses were written: every access
   * of the options' size, in address space 0. Returns `n`.
   */
  protected emitted(chunk: AccessChunk, n: number): number {
    chunk.size.fill(this.options.accessBytes, 0, n);
    chunk.space.fill(0, 0, n);
    chunk.length = n;
    this.remaining -= n;
    return n;
  }

  /** Fills `chunk` from its start with the next accesses; returns how many (0 at the end). */
  abstract fill(chunk: AccessChunk): number;
}
