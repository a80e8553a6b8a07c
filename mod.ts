/**
 * vmlab: a cycle-approximate performance lab for hypervisor memory
 * virtualization. This entry re-exports the machine model (`./core`); the
 * experiments run from the command line with `deno task experiment`.
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
