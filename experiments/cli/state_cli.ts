/**
 * `deno task state`: one snapshot, one restore or one live migration of a
 * running guest, one fork of a parent VM into children, or one run of
 * replication to a backup host with a failure at a chosen instant, printing
 * its pause or downtime, total time, what the guest paid, exits, bytes
 * moved and the lost-data check, as a table or as one JSON object; or one
 * configuration of the partition bus between a guest and the host
 * partition, printing its throughput, latency, exits and cycles per message
 * and the delivery check.
 *
 * @module
 */

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
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import { LINK_PROFILE_NAMES } from "../../core/transfer/link_profile.ts";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { runMigration } from "../../core/migration/migration.ts";
import { runFork } from "../../core/migration/fork.ts";
import { FORK_OPTIONS_FIELDS, type ForkOptions } from "../../core/migration/fork_params.ts";
import {
  MIGRATION_OPTIONS_FIELDS,
  type MigrationOptions,
} from "../../core/migration/migration_params.ts";
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
import { parseCommandLine } from "./command_line.ts";
import { fileProblem } from "./out_dir.ts";
import { runReplication } from "../../core/replication/replication.ts";
import {
  REPLICATION_OPTIONS_FIELDS,
  type ReplicationOptions,
} from "../../core/replication/replication_params.ts";
import { runBus } from "../../core/bus/bus.ts";
import { BUS_OPTIONS_FIELDS, type BusOptions } from "../../core/bus/bus_params.ts";

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

/** Replication's own command-line field: the guest's disk as a size, like `--memory`. */
const REPLICATE_CLI_FIELDS = {
  disk: {
    kind: "size",
    min: 4096,
    max: 2 ** 46,
    default: 8 * 2 ** 30,
    description: REPLICATION_OPTIONS_FIELDS.diskGib.description,
  },
} as const satisfies ConfigFields;

const SHARED = STATE_OPTIONS_FIELDS;
const SNAPSHOT = SNAPSHOT_OPTIONS_FIELDS;
const RESTORE = RESTORE_OPTIONS_FIELDS;
const MIGRATE = MIGRATION_OPTIONS_FIELDS;
const FORK = FORK_OPTIONS_FIELDS;
const REPLICATE = REPLICATION_OPTIONS_FIELDS;
const BUS = BUS_OPTIONS_FIELDS;

const LINK_EXPECTED = `one of ${LINK_PROFILE_NAMES.join(", ")}, or a JSON file of a link profile`;

const SNAPSHOT_METHOD: FieldOption = {
  name: "method",
  meta: "M",
  fields: SNAPSHOT,
  field: "method",
  scope: "snapshot",
};
const RESTORE_METHOD: FieldOption = { ...SNAPSHOT_METHOD, fields: RESTORE, scope: "restore" };
const MIGRATE_METHOD: FieldOption = { ...SNAPSHOT_METHOD, fields: MIGRATE, scope: "migrate" };
const REPLICATE_METHOD: FieldOption = {
  ...SNAPSHOT_METHOD,
  fields: REPLICATE,
  scope: "replicate",
};

const FORK_OPTIONS: readonly FieldOption[] = [
  { name: "children", meta: "N", fields: FORK, field: "children" },
  { name: "placement", meta: "P", fields: FORK, field: "placement" },
  { name: "link", meta: "NAME|PATH", fields: FORK, field: "link", expected: LINK_EXPECTED },
  { name: "parent", meta: "M", fields: FORK, field: "parent" },
  { name: "stun-ms", meta: "MS", fields: FORK, field: "stunMs" },
  { name: "prefetch", meta: "on|off", fields: FORK, field: "prefetch" },
  { name: "batch-pages", meta: "B", fields: FORK, field: "batchPages" },
  { name: "skip-fresh", meta: "on|off", fields: FORK, field: "skipFresh" },
  { name: "fresh", meta: "F", fields: FORK, field: "freshFraction" },
  { name: "writable", meta: "F", fields: FORK, field: "writableFraction" },
  { name: "multicast", meta: "on|off", fields: FORK, field: "multicast" },
  { name: "device-state", meta: "SIZE", fields: FORK, field: "deviceStateBytes" },
  { name: "fault-handling", meta: "US", fields: FORK, field: "faultHandlingUs" },
];

const STORAGE_OPTION: FieldOption = {
  name: "storage",
  meta: "NAME|PATH",
  fields: SHARED,
  field: "storage",
  expected: `one of ${STORAGE_PROFILE_NAMES.join(", ")}, or a JSON file of a storage profile`,
};

const MECHANISM_OPTIONS: readonly FieldOption[] = [
  { name: "batch-pages", meta: "B", fields: SHARED, field: "batchPages" },
  STORAGE_OPTION,
  { name: "io-depth", meta: "N", fields: SHARED, field: "ioDepth" },
  { name: "save-order", meta: "O", fields: SNAPSHOT, field: "saveOrder" },
  { name: "fault-save", meta: "S", fields: SNAPSHOT, field: "faultSave" },
  { name: "cow-wait", meta: "W", fields: SNAPSHOT, field: "cowWait" },
  { name: "uffd-round-trip", meta: "US", fields: SNAPSHOT, field: "uffdRoundTripUs" },
  { name: "saver-share", meta: "F", fields: SNAPSHOT, field: "saverShare" },
  { name: "sweep-share", meta: "F", fields: RESTORE, field: "sweepShare" },
  { name: "dirty-log", meta: "D", fields: SNAPSHOT, field: "dirtyLog" },
];

const LINK_OPTION: FieldOption = {
  name: "link",
  meta: "NAME|PATH",
  fields: MIGRATE,
  field: "link",
  expected: LINK_EXPECTED,
};

const MIGRATE_OPTIONS: readonly FieldOption[] = [
  LINK_OPTION,
  { name: "batch-pages", meta: "B", fields: MIGRATE, field: "batchPages" },
  { name: "send-window", meta: "SIZE", fields: MIGRATE, field: "sendWindowBytes" },
  { name: "device-state", meta: "SIZE", fields: MIGRATE, field: "deviceStateBytes" },
  { name: "switchover", meta: "MS", fields: MIGRATE, field: "switchoverMs" },
  { name: "stop-rule", meta: "R", fields: MIGRATE, field: "stopRule" },
  { name: "downtime-limit", meta: "MS", fields: MIGRATE, field: "downtimeLimitMs" },
  { name: "auto-converge", meta: "on|off", fields: MIGRATE, field: "autoConverge" },
  { name: "timeout-passes", meta: "N", fields: MIGRATE, field: "timeoutPasses" },
  { name: "hybrid-rounds", meta: "N", fields: MIGRATE, field: "hybridRounds" },
  { name: "preempt", meta: "on|off", fields: MIGRATE, field: "preempt" },
  { name: "fault-handling", meta: "US", fields: MIGRATE, field: "faultHandlingUs" },
  { name: "dirty-log", meta: "D", fields: MIGRATE, field: "dirtyLog" },
  { name: "zero-pages", meta: "on|off", fields: MIGRATE, field: "zeroPages" },
  { name: "zero-fraction", meta: "F", fields: MIGRATE, field: "zeroPageFraction" },
  { name: "compression", meta: "X", fields: MIGRATE, field: "compressionRatio" },
  { name: "link-fail", meta: "MS", fields: MIGRATE, field: "linkFailMs" },
];

const REPLICATE_OPTIONS: readonly FieldOption[] = [
  { name: "interval", meta: "MS", fields: REPLICATE, field: "intervalMs" },
  { ...LINK_OPTION, fields: REPLICATE },
  { name: "bandwidth-share", meta: "F", fields: REPLICATE, field: "bandwidthShare" },
  { name: "batch-pages", meta: "B", fields: REPLICATE, field: "batchPages" },
  { name: "compression", meta: "X", fields: REPLICATE, field: "compressionRatio" },
  { name: "device-state", meta: "SIZE", fields: REPLICATE, field: "deviceStateBytes" },
  { name: "checkpoint-fixed", meta: "US", fields: REPLICATE, field: "checkpointFixedUs" },
  { name: "dirty-log", meta: "D", fields: REPLICATE, field: "dirtyLog" },
  { name: "failure", meta: "F", fields: REPLICATE, field: "failure" },
  { name: "fail-at", meta: "MS", fields: REPLICATE, field: "failAtMs" },
  { name: "duration", meta: "MS", fields: REPLICATE, field: "durationMs" },
  { name: "link-outage-at", meta: "MS", fields: REPLICATE, field: "linkOutageAtMs" },
  { name: "link-outage", meta: "MS", fields: REPLICATE, field: "linkOutageMs" },
  { name: "give-up", meta: "MS", fields: REPLICATE, field: "giveUpMs" },
  { name: "heartbeat", meta: "MS", fields: REPLICATE, field: "heartbeatMs" },
  { name: "missed-beats", meta: "N", fields: REPLICATE, field: "missedBeats" },
  { name: "activation", meta: "MS", fields: REPLICATE, field: "activationMs" },
  { name: "restore", meta: "R", fields: REPLICATE, field: "restore" },
  { ...STORAGE_OPTION, fields: REPLICATE },
  { name: "boot", meta: "S", fields: REPLICATE, field: "bootS" },
];

/**
 * The bus's integer byte counts as the command line writes them: sizes
 * (`4K`, `64KiB`) like `--memory`, under the bus's own field names, their
 * ranges, defaults and descriptions the bus's.
 */
const BUS_CLI_FIELDS = {
  messageBytes: {
    kind: "size",
    min: BUS.messageBytes.min,
    max: BUS.messageBytes.max,
    default: BUS.messageBytes.default,
    description: BUS.messageBytes.description,
  },
  policyThresholdBytes: {
    kind: "size",
    min: BUS.policyThresholdBytes.min,
    max: BUS.policyThresholdBytes.max,
    defaultText: BUS.policyThresholdBytes.defaultText,
    description: BUS.policyThresholdBytes.description,
  },
} as const satisfies ConfigFields;

const MESSAGE_BYTES: FieldOption = {
  name: "message-bytes",
  meta: "SIZE",
  fields: BUS_CLI_FIELDS,
  field: "messageBytes",
};

// The bus's "for tests only" fields (a broken remap or reader, jitter) are
// not options, as replication's brokenApplyPartial is not.
const BUS_OPTIONS: readonly FieldOption[] = [
  { ...SNAPSHOT_METHOD, fields: BUS, scope: "bus" },
  MESSAGE_BYTES,
  { name: "offered-msgs-s", meta: "R", fields: BUS, field: "offeredMsgsS" },
  { name: "batch", meta: "N", fields: BUS, field: "batch" },
  { name: "signalling", meta: "S", fields: BUS, field: "signalling" },
  { name: "messages", meta: "N", fields: BUS, field: "messages" },
  { name: "ring-pages", meta: "N", fields: BUS, field: "ringPages" },
  { name: "buffer-mib", meta: "MIB", fields: BUS, field: "bufferMib" },
  { name: "receiver-touches", meta: "on|off", fields: BUS, field: "receiverTouches" },
  { ...MESSAGE_BYTES, name: "policy-threshold-bytes", field: "policyThresholdBytes" },
  { name: "caches", meta: "on|off", fields: BUS, field: "caches" },
  { name: "vcpus", meta: "N", fields: BUS, field: "vcpus", scope: "bus" },
  { name: "platform", meta: "P", fields: BUS, field: "platform", scope: "bus" },
];

const REPLICATE_GUEST_OPTIONS: readonly FieldOption[] = [
  { name: "dirty-rate", meta: "MIBS", fields: REPLICATE, field: "dirtyRateMibS" },
  { name: "wws", meta: "F", fields: REPLICATE, field: "wwsFraction" },
  { name: "disk", meta: "SIZE", fields: REPLICATE_CLI_FIELDS, field: "disk" },
  { name: "disk-write", meta: "MIBS", fields: REPLICATE, field: "diskWriteMibS" },
  { name: "outputs", meta: "N", fields: REPLICATE, field: "outputsPerS" },
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

const MIGRATE_GUEST_OPTIONS: readonly FieldOption[] = [
  { name: "dirty-rate", meta: "MIBS", fields: MIGRATE, field: "dirtyRateMibS" },
  { name: "wws", meta: "F", fields: MIGRATE, field: "wwsFraction" },
];

/** The shared options a phase's declaration also has, setting its same-named fields. */
function sharedFor(fields: ConfigFields, options: readonly FieldOption[]): FieldOption[] {
  return options.filter((o) => o.fields === SHARED && Object.hasOwn(fields, o.field))
    .map((o) => ({ ...o, fields }));
}

const CLI_OPTIONS: readonly FieldOption[] = GUEST_OPTIONS.filter((o) =>
  o.fields === STATE_CLI_FIELDS
);

/** What one phase of the command runs and which options set its fields. */
interface Phase {
  /** The options that set fields of the phase's options (not the command's own). */
  readonly options: readonly FieldOption[];
  /** Runs it. */
  readonly run: (options: Record<string, unknown>, cost: CostModel, seed: number) => object;
}

/** The phases, each with its options. */
const PHASES: Readonly<Record<string, Phase>> = {
  snapshot: {
    options: [
      SNAPSHOT_METHOD,
      ...[...MECHANISM_OPTIONS, ...MACHINE_OPTIONS, ...GUEST_OPTIONS]
        .filter((o) => o.fields === SNAPSHOT || o.fields === SHARED),
    ],
    run: (o, cost, seed) => runSnapshot(o as SnapshotOptions, cost, seed),
  },
  restore: {
    options: [
      RESTORE_METHOD,
      ...[...MECHANISM_OPTIONS, ...MACHINE_OPTIONS, ...GUEST_OPTIONS]
        .filter((o) => o.fields === RESTORE || o.fields === SHARED),
    ],
    run: (o, cost, seed) => runRestore(o as RestoreOptions, cost, seed),
  },
  migrate: {
    options: [
      MIGRATE_METHOD,
      ...MIGRATE_OPTIONS,
      ...sharedFor(MIGRATE, MACHINE_OPTIONS),
      ...sharedFor(MIGRATE, GUEST_OPTIONS),
      ...MIGRATE_GUEST_OPTIONS,
    ],
    run: (o, cost, seed) => runMigration(o as MigrationOptions, cost, seed),
  },
  fork: {
    options: [
      ...FORK_OPTIONS,
      ...sharedFor(FORK, MACHINE_OPTIONS),
      ...sharedFor(FORK, GUEST_OPTIONS),
    ],
    run: (o, cost, seed) => runFork(o as ForkOptions, cost, seed),
  },
  replicate: {
    options: [
      REPLICATE_METHOD,
      ...REPLICATE_OPTIONS,
      ...sharedFor(REPLICATE, MACHINE_OPTIONS),
      ...sharedFor(REPLICATE, GUEST_OPTIONS),
      ...REPLICATE_GUEST_OPTIONS,
    ],
    run: (o, cost, seed) => runReplication(o as ReplicationOptions, cost, seed),
  },
  bus: {
    options: BUS_OPTIONS,
    run: (o, cost, seed) => runBus(o as BusOptions, cost, seed),
  },
};

const PHASE_NAMES = Object.keys(PHASES);

/** The phases an option applies to (`--memory`: those with guest memory). */
function phasesOf(name: string): string[] {
  return PHASE_NAMES.filter((p) =>
    PHASES[p].options.some((o) => o.name === name) ||
    (name === MEMORY_IN_GIB.name && Object.hasOwn(PHASES[p].options[0].fields, MEMORY_IN_GIB.field))
  );
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[], last = "and"): string {
  return names.length <= 1
    ? names.join("")
    : `${names.slice(0, -1).join(", ")} ${last} ${names[names.length - 1]}`;
}

const USAGE = `Usage: deno task state snapshot|restore|migrate|fork|replicate|bus [options]

Runs one snapshot, one restore, one live migration of a running guest, one
fork of a parent VM into children, one run of replication to a backup host
with a failure at a chosen instant, or one configuration of the partition
bus carrying messages from a guest to the host partition, and prints what
it cost.

Snapshot and restore:
${optionHelp(SNAPSHOT_METHOD)}
${optionHelp(RESTORE_METHOD, "")}
${optionsHelp(MECHANISM_OPTIONS)}

Migrate:
${optionHelp(MIGRATE_METHOD)}
${optionsHelp(MIGRATE_OPTIONS)}
${optionsHelp(MIGRATE_GUEST_OPTIONS)}

Fork:
${optionsHelp(FORK_OPTIONS)}

Replicate:
${optionHelp(REPLICATE_METHOD)}
${optionsHelp(REPLICATE_OPTIONS)}
${optionsHelp(REPLICATE_GUEST_OPTIONS)}

Bus (of the machine and guest options below, only --seed: the seed of the arrivals):
${optionsHelp(BUS_OPTIONS)}

Machine (every phase but bus):
${optionsHelp(MACHINE_OPTIONS)}

Guest (every phase but where --help says otherwise):
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
  link: { type: "string" },
  "send-window": { type: "string" },
  "device-state": { type: "string" },
  switchover: { type: "string" },
  "stop-rule": { type: "string" },
  "downtime-limit": { type: "string" },
  "auto-converge": { type: "string" },
  "timeout-passes": { type: "string" },
  "hybrid-rounds": { type: "string" },
  preempt: { type: "string" },
  "fault-handling": { type: "string" },
  "zero-pages": { type: "string" },
  "zero-fraction": { type: "string" },
  compression: { type: "string" },
  "link-fail": { type: "string" },
  "dirty-rate": { type: "string" },
  children: { type: "string" },
  placement: { type: "string" },
  parent: { type: "string" },
  "stun-ms": { type: "string" },
  prefetch: { type: "string" },
  "skip-fresh": { type: "string" },
  fresh: { type: "string" },
  writable: { type: "string" },
  multicast: { type: "string" },
  wws: { type: "string" },
  interval: { type: "string" },
  "bandwidth-share": { type: "string" },
  "checkpoint-fixed": { type: "string" },
  failure: { type: "string" },
  "fail-at": { type: "string" },
  duration: { type: "string" },
  "link-outage-at": { type: "string" },
  "link-outage": { type: "string" },
  "give-up": { type: "string" },
  heartbeat: { type: "string" },
  "missed-beats": { type: "string" },
  activation: { type: "string" },
  restore: { type: "string" },
  boot: { type: "string" },
  disk: { type: "string" },
  "disk-write": { type: "string" },
  "outputs": { type: "string" },
  "message-bytes": { type: "string" },
  "offered-msgs-s": { type: "string" },
  batch: { type: "string" },
  signalling: { type: "string" },
  messages: { type: "string" },
  "ring-pages": { type: "string" },
  "buffer-mib": { type: "string" },
  "receiver-touches": { type: "string" },
  "policy-threshold-bytes": { type: "string" },
  caches: { type: "string" },
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

/** A profile option's value: a profile name, or a JSON file of a profile, read here. */
async function profileFile(option: string, value: string): Promise<unknown> {
  if (!value.endsWith(".json")) return value;
  let text: string;
  try {
    text = await Deno.readTextFile(value);
  } catch (error) {
    throw new UsageError(`--${option}: cannot read "${value}": ${fileProblem(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${option}: "${value}" is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--memory` as the field it sets, for errors about that field. */
const MEMORY_IN_GIB: FieldOption = {
  name: "memory",
  meta: "SIZE",
  fields: SHARED,
  field: "memoryGib",
};

/** `--disk` as the field it sets, for errors about that field. */
const DISK_IN_GIB: FieldOption = {
  name: "disk",
  meta: "SIZE",
  fields: REPLICATE,
  field: "diskGib",
};

/**
 * Replication's and the bus's problems name other fields bare ("give
 * linkOutageAtMs and linkOutageMs together", "or more ringPages"), not as
 * `field "X"`, which is what {@linkcode asOptionError} rewrites: say them
 * as the options that set them. Only camelCase names are rewritten, so
 * that words like "restore" stay.
 */
function fieldsInOptions(error: unknown, options: readonly FieldOption[]): unknown {
  if (!(error instanceof UsageError)) return error;
  const message = error.message.replace(/\b[a-z]+[A-Z]\w*\b/g, (word) => {
    const option = options.find((o) => o.field === word);
    return option === undefined ? word : `--${option.name}`;
  });
  return message === error.message ? error : new UsageError(message);
}

/** Replication's problems in options. */
function replicationProblemInOptions(error: unknown): unknown {
  return fieldsInOptions(error, [...PHASES.replicate.options, DISK_IN_GIB, {
    ...MEMORY_IN_GIB,
    fields: REPLICATE,
  }]);
}

/**
 * The bus's problems in options. A problem with a field left at its default
 * (`--method inline` with too few `--ring-pages` for the default message)
 * names the option too, rather than the field: every bus field but the
 * tests-only ones has an option.
 */
function busProblemInOptions(error: unknown, given: Readonly<Record<string, unknown>>): unknown {
  const all = Object.fromEntries(BUS_OPTIONS.map((o) => [o.name, given[o.name] ?? ""]));
  return fieldsInOptions(asOptionError(error, BUS_OPTIONS, all), BUS_OPTIONS);
}

const REPLICATE_CLI_OPTIONS: readonly FieldOption[] = REPLICATE_GUEST_OPTIONS.filter((o) =>
  o.fields === REPLICATE_CLI_FIELDS
);

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

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"];

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

/** Replication's own command-line options, validated; errors name the option. */
function resolveReplicateCliOptions(values: Values) {
  try {
    return validateConfig(
      REPLICATE_CLI_FIELDS,
      configFromOptions(REPLICATE_CLI_OPTIONS, values),
      { component: "replicate options" },
    );
  } catch (error) {
    throw asOptionError(error, REPLICATE_CLI_OPTIONS, values);
  }
}

const BUS_CLI_OPTIONS: readonly FieldOption[] = BUS_OPTIONS.filter((o) =>
  o.fields === BUS_CLI_FIELDS
);

/** The bus's sizes, validated, those given only; errors name the option. */
function resolveBusCliOptions(values: Values): Record<string, number> {
  const given = configFromOptions(BUS_CLI_OPTIONS, values);
  try {
    const sizes = validateConfig(BUS_CLI_FIELDS, given, { component: "bus options" });
    return Object.fromEntries(Object.keys(given).map((k) => [k, sizes[k as keyof typeof sizes]!]));
  } catch (error) {
    throw asOptionError(error, BUS_CLI_OPTIONS, values);
  }
}

async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const name = positionals[0];
  if (name === undefined || !Object.hasOwn(PHASES, name)) {
    throw new UsageError(
      name === undefined
        ? `name a phase: ${listed(PHASE_NAMES, "or")} (see --help)`
        : `unknown phase "${name}"; expected ${listed(PHASE_NAMES, "or")}`,
    );
  }
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument "${positionals[1]}" (see --help)`);
  }
  const phase = PHASES[name];
  // An option of another phase's own fields means nothing here.
  for (const option of Object.keys(OPTIONS)) {
    if (values[option as keyof typeof values] === undefined) continue;
    const at = phasesOf(option);
    if (at.length > 0 && !at.includes(name)) {
      throw new UsageError(`--${option} applies to ${listed(at)} only`);
    }
  }
  const cost = await resolveProfile(values.profile);
  const cli = resolveCliOptions(values);
  // The command's own sizes are converted below, not passed as fields.
  const options = configFromOptions(
    phase.options.filter((o) => o.fields !== REPLICATE_CLI_FIELDS && o.fields !== BUS_CLI_FIELDS),
    values,
  );
  if (name === "bus") Object.assign(options, resolveBusCliOptions(values));
  if (values.memory !== undefined) options.memoryGib = cli.memory / 2 ** 30;
  if (values.disk !== undefined) {
    options.diskGib = resolveReplicateCliOptions(values).disk / 2 ** 30;
  }
  if (values.storage !== undefined) options.storage = await profileFile("storage", values.storage);
  if (values.link !== undefined) options.link = await profileFile("link", values.link);
  let row: object;
  try {
    row = phase.run(options, cost, cli.seed);
  } catch (error) {
    if (name === "bus") throw busProblemInOptions(error, values);
    const memory = { ...MEMORY_IN_GIB, fields: phase.options[0].fields };
    const usage = asOptionError(error, [...phase.options, memory, DISK_IN_GIB], values);
    throw name === "replicate" ? replicationProblemInOptions(usage) : usage;
  }
  if (values.json) {
    console.log(JSON.stringify({ ...row, profile: cost.name, seed: cli.seed }, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(row).map((k) => k.length));
  for (const [key, value] of Object.entries(row) as [string, unknown][]) {
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
