import assert from "node:assert/strict";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import { createOsWorkload, OS_WORKLOADS } from "../../../core/os/os_workloads.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { runOsWorkload } from "../../../core/workload/simulate.ts";

function drain(name: string, seed: number, vcpus: number): { ops: number[]; vpns: number[] } {
  const gen = createOsWorkload(name, { accesses: 5000, footprintBytes: 1 << 20, seed, vcpus });
  const chunk = createOsEventChunk(777);
  const ops: number[] = [];
  const vpns: number[] = [];
  while (gen.fill(chunk) > 0) {
    for (let i = 0; i < chunk.length; i++) {
      ops.push(chunk.op[i]);
      vpns.push(chunk.vpn[i]);
      assert.ok(chunk.vcpu[i] < vcpus);
    }
  }
  assert.equal(ops.filter((op) => op === OsOp.ACCESS).length, 5000 + gen.warmupAccesses);
  return { ops, vpns };
}

for (const name of Object.keys(OS_WORKLOADS)) {
  Deno.test(`${name}: the same seed gives the same stream, of exactly the accesses asked plus warm-up`, () => {
    assert.deepEqual(drain(name, 3, 2), drain(name, 3, 2));
    assert.notDeepEqual(drain(name, 3, 2).vpns, drain(name, 4, 2).vpns);
  });

  Deno.test(`${name}: runs on every platform from an empty machine`, () => {
    for (const platform of ["native", "nested", "shadow"] as const) {
      const vm = buildMachine({ platform, guest: "os", vcpus: 2 }, getProfile("intel-skylake-sp"));
      const n = runOsWorkload(
        vm,
        createOsWorkload(name, { accesses: 3000, footprintBytes: 1 << 20, seed: 1, vcpus: 2 }),
      );
      assert.equal(n, 3000);
    }
  });
}

Deno.test("build forks and execs; bigmem writes no page table after its warm-up", () => {
  const run = (name: string) => {
    const vm = buildMachine({ guest: "os" }, getProfile("intel-skylake-sp"));
    runOsWorkload(
      vm,
      createOsWorkload(name, { accesses: 20000, footprintBytes: 1 << 20, seed: 1 }),
    );
    return vm.os!.counts;
  };
  const build = run("build");
  assert.ok(build.cowFaults > 0 && build.demandFaults > 0 && build.cr3Loads > 0);
  const writes = run("bigmem").pteWrites;
  const gen = createOsWorkload("bigmem", { accesses: 1, footprintBytes: 1 << 20, seed: 1 });
  assert.equal(gen.warmupAccesses, 256);
  // 256 leaves plus the 3 upper entries of the first table path; nothing after.
  assert.equal(writes, 256 + 3);
});

Deno.test("bad OS workload names and options give one-line errors naming them", () => {
  assert.throws(
    () => createOsWorkload("compile", { accesses: 1, footprintBytes: 1 << 20, seed: 1 }),
    {
      name: "ConfigError",
      message:
        'Cannot use OS workload "compile": no such workload; known workloads: build, server, bigmem, threads',
    },
  );
  assert.throws(
    () => createOsWorkload("server", { accesses: 1, footprintBytes: 1 << 20, seed: 1, vcpus: 0 }),
    {
      message:
        'Cannot use options of OS workload "server": field "vcpus": expected an integer from 1 to 64, got 0',
    },
  );
  assert.throws(
    () => createOsWorkload("bigmem", { accesses: 1, footprintBytes: "4K", seed: 1 }),
    {
      message:
        'Cannot use options of OS workload "bigmem": field "footprintBytes": expected a size from 64K to 64G (bytes, or with a unit K, M, G, T or P: 64M, 8GiB), got "4K"',
    },
  );
  assert.throws(
    () =>
      createOsWorkload("threads", {
        accesses: 1,
        footprintBytes: 1 << 20,
        seed: 1,
        idleFraction: 2,
      }),
    {
      message:
        'Cannot use options of OS workload "threads": field "idleFraction": expected a number from 0 to 1, got 2',
    },
  );
});
