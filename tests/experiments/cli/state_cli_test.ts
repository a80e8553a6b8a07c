import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/state_cli.ts";
import { captureMain, oneLine, type Output, runScript } from "./_cli.ts";

/** Runs main() with console output captured. */
function capture(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

const SMALL = ["--memory", "4M", "--job-ms", "0.5"];

Deno.test("deno task state prints a snapshot row as JSON, with no lost pages", async () => {
  const { code, out } = await capture([
    "snapshot",
    ...SMALL,
    "--method",
    "stop-and-copy",
    "--json",
  ]);
  assert.equal(code, 0);
  const row = JSON.parse(out);
  assert.equal(row.phase, "snapshot");
  assert.equal(row.method, "stop-and-copy");
  assert.equal(row.memory_gib, 4 / 1024);
  assert.equal(row.lost_pages, 0);
  assert.equal(row.pause_ms, row.total_ms);
});

Deno.test("deno task state runs concurrent-cow under QEMU's rule or the pessimistic one", async () => {
  const run = async (...extra: string[]) => {
    const { code, out } = await capture(["snapshot", ...SMALL, "--batch-pages", "64", ...extra]);
    assert.equal(code, 0);
    return JSON.parse(out);
  };
  const qemu = await run("--json");
  const io = await run("--cow-wait", "io", "--fault-save", "batch", "--json");
  assert.equal(qemu.lost_pages + io.lost_pages, 0);
  assert.ok(
    qemu.guest_slowdown < io.guest_slowdown,
    `${qemu.guest_slowdown} vs ${io.guest_slowdown}`,
  );
  const free = await run("--uffd-round-trip", "0", "--json");
  assert.ok(free.stall_ms < qemu.stall_ms, "the userfaultfd round trip costs the guest");
});

Deno.test("deno task state prints a restore as a table", async () => {
  const { code, out } = await capture([
    "restore",
    ...SMALL,
    "--method",
    "lazy",
    "--batch-pages",
    "8",
  ]);
  assert.equal(code, 0);
  assert.match(out, /^first_instruction_ms\s+\S+$/m);
  assert.match(out, /^batch_pages\s+8$/m);
});

Deno.test("deno task state rejects bad input in one line naming the option, exit code 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [
      [],
      /^state: name a phase: snapshot, restore, migrate, fork, replicate or bus \(see --help\)$/,
    ],
    [["resume"], /^state: unknown phase "resume"/],
    [
      ["snapshot", "--batch-pages", "0"],
      /^state: --batch-pages: expected an integer from 1 to 1024, got 0$/,
    ],
    [
      ["snapshot", "--batch-pages", "many"],
      /^state: --batch-pages: expected an integer from 1 to 1024, got "many"$/,
    ],
    [
      ["snapshot", "--method", "lazy"],
      /^state: --method: expected one of stop-and-copy, concurrent-cow, dirty-precopy, got "lazy"$/,
    ],
    [
      ["restore", "--storage", "tape"],
      /^state: --storage: expected one of nvme-ssd, sata-ssd, network-gp3, or a JSON file of a storage profile, got "tape"$/,
    ],
    [["restore", "--saver-share", "0.5"], /^state: --saver-share applies to snapshot only$/],
    [
      ["migrate", "--storage", "nvme-ssd"],
      /^state: --storage applies to snapshot, restore and replicate only$/,
    ],
    [["snapshot", "--link", "1gbe"], /^state: --link applies to migrate, fork and replicate only$/],
    [["migrate", "--children", "4"], /^state: --children applies to fork only$/],
    [
      ["fork", "--placement", "local", "--link", "1gbe"],
      /^state: --link: /,
    ],
    [["fork", "--children", "0"], /^state: --children: expected an integer from 1 to 256, got 0$/],
    [["fork", "--dirty-rate", "5"], /^state: --dirty-rate applies to migrate and replicate only$/],
    [["migrate", "--job-ms", "5"], /^state: --job-ms applies to snapshot, restore and fork only$/],
    [
      ["migrate", "--method", "post-copy", "--stop-rule", "xen"],
      /^state: --stop-rule: only pre-copy and hybrid use it, not post-copy$/,
    ],
    [
      ["migrate", "--link", "carrier-pigeon"],
      /^state: --link: expected one of 1gbe, 10gbe, 25gbe, or a JSON file of a link profile, got "carrier-pigeon"$/,
    ],
    [["migrate", "--link", "/nonexistent/link.json"], /^state: --link: cannot read/],
    [
      ["migrate", "--preempt", "on"],
      /^state: --preempt: only post-copy and hybrid use it, not pre-copy$/,
    ],
    [
      ["migrate", "--method", "post-copy", "--preempt", "maybe"],
      /^state: --preempt: expected on or off, got "maybe"$/,
    ],
    [
      ["migrate", "--dirty-rate=-1"],
      /^state: --dirty-rate: expected a number from 0 to 1e6, got -1$/,
    ],
    [["migrate", "--memory", "1K"], /^state: --memory: expected a size from 4K to 1T/],
    [
      ["snapshot", "--memory", "lots"],
      /^state: --memory: expected a size from 4K to 1T .*, got "lots"$/,
    ],
    [
      ["snapshot", "--memory", "2K"],
      /^state: --memory: expected a size from 4K to 1T .*, got "2K"$/,
    ],
    [
      ["snapshot", "--working-set", "0"],
      /^state: --working-set: expected a number above 0 and at most 1, got 0$/,
    ],
    [["snapshot", "--seed=-1"], /^state: --seed: expected a non-negative integer, got -1$/],
    [["snapshot", "--storage", "/nonexistent/disk.json"], /^state: --storage: cannot read/],
    [
      ["restore", "--dirty-log", "pml"],
      /^state: --dirty-log applies to snapshot, migrate and replicate only$/,
    ],
    [
      ["snapshot", "--dirty-log", "pml"],
      /^state: --dirty-log: only dirty-precopy logs dirty pages, not concurrent-cow$/,
    ],
    [
      ["snapshot", "--platform", "native"],
      /^state: --platform: expected one of nested, shadow, got "native"$/,
    ],
    [
      ["snapshot", "--host-page", "4m"],
      /^state: --host-page: expected one of 4k, 2m, 1g, got "4m"$/,
    ],
    [
      ["snapshot", "--translation-sample", "0"],
      /^state: --translation-sample: expected an integer from 1 to 1e8, got 0$/,
    ],
    [["restore", "--save-order", "hot-first"], /^state: --save-order applies to snapshot only$/],
    [["snapshot", "--sweep-share", "0.5"], /^state: --sweep-share applies to restore only$/],
    [
      ["snapshot", "--cow-wait", "never"],
      /^state: --cow-wait: expected one of copy, io, got "never"$/,
    ],
    [
      ["snapshot", "--method", "stop-and-copy", "--cow-wait", "io"],
      /^state: --cow-wait: only concurrent-cow uses it, not stop-and-copy$/,
    ],
    [
      ["snapshot", "--uffd-round-trip=-1"],
      /^state: --uffd-round-trip: expected a number from 0 to 1e6, got -1$/,
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" ") || "(no arguments)", async () => {
      const { code, err } = await capture(args);
      assert.equal(code, 2);
      assert.match(err, message);
      assert.equal(err.includes("\n"), false);
    });
  }
});

Deno.test("deno task state exits with code 2 and no stack trace as a process", async () => {
  const state = new URL("../../../experiments/cli/state_cli.ts", import.meta.url);
  const { code, err } = await runScript(state, ["snapshot", "--vcpus", "0"]);
  assert.equal(code, 2);
  const text = oneLine(err);
  assert.match(text, /^state: --vcpus: expected an integer from 1 to 64, got 0$/);
});

Deno.test("deno task state --time-limit stops a run and prints what it could not measure as —", async () => {
  const args = ["snapshot", ...SMALL, "--method", "dirty-precopy", "--storage", "network-gp3"];
  const limited = [...args, "--batch-pages", "1", "--time-limit", "0.1"];
  const { code, out } = await capture(limited);
  assert.equal(code, 0);
  assert.match(out, /^total_ms +—$/m);
  assert.match(out, /^finished +false$/m);
  assert.match(out, /^gave_up_reason +did not finish within 0\.1 s of simulated time: /m);
  const json = JSON.parse((await capture([...limited, "--json"])).out);
  assert.equal(json.finished, false);
  assert.equal(json.total_ms, null);
  assert.equal(json.lost_pages, 0);
  const bad = await capture([...args, "--time-limit", "0"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--time-limit/);
});

Deno.test("deno task state --json reports exits by reason and what dirty logging did", async () => {
  const { code, out } = await capture([
    "snapshot",
    ...SMALL,
    "--method",
    "dirty-precopy",
    "--dirty-log",
    "pml",
    "--host-page",
    "2M",
    "--translation-sample",
    "2000",
    "--json",
  ]);
  assert.equal(code, 0);
  const row = JSON.parse(out);
  assert.equal(row.dirty_log, "pml");
  assert.equal(row.host_page, "2m");
  assert.equal(row.host_pages_split, 2, "4 MiB of 2M host pages");
  assert.ok(row.translation_slowdown >= 1);
  let byReason = 0;
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith("exits_")) byReason += Number(value);
  }
  assert.equal(byReason, row.exits, "the reasons add up to every exit");
  assert.ok(row.exits_kick > 0);
});

Deno.test("deno task state migrate prints a migration row: post-copy pauses less than stop-and-copy, nothing lost", async () => {
  const run = async (...extra: string[]) => {
    const { code, out } = await capture([
      "migrate",
      "--memory",
      "16M",
      "--translation-sample",
      "1000",
      ...extra,
      "--json",
    ]);
    assert.equal(code, 0);
    return JSON.parse(out);
  };
  const post = await run("--method", "post-copy", "--preempt", "on", "--link", "25gbe");
  const stop = await run("--method", "stop-and-copy", "--link", "25gbe");
  assert.equal(post.method, "post-copy");
  assert.equal(post.link, "25gbe");
  assert.equal(post.preempt, true);
  assert.ok(post.downtime_ms < stop.downtime_ms);
  assert.equal(post.lost_pages + stop.lost_pages, 0);
  assert.equal(post.seed, 1);
  const failed = await run("--method", "post-copy", "--link", "1gbe", "--link-fail", "50");
  assert.equal(failed.vm_lost, true);
  assert.equal(failed.total_ms, null);
});

Deno.test("deno task state migrate reads a link profile from a JSON file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/slow.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      name: "slow",
      description: "a slow test link",
      bytesPerSecond: 1e8,
      roundTripUs: 200,
      perMessageUs: 5,
      perPageBytes: 8,
      queueDepth: 8,
    }),
  );
  const { code, out } = await capture([
    "migrate",
    "--memory",
    "8M",
    "--translation-sample",
    "1000",
    "--link",
    path,
    "--json",
  ]);
  assert.equal(code, 0);
  assert.equal(JSON.parse(out).link, "slow");
  await Deno.writeTextFile(path, JSON.stringify({ name: "slow" }));
  const bad = await capture(["migrate", "--link", path]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^state: --link: field "description"/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task state fork starts children from one parent; local ones start before remote ones", async () => {
  const run = async (...extra: string[]) => {
    const { code, out } = await capture([
      "fork",
      "--memory",
      "16M",
      "--job-ms",
      "2",
      "--children",
      "4",
      ...extra,
      "--json",
    ]);
    assert.equal(code, 0);
    return JSON.parse(out);
  };
  const local = await run("--placement", "local");
  const remote = await run("--placement", "remote", "--link", "1gbe");
  assert.equal(local.children, 4);
  assert.equal(remote.link, "1gbe");
  assert.ok(local.first_instruction_ms < remote.first_instruction_ms);
  assert.equal(local.lost_pages + remote.lost_pages, 0);
});
