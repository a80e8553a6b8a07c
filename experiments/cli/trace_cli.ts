/**
 * `deno task trace`: converts traces (valgrind lackey, ChampSim, vmtrace)
 * into vmlab's compact binary format, several traces into one trace of
 * several processes, and reads a trace through to check it and count it.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type ConfigFields, validateConfig } from "../../core/base/config_fields.ts";
import type { AccessChunk } from "../../core/base/access_chunk.ts";
import { TraceError } from "../../core/workload/trace_error.ts";
import { TRACE_FORMATS, type TraceFormat } from "../../core/workload/trace_format.ts";
import { VMTRACE_MAX_CHUNK_ACCESSES, VmtraceEncoder } from "../../core/workload/vmtrace.ts";
import { runCommand } from "./command.ts";
import {
  asOptionError,
  configFromOptions,
  type FieldOption,
  optionsHelp,
} from "./config_options.ts";
import { readTrace, type TraceSummary } from "./trace_file.ts";
import { readProcessTraces } from "./trace_processes.ts";
import { UsageError } from "./usage_error.ts";

/** The command's options that are declared fields. */
const TRACE_CLI_FIELDS = {
  from: {
    kind: "enum",
    values: TRACE_FORMATS,
    description:
      "format of the input traces (default: a vmtrace by its first bytes, else by the name: .champsim, .champsimtrace, .vmtrace, each maybe .gz or .xz; else lackey)",
  },
  chunkAccesses: {
    kind: "integer",
    min: 1,
    max: VMTRACE_MAX_CHUNK_ACCESSES,
    default: VMTRACE_MAX_CHUNK_ACCESSES,
    unit: "accesses",
    description:
      "accesses per chunk of the vmtrace written (the unit a reader can skip or seek to)",
  },
} as const satisfies ConfigFields;

const FIELD_OPTIONS: readonly FieldOption[] = [
  { name: "from", meta: "F", fields: TRACE_CLI_FIELDS, field: "from" },
  { name: "chunk-accesses", meta: "N", fields: TRACE_CLI_FIELDS, field: "chunkAccesses" },
];

const USAGE = `Usage: deno task trace convert IN... OUT [options]
       deno task trace info IN [options]

convert  writes the accesses of IN (a valgrind lackey, ChampSim or vmtrace trace; - for stdin,
         .gz and .xz ok) to OUT, a vmtrace (vmlab's compact binary format; OUT ends with .vmtrace,
         or is - for stdout). Several IN make one trace of several processes (address spaces,
         IN's order), which deno task sim --guest os and experiment shadow replay as processes.
info     reads IN to its end, checking every record, and prints its format and counts.

Options:
${optionsHelp(FIELD_OPTIONS)}
  --instructions       also convert instruction fetches (lackey I lines, ChampSim ip)
  --force              convert: overwrite OUT if it exists
  -h, --help           this text
`;

const OPTIONS = {
  from: { type: "string" },
  "chunk-accesses": { type: "string" },
  instructions: { type: "boolean" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Runs the command with `args`; returns the exit code. User mistakes print
 * one line on stderr and return 2.
 *
 * @example
 * ```ts
 * import { main } from "./trace_cli.ts";
 * const lackey = await Deno.makeTempFile({ suffix: ".lackey" });
 * await Deno.writeTextFile(lackey, " L 7ff000398,8\n S 04016b00,8\n");
 * const out = lackey.replace(/\.lackey$/, ".vmtrace");
 * if (await main(["convert", lackey, out]) !== 0) throw new Error();
 * await Deno.remove(lackey);
 * await Deno.remove(out);
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCommand("trace", () => run(args), [TraceError]);
}

async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...paths] = positionals;
  let config;
  try {
    config = validateConfig(TRACE_CLI_FIELDS, configFromOptions(FIELD_OPTIONS, values), {
      component: "trace options",
    });
  } catch (error) {
    throw asOptionError(error, FIELD_OPTIONS, values);
  }
  const format = config.from as TraceFormat | undefined;
  const instructions = values.instructions ?? false;
  if (command === "convert") {
    if (paths.length < 2) {
      throw new UsageError(
        "convert needs one or more input traces and an output file (see --help)",
      );
    }
    const out = paths.pop()!;
    await convert(paths, out, {
      format,
      instructions,
      chunkAccesses: config.chunkAccesses,
      force: values.force ?? false,
    });
  } else if (command === "info") {
    if (paths.length !== 1) throw new UsageError("info reads one trace (see --help)");
    for (const name of ["chunk-accesses", "force"] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} goes with convert, not info`);
    }
    await info(paths[0], format, instructions);
  } else {
    throw new UsageError(
      command === undefined
        ? "expected a command: convert or info (see --help)"
        : `unknown command ${JSON.stringify(command)}: expected convert or info`,
    );
  }
}

interface ConvertOptions {
  format?: TraceFormat;
  instructions: boolean;
  chunkAccesses: number;
  force: boolean;
}

async function convert(inputs: string[], out: string, options: ConvertOptions): Promise<void> {
  if (out !== "-" && !out.toLowerCase().endsWith(".vmtrace")) {
    throw new UsageError(
      `output ${
        JSON.stringify(out)
      }: convert writes a vmtrace, uncompressed; name it *.vmtrace (or - for stdout)`,
    );
  }
  if (inputs.filter((p) => p === "-").length > 1) {
    throw new UsageError("stdin (-) can be one input only");
  }
  if (out !== "-" && !options.force && await exists(out)) {
    throw new UsageError(`output ${JSON.stringify(out)} exists (--force overwrites it)`);
  }
  const encoder = new VmtraceEncoder({ target: out, accessesPerChunk: options.chunkAccesses });
  const reader = inputs.length === 1
    ? readTrace(inputs[0], { format: options.format, instructions: options.instructions })
    // Any order will do: a replay schedules the processes for its own vCPUs.
    : readProcessTraces(inputs, {
      vcpus: inputs.length,
      format: options.format,
      instructions: options.instructions,
    });
  // A file is written beside OUT and renamed at the end: a failed conversion leaves no OUT.
  const temporary = out === "-" ? null : `${out}.partial`;
  let file: Deno.FsFile | null = null;
  try {
    file = out === "-" ? null : await create(temporary!);
    const sink = file ?? Deno.stdout;
    await writeAll(sink, encoder.header());
    let summaries: TraceSummary[];
    for (;;) {
      const step = await reader.next();
      if (step.done) {
        summaries = Array.isArray(step.value) ? step.value : [step.value];
        break;
      }
      for (const block of encoder.add(step.value as AccessChunk)) await writeAll(sink, block);
    }
    if (encoder.accesses === 0) {
      throw new UsageError(
        `${inputs.join(", ")}: no accesses to convert${
          options.instructions ? "" : " (--instructions converts instruction fetches too)"
        }`,
      );
    }
    await writeAll(sink, encoder.finish());
    if (file !== null) {
      file.close();
      file = null;
      await Deno.rename(temporary!, out);
    }
    const from = summaries.map((s) => s.format).join(", ");
    console.error(
      `trace: ${encoder.accesses} accesses from ${inputs.length} trace${
        inputs.length === 1 ? "" : "s"
      } (${from}) written to ${out}`,
    );
  } catch (error) {
    if (file !== null) file.close();
    if (temporary !== null) await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

async function info(path: string, format: TraceFormat | undefined, instructions: boolean) {
  const reader = readTrace(path, { format, instructions });
  let spaces = 0;
  for (;;) {
    const step = await reader.next();
    if (step.done) {
      const { format: found, counts } = step.value;
      console.log(`${path}: ${found}`);
      for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(14)}${v}`);
      if (found !== "vmtrace") console.log(`  ${"spaces".padEnd(14)}${spaces}`);
      return;
    }
    const chunk = step.value;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.space[i] >= spaces) spaces = chunk.space[i] + 1;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new UsageError(
      `output ${JSON.stringify(path)}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

async function create(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "its folder does not exist"
      : error instanceof Deno.errors.NotCapable
      ? "write access not granted (run with --allow-write)"
      : (error as Error).message.split("\n")[0];
    throw new UsageError(`cannot write ${JSON.stringify(path)}: ${reason}`);
  }
}

async function writeAll(sink: { write(p: Uint8Array): Promise<number> }, bytes: Uint8Array) {
  let at = 0;
  while (at < bytes.length) at += await sink.write(bytes.subarray(at));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
