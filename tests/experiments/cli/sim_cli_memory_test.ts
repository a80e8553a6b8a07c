import assert from "node:assert/strict";
import { main } from "../../../experiments/cli/sim_cli.ts";
import { captureMain, type Output } from "./_cli.ts";

/** Runs the sim command with console output captured. */
function sim(args: string[]): Promise<Output> {
  return captureMain(main, args);
}

const SMALL = ["--accesses", "2000", "--footprint", "16M", "--json"];

Deno.test("sim --host-policy, --fragmentation and --guest-large-fraction set the memory model", async () => {
  const { code, out } = await sim([
    ...SMALL,
    "--mode",
    "nested",
    "--host-policy",
    "1g",
    "--fragmentation",
    "0.5",
    "--guest-large-fraction",
    "1",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.equal(report.config.memory.hostPolicy, "1g");
  assert.equal(report.config.memory.fragmentation, 0.5);
  assert.equal(report.config.memory.guestLargeFraction, 1);
  assert.equal(report.config.memory.guestMemoryMib, 1024);
  assert.equal(report.large_pages.guest_pages_2m, 8);
  assert.equal(report.large_pages.host_large_fraction, 1);
});

Deno.test("sim --guest-fragmentation takes 2M pages away from the guest", async () => {
  const { code, out } = await sim([
    ...SMALL,
    "--mode",
    "nested",
    "--guest-large-fraction",
    "1",
    "--guest-fragmentation",
    "1",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.equal(report.large_pages.guest_pages_2m, 0);
  assert.equal(report.large_pages.guest_large_mapped_fraction, 0);
});

Deno.test("sim runs shadow paging on the first-touch guest with large pages and reports shadow table bytes", async () => {
  const { code, out } = await sim([
    ...SMALL,
    "--mode",
    "shadow",
    "--strategies",
    "all",
    "--guest-large-fraction",
    "1",
    // Cold tables: the shadow table fills as the measured accesses fault.
    "--populate",
    "off",
    "--warmup",
    "0",
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.equal(report.config.guest, "first-touch");
  assert.ok(report.page_table_bytes.shadow > 0);
  assert.ok(report.counters.exits_hidden_fault > 0);
  assert.equal(report.large_pages.guest_pages_2m, 8);
  assert.equal(report.large_pages.splintered_pages, 0, "host 2M backing: 2M shadow entries");
});

Deno.test("sim runs guest large pages natively: the OS's own transparent huge pages", async () => {
  const { code, out } = await sim([...SMALL, "--guest-large-fraction", "1"]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.equal(report.config.platform, "native");
  assert.equal(report.large_pages.guest_pages_2m, 8);
  assert.equal(report.config.memory.guestMemoryMib, 1024);
});

Deno.test("sim rejects bad large-page options with one line and exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["--host-policy", "4k"],
      /^sim: --host-policy: platform native has no host layer$/,
    ],
    [["--fragmentation", "0.5"], /^sim: --fragmentation: platform native has no host layer$/],
    [["--mode", "shadow-composed"], /--mode shadow-composed is now --mode shadow/],
    [
      ["--mode", "nested", "--host-policy", "huge"],
      /^sim: --host-policy: expected one of 4k, opportunistic, opportunistic\+promote, 1g, got "huge"$/,
    ],
    [
      ["--mode", "nested", "--fragmentation", "1.5"],
      /^sim: --fragmentation: expected a number from 0 to 1, got 1\.5$/,
    ],
    [
      ["--mode", "nested", "--guest-large-fraction", "x"],
      /^sim: --guest-large-fraction: expected a number from 0 to 1, got "x"$/,
    ],
    [
      ["--mode", "nested", "--fragmentation", "0", "--host-page", "2m"],
      /^sim: --host-page: cannot go with --fragmentation, whose large-page policies set the page sizes$/,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await sim([...SMALL, ...args]);
    assert.equal(code, 2, args.join(" "));
    assert.match(err, message);
    assert.equal(err.split("\n").length, 1);
  }
});
