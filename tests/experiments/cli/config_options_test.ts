import assert from "node:assert/strict";
import { ConfigError } from "../../../core/base/config_error.ts";
import { describeField } from "../../../core/base/config_fields.ts";
import { MACHINE_CONFIG_FIELDS } from "../../../core/machine/machine_config.ts";
import {
  SNAPSHOT_OPTIONS_FIELDS,
  STATE_OPTIONS_FIELDS,
} from "../../../core/snapshot/state_params.ts";
import {
  asOptionError,
  configFromOptions,
  type FieldOption,
  optionHelp,
  optionValue,
} from "../../../experiments/cli/config_options.ts";
import { main as sim } from "../../../experiments/cli/sim_cli.ts";
import { main as state } from "../../../experiments/cli/state_cli.ts";
import { UsageError } from "../../../experiments/cli/usage_error.ts";

const M = MACHINE_CONFIG_FIELDS;
const OPTIONS: FieldOption[] = [
  { name: "mode", meta: "P", fields: M, field: "platform" },
  { name: "vcpus", meta: "N", fields: M, field: "vcpus" },
  { name: "levels", meta: "L", fields: M, field: "levels" },
  { name: "walk-cache", meta: "on|off", fields: M, field: "walkCache" },
  { name: "strategies", meta: "LIST", fields: M, field: "shadow.strategies" },
  { name: "fragmentation", meta: "F", fields: M, field: "memory.fragmentation" },
  { name: "storage", meta: "PATH", fields: STATE_OPTIONS_FIELDS, field: "storage" },
];

Deno.test("optionValue() reads numbers, on/off and names, and passes anything else through", () => {
  const [mode, vcpus, levels, walkCache] = OPTIONS;
  assert.equal(optionValue(vcpus, "4"), 4);
  assert.equal(optionValue(vcpus, "1e1"), 10);
  assert.equal(optionValue(vcpus, "four"), "four");
  assert.equal(optionValue(levels, "5"), 5);
  assert.equal(optionValue(walkCache, "off"), false);
  assert.equal(optionValue(walkCache, "maybe"), "maybe");
  assert.equal(optionValue(mode, "Nested"), "nested");
});

Deno.test("configFromOptions() writes each given option into its field, nested ones too", () => {
  assert.deepEqual(
    configFromOptions(OPTIONS, { mode: "shadow", strategies: "all", fragmentation: "0.5" }),
    { platform: "shadow", shadow: { strategies: "all" }, memory: { fragmentation: 0.5 } },
  );
});

Deno.test("optionHelp() says what the declaration says: description, values, unit, default", () => {
  const help = optionHelp({
    name: "batch-pages",
    meta: "B",
    fields: STATE_OPTIONS_FIELDS,
    field: "batchPages",
  });
  assert.equal(
    help.replace(/\s+/g, " "),
    " --batch-pages B pages per I/O: a batch of B pages of 4 KiB is one I/O: an integer from 1 to 1024 (pages; default 64)",
  );
  assert.match(optionHelp(OPTIONS[3]), /: on or off \(default on\)$/);
  for (const line of optionHelp(OPTIONS[0]).split("\n")) assert.ok(line.length <= 100, line);
});

Deno.test("asOptionError() names the option instead of the field", () => {
  const given = { vcpus: "0", strategies: "all", walkCache: "x", storage: "d.json" };
  const translate = (field: string, problem: string) => {
    const error = asOptionError(new ConfigError("machine config", field, problem), OPTIONS, given);
    return error instanceof UsageError ? error.message : (error as Error).message;
  };
  assert.equal(
    translate("vcpus", "expected an integer from 1 to 64, got 0"),
    "--vcpus: expected an integer from 1 to 64, got 0",
  );
  assert.equal(
    translate("shadow", "needs platform shadow, got platform native"),
    "--strategies: needs platform shadow, got platform native",
  );
  assert.equal(
    translate("storage.queueDepth", "expected a positive integer, got 0"),
    '--storage: field "queueDepth": expected a positive integer, got 0',
  );
  assert.equal(
    translate("guestPage", 'cannot go with field "shadow"'),
    'Cannot use machine config: field "guestPage": cannot go with field "shadow"',
  );
  assert.equal(
    translate("pcid", 'needs field "vcpus"'),
    'Cannot use machine config: field "pcid": needs field "vcpus"',
  );
  const other = new Error("a bug");
  assert.equal(asOptionError(other, OPTIONS, given), other);
});

async function helpOf(main: (args: string[]) => Promise<number>, args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    assert.equal(await main(args), 0);
  } finally {
    console.log = log;
  }
  return lines.join("\n").replace(/\s+/g, " ");
}

Deno.test("sim --help takes each machine option's meaning and default from the machine config", async () => {
  const help = await helpOf(sim, ["--help"]);
  for (
    const [option, field] of [
      ["vcpus", "vcpus"],
      ["levels", "levels"],
      ["batch", "shadow.batch"],
      ["host-policy", "memory.hostPolicy"],
      ["guest-fragmentation", "memory.guestFragmentation"],
    ]
  ) {
    const doc = describeField(M, field);
    assert.ok(
      help.includes(`--${option} `) &&
        help.includes(`${doc.description}: ${doc.expected} (default ${doc.default})`),
      option,
    );
  }
});

Deno.test("state --help takes each option's meaning and default from the snapshot options", async () => {
  const help = await helpOf(state, ["--help"]);
  for (const field of ["saverShare", "ioDepth", "writeFraction", "dirtyLog"]) {
    const doc = describeField(SNAPSHOT_OPTIONS_FIELDS, field);
    assert.ok(help.includes(`${doc.description}: ${doc.expected}`), field);
    assert.ok(help.includes(`default ${doc.default})`), field);
  }
});
