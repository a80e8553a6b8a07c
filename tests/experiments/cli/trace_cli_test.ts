import assert from "node:assert/strict";
import { main as trace } from "../../../experiments/cli/trace_cli.ts";
import { main as sim, simReport } from "../../../experiments/cli/sim_cli.ts";
import { champSimBytes, type ChampSimRecord } from "../fixtures/champsim_records.ts";
import { captureMain, oneLine, runScript } from "./_cli.ts";

const TRACE = new URL("../../../experiments/cli/trace_cli.ts", import.meta.url);
const SIM = new URL("../../../experiments/cli/sim_cli.ts", import.meta.url);

function records(n: number): ChampSimRecord[] {
  const out: ChampSimRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      ip: 0x400000n + BigInt(4 * i),
      sourceMemory: [0x10000000n + BigInt((i * 7919 % 8192) * 4096 + (i % 512) * 8)],
      destinationMemory: i % 3 === 0 ? [0x7ffe0000n + BigInt(8 * (i % 64))] : [],
    });
  }
  return out;
}

async function inTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await use(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function xz(path: string): Promise<void> {
  const { success } = await new Deno.Command("xz", { args: ["-zk", path] }).output();
  assert.ok(success);
}

Deno.test("trace convert, then sim replays the vmtrace with the ChampSim trace's exact numbers", async () => {
  await inTempDir(async (dir) => {
    const champsim = `${dir}/a.champsim`;
    await Deno.writeFile(champsim, champSimBytes(records(5000)));
    const vmtrace = `${dir}/a.vmtrace`;
    // As a user runs it: a separate process with the task's permissions.
    const converted = await runScript(TRACE, ["convert", champsim, vmtrace], {
      permissions: ["--allow-read", "--allow-write", "--allow-env", "--allow-run=xz"],
    });
    assert.equal(converted.code, 0, converted.err);
    assert.match(converted.err, /6667 accesses from 1 trace \(champsim\) written to/);
    const args = ["--mode", "nested", "--guest-page", "4k"];
    const fromChampSim = await simReport(["--trace", champsim, ...args]);
    const fromVmtrace = await simReport(["--trace", vmtrace, ...args]);
    assert.equal(fromChampSim.workload.trace_format, "champsim");
    assert.equal(fromVmtrace.workload.trace_format, "vmtrace");
    assert.equal(fromChampSim.counters.accesses, 6667);
    assert.deepEqual(fromVmtrace.counters, fromChampSim.counters);
    assert.deepEqual(fromVmtrace.cycles, fromChampSim.cycles);
    // Without a telling name, --trace-format says it.
    await Deno.copyFile(champsim, `${dir}/a.bin`);
    const named = await simReport([
      "--trace",
      `${dir}/a.bin`,
      "--trace-format",
      "champsim",
      ...args,
    ]);
    assert.deepEqual(named.counters, fromChampSim.counters);
    // And sim reads the .xz, as the sim task runs it (xz allowed).
    await xz(champsim);
    const fromXz = await runScript(SIM, ["--trace", `${champsim}.xz`, ...args, "--json"], {
      permissions: ["--allow-read", "--allow-env", "--allow-run=xz"],
    });
    assert.equal(fromXz.code, 0, fromXz.err);
    assert.deepEqual(JSON.parse(fromXz.out).counters, fromChampSim.counters);
  });
});

Deno.test("trace convert of several traces makes one trace of several processes", async () => {
  await inTempDir(async (dir) => {
    const a = `${dir}/a.lackey`;
    const b = `${dir}/b.champsimtrace`;
    await Deno.writeTextFile(a, " L 10000000,8\n S 10000008,8\n".repeat(300));
    await Deno.writeFile(b, champSimBytes(records(500)));
    const out = `${dir}/ab.vmtrace`;
    const converted = await captureMain(trace, ["convert", a, b, out]);
    assert.equal(converted.code, 0, converted.err);
    const info = await captureMain(trace, ["info", out]);
    assert.equal(info.code, 0, info.err);
    assert.match(info.out, /vmtrace\n {2}chunks {8}1\n {2}accesses {6}1267\n {2}spaces {8}2/);
    // Replayed as the processes they are, scheduled for the machine's own vCPUs.
    for (const vcpus of ["1", "2", "3"]) {
      const args = ["--guest", "os", "--vcpus", vcpus, "--mode", "shadow"];
      const replayed = await simReport(["--trace", out, ...args]);
      const direct = await simReport(["--trace", a, "--trace", b, ...args]);
      assert.equal(replayed.workload.processes, 2);
      assert.deepEqual(replayed.counters, direct.counters);
      assert.deepEqual(replayed.cycles, direct.cycles);
    }
  });
});

Deno.test("trace and sim reject bad trace input with one line and exit code 2", async (t) => {
  await inTempDir(async (dir) => {
    const lackey = `${dir}/t.lackey`;
    await Deno.writeTextFile(lackey, " L 10,8\n");
    const short = `${dir}/short.champsim`;
    await Deno.writeFile(short, champSimBytes(records(3)).subarray(0, 150));
    const vmtrace = `${dir}/t.vmtrace`;
    assert.equal((await captureMain(trace, ["convert", lackey, vmtrace])).code, 0);
    const cut = `${dir}/cut.vmtrace`;
    await Deno.writeFile(cut, (await Deno.readFile(vmtrace)).subarray(0, 30));
    const empty = `${dir}/empty.lackey`;
    await Deno.writeTextFile(empty, "==1== nothing\n");
    const cases: [typeof trace, string[], RegExp][] = [
      [trace, [], /^trace: expected a command: convert or info/],
      [trace, ["split", lackey], /^trace: unknown command "split"/],
      [trace, ["convert", lackey], /^trace: convert needs one or more input traces and an output/],
      [trace, ["convert", lackey, `${dir}/x.lackey`], /name it \*\.vmtrace/],
      [trace, ["convert", lackey, vmtrace], /exists \(--force overwrites it\)$/],
      [
        trace,
        ["convert", lackey, `${dir}/y.vmtrace`, "--from", "pin"],
        /^trace: --from: expected one of lackey, champsim, vmtrace/,
      ],
      [trace, ["convert", lackey, `${dir}/nodir/y.vmtrace`], /its folder does not exist/],
      [trace, ["convert", empty, `${dir}/y.vmtrace`], /no accesses to convert/],
      [
        trace,
        ["convert", short, `${dir}/y.vmtrace`],
        /byte 128: truncated record \(22 of 64 bytes\)$/,
      ],
      [trace, ["info", cut], /cut\.vmtrace": byte 30: truncated/],
      [trace, ["info", vmtrace, "--force"], /--force goes with convert/],
      [sim, ["--trace-format", "champsim"], /^sim: --trace-format goes with --trace$/],
      [sim, ["--trace", lackey, "--trace-format", "pin"], /^sim: --trace-format: expected one of/],
      [
        sim,
        ["--trace", lackey, "--trace", lackey],
        /several traces are several processes.*--guest os/,
      ],
      [sim, ["--trace", short], /short\.champsim": byte 128: truncated record/],
      [sim, ["--trace", "-", "--trace", "-", "--guest", "os"], /^sim: --trace -: stdin can be one/],
      [sim, ["--trace", vmtrace, "--instructions"], /a vmtrace holds instruction fetches/],
    ];
    for (const [command, args, expected] of cases) {
      await t.step(args.join(" ") || "(no arguments)", async () => {
        const { code, err } = await captureMain(command, args);
        assert.equal(code, 2, err);
        assert.match(oneLine(err), expected);
      });
    }
    // A failed conversion leaves neither the output nor its partial file.
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["cut.vmtrace", "empty.lackey", "short.champsim", "t.lackey", "t.vmtrace"],
    );
  });
});

Deno.test("trace --help lists the commands and the formats", async () => {
  const { code, out } = await captureMain(trace, ["--help"]);
  assert.equal(code, 0);
  assert.match(out, /convert/);
  assert.match(out, /lackey, champsim, vmtrace/);
});
