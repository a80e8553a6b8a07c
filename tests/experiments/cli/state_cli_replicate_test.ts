import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/state_cli.ts";
import { captureMain, oneLine, type Output, runScript } from "./_cli.ts";

/** Runs main() with console output captured. */
function capture(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

// A small guest and disk, 50 ms checkpoints and a coarse translation sample
// (memory methods only): quick runs.
const SIZES = ["--memory", "64M", "--disk", "64M"];
const SMALL = [...SIZES, "--interval", "50", "--translation-sample", "2000"];

/** The row of `state replicate base ...extra --json`; fails unless it exits with 0. */
async function replicateWith(
  base: readonly string[],
  ...extra: string[]
): Promise<Record<string, unknown>> {
  const { code, out, err } = await capture(["replicate", ...base, ...extra, "--json"]);
  assert.equal(code, 0, err);
  return JSON.parse(out);
}

/** The row of `state replicate SMALL ...extra --json`. */
function replicate(...extra: string[]): Promise<Record<string, unknown>> {
  return replicateWith(SMALL, ...extra);
}

Deno.test("deno task state --help describes replicate's options from their declarations", async () => {
  const { code, out } = await capture(["--help"]);
  assert.equal(code, 0);
  assert.match(out, /^Usage: deno task state snapshot\|restore\|migrate\|fork\|replicate\|bus /);
  const section = out.slice(out.indexOf("\nReplicate:\n"), out.indexOf("\nMachine"));
  assert.match(section, /--method M +replicate: remus /);
  for (
    const option of [
      "--interval MS",
      "--failure F",
      "--fail-at MS",
      "--link-outage-at MS",
      "--link-outage MS",
      "--restore R",
      "--storage NAME|PATH",
      "--link NAME|PATH",
      "--disk SIZE",
      "--dirty-rate MIBS",
    ]
  ) {
    assert.ok(section.includes(`  ${option} `), `${option} in:\n${section}`);
  }
  // Defaults and values come from REPLICATION_OPTIONS_FIELDS.
  assert.match(section, /one of production, backup,\s+none \(default production\)/);
  assert.match(section, /one of resident,\s+full, lazy \(default resident\)/);
  assert.match(section, /default remus\s+200 \(xl remus\)/);
  assert.match(section, /\(default 8G\)/);
});

Deno.test("deno task state replicate: remus recovers a whole checkpoint and no client saw lost state", async () => {
  const row = await replicate("--method", "remus", "--fail-at", "180");
  assert.equal(row.method, "remus");
  assert.equal(row.interval_ms, 50);
  assert.equal(row.memory_gib, 1 / 16);
  assert.equal(row.failure, "production");
  assert.equal(row.fail_at_ms, 180);
  assert.equal(row.restore, "resident");
  assert.match(String(row.outcome), /^recovered/);
  assert.equal(row.lost_pages, 0);
  assert.equal(row.lost_blocks, 0);
  assert.equal(row.torn_checkpoints, 0);
  assert.equal(row.released_outputs_lost, 0);
  assert.ok(Number(row.rpo_ms) <= Number(row.rpo_bound_ms), `${row.rpo_ms} ${row.rpo_bound_ms}`);
  assert.ok(Number(row.rto_ms) >= Number(row.detect_ms));
  assert.equal(row.profile, "intel-skylake-sp");
  assert.equal(row.seed, 1);
});

Deno.test("deno task state replicate: async releases outputs the backup then loses; remus holds them", async () => {
  const args = ["--interval", "500", "--fail-at", "1200"];
  const async_ = await replicate("--method", "async", ...args);
  const remus = await replicate("--method", "remus", ...args);
  assert.ok(Number(async_.released_outputs_lost) > 0, "async released lost work");
  assert.equal(remus.released_outputs_lost, 0);
  assert.equal(async_.output_delay_ms, 0);
  assert.ok(Number(remus.output_delay_ms) > 0);
});

Deno.test("deno task state replicate --failure none|backup: no failover, what it cannot measure is —", async () => {
  const { code, out } = await capture(["replicate", ...SMALL, "--failure", "none"]);
  assert.equal(code, 0);
  assert.match(out, /^failure +none$/m);
  assert.match(out, /^rpo_ms +—$/m);
  assert.match(out, /^rto_ms +—$/m);
  assert.match(out, /^restore +none$/m);
  assert.match(out, /^lost_pages +0$/m);
  const none = await replicate("--failure", "none", "--duration", "300");
  assert.equal(none.rto_ms, null);
  assert.equal(none.fail_at_ms, null);
  const backup = await replicate("--failure", "backup", "--fail-at", "120");
  assert.equal(backup.failure, "backup");
  assert.equal(backup.fail_at_ms, 120);
  assert.equal(backup.restore, "none");
  assert.equal(backup.rto_ms, null);
});

Deno.test("deno task state replicate --link-outage-at/--link-outage takes the link down for a window", async () => {
  const row = await replicate(
    "--fail-at",
    "400",
    "--link-outage-at",
    "100",
    "--link-outage",
    "200",
  );
  assert.equal(row.link_outage_ms, 200);
  assert.equal(row.lost_pages, 0);
  assert.equal(row.torn_checkpoints, 0);
  const clear = await replicate("--fail-at", "400");
  assert.equal(clear.link_outage_ms, 0);
  // The outage holds back acknowledgements, so the backup recovers older state.
  assert.ok(Number(row.rpo_ms) > Number(clear.rpo_ms), `${row.rpo_ms} vs ${clear.rpo_ms}`);
});

Deno.test("deno task state replicate --restore full|lazy reads the image from --storage", async () => {
  const resident = await replicate();
  const full = await replicate("--restore", "full", "--storage", "sata-ssd");
  const lazy = await replicate("--restore", "lazy", "--storage", "sata-ssd");
  assert.equal(full.restore, "full");
  assert.equal(resident.restore_ms, 0);
  assert.ok(Number(full.restore_ms) > Number(lazy.restore_ms), "full reads every page first");
  assert.ok(Number(lazy.restore_background_ms) > 0);
  assert.equal(Number(full.lost_pages) + Number(lazy.lost_pages), 0);
});

Deno.test("deno task state replicate --method disk boots the guest from its replica disk in --boot s", async () => {
  const disk = ["--method", "disk", "--interval", "1000", "--fail-at", "2500"];
  const ten = await replicateWith(["--disk", "64M"], ...disk);
  const one = await replicateWith(["--disk", "64M"], ...disk, "--boot", "1");
  assert.equal(ten.restore, "boot");
  assert.equal(ten.dirty_log, "none");
  assert.equal(ten.lost_blocks, 0);
  assert.ok(Math.abs(Number(ten.restore_ms) - Number(one.restore_ms) - 9000) < 1e-6);
  // The row has no disk size; a 16-block disk shows in fewer distinct blocks per
  // checkpoint, so fewer messages and their headers (every write still ships).
  const tiny = await replicateWith(["--disk", "64K"], ...disk);
  assert.ok(
    Number(tiny.checkpoint_mib) < Number(ten.checkpoint_mib) - 0.005,
    `${tiny.checkpoint_mib} vs ${ten.checkpoint_mib}`,
  );
});

Deno.test("deno task state replicate is deterministic for a seed and reads link and storage JSON files", async () => {
  assert.deepEqual(await replicate("--seed", "7"), await replicate("--seed", "7"));
  const dir = await Deno.makeTempDir();
  try {
    const link = `${dir}/wan.json`;
    await Deno.writeTextFile(
      link,
      JSON.stringify({
        name: "wan",
        description: "a slow test link",
        bytesPerSecond: 1e8,
        roundTripUs: 20000,
        perMessageUs: 5,
        perPageBytes: 8,
        queueDepth: 8,
      }),
    );
    const row = await replicate("--link", link);
    assert.equal(row.link, "wan");
    await Deno.writeTextFile(link, JSON.stringify({ name: "wan" }));
    const bad = await capture(["replicate", "--link", link]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^state: --link: field "description"/);
    const bad2 = await capture(["replicate", "--restore", "full", "--storage", `${dir}/no.json`]);
    assert.equal(bad2.code, 2);
    assert.match(bad2.err, /^state: --storage: cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task state replicate rejects bad input in one line naming the option, exit code 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [
      ["replicate", "--method", "colo"],
      /^state: --method: expected one of remus, async, disk, got "colo"$/,
    ],
    [
      ["replicate", "--interval", "50ms"],
      /^state: --interval: expected a number above 0 and at most 1e8, got "50ms"$/,
    ],
    [["replicate", "--interval", "0"], /^state: --interval: expected a number above 0/],
    [
      ["replicate", "--failure", "both"],
      /^state: --failure: expected one of production, backup, none, got "both"$/,
    ],
    [["replicate", "--fail-at=-1"], /^state: --fail-at: expected a number from 0 to 1e9, got -1$/],
    [["replicate", "--fail-at", "soon"], /^state: --fail-at: expected a number .*, got "soon"$/],
    [
      ["replicate", "--failure", "none", "--fail-at", "100"],
      /^state: --fail-at: only a run with failure production or backup uses it, not failure none$/,
    ],
    [
      ["replicate", "--failure", "production", "--duration", "100"],
      /^state: --duration: only a run with failure backup or none uses it, not failure production$/,
    ],
    [
      ["replicate", "--failure", "backup", "--restore", "full"],
      /^state: --restore: only a run with failure production uses it, not failure backup$/,
    ],
    [
      ["replicate", "--failure", "backup", "--fail-at", "1000", "--duration", "500"],
      /^state: --fail-at: the backup must fail before the run ends \(--duration 500\)$/,
    ],
    [
      ["replicate", "--link-outage-at", "100"],
      /^state: --link-outage-at: needs --link-outage too: how long the link stays down$/,
    ],
    [
      ["replicate", "--link-outage", "100"],
      /^state: --link-outage: needs --link-outage-at too: when the link goes down$/,
    ],
    [
      ["replicate", "--link-outage-at", "100", "--link-outage", "0"],
      /^state: --link-outage: expected a number above 0 and at most 1e9, got 0$/,
    ],
    [
      ["replicate", "--restore", "eager"],
      /^state: --restore: expected one of resident, full, lazy, got "eager"$/,
    ],
    [
      ["replicate", "--method", "disk", "--restore", "lazy"],
      /^state: --restore: only remus and async use it, not disk$/,
    ],
    [
      ["replicate", "--storage", "sata-ssd"],
      /^state: --storage: a resident restore reads nothing from storage: use restore full or lazy$/,
    ],
    [
      ["replicate", "--restore", "full", "--storage", "tape"],
      /^state: --storage: expected one of nvme-ssd, sata-ssd, network-gp3, or a JSON file of a storage profile, got "tape"$/,
    ],
    [
      ["replicate", "--link", "carrier-pigeon"],
      /^state: --link: expected one of 1gbe, 10gbe, 25gbe, or a JSON file of a link profile, got "carrier-pigeon"$/,
    ],
    [
      ["replicate", "--method", "async", "--boot", "5"],
      /^state: --boot: only disk uses it, not async$/,
    ],
    [
      ["replicate", "--method", "disk", "--dirty-rate", "100"],
      /^state: --dirty-rate: only remus and async use it, not disk$/,
    ],
    [
      ["replicate", "--method", "disk", "--platform", "shadow"],
      /^state: --platform: only remus and async use it, not disk$/,
    ],
    [
      ["replicate", "--dirty-log", "pml", "--platform", "shadow"],
      /^state: --dirty-log: pml logs what the processor marks dirty/,
    ],
    [["replicate", "--missed-beats", "0"], /^state: --missed-beats: expected an integer from 1/],
    [
      ["replicate", "--bandwidth-share", "1.5"],
      /^state: --bandwidth-share: expected a number above 0 and at most 1, got 1.5$/,
    ],
    [["replicate", "--disk", "1K"], /^state: --disk: expected a size from 4K to 64T .*, got "1K"$/],
    [["replicate", "--disk", "lots"], /^state: --disk: expected a size .*, got "lots"$/],
    [
      ["replicate", "--method", "disk", "--memory", "1G"],
      /^state: --memory: only remus and async use it, not disk$/,
    ],
    [
      ["replicate", "--method", "disk", "--vcpus", "4"],
      /^state: --vcpus: only remus and async use it, not disk$/,
    ],
    [["replicate", "--memory", "2K"], /^state: --memory: expected a size from 4K to 1T/],
    [
      ["replicate", "--job-ms", "5"],
      /^state: --job-ms applies to snapshot, restore and fork only$/,
    ],
    [
      ["replicate", "--write-fraction", "0.5"],
      /^state: --write-fraction applies to snapshot, restore and fork only$/,
    ],
    [["replicate", "--switchover", "5"], /^state: --switchover applies to migrate only$/],
    [["replicate", "--children", "4"], /^state: --children applies to fork only$/],
    [["migrate", "--fail-at", "100"], /^state: --fail-at applies to replicate only$/],
    [["snapshot", "--failure", "none"], /^state: --failure applies to replicate only$/],
    [["fork", "--interval", "50"], /^state: --interval applies to replicate only$/],
    [["restore", "--disk", "1G"], /^state: --disk applies to replicate only$/],
    [["migrate", "--restore", "full"], /^state: --restore applies to replicate only$/],
    [["replicate", "extra"], /^state: unexpected argument "extra"/],
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

Deno.test("deno task state replicate exits with code 2 and no stack trace as a process", async () => {
  const state = new URL("../../../experiments/cli/state_cli.ts", import.meta.url);
  const { code, err } = await runScript(state, [
    "replicate",
    "--method",
    "disk",
    "--restore",
    "lazy",
  ]);
  assert.equal(code, 2);
  assert.equal(oneLine(err), "state: --restore: only remus and async use it, not disk");
});
