/**
 * A `translation` point's run: build the machine of its configuration, warm
 * up, then count the translation cost of the measured accesses.
 *
 * @module
 */

import { createAccessChunk } from "../../core/base/access_chunk.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import type { MachineConfig } from "../../core/machine/machine_config.ts";
import { finish } from "../../core/workload/simulate.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import type { Row, RunContext } from "../experiment.ts";
import { PointError } from "../parameters.ts";
import { warmUp } from "../warm_up.ts";
import { coldRefsPerWalk } from "./_cold_walk.ts";
import type { TranslationPoint } from "./point.ts";

const MIB = 2 ** 20;

/** Runs one `translation` point: walk, TLB and translation cycles per measured access. */
export function runTranslation(point: TranslationPoint, context: RunContext): Row {
  const cachesOn = point.caches === "on";
  const hostPage = point.host_page === "none" ? undefined : point.host_page;
  if ((point.mode === "nested") !== (hostPage !== undefined)) {
    throw new PointError(
      `experiment "translation": parameter "host_page" is none exactly when mode is native, got ${point.host_page} with ${point.mode}`,
    );
  }
  const config: MachineConfig = {
    platform: point.mode,
    guestPage: point.guest_page,
    levels: point.levels,
    walkCache: cachesOn,
    pteCache: cachesOn,
    ...(hostPage ? { hostPage, nestedTlb: cachesOn } : {}),
  };
  const machine = buildMachine(config, context.cost);
  const vcpu = machine.vcpus[0];
  const workload = createWorkload(point.workload, {
    accesses: point.warmup_accesses + point.accesses,
    footprintBytes: point.footprint_mib * MIB,
    seed: context.seed,
  });
  warmUp(vcpu, workload, point.warmup_accesses);
  machine.resetStats();
  const chunk = createAccessChunk();
  while (workload.fill(chunk) > 0) vcpu.run(chunk);
  const { counters: c, cycles: y } = finish(machine);
  const n = c.accesses;
  const walkCycles = y.walk_cache + y.walk_pte_cache + y.walk_memory + y.nested_tlb;
  const nestedLookups = c.nested_tlb_hits + c.nested_tlb_misses;
  return {
    walks: c.walks,
    walk_refs: c.walk_refs,
    // A point without walks has no references per walk: the field is left out rather than 0.
    ...(c.walks > 0 ? { refs_per_walk: c.walk_refs / c.walks } : {}),
    cold_refs_per_walk: coldRefsPerWalk(point),
    l1_tlb_mpka: (1000 * c.l1_tlb_misses) / n,
    l2_tlb_mpka: (1000 * c.l2_tlb_misses) / n,
    ...(c.walk_refs > 0 ? { walk_refs_memory_share: c.walk_refs_memory / c.walk_refs } : {}),
    ...(nestedLookups > 0 ? { nested_tlb_hit_rate: c.nested_tlb_hits / nestedLookups } : {}),
    walk_cycles_per_access: walkCycles / n,
    translation_cycles_per_access: (y.total - y.compute) / n,
    cycles_per_access: y.total / n,
    page_table_kib: (machine.guestTable!.bytes + (machine.hostTable?.bytes ?? 0)) / 1024,
  };
}
