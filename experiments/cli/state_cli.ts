/**
 * `deno task state`: one snapshot or one restore of a running guest, printing
 * its pause, total time, guest slowdown, exits, image size and the lost-data
 * check, as a table or as one JSON object.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type ConfigFields, validateConfig } from "../../core/base/config_fields.ts";
import { runRestore } from "../../core/snapshot/restore.ts";
import { runSnapshot } from "../../core/snapshot/snapshot.ts";
import {
  RESTORE_OPTIONS_FIELDS,
  type RestoreOptions,
  SNAPSHOT_OPTIONS_FIELDS,
  type SnapshotOptions,
  STATE_OPTIONS_FIELDS,
} from "../../core/snapshot/state_params.ts";
import type { StateRow } from "../../core/snapshot/state_row.ts";
import { STORAGE_PROFILE_NAMES, type StorageProfile } from "../../core/transfer/storage_profile.ts";
import {
  asOptionError,
  configFromOptions,
  type FieldOption,
  optionHelp,
  optionsHelp,
} from "./config_options.ts";
import { resolveProfile } from "./profile_option.ts";
import { UsageError } from "./usage_error.ts";
import { runCommand } from "./command.ts";

/** The command's own fields: guest memory as a size, and the seed of the run. */
const STATE_CLI_FIELDS = {
  memory: {
    kind: "size",
    min: 4096,
    max: 2 ** 40,
    default: 2 ** 30,
    description: STATE_OPTIONS_FIELDS.memoryGib.description,
  },
  seed: {
    kind: "integer",
    min: 0,
    default: 1,
    description: "seed of the guest's working set and touches",
  },
} as const satisfies ConfigFields;

const SHARED = STATE_OPTIONS_FIELDS;
const SNAPSHOT = SNAPSHOT_OPTIONS_FIELDS;
const RESTORE = RESTORE_OPTIONS_FIELDS;

const SNAPSHOT_METHOD: FieldOption = {
  name: "method",
  meta: "M",
  fields: SNAPSHOT,
  field: "method",
  scope: "snapshot",
};
const RESTORE_METHOD: FieldOption = { ...SNAPSHOT_METHOD, fields: RESTORE, scope: "restore" };

const MECHANISM_OPTIONS: readonly FieldOption[] = [
  { name: "batch-pages", meta: "B", fields: SHARED, field: "batchPages" },
  {
    name: "storage",
    meta: "NAME|PATH",
    fields: SHARED,
    field: "storage",
    expected: `one of ${STORAGE_PROFILE_NAMES.join(", ")}, or a JSON file of a storage profile`,
  },
  { name: "io-depth", meta: "N", fields: SHARED, field: "ioDepth" },
  { name: "save-order", meta: "O", fields: SNAPSHOT, field: "saveOrder" },
  { name: "fault-save", meta: "S", fields: SNAPSHOT, field: "faultSave" },
  { name: "cow-wait", meta: "W", fields: SNAPSHOT, field: "cowWait" },
  { name: "uffd-round-trip", meta: "US", fields: SNAPSHOT, field: "uffdRoundTripUs" },
  { name: "saver-share", meta: "F", fields: SNAPSHOT, field: "saverShare" },
  { name: "sweep-share", meta: "F", fields: RESTORE, field: "sweepShare" },
  { name: "dirty-log", meta: "D", fields: SNAPSHOT, field: "dirtyLog" },
];

const MACHINE_OPTIONS: readonly FieldOption[] = [
  { name: "platform", meta: "P", fields: SHARED, field: "platform" },
  { name: "host-page", meta: "P", fields: SHARED, field: "hostPage" },
  { name: "translation-sample", meta: "N", fields: SHARED, field: "translationSampleAccesses" },
];

const GUEST_OPTIONS: readonly FieldOption[] = [
  { name: "memory", meta: "SIZE", fields: STATE_CLI_FIELDS, field: "memory" },
  { name: "vcpus", meta: "N", fields: SHARED, field: "vcpus" },
  { name: "write-fraction", meta: "F", fields: SHARED, field: "writeFraction" },
  { name: "working-set", meta: "F", fields: SHARED, field: "workingSetFraction" },
  { name: "job-ms", meta: "T", fields: SHARED, field: "jobMs" },
  { name: "time-limit", meta: "S", fields: SHARED, field: "simTimeLimitS" },
  { name: "seed", meta: "N", fields: STATE_CLI_FIELDS, field: "seed" },
];

/** `--memory` as the field it sets, for errors about that field. */
const MEMORY_IN_GIB: FieldOption = {
  name: "memory",
  meta: "SIZE",
  fields: SHARED,
  field: "memoryGib",
};

/** Every option that sets a field of the snapshot or restore options. */
const RUN_OPTIONS: readonly FieldOption[] = [
  SNAPSHOT_METHOD,
  RESTORE_METHOD,
  ...MECHANISM_OPTIONS,
  ...MACHINE_OPTIONS,
  ...GUEST_OPTIONS.filter((o) => o.fields !== STATE_CLI_FIELDS),
];

const CLI_OPTIONS: readonly FieldOption[] = GUEST_OPTIONS.filter((o) =>
  o.fields === STATE_CLI_FIELDS
);

const USAGE = `Usage: deno task state snapshot|restore [options]

Runs one snapshot or one restore of a running guest and prints what it cost.

Mechanism:
${optionHelp(SNAPSHOT_METHOD)}
${optionHelp(RESTORE_METHOD, "")}
${optionsHelp(MECHANISM_OPTIONS)}

Machine:
${optionsHelp(MACHINE_OPTIONS)}

Guest:
${optionsHelp(GUEST_OPTIONS)}

Output:
  --profile NAME|PATH   cost profile: intel-skylake-sp, amd-zen3, or a JSON file
  --json                one JSON object instead of a table
  -h, --help            this text
`;

const OPTIONS = {
  method: { type: "string" },
  "batch-pages": { type: "string" },
  storage: { type: "string" },
  "io-depth": { type: "string" },
  "save-order": { type: "string" },
  "fault-save": { type: "string" },
  "cow-wait": { type: "string" },
  "uffd-round-trip": { type: "string" },
  "saver-share": { type: "string" },
  "sweep-share": { type: "string" },
  "dirty-log": { type: "string" },
  platform: { type: "string" },
  "host-page": { type: "string" },
  "translation-sample": { type: "string" },
  memory: { type: "string" },
  vcpus: { type: "string" },
  "write-fraction": { type: "string" },
  "working-set": { type: "string" },
  "job-ms": { type: "string" },
  "time-limit": { type: "string" },
  seed: { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A `--storage` value: a profile name, or a JSON file of a profile, read here. */
async function storageOption(value: string): Promise<string | StorageProfile> {
  if (!value.endsWith(".json")) return value;
  let text: string;
  try {
    text = await Deno.readTextFile(value);
  } catch (error) {
    throw new UsageError(`--storage: cannot read "${value}": ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--storage: "${value}" is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Runs the command with `args`; returns the exit code. User mistakes print
 * one line on stderr and return 2.
 *
 * @example
 * ```ts
 * import { main } from "./state_cli.ts";
 * const code = await main(["snapshot", "--memory", "16M", "--job-ms", "1", "--json"]);
 * if (code !== 0) throw new Error();
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCommand("state", () => run(args));
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];

/** The command's own options, validated; errors name the option. */
function resolveCliOptions(values: Values) {
  try {
    return validateConfig(STATE_CLI_FIELDS, configFromOptions(CLI_OPTIONS, values), {
      component: "state options",
    });
  } catch (error) {
    throw asOptionError(error, CLI_OPTIONS, values);
  }
}

async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const phase = positionals[0];
  if (phase !== "snapshot" && phase !== "restore") {
    throw new UsageError(
      phase === undefined
        ? "name a phase: snapshot or restore (see --help)"
        : `unknown phase "${phase}"; expected snapshot or restore`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument "${positionals[1]}" (see --help)`);
  }
  // An option of the other phase's own fields means nothing here.
  const own = phase === "snapshot" ? SNAPSHOT : RESTORE;
  const other = phase === "snapshot" ? "restore" : "snapshot";
  for (const option of RUN_OPTIONS) {
    if (
      values[option.name as keyof typeof values] !== undefined && !Object.hasOwn(own, option.field)
    ) {
      throw new UsageError(`--${option.name} applies to ${other} only`);
    }
  }
  const cost = await resolveProfile(values.profile);
  const cli = resolveCliOptions(values);
  const phaseOptions = RUN_OPTIONS.filter((o) => o.fields === own || o.fields === SHARED);
  const options = configFromOptions(phaseOptions, values);
  if (values.memory !== undefined) options.memoryGib = cli.memory / 2 ** 30;
  if (values.storage !== undefined) options.storage = await storageOption(values.storage);
  let row: StateRow;
  try {
    row = phase === "snapshot"
      ? runSnapshot(options as SnapshotOptions, cost, cli.seed)
      : runRestore(options as RestoreOptions, cost, cli.seed);
  } catch (error) {
    throw asOptionError(error, [...phaseOptions, MEMORY_IN_GIB], values);
  }
  if (values.json) {
    console.log(JSON.stringify({ ...row, profile: cost.name, seed: cli.seed }, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(row).map((k) => k.length));
  for (const [key, value] of Object.entries(row)) {
    // NaN: a time a run that gave up could not measure.
    const text = Number.isNaN(value)
      ? "—"
      : typeof value === "number" && !Number.isInteger(value)
      ? Number(value.toPrecision(6)).toString()
      : String(value);
    console.log(`${key.padEnd(width)}  ${text}`);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
