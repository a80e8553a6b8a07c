/**
 * A machine's cache hierarchy, built from a cost profile: per vCPU an L1D
 * and an L2, one last-level cache the vCPUs share, DRAM behind it. Data
 * accesses and page-walk references go through the same caches, so
 * page-table entries compete with data as on real cores.
 *
 * @module
 */

import type { CacheCosts } from "../cost/cost_model.ts";
import { CachePort } from "./cache_port.ts";
import { LineCache } from "./line_cache.ts";

/**
 * Lines of the last-level cache a machine of `vcpus` vCPUs sees: each vCPU
 * brings its share (`llcLinesPerVcpu`, the rest of a loaded socket being
 * other tenants'), up to the whole cache, in whole sets.
 *
 * @example Skylake-SP: 1.375 MiB a core, 38.5 MiB in all
 * ```ts
 * import { sharedLlcLines } from "./cache_hierarchy.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const caches = getProfile("intel-skylake-sp").caches;
 * if (sharedLlcLines(caches, 1) !== 22528) throw new Error("1.375 MiB");
 * if (sharedLlcLines(caches, 64) !== caches.llc.entries) throw new Error("the whole LLC");
 * ```
 */
export function sharedLlcLines(costs: CacheCosts, vcpus: number): number {
  const { entries, ways } = costs.llc;
  if (entries === 0 || costs.llcLinesPerVcpu === 0) return 0;
  const lines = Math.min(entries, vcpus * costs.llcLinesPerVcpu);
  return Math.floor(lines / ways) * ways;
}

/**
 * The caches of one machine. Latencies are load-to-use cycles per level;
 * a data access served beyond L1D is charged its latency divided by the
 * memory-level parallelism (independent misses overlap in an out-of-order
 * core), a walk reference its whole latency (each entry of a walk gives the
 * address of the next, and the access waits for its translation). Walks of
 * different accesses could overlap too (Skylake has two page walkers, Zen 3
 * six): not modelled, which errs towards dearer walks.
 *
 * @example Two vCPUs share the last-level cache, not their L1D
 * ```ts
 * import { CacheHierarchy } from "./cache_hierarchy.ts";
 * import { CacheLevel } from "./cache_level.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const caches = new CacheHierarchy(getProfile("amd-zen3").caches, 2);
 * caches.ports[0].access(1000);
 * if (caches.ports[1].access(1000) !== CacheLevel.LLC) throw new Error("shared LLC");
 * if (caches.ports[0].access(1000) !== CacheLevel.L1D) throw new Error("private L1D");
 * ```
 */
export class CacheHierarchy {
  /** The shared last-level cache, of {@linkcode sharedLlcLines} lines. */
  readonly llc: LineCache;
  /** Each vCPU's port, by vCPU number. */
  readonly ports: readonly CachePort[];
  /** The memory-level parallelism data misses are divided by. */
  readonly memoryLevelParallelism: number;

  /**
   * Builds empty caches.
   * @param costs geometry and latencies (a cost profile's `caches`)
   * @param vcpus the machine's vCPUs
   * @param shared a last-level cache to share with another machine on the
   *   same socket (partitions of one host), instead of one of its own
   */
  constructor(costs: CacheCosts, vcpus: number, shared?: LineCache) {
    const { l1d, l2, llc } = costs;
    const mlp = costs.memoryLevelParallelism;
    if (!(mlp >= 1)) {
      throw new RangeError(`memory-level parallelism must be at least 1, got ${mlp}`);
    }
    this.memoryLevelParallelism = mlp;
    this.llc = shared ?? new LineCache(sharedLlcLines(costs, vcpus), llc.ways);
    const walk = [costs.l1dHitCycles, costs.l2HitCycles, costs.llcHitCycles, costs.dramCycles];
    const data = walk.map((cycles, level) => (level === 0 ? cycles : cycles / mlp));
    const ports: CachePort[] = [];
    for (let v = 0; v < vcpus; v++) {
      ports.push(
        new CachePort(
          new LineCache(l1d.entries, l1d.ways),
          new LineCache(l2.entries, l2.ways),
          this.llc,
          { data, walk },
        ),
      );
    }
    this.ports = ports;
  }

  /** Empties every cache. */
  flush(): void {
    for (const port of this.ports) port.flush();
    this.llc.flushAll();
  }
}
