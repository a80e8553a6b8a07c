import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/state_cli.ts";
import { BUS_OPTIONS_FIELDS } from "../../../core/bus/bus_params.ts";
import { captureMain, oneLine, type Output, runScript } from "./_cli.ts";

/** Runs main() with console output captured. */
function capture(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

/** The row of `state bus --messages 200 ...extra --json`; fails unless it exits with 0. */
async function bus(...extra: string[]): Promise<Record<string, unknown>> {
  const { code, out, err } = await capture(["bus", "--messages", "200", ...extra, "--json"]);
  assert.equal(code, 0, err);
  return JSON.parse(out);
}

Deno.test("deno task state --help describes the bus's options from their declarations", async () => {
  const { code, out } = await capture(["--help"]);
  assert.equal(code, 0);
  assert.match(out, /^Usage: deno task state snapshot\|restore\|migrate\|fork\|replicate\|bus /);
  const section = out.slice(out.indexOf("\nBus"), out.indexOf("\nMachine"));
  assert.match(section, /--method M +bus: inline \(copied through the ring\)/);
  for (
    const option of [
      "--message-bytes SIZE",
      "--offered-msgs-s R",
      "--batch N",
      "--signalling S",
      "--messages N",
      "--ring-pages N",
      "--buffer-mib MIB",
      "--receiver-touches on|off",
      "--policy-threshold-bytes SIZE",
      "--caches on|off",
      "--vcpus N",
      "--platform P",
    ]
  ) {
    assert.ok(section.includes(`  ${option}`), `${option} in:\n${section}`);
  }
  // Values, ranges and defaults come from BUS_OPTIONS_FIELDS; sizes as sizes.
  assert.match(
    section,
    /one of inline, transfer-pages, remap, hypervisor-copy,\s+policy \(default policy\)/,
  );
  assert.match(section, /one of vmbus, every, event-idx, poll \(default\s+vmbus\)/);
  assert.match(section, /a size from 1 to 16M .*\(default 4K\)/s);
  assert.match(section, /\(msgs\/s;\s+default 100000\)/);
  assert.match(section, /bus: vCPUs of the sending guest.*\(default 1\)/s);
  assert.match(section, /default derived from the cost profile/);
  // The fields for tests only are not options, as replication's are not.
  for (const field of ["brokenRemapSkipsShootdown", "brokenReaderSkipsRecheck", "jitterCycles"]) {
    assert.ok(Object.hasOwn(BUS_OPTIONS_FIELDS, field), field);
  }
  assert.doesNotMatch(out, /--broken|--jitter|for tests only/);
});

Deno.test("deno task state bus: every message arrives once, in order, intact; sizes and rates as typed", async () => {
  const row = await bus("--method", "inline", "--message-bytes", "1K", "--offered-msgs-s", "1e6");
  assert.equal(row.method, "inline");
  assert.equal(row.message_bytes, 1024);
  assert.equal(row.offered_msgs_s, 1e6);
  assert.equal(row.signalling, "vmbus");
  assert.equal(row.messages, 200);
  assert.equal(row.delivered, 200);
  for (const key of ["lost_messages", "duplicated_messages", "reordered_messages"]) {
    assert.equal(row[key], 0, key);
  }
  assert.equal(row.corrupted_messages, 0);
  assert.ok(Number(row.latency_p99_us) >= Number(row.latency_p50_us));
  // NaN in the row (the threshold of a method that has none) is null in JSON.
  assert.equal(row.policy_threshold_bytes, null);
  assert.equal(row.profile, "intel-skylake-sp");
  assert.equal(row.seed, 1);
  const big = await bus("--method", "transfer-pages", "--message-bytes", "64KiB");
  assert.equal(big.message_bytes, 65536);
  assert.equal(big.delivered, 200);
});

Deno.test("deno task state bus: remap shoots down, policy remaps from its threshold, poll signals nothing", async () => {
  const remap = await bus("--method", "remap", "--vcpus", "2");
  assert.equal(remap.vcpus, 2);
  assert.equal(remap.remapped_messages, 200);
  assert.equal(remap.tlb_shootdowns, 200);
  assert.equal(remap.stale_translations, 0);
  const copy = await bus(
    "--method",
    "policy",
    "--message-bytes",
    "8K",
    "--policy-threshold-bytes",
    "16K",
  );
  assert.equal(copy.policy_threshold_bytes, 16384);
  assert.equal(copy.remapped_messages, 0);
  const flip = await bus(
    "--method",
    "policy",
    "--message-bytes",
    "8K",
    "--policy-threshold-bytes",
    "8K",
  );
  assert.equal(flip.remapped_messages, 200);
  const poll = await bus("--signalling", "poll");
  assert.equal(poll.signals_per_msg, 0);
  assert.equal(poll.interrupts_per_msg, 0);
  assert.equal(poll.receiver_busy, 1);
  const vmbus = await bus("--signalling", "vmbus");
  assert.ok(Number(vmbus.interrupts_per_msg) > 0);
});

Deno.test("deno task state bus --receiver-touches, --caches, --platform and --batch reach the run", async () => {
  const base = await bus("--method", "transfer-pages");
  const touches = await bus("--method", "transfer-pages", "--receiver-touches", "on");
  assert.equal(touches.receiver_touches, true);
  assert.ok(Number(touches.receiver_cycles_per_msg) > Number(base.receiver_cycles_per_msg));
  const uncached = await bus("--method", "transfer-pages", "--caches", "off");
  assert.notEqual(uncached.cycles_per_msg, base.cycles_per_msg);
  const shadow = await bus("--method", "transfer-pages", "--platform", "shadow");
  assert.equal(shadow.mode, "shadow");
  const batched = await bus("--batch", "16", "--offered-msgs-s", "5e6");
  assert.equal(batched.batch, 16);
});

Deno.test("deno task state bus prints a table; it is deterministic for a seed and follows --profile", async () => {
  const { code, out, err } = await capture(["bus", "--method", "remap", "--messages", "100"]);
  assert.equal(code, 0, err);
  assert.match(out, /^method +remap$/m);
  assert.match(out, /^delivered +100$/m);
  assert.match(out, /^lost_messages +0$/m);
  // A time or threshold the run has none of is —, as in the other phases.
  assert.match(out, /^policy_threshold_bytes +—$/m);
  const again = await capture(["bus", "--method", "remap", "--messages", "100"]);
  assert.equal(again.out, out);
  const a = await bus("--seed", "1");
  const b = await bus("--seed", "2");
  assert.equal(b.seed, 2);
  assert.notEqual(a.latency_mean_us, b.latency_mean_us);
  const zen = await bus("--profile", "amd-zen3");
  assert.equal(zen.profile, "amd-zen3");
  assert.notEqual(zen.cycles_per_msg, a.cycles_per_msg);
});

Deno.test("deno task state bus rejects bad input in one line naming the option, exit code 2", async (t) => {
  const SIZE = "a size from 1 to 16M \\(bytes, or with a unit K, M, G, T or P: 64M, 8GiB\\)";
  const cases: [string[], RegExp][] = [
    [
      ["bus", "--method", "dma"],
      /^state: --method: expected one of inline, transfer-pages, remap, hypervisor-copy, policy, got "dma"$/,
    ],
    [
      ["bus", "--message-bytes", "1.5K"],
      new RegExp(`^state: --message-bytes: expected ${SIZE}, got "1.5K"$`),
    ],
    [
      ["bus", "--message-bytes", "32M"],
      new RegExp(`^state: --message-bytes: expected ${SIZE}, got "32M"$`),
    ],
    [["bus", "--message-bytes", "0"], /^state: --message-bytes: expected a size from 1 to 16M/],
    [
      ["bus", "--offered-msgs-s", "fast"],
      /^state: --offered-msgs-s: expected a number above 0 and at most 1e9, got "fast"$/,
    ],
    [["bus", "--offered-msgs-s", "0"], /^state: --offered-msgs-s: expected a number above 0/],
    [["bus", "--batch", "0"], /^state: --batch: expected an integer from 1 to 4096, got 0$/],
    [["bus", "--batch", "2.5"], /^state: --batch: expected an integer from 1 to 4096, got 2.5$/],
    [
      ["bus", "--signalling", "often"],
      /^state: --signalling: expected one of vmbus, every, event-idx, poll, got "often"$/,
    ],
    [["bus", "--messages", "0"], /^state: --messages: expected an integer from 1 to 1e7, got 0$/],
    [["bus", "--ring-pages", "3"], /^state: --ring-pages: expected a power of two, got 3$/],
    [["bus", "--buffer-mib", "0"], /^state: --buffer-mib: expected an integer from 1 to 4096/],
    [
      ["bus", "--receiver-touches", "maybe"],
      /^state: --receiver-touches: expected on or off, got "maybe"$/,
    ],
    [["bus", "--caches", "2"], /^state: --caches: expected on or off, got "2"$/],
    [["bus", "--vcpus", "0"], /^state: --vcpus: expected an integer from 1 to 64, got 0$/],
    [
      ["bus", "--platform", "bare"],
      /^state: --platform: expected one of nested, shadow, got "bare"$/,
    ],
    // An option the method cannot use.
    [
      ["bus", "--method", "remap", "--policy-threshold-bytes", "4K"],
      /^state: --policy-threshold-bytes: only policy uses it, not remap$/,
    ],
    [
      ["bus", "--method", "inline", "--policy-threshold-bytes", "4K"],
      /^state: --policy-threshold-bytes: only policy uses it, not inline$/,
    ],
    [
      ["bus", "--policy-threshold-bytes", "0"],
      /^state: --policy-threshold-bytes: expected a size from 1 to 16M/,
    ],
    // The core's problems relating fields, in option names, given or not.
    [
      ["bus", "--method", "inline", "--message-bytes", "1M"],
      /^state: --message-bytes: an inline message must fit the ring: 1048576 bytes do not fit 128 pages \(use transfer-pages, or more --ring-pages\)$/,
    ],
    [
      ["bus", "--method", "inline", "--ring-pages", "1"],
      /^state: --message-bytes: an inline message must fit the ring: 4096 bytes .*more --ring-pages\)$/,
    ],
    [
      ["bus", "--message-bytes", "8M", "--buffer-mib", "1"],
      /^state: --buffer-mib: a message of 8388608 bytes needs 2048 pages of the 1 MiB buffer$/,
    ],
    // Options of the other phases.
    [
      ["bus", "--memory", "1G"],
      /^state: --memory applies to snapshot, restore, migrate, fork and replicate only$/,
    ],
    [
      ["bus", "--host-page", "2M"],
      /^state: --host-page applies to snapshot, restore, migrate and replicate only$/,
    ],
    [["bus", "--job-ms", "1"], /^state: --job-ms applies to snapshot, restore and fork only$/],
    [["bus", "--link", "10gbe"], /^state: --link applies to migrate, fork and replicate only$/],
    [["bus", "--interval", "50"], /^state: --interval applies to replicate only$/],
    [["snapshot", "--signalling", "poll"], /^state: --signalling applies to bus only$/],
    [["migrate", "--message-bytes", "4K"], /^state: --message-bytes applies to bus only$/],
    [["replicate", "--batch", "4"], /^state: --batch applies to bus only$/],
    [["bus", "--bogus", "1"], /^state: unknown option "--bogus" \(see --help\)$/],
    [["bus", "extra"], /^state: unexpected argument "extra"/],
    [
      ["bs"],
      /^state: unknown phase "bs"; expected snapshot, restore, migrate, fork, replicate or bus$/,
    ],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, err } = await capture(args);
      assert.equal(code, 2, err);
      assert.match(err, message);
      assert.equal(err.includes("\n"), false);
    });
  }
});

Deno.test("deno task state bus exits with code 2 and no stack trace as a process", async () => {
  const state = new URL("../../../experiments/cli/state_cli.ts", import.meta.url);
  const { code, err } = await runScript(state, [
    "bus",
    "--method",
    "hypervisor-copy",
    "--policy-threshold-bytes",
    "64K",
  ]);
  assert.equal(code, 2);
  assert.equal(
    oneLine(err),
    "state: --policy-threshold-bytes: only policy uses it, not hypervisor-copy",
  );
});
