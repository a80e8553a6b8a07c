import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { OsOp } from "../../../core/os/os_event.ts";
import { createOsWorkload } from "../../../core/os/os_workloads.ts";
import type { CostModel } from "../../../core/cost/cost_model.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { resolveMachineConfig } from "../../../core/machine/machine_config.ts";
import {
  parseStrategies,
  resolveShadowConfig,
  strategyName,
} from "../../../core/platforms/shadow/shadow_config.ts";
import { runOsWorkload } from "../../../core/workload/simulate.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

const skylake = getProfile("intel-skylake-sp");

/** What a test varies: the platform, and on shadow the strategies. */
interface Setup {
  mode: "native" | "nested" | "shadow";
  strategies?: string;
}

/** A guest-OS machine for `setup`. */
function machine(setup: Setup, cost: CostModel = skylake, vcpus = 1) {
  return buildMachine({
    platform: setup.mode,
    guest: "os",
    vcpus,
    ...(setup.strategies === undefined ? {} : { shadow: { strategies: setup.strategies } }),
  }, cost);
}

/** Runs an OS workload at the stress rates: the strategies' effects show in few accesses. */
function run(config: Setup, workload: string, vcpus = 1, accesses = 20000) {
  const vm = machine(config, skylake, vcpus);
  runOsWorkload(
    vm,
    createOsWorkload(workload, {
      accesses,
      footprintBytes: 1 << 21,
      seed: 2,
      vcpus,
      rates: "stress",
    }),
  );
  return vm.report();
}

Deno.test("baseline shadow paging: a first store to a fresh page takes a CR3, a reflected and a hidden fault exit", () => {
  const vm = machine({ mode: "shadow" }, TEST_PROFILE);
  vm.os!.event(OsOp.SPAWN, 0, 1, 0, 0);
  vm.os!.event(OsOp.SWITCH, 0, 1, 0, 0);
  vm.vcpus[0].access(0x10000, 1);
  vm.vcpus[0].access(0x10000, 0);
  const { counters, cycles } = vm.report();
  assert.equal(counters.exits_cr3_write, 1);
  assert.equal(counters.exits_guest_fault, 1);
  assert.equal(counters.exits_hidden_fault, 1);
  assert.equal(
    counters.exits,
    3,
    "the guest's table pages were not shadowed yet: no write exits",
  );
  assert.equal(cycles.vm_exit, 3 * (1000 + 500));
});

Deno.test("baseline shadow paging: the first write to a page first read exits once more to set the dirty flag; lazy flags does not", () => {
  for (const [strategies, extra] of [["baseline", 1], ["lazy-flags", 0]] as const) {
    const vm = machine({ mode: "shadow", strategies }, TEST_PROFILE);
    vm.os!.event(OsOp.SPAWN, 0, 1, 0, 0);
    vm.os!.event(OsOp.SWITCH, 0, 1, 0, 0);
    vm.vcpus[0].access(0x10000, 0);
    const before = vm.report().counters.exits_hidden_fault;
    vm.vcpus[0].access(0x10000, 1);
    vm.vcpus[0].access(0x10000, 1);
    assert.equal(vm.report().counters.exits_hidden_fault - before, extra, strategies);
  }
});

Deno.test("nested paging takes no exit for faults, table writes or switches; native none at all", () => {
  for (const mode of ["native", "nested"] as const) {
    const r = run({ mode }, "build");
    assert.equal(r.counters.exits, 0, mode);
  }
});

Deno.test("each strategy removes the exits or flushes it is for", async (t) => {
  const base = (w: string, v = 1) => run({ mode: "shadow" }, w, v);
  const only = (s: string, w: string, v = 1) => run({ mode: "shadow", strategies: s }, w, v);
  await t.step("tagged TLBs: the same exits, fewer TLB misses", () => {
    const a = base("server");
    const b = only("tagged-tlb", "server");
    assert.equal(b.counters.exits, a.counters.exits);
    assert.ok(b.counters.l2_tlb_misses < a.counters.l2_tlb_misses);
  });
  await t.step("shadow cache: far fewer hidden faults across context switches", () => {
    assert.ok(
      only("shadow-cache", "server").counters.exits_hidden_fault <
        base("server").counters.exits_hidden_fault / 4,
    );
  });
  await t.step("batched population: fewer hidden faults when shadow tables are rebuilt", () => {
    assert.ok(
      only("batch", "server").counters.exits_hidden_fault <
        base("server").counters.exits_hidden_fault / 2,
    );
  });
  await t.step("lazy flags: fewer hidden faults on a fork/exec build", () => {
    assert.ok(
      only("lazy-flags", "build").counters.exits_hidden_fault <
        base("build").counters.exits_hidden_fault,
    );
  });
  await t.step("out-of-sync tables: far fewer page-table write exits on a build", () => {
    assert.ok(
      only("out-of-sync", "build").counters.exits_pt_write <
        base("build").counters.exits_pt_write / 4,
    );
  });
  await t.step("PV shootdowns: hypercalls replace remote INVLPG exits", () => {
    const a = base("threads", 4);
    const b = only("pv-shootdown", "threads", 4);
    assert.ok(b.counters.exits_hypercall > 0 && a.counters.exits_hypercall === 0);
    assert.ok(b.counters.exits_invlpg < a.counters.exits_invlpg / 2);
  });
});

Deno.test("a run is deterministic for a seed", () => {
  const config = { mode: "shadow", strategies: "all" } as const;
  assert.deepEqual(run(config, "threads", 3), run(config, "threads", 3));
});

Deno.test("strategy lists parse to masks and back; bad names and vCPU counts give one-line errors", () => {
  assert.equal(strategyName(parseStrategies("out-of-sync, tagged-tlb")), "tagged-tlb+out-of-sync");
  // Every canonical name parses back to its mask.
  for (let mask = 0; mask < 64; mask++) {
    assert.equal(parseStrategies(strategyName(mask)), mask, strategyName(mask));
  }
  assert.throws(() => parseStrategies("tagged,batch"), {
    name: "ConfigError",
    message:
      'Cannot use machine config: field "shadow.strategies": unknown strategy "tagged"; known: baseline, all, tagged-tlb, shadow-cache, batch, lazy-flags, out-of-sync, pv-shootdown',
  });
  assert.throws(() => resolveMachineConfig({ vcpus: 0 }, skylake), {
    message: 'Cannot use machine config: field "vcpus": expected an integer from 1 to 64, got 0',
  });
  assert.throws(
    () => resolveMachineConfig({ platform: "nested", shadow: { strategies: "batch" } }, skylake),
    {
      message:
        'Cannot use machine config: field "shadow": needs platform shadow, got platform nested',
    },
  );
  assert.throws(() => resolveShadowConfig({ strategies: "x" }), {
    name: "ConfigError",
    message: /^Cannot use machine config: field "shadow\.strategies": unknown strategy "x"/,
  });
  assert.throws(
    () => resolveMachineConfig({ platform: "shadow", shadow: { strategies: "x" } }, skylake),
    /field "shadow\.strategies": unknown strategy "x"; known: baseline, all/,
  );
});

Deno.test("the IPI and shadow-maintenance costs come from the profile, so a JSON profile can change them", () => {
  const runWith = (cost: CostModel, mode: "native" | "shadow") => {
    const vm = machine(mode === "shadow" ? { mode, strategies: "all" } : { mode }, cost, 4);
    runOsWorkload(
      vm,
      createOsWorkload("threads", {
        accesses: 20000,
        footprintBytes: 1 << 21,
        seed: 2,
        vcpus: 4,
        rates: "stress",
      }),
    );
    return vm.report();
  };
  const base = runWith(skylake, "native");
  const costly = runWith(
    { ...skylake, ipiRoundTripCycles: skylake.ipiRoundTripCycles + 1000 },
    "native",
  );
  assert.ok(base.counters.shootdowns > 0 || base.cycles.guest_kernel > 0);
  assert.ok(costly.cycles.guest_kernel > base.cycles.guest_kernel, "IPIs cost more");
  const shadow = runWith(skylake, "shadow");
  const free = runWith({
    ...skylake,
    shadowResyncPageCycles: 0,
    shadowPrefetchEntryCycles: 0,
    shadowPropagatePageCycles: 0,
  }, "shadow");
  assert.ok(shadow.cycles.hypervisor > 0, "shadow maintenance is charged");
  assert.equal(free.cycles.hypervisor, 0);
});
