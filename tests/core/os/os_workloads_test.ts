import assert from "node:assert/strict";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import { createOsWorkload, OS_WORKLOADS } from "../../../core/os/os_workloads.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { runOsWorkload } from "../../../core/workload/simulate.ts";
import {
  BUILD_ACCESSES_PER_FAULT,
  SERVER_ACCESSES_PER_SWITCH,
  THREADS_ACCESSES_PER_SWITCH,
} from "../../../core/os/os_rates.ts";
import { Counter } from "../../../core/cost/stats.ts";

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
      createOsWorkload(name, {
        accesses: 20000,
        footprintBytes: 1 << 20,
        seed: 1,
        rates: "stress",
      }),
    );
    return vm.os!.counts;
  };
  const build = run("build");
  assert.ok(build.cowFaults > 0 && build.demandFaults > 0 && build.cr3Loads > 0);
  const gen = createOsWorkload("bigmem", { accesses: 1, footprintBytes: 1 << 20, seed: 1 });
  assert.equal(gen.warmupAccesses, 256);
  // The counts are the measured window's: bigmem's 256 leaves (and the 3 upper
  // entries of its first table path) were written in the warm-up, nothing after.
  assert.equal(run("bigmem").pteWrites, 0);
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
        storeFraction: 2,
      }),
    {
      message:
        'Cannot use options of OS workload "threads": field "storeFraction": expected a number from 0 to 1, got 2',
    },
  );
});

Deno.test("bad rates are one-line errors naming the field and its values", () => {
  assert.throws(
    () => createOsWorkload("build", { accesses: 1, footprintBytes: 1 << 20, seed: 1, rates: "x" }),
    {
      message:
        'Cannot use options of OS workload "build": field "rates": expected one of published, stress, got "x"',
    },
  );
});

/** Per job pid of a build stream: its vCPUs and the index of its first and last access. */
function buildJobs(vcpus: number, extra: Record<string, number> = {}) {
  const gen = createOsWorkload("build", {
    accesses: 60_000,
    footprintBytes: 65536,
    seed: 5,
    vcpus,
    accessesPerPage: 40,
    yieldEvery: 3000,
    ...extra,
  });
  const chunk = createOsEventChunk(1000);
  const running = new Int32Array(vcpus).fill(-1);
  const jobs = new Map<number, { vcpus: Set<number>; first: number; last: number }>();
  let index = 0;
  while (gen.fill(chunk) > 0) {
    for (let i = 0; i < chunk.length; i++, index++) {
      const v = chunk.vcpu[i];
      if (chunk.op[i] === OsOp.SWITCH) running[v] = chunk.pid[i];
      if (chunk.op[i] !== OsOp.ACCESS || running[v] <= 1) continue;
      const job = jobs.get(running[v]) ?? { vcpus: new Set(), first: index, last: index };
      job.vcpus.add(v);
      job.last = index;
      jobs.set(running[v], job);
    }
  }
  return [...jobs.values()];
}

Deno.test("build runs make -jN: N jobs at once, each on its own vCPU, interleaved in the stream", () => {
  const jobs = buildJobs(4);
  // Every job stays on its vCPU.
  for (const job of jobs) assert.equal(job.vcpus.size, 1);
  // At some instant of the stream four jobs are alive, on four distinct vCPUs.
  let best = 0;
  for (const at of jobs.map((j) => j.first)) {
    const alive = jobs.filter((j) => j.first <= at && at <= j.last);
    const on = new Set(alive.flatMap((j) => [...j.vcpus]));
    best = Math.max(best, Math.min(alive.length, on.size));
  }
  assert.equal(best, 4, "four jobs overlap, on four vCPUs");
  // With one vCPU the jobs follow one another.
  const serial = buildJobs(1).sort((a, b) => a.first - b.first);
  for (let j = 1; j < serial.length; j++) assert.ok(serial[j].first > serial[j - 1].last);
});

Deno.test("build with more jobs than vCPUs time-slices them: two jobs per vCPU alternate", () => {
  const jobs = buildJobs(2, { jobs: 4, yieldEvery: 500 });
  let overlapping = 0;
  for (const a of jobs) {
    for (const b of jobs) {
      const same = [...a.vcpus].some((v) => b.vcpus.has(v));
      if (a !== b && same && a.first < b.last && b.first < a.last) overlapping++;
    }
  }
  assert.ok(overlapping > 0, "jobs on one vCPU are alive at once");
});

Deno.test("build on 4 vCPUs is not build on 1 vCPU: every vCPU works and the counters differ", () => {
  for (const platform of ["native", "shadow"] as const) {
    const run = (vcpus: number) => {
      const vm = buildMachine({ platform, guest: "os", vcpus }, getProfile("intel-skylake-sp"));
      runOsWorkload(
        vm,
        createOsWorkload("build", {
          accesses: 200_000,
          footprintBytes: 1 << 20,
          seed: 1,
          vcpus,
          rates: "stress",
        }),
      );
      return vm;
    };
    const one = run(1);
    const four = run(4);
    for (const vcpu of four.vcpus) assert.ok(vcpu.stats.counters[Counter.ACCESSES] > 20_000);
    assert.notDeepEqual(four.report().counters, one.report().counters, platform);
    assert.notEqual(four.report().cycles.total, one.report().cycles.total, platform);
    // Four jobs and make are alive at the end, not one job and make.
    assert.ok(four.os!.tableBytes() > 2 * one.os!.tableBytes(), "four address spaces at once");
  }
});

/** Guest-OS counts of `accesses` measured accesses (the warm-up's are reset). */
function measured(name: string, options: Record<string, number | string>, accesses: number) {
  const vm = buildMachine({ guest: "os" }, getProfile("intel-skylake-sp"));
  runOsWorkload(
    vm,
    createOsWorkload(name, { footprintBytes: 1 << 22, seed: 3, ...options, accesses }),
  );
  return vm.os!.counts;
}

Deno.test("by default the OS workloads fault and switch at the published rates; stress at the old ones", () => {
  const n = 2_000_000;
  const build = measured("build", {}, n);
  const expected = n / BUILD_ACCESSES_PER_FAULT;
  assert.ok(Math.abs(build.demandFaults - expected) <= 2, `${build.demandFaults} faults`);
  const server = measured("server", {}, n);
  assert.ok(Math.abs(server.cr3Loads - n / SERVER_ACCESSES_PER_SWITCH) <= 1, `${server.cr3Loads}`);
  const stress = measured("build", { rates: "stress" }, 20_000);
  assert.ok(stress.demandFaults > 20_000 / 10, `stress: ${stress.demandFaults} faults`);
  assert.ok(THREADS_ACCESSES_PER_SWITCH > 100_000);
});
