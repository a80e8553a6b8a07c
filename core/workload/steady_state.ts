/**
 * Measuring a workload in steady state, as ChampSim does with its warm-up
 * instructions: the tables are populated first (a process that has touched
 * all of its memory), then a warm-up of the workload's own accesses fills
 * the TLBs, walk caches and data caches, then the statistics are reset and
 * the measured accesses run. The options are declared as data here; the
 * runs are {@linkcode runAccesses} and {@linkcode runOsWorkload} in
 * core/workload/simulate.ts.
 *
 * @module
 */

import {
  type AccessChunk,
  type AccessGenerator,
  AccessKind,
  createAccessChunk,
} from "../base/access_chunk.ts";
import type { PageRange } from "../machine/populate.ts";
import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  validateConfig,
} from "../base/config_fields.ts";

/**
 * Default {@linkcode SteadyStateOptions.warmupAccesses}: one million
 * accesses, more than the 64-byte lines of the largest last-level cache of
 * the named profiles (38.5 MB on a 28-core Skylake-SP, 630,784 lines; 32 MB
 * on a Zen 3 CCD), so that with any access pattern that reaches them every
 * cache and TLB (at most 1,536 entries) can be full before counting starts.
 * ChampSim's runs warm up the same way, by a count of instructions given
 * beside the measured count.
 */
export const DEFAULT_WARMUP_ACCESSES = 1_000_000;

/** The fields of {@linkcode SteadyStateOptions}. */
export const STEADY_STATE_FIELDS = {
  warmupAccesses: {
    kind: "integer",
    min: 0,
    max: 2 ** 40,
    default: DEFAULT_WARMUP_ACCESSES,
    unit: "accesses",
    description:
      "accesses of the workload run before the measured ones and not counted (the statistics are reset after them), on top of the measured count: they warm the TLBs, walk caches and data caches",
  },
  populate: {
    kind: "boolean",
    default: true,
    description:
      "populate the workload's page tables before the run, as a process that has touched all of its memory (guest table, host map, shadow table as the platform has them), so that no first touch is measured; off measures cold tables",
  },
} as const satisfies ConfigFields;

/** How a synthetic workload is brought to steady state. `{}` is valid: the defaults. */
export type SteadyStateOptions = ConfigInput<typeof STEADY_STATE_FIELDS>;

/** {@linkcode SteadyStateOptions} with the defaults filled in. */
export type ResolvedSteadyStateOptions = ConfigValues<typeof STEADY_STATE_FIELDS>;

/**
 * Checks steady-state options and fills in the defaults.
 * @throws {ConfigError} naming the bad field
 *
 * @example
 * ```ts
 * import { resolveSteadyState } from "./steady_state.ts";
 * const options = resolveSteadyState({ warmupAccesses: 0 });
 * if (options.warmupAccesses !== 0 || !options.populate) throw new Error();
 * ```
 */
export function resolveSteadyState(options: SteadyStateOptions): ResolvedSteadyStateOptions {
  return validateConfig(STEADY_STATE_FIELDS, options, { component: "steady-state options" });
}

/**
 * The pages a synthetic workload's accesses stay inside: its footprint from
 * its first page.
 *
 * @example
 * ```ts
 * import { footprintPages } from "./steady_state.ts";
 * const range = footprintPages({ baseVpn: 0x10000, footprintBytes: 8192 + 1 });
 * if (range.first !== 0x10000 || range.pages !== 3) throw new Error();
 * ```
 */
export function footprintPages(
  options: { readonly baseVpn: number; readonly footprintBytes: number },
): PageRange {
  return { first: options.baseVpn, pages: Math.ceil(options.footprintBytes / 4096) };
}

/**
 * The first `count` accesses of a generator, and then its end; the
 * generator goes on from there when read again. Chunks come out as the
 * generator fills them, the last one cut short, so the stream is the same
 * as read in one piece.
 *
 * @example Warm-up and measured part of one stream
 * ```ts
 * import { FirstAccesses } from "./steady_state.ts";
 * import { createWorkload } from "./workloads.ts";
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * const workload = createWorkload("random", { accesses: 10_000, footprintBytes: 1 << 20, seed: 1 });
 * const warm = new FirstAccesses(workload, 5000);
 * const chunk = createAccessChunk();
 * let n = 0;
 * while (warm.fill(chunk) > 0) n += chunk.length;
 * while (workload.fill(chunk) > 0) n += chunk.length;
 * if (n !== 10_000) throw new Error();
 * ```
 */
export class FirstAccesses implements AccessGenerator {
  readonly #source: AccessGenerator;
  #left: number;
  #piece: AccessChunk | null = null;

  /**
   * Wraps `source`.
   * @param source the generator
   * @param count accesses to let through
   */
  constructor(source: AccessGenerator, count: number) {
    this.#source = source;
    this.#left = count;
  }

  /** Fills `chunk` with the next accesses, at most as many as are left. */
  fill(chunk: AccessChunk): number {
    const left = this.#left;
    if (left <= 0) return (chunk.length = 0);
    if (left >= chunk.vpn.length) {
      const n = this.#source.fill(chunk);
      this.#left -= n;
      return n;
    }
    // The last piece: the source fills a chunk of exactly what is left.
    const piece = this.#piece = this.#piece?.vpn.length === left
      ? this.#piece
      : createAccessChunk(left);
    const n = this.#source.fill(piece);
    chunk.vpn.set(piece.vpn.subarray(0, n));
    chunk.offset.set(piece.offset.subarray(0, n));
    chunk.size.set(piece.size.subarray(0, n));
    chunk.kind.set(piece.kind.subarray(0, n));
    chunk.space.set(piece.space.subarray(0, n));
    this.#left = n === 0 ? 0 : left - n;
    return (chunk.length = n);
  }
}

/**
 * A process touching its memory before it runs: one store to each page of
 * a range, in address order, then the accesses of `source`. On the guest
 * OS model this is how a synthetic workload's tables are populated — by the
 * kernel's own page faults (and, under shadow paging, the hypervisor's
 * fills), since bypassing them would leave the kernel's bookkeeping behind.
 *
 * @example
 * ```ts
 * import { TouchedFirst } from "./steady_state.ts";
 * import { createWorkload } from "./workloads.ts";
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * const workload = createWorkload("random", { accesses: 100, footprintBytes: 1 << 20, seed: 1 });
 * const stream = new TouchedFirst(workload, { first: 0x10000, pages: 256 });
 * const chunk = createAccessChunk();
 * stream.fill(chunk);
 * if (chunk.vpn[0] !== 0x10000 || chunk.vpn[255] !== 0x100ff || chunk.length !== 356) throw new Error();
 * ```
 */
export class TouchedFirst implements AccessGenerator {
  readonly #source: AccessGenerator;
  readonly #range: PageRange;
  #touched = 0;
  #rest: AccessChunk | null = null;

  /**
   * Wraps `source`.
   * @param source the accesses after the touches
   * @param range the pages touched first
   */
  constructor(source: AccessGenerator, range: PageRange) {
    this.#source = source;
    this.#range = range;
  }

  /** Fills `chunk` with the next touches, then the source's accesses. */
  fill(chunk: AccessChunk): number {
    const { first, pages } = this.#range;
    const cap = chunk.vpn.length;
    if (this.#touched === pages) return this.#source.fill(chunk);
    let n = 0;
    while (n < cap && this.#touched < pages) {
      chunk.vpn[n] = first + this.#touched++;
      chunk.offset[n] = 0;
      chunk.size[n] = 8;
      chunk.kind[n] = AccessKind.STORE;
      chunk.space[n] = 0;
      n++;
    }
    if (n < cap) {
      // The chunk's rest comes from the source, through a chunk of that size.
      const rest = this.#rest = this.#rest?.vpn.length === cap - n
        ? this.#rest
        : createAccessChunk(cap - n);
      const m = this.#source.fill(rest);
      chunk.vpn.set(rest.vpn.subarray(0, m), n);
      chunk.offset.set(rest.offset.subarray(0, m), n);
      chunk.size.set(rest.size.subarray(0, m), n);
      chunk.kind.set(rest.kind.subarray(0, m), n);
      chunk.space.set(rest.space.subarray(0, m), n);
      n += m;
    }
    return (chunk.length = n);
  }
}
