import assert from "node:assert/strict";
import fc from "fast-check";
import { SLICE_ACCESSES } from "../../../core/os/os_workloads.ts";
import { readProcessTraces } from "../../../experiments/cli/trace_processes.ts";
import { simReport } from "../../../experiments/cli/sim_cli.ts";
import { TraceError } from "../../../core/workload/trace_error.ts";
import { main as trace } from "../../../experiments/cli/trace_cli.ts";
import { captureMain } from "./_cli.ts";

/** Trace p's access i: a load at a page and offset that name both. */
function address(p: number, i: number): number {
  return (p + 1) * 0x10000000 + i * 8;
}

function lackey(p: number, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += ` L ${address(p, i).toString(16)},8\n`;
  return text;
}

/**
 * The slow, obviously correct schedule: per vCPU a queue of its processes;
 * the vCPUs take turns of SLICE_ACCESSES, and a vCPU's processes turns of
 * `quantum`; a process found finished leaves its queue. Gives [process, i] pairs.
 */
function referenceSchedule(lengths: number[], vcpus: number, quantum: number): [number, number][] {
  const done = lengths.map(() => 0);
  const queues: number[][] = Array.from({ length: vcpus }, () => []);
  lengths.forEach((_, p) => queues[p % vcpus].push(p));
  const turn = queues.map(() => 0);
  const used = queues.map(() => 0);
  const out: [number, number][] = [];
  while (queues.some((q) => q.length > 0)) {
    for (let v = 0; v < vcpus; v++) {
      const queue = queues[v];
      let left = SLICE_ACCESSES;
      while (left > 0 && queue.length > 0) {
        const p = queue[turn[v]];
        if (done[p] === lengths[p]) {
          queue.splice(turn[v], 1);
          used[v] = 0;
          if (turn[v] >= queue.length) turn[v] = 0;
          continue;
        }
        out.push([p, done[p]++]);
        left--;
        if (++used[v] === quantum) {
          used[v] = 0;
          turn[v] = (turn[v] + 1) % queue.length;
        }
      }
    }
  }
  return out;
}

async function withTraces<T>(lengths: number[], use: (paths: string[]) => Promise<T>): Promise<T> {
  const paths: string[] = [];
  try {
    for (const [p, n] of lengths.entries()) {
      const path = await Deno.makeTempFile({ suffix: ".lackey" });
      paths.push(path);
      await Deno.writeTextFile(path, lackey(p, n));
    }
    return await use(paths);
  } finally {
    for (const path of paths) await Deno.remove(path);
  }
}

async function merged(
  paths: string[],
  vcpus: number,
  quantum: number,
  chunkCapacity: number,
): Promise<[number, number][]> {
  const out: [number, number][] = [];
  for await (const chunk of readProcessTraces(paths, { vcpus, quantum, chunkCapacity })) {
    for (let k = 0; k < chunk.length; k++) {
      const p = chunk.space[k];
      const a = chunk.vpn[k] * 4096 + chunk.offset[k];
      const i = (a - address(p, 0)) / 8;
      assert.equal(address(p, i), a, "an access tagged with its own trace's space");
      out.push([p, i]);
    }
  }
  return out;
}

Deno.test("readProcessTraces() interleaves traces as the reference schedule does", async () => {
  await withTraces([300, 50, 200], async (paths) => {
    assert.deepEqual(await merged(paths, 2, 1000, 64), referenceSchedule([300, 50, 200], 2, 1000));
    assert.deepEqual(await merged(paths, 1, 70, 4096), referenceSchedule([300, 50, 200], 1, 70));
  });
});

Deno.test("readProcessTraces() agrees with the reference on random lengths, vCPUs and quanta", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 50 }),
      async (lengths, vcpus, quantum, capacity) => {
        await withTraces(lengths, async (paths) => {
          assert.deepEqual(
            await merged(paths, vcpus, quantum, capacity),
            referenceSchedule(lengths, vcpus, quantum),
          );
        });
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("readProcessTraces() names a malformed trace and closes the others", async () => {
  await withTraces([10, 10], async (paths) => {
    await Deno.writeTextFile(paths[1], " L 10,8\n Q 20,8\n");
    await assert.rejects(
      async () => {
        for await (const _ of readProcessTraces(paths, { vcpus: 1, quantum: 1 })) { /* drain */ }
      },
      (e: Error) =>
        e instanceof TraceError && e.message.includes(paths[1]) && /line 2/.test(e.message),
    );
  });
});

Deno.test("sim --guest os: two traces are two processes, each with its own address space", async () => {
  await withTraces([3000], async ([path]) => {
    const common = ["--guest", "os", "--mode", "nested"];
    const one = await simReport(["--trace", path, ...common]);
    const two = await simReport(["--trace", path, "--trace", path, ...common]);
    assert.equal(one.workload.processes, 1);
    assert.equal(two.workload.processes, 2);
    assert.equal(two.counters.accesses, 2 * one.counters.accesses);
    // The same pages in two address spaces fault twice; on one vCPU the two processes take
    // turns of a quantum longer than the trace, so each is switched to once.
    assert.equal(two.counters.demand_faults, 2 * one.counters.demand_faults);
    assert.equal(two.counters.cr3_loads, 2);
    const twoVcpus = await simReport(["--trace", path, "--trace", path, ...common, "--vcpus", "2"]);
    assert.equal(twoVcpus.counters.demand_faults, two.counters.demand_faults);
  });
});

Deno.test("readProcessTraces() splits a vmtrace of several processes and schedules them for its vCPUs", async () => {
  await withTraces([300, 50, 200], async (paths) => {
    const dir = await Deno.makeTempDir();
    try {
      const vmtrace = `${dir}/abc.vmtrace`;
      const out = await captureMain(trace, [
        "convert",
        ...paths,
        vmtrace,
        "--chunk-accesses",
        "64",
      ]);
      assert.equal(out.code, 0, out.err);
      for (const [vcpus, quantum] of [[1, 70], [2, 1000], [3, 5]]) {
        assert.deepEqual(
          await merged([vmtrace], vcpus, quantum, 50),
          referenceSchedule([300, 50, 200], vcpus, quantum),
        );
      }
      // Compressed, it cannot be read once per process.
      const gz = `${vmtrace}.gz`;
      const bytes = await Deno.readFile(vmtrace);
      const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
      await Deno.writeFile(gz, new Uint8Array(await new Response(stream).arrayBuffer()));
      await assert.rejects(
        () => merged([gz], 1, 10, 50),
        (e: Error) =>
          e instanceof TraceError && /replays from an uncompressed file/.test(e.message),
      );
      await assert.rejects(
        () => merged([vmtrace, paths[0]], 1, 10, 50),
        (e: Error) => e instanceof TraceError && /replay it alone/.test(e.message),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
