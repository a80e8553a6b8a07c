/**
 * A `translation` point's run, exactly as `deno task sim` runs it (the
 * report prints that command for every row): build the machine of its
 * configuration, populate the tables, warm up, then count the translation
 * cost of the measured accesses.
 *
 * @module
 */

import type { MachineConfig } from "../../core/machine/machine_config.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import { finish, runAccesses } from "../../core/workload/simulate.ts";
import { footprintPages } from "../../core/workload/steady_state.ts";
import { DEFAULT_BASE_VPN } from "../../core/workload/workload_options.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import type { Row, RunContext } from "../experiment.ts";
import { PointError } from "../parameters.ts";
import type { SimRun } from "../sim_command.ts";
import { coldRefsPerWalk } from "./_cold_walk.ts";
import type { TranslationPoint } from "./point.ts";

const MIB = 2 ** 20;

/** The machine configuration of a point. */
function machineConfig(point: TranslationPoint): MachineConfig {
  const cachesOn = point.translation_caches === "on";
  const hostPage = point.host_page === "none" ? undefined : point.host_page;
  if ((point.mode === "nested") !== (hostPage !== undefined)) {
    throw new PointError(
      `experiment "translation": parameter "host_page" is none exactly when mode is native, got ${point.host_page} with ${point.mode}`,
    );
  }
  return {
    platform: point.mode,
    guestPage: point.guest_page,
    ...(hostPage ? { hostPage } : {}),
    levels: point.levels,
    walkCache: cachesOn,
    ...(hostPage ? { nestedTlb: cachesOn } : {}),
    pteCache: cachesOn,
  };
}

/**
 * The `deno task sim` run of a point: what reproduces its row, given the
 * seed and the name (or JSON file) of the cost profile.
 *
 * @example
 * ```ts
 * import { translationSimRun } from "./run.ts";
 * import { simCommand } from "../sim_command.ts";
 * import { TRANSLATION } from "./experiment.ts";
 * const run = translationSimRun(TRANSLATION.grids.quick[0], 1, "intel-skylake-sp");
 * if (!simCommand(run).includes("--populate on")) throw new Error();
 * ```
 */
export function translationSimRun(point: TranslationPoint, seed: number, profile: string): SimRun {
  return {
    config: machineConfig(point),
    workload: point.workload,
    accesses: point.accesses,
    footprintBytes: point.footprint_mib * MIB,
    seed,
    warmupAccesses: point.warmup_accesses,
    populate: point.populate === "on",
    profile,
  };
}

/** Runs one `translation` point: walk, TLB and translation cycles per measured access. */
export function runTranslation(point: TranslationPoint, context: RunContext): Row {
  const machine = buildMachine(machineConfig(point), context.cost);
  const footprintBytes = point.footprint_mib * MIB;
  const workload = createWorkload(point.workload, {
    // The warm-up comes on top of the measured accesses, as in sim.
    accesses: point.warmup_accesses + point.accesses,
    footprintBytes,
    seed: context.seed,
  });
  runAccesses(machine, workload, {
    warmupAccesses: point.warmup_accesses,
    populate: point.populate === "on"
      ? footprintPages({ baseVpn: DEFAULT_BASE_VPN, footprintBytes })
      : null,
  });
  const { counters: c, cycles: y, derived } = finish(machine);
  const n = c.accesses;
  const walkCycles = y.walk_cache + y.walk_pte_cache + y.walk_memory + y.nested_tlb;
  const nestedLookups = c.nested_tlb_hits + c.nested_tlb_misses;
  return {
    walks: c.walks,
    walk_refs: c.walk_refs,
    // A point without walks has no references per walk: the field is left out rather than 0.
    ...(c.walks > 0 ? { walk_refs_per_walk: c.walk_refs / c.walks } : {}),
    cold_walk_refs_per_walk: coldRefsPerWalk(point),
    l1_tlb_misses_per_kilo_access: (1000 * c.l1_tlb_misses) / n,
    l2_tlb_misses_per_kilo_access: (1000 * c.l2_tlb_misses) / n,
    ...(c.walk_refs > 0 ? { walk_refs_memory_share: c.walk_refs_memory / c.walk_refs } : {}),
    ...(nestedLookups > 0 ? { nested_tlb_hit_rate: c.nested_tlb_hits / nestedLookups } : {}),
    demand_maps: c.demand_maps,
    walk_cycles_per_access: walkCycles / n,
    // Translation is the TLBs and walks (as sim's derived figure), whatever else a profile charges.
    translation_cycles_per_access: derived.translation_cycles / n,
    cycles_per_access: y.total / n,
    page_table_bytes: machine.guestTable!.bytes + (machine.hostTable?.bytes ?? 0),
  };
}
