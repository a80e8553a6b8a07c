/**
 * vmlab: a cycle-approximate performance lab for hypervisor memory
 * virtualization. The package has four entries:
 *
 * - `@vmlab/lab` (this one) and `@vmlab/lab/core`: the machine model — build
 *   a machine from a configuration, run a workload or a trace on it, read
 *   counters and a cycle breakdown; snapshot and restore a running guest.
 *   Pure TypeScript with no I/O and no npm dependencies.
 * - `@vmlab/lab/experiments`: the experiments as resumable, shardable sweeps
 *   and the `deno task experiment | sim | state` command lines.
 * - `@vmlab/lab/reports`: self-contained HTML reports with Observable Plot.
 *
 * @example Translation cost of one workload, native and nested
 * ```ts
 * import { createWorkload, getProfile, simulate } from "./mod.ts";
 *
 * const cost = getProfile("amd-zen3");
 * for (const platform of ["native", "nested"] as const) {
 *   const workload = createWorkload("zipf", { accesses: 50_000, footprintBytes: 256 << 20, seed: 1 });
 *   const { counters, cycles } = simulate({ platform }, cost, workload);
 *   console.log(platform, cycles.total / counters.accesses, "cycles per access");
 * }
 * ```
 *
 * @module
 */

export * from "./core/mod.ts";
