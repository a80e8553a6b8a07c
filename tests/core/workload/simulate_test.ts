import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { createOsWorkload } from "../../../core/os/os_workloads.ts";
import { runAccesses, runOsWorkload, simulate } from "../../../core/workload/simulate.ts";
import { createWorkload } from "../../../core/workload/workloads.ts";

const cost = getProfile("amd-zen3");
const work = () => createWorkload("zipf", { accesses: 20_000, footprintBytes: 1 << 25, seed: 3 });

Deno.test("simulate() is the one-vCPU first-touch machine run to the end of its workload", () => {
  const result = simulate({ platform: "nested" }, cost, work());
  const machine = buildMachine({ platform: "nested" }, cost);
  runAccesses(machine, work());
  assert.deepEqual(result.counters, machine.report().counters);
  assert.equal(result.config.vcpus, 1);
  assert.equal(result.config.guest, "first-touch");
});

Deno.test("simulate() on the guest OS runs the accesses as one process's threads on every vCPU", () => {
  const result = simulate({ platform: "shadow", guest: "os", vcpus: 2 }, cost, work());
  assert.equal(result.counters.accesses, 20_000);
  assert.ok(result.counters.exits_guest_fault > 0, "demand paging under shadow paging exits");
  assert.ok(result.pageTableBytes.shadow > 0);
});

Deno.test("a workload meets the guest it is written for, or a clear error", () => {
  const firstTouch = buildMachine({}, cost);
  const bigmem = createOsWorkload("bigmem", { accesses: 10, footprintBytes: 1 << 20, seed: 1 });
  assert.throws(() => runOsWorkload(firstTouch, bigmem), {
    message: "runOsWorkload needs a machine with the guest OS",
  });
  assert.throws(() => runAccesses(buildMachine({ guest: "os" }, cost), work()), {
    message: /runAccesses needs the first-touch guest/,
  });
  const threads = createOsWorkload("threads", {
    accesses: 10,
    footprintBytes: 1 << 20,
    seed: 1,
    vcpus: 4,
  });
  assert.throws(() => runOsWorkload(buildMachine({ guest: "os", vcpus: 2 }, cost), threads), {
    message: "the workload runs on 4 vCPUs, the machine has 2",
  });
});
