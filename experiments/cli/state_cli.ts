/**
 * `deno task state`: one snapshot or one restore of a running guest, printing
 * its pause, total time, guest slowdown, exits, image size and the lost-data
 * check, as a table or as one JSON object.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { CostModelError } from "../../core/cost/cost_model.ts";
import { runRestore } from "../../core/snapshot/restore.ts";
import { runSnapshot } from "../../core/snapshot/snapshot.ts";
import { StateParamError } from "../../core/snapshot/state_error.ts";
import {
  HOST_PAGES,
  RESTORE_METHODS,
  type RestoreOptions,
  SNAPSHOT_METHODS,
  type SnapshotOptions,
  STATE_PLATFORMS,
} from "../../core/snapshot/state_params.ts";
import type { StateRow } from "../../core/snapshot/state_row.ts";
import { STORAGE_PROFILE_NAMES, type StorageProfile } from "../../core/transfer/storage_profile.ts";
import { parseSize, SizeError } from "../../core/workload/size.ts";
import { resolveProfile } from "./profile_option.ts";
import { UsageError } from "./usage_error.ts";

const USAGE = `Usage: deno task state snapshot|restore [options]

Runs one snapshot or one restore of a running guest and prints what it cost.

Mechanism:
  --method M            snapshot: ${SNAPSHOT_METHODS.join(", ")} (default concurrent-cow)
                        restore: ${RESTORE_METHODS.join(", ")} (default lazy-sweep)
  --batch-pages B       pages per I/O, 1 to 1024 (default 64)
  --storage NAME|PATH   ${
  STORAGE_PROFILE_NAMES.join(", ")
}, or a JSON storage profile (default nvme-ssd)
  --io-depth N          I/Os the saver or restorer keeps in flight (default 1)
  --save-order O        concurrent-cow: sequential, cold-first, hot-first (default sequential)
  --fault-save S        concurrent-cow: what a write fault saves first, page or batch (default batch)
  --saver-share F       concurrent-cow: share of write bandwidth for the background saver (default 1)
  --sweep-share F       restore: share of read bandwidth for the background sweep (default 1)
  --dirty-log D         dirty-precopy: write-protect or pml (Intel's page-modification log)
                        (default write-protect)

Machine:
  --platform P          ${STATE_PLATFORMS.join(" or ")}: the hypervisor's paging (default nested)
  --host-page P         ${HOST_PAGES.join(", ")}: host backing of guest memory (default 2m, as THP)
  --translation-sample N
                        accesses per vCPU per window when translation is measured per
                        access (dirty logging splitting host pages; default 20000)

Guest:
  --memory SIZE         guest memory, e.g. 256M, 4G (default 1G)
  --vcpus N             vCPUs (default 2)
  --write-fraction F    fraction of touches that write, 0 to 1 (default 0.2)
  --working-set F       fraction of memory the guest touches (default 0.25)
  --job-ms T            guest work per vCPU, in ms of unhindered run time (default 100)
  --time-limit S        give up after S seconds of simulated time (default 1200)
  --seed N              seed of the guest's working set and touches (default 1)

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

/** Command-line option of each library field, so that errors name what the user typed. */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  method: "--method",
  batchPages: "--batch-pages",
  storage: "--storage",
  ioDepth: "--io-depth",
  saveOrder: "--save-order",
  faultSave: "--fault-save",
  saverShare: "--saver-share",
  sweepShare: "--sweep-share",
  dirtyLog: "--dirty-log",
  platform: "--platform",
  hostPage: "--host-page",
  translationSampleAccesses: "--translation-sample",
  memoryGib: "--memory",
  vcpus: "--vcpus",
  writeFraction: "--write-fraction",
  workingSetFraction: "--working-set",
  jobMs: "--job-ms",
  simTimeLimitS: "--time-limit",
};

/** A number option, or undefined when absent; anything but a plain number is a usage error. */
function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`--${name} must be a number, got "${value}"`);
  }
  return n;
}

function memoryOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseSize(value);
  if (bytes < 4096 || bytes > 2 ** 40) {
    throw new UsageError(`--memory must be from 4K to 1T, got "${value}"`);
  }
  return bytes / 2 ** 30;
}

async function storageOption(
  value: string | undefined,
): Promise<string | StorageProfile | undefined> {
  if (value === undefined || !value.endsWith(".json")) return value;
  let text: string;
  try {
    text = await Deno.readTextFile(value);
  } catch (error) {
    throw new UsageError(`--storage: cannot read "${value}": ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new UsageError(`--storage: "${value}" must hold a JSON object`);
    }
    return parsed as StorageProfile;
  } catch (error) {
    if (error instanceof UsageError) throw error;
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
export async function main(args: string[]): Promise<number> {
  try {
    await run(args);
    return 0;
  } catch (error) {
    let message: string;
    if (error instanceof StateParamError) {
      const base = error.field.split(".")[0];
      const option = OPTION_OF_FIELD[base];
      const problem = error.message.slice(error.message.indexOf(": ") + 2);
      message = option === undefined
        ? error.message
        : `${option}${error.field.slice(base.length)}: ${problem}`;
    } else if (
      error instanceof UsageError || error instanceof CostModelError ||
      error instanceof SizeError ||
      (error instanceof TypeError && "code" in error &&
        String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"))
    ) {
      message = (error as Error).message;
    } else {
      throw error;
    }
    console.error(`state: ${message}`);
    return 2;
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
  if (phase === "restore") {
    for (const name of ["save-order", "fault-save", "saver-share", "dirty-log"] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} applies to snapshot only`);
    }
  } else if (values["sweep-share"] !== undefined) {
    throw new UsageError("--sweep-share applies to restore only");
  }
  const cost = await resolveProfile(values.profile);
  const seed = numberOption("seed", values.seed) ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
  }
  const options: SnapshotOptions & RestoreOptions = {
    method: values.method,
    batchPages: numberOption("batch-pages", values["batch-pages"]),
    storage: await storageOption(values.storage),
    ioDepth: numberOption("io-depth", values["io-depth"]),
    saveOrder: values["save-order"],
    faultSave: values["fault-save"],
    saverShare: numberOption("saver-share", values["saver-share"]),
    sweepShare: numberOption("sweep-share", values["sweep-share"]),
    dirtyLog: values["dirty-log"],
    platform: values.platform,
    hostPage: values["host-page"]?.toLowerCase(),
    translationSampleAccesses: numberOption("translation-sample", values["translation-sample"]),
    memoryGib: memoryOption(values.memory),
    vcpus: numberOption("vcpus", values.vcpus),
    writeFraction: numberOption("write-fraction", values["write-fraction"]),
    workingSetFraction: numberOption("working-set", values["working-set"]),
    jobMs: numberOption("job-ms", values["job-ms"]),
    simTimeLimitS: numberOption("time-limit", values["time-limit"]),
  };
  for (const key of Object.keys(options) as (keyof typeof options)[]) {
    if (options[key] === undefined) delete options[key];
  }
  const row: StateRow = phase === "snapshot"
    ? runSnapshot(options, cost, seed)
    : runRestore(options, cost, seed);
  if (values.json) {
    console.log(JSON.stringify({ ...row, profile: cost.name, seed }, null, 2));
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
