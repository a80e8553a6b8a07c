/**
 * `deno task sim`: one machine configuration over one workload — synthetic
 * or a valgrind lackey trace — printing exact counters and a cycle
 * breakdown, as a table or as one JSON object.
 *
 * @module
 */

import { type ConfigFields, validateConfig } from "../../core/base/config_fields.ts";
import { formatSize } from "../../core/base/size.ts";
import { sharedLlcLines } from "../../core/caches/cache_hierarchy.ts";
import type { CacheCosts } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import type { Machine } from "../../core/machine/machine.ts";
import {
  MACHINE_CONFIG_FIELDS,
  type MachineConfig,
  type ResolvedMachineConfig,
} from "../../core/machine/machine_config.ts";
import { FrameAllocationError } from "../../core/mem/buddy_allocator.ts";
import type { LargePageReport } from "../../core/mapping/memory_system.ts";
import { SingleProcessStream } from "../../core/os/access_stream.ts";
import { OsEventError } from "../../core/os/guest_os.ts";
import {
  createOsWorkload,
  OS_WORKLOAD_OPTIONS_FIELDS,
  OS_WORKLOADS,
} from "../../core/os/os_workloads.ts";
import { PLATFORMS } from "../../core/platforms/registry.ts";
import { ShadowPlatform } from "../../core/platforms/shadow_platform.ts";
import {
  parseStrategies,
  SHADOW_STRATEGY_NAMES,
} from "../../core/platforms/shadow/shadow_config.ts";
import {
  finish,
  runAccesses,
  runOsWorkload,
  type SimResult,
} from "../../core/workload/simulate.ts";
import { populate } from "../../core/machine/populate.ts";
import { type AccessChunk, DEFAULT_CHUNK_CAPACITY } from "../../core/base/access_chunk.ts";
import { createOsEventChunk } from "../../core/os/os_event.ts";
import { EVENTS_PER_TRACE_ACCESS, TraceProcesses } from "../../core/os/trace_processes.ts";
import { TRACE_FORMATS, type TraceFormat } from "../../core/workload/trace_format.ts";
import { DEFAULT_BASE_VPN, WORKLOAD_OPTIONS_FIELDS } from "../../core/workload/workload_options.ts";
import {
  footprintPages,
  STEADY_STATE_FIELDS,
  TouchedFirst,
} from "../../core/workload/steady_state.ts";
import { createWorkload, WORKLOADS } from "../../core/workload/workloads.ts";
import { TraceError } from "../../core/workload/lackey.ts";
import {
  asOptionError,
  configFromOptions,
  type FieldOption,
  optionsHelp,
} from "./config_options.ts";
import { resolveProfile } from "./profile_option.ts";
import { VMLAB_VERSION } from "../sweep/provenance.ts";
import { parseTlbSpec } from "./tlb_spec.ts";
import { readTrace } from "./trace_file.ts";
import { readProcessTraces } from "./trace_processes.ts";
import { UsageError } from "./usage_error.ts";
import { runCommand } from "./command.ts";
import { parseCommandLine } from "./command_line.ts";

/** The command's own fields: the workload it runs, with the command's defaults. */
const SIM_FIELDS = {
  workload: {
    kind: "enum",
    values: [...Object.keys(WORKLOADS), ...Object.keys(OS_WORKLOADS)],
    default: "random",
    description: `a synthetic workload, or an OS workload (${
      Object.keys(OS_WORKLOADS).join(", ")
    }), which needs --guest os`,
  },
  accesses: {
    ...WORKLOAD_OPTIONS_FIELDS.accesses,
    default: 1_000_000,
    description: "accesses measured, after the warm-up",
  },
  footprintBytes: { ...WORKLOAD_OPTIONS_FIELDS.footprintBytes, default: 256 * 2 ** 20 },
  seed: {
    kind: "integer",
    min: 0,
    default: 1,
    description: "seed of the synthetic workload and of large-page placement",
  },
  osRates: OS_WORKLOAD_OPTIONS_FIELDS.rates,
  warmupAccesses: STEADY_STATE_FIELDS.warmupAccesses,
  populate: STEADY_STATE_FIELDS.populate,
} as const satisfies ConfigFields;

const WORKLOAD_OPTIONS: readonly FieldOption[] = [
  { name: "workload", meta: "NAME", fields: SIM_FIELDS, field: "workload" },
  { name: "accesses", meta: "N", fields: SIM_FIELDS, field: "accesses" },
  { name: "footprint", meta: "SIZE", fields: SIM_FIELDS, field: "footprintBytes" },
  { name: "seed", meta: "N", fields: SIM_FIELDS, field: "seed" },
  { name: "os-rates", meta: "R", fields: SIM_FIELDS, field: "osRates" },
  {
    name: "warmup",
    meta: "N",
    fields: SIM_FIELDS,
    field: "warmupAccesses",
    default:
      "1000000 for a synthetic workload; 0 for a trace, and for an OS workload beyond the start its stream has",
  },
  {
    name: "populate",
    meta: "on|off",
    fields: SIM_FIELDS,
    field: "populate",
    default:
      "on for a synthetic workload (with --guest os by the process's own page faults); an OS workload or a trace touches its own pages",
  },
];

const M = MACHINE_CONFIG_FIELDS;

const MACHINE_OPTIONS: readonly FieldOption[] = [
  { name: "mode", meta: "P", fields: M, field: "platform" },
  {
    name: "guest",
    meta: "G",
    fields: M,
    field: "guest",
    default: "first-touch; os for an OS workload",
  },
  { name: "vcpus", meta: "N", fields: M, field: "vcpus" },
  {
    name: "strategies",
    meta: "LIST",
    fields: M,
    field: "shadow.strategies",
    expected: SHADOW_STRATEGY_NAMES.join(", "),
  },
  { name: "batch", meta: "N", fields: M, field: "shadow.batch" },
  { name: "pcid", meta: "on|off", fields: M, field: "pcid" },
  { name: "guest-page", meta: "P", fields: M, field: "guestPage" },
  { name: "host-page", meta: "P", fields: M, field: "hostPage" },
  { name: "levels", meta: "L", fields: M, field: "levels" },
  {
    name: "tlb",
    meta: "SPEC",
    fields: M,
    field: "tlb",
    expected: "KEY=ENTRIESxWAYS,... with KEY l1-4k, l1-2m, l1-1g or l2, and 0 to turn one off, " +
      "e.g. l1-4k=64x4,l2=1536x12",
    parse: parseTlbSpec,
  },
  { name: "walk-cache", meta: "on|off", fields: M, field: "walkCache" },
  { name: "nested-tlb", meta: "on|off", fields: M, field: "nestedTlb" },
  { name: "pte-cache", meta: "on|off", fields: M, field: "pteCache" },
  { name: "caches", meta: "on|off", fields: M, field: "caches" },
];

const MEMORY_OPTIONS: readonly FieldOption[] = [
  { name: "host-policy", meta: "P", fields: M, field: "memory.hostPolicy" },
  { name: "fragmentation", meta: "F", fields: M, field: "memory.fragmentation" },
  { name: "guest-large-fraction", meta: "F", fields: M, field: "memory.guestLargeFraction" },
  { name: "guest-fragmentation", meta: "F", fields: M, field: "memory.guestFragmentation" },
  { name: "promote-pages", meta: "N", fields: M, field: "memory.promotion.pagesToScan" },
  { name: "promote-sleep", meta: "MS", fields: M, field: "memory.promotion.scanSleepMs" },
  { name: "promote-time-scale", meta: "X", fields: M, field: "memory.promotion.timeScale" },
];

/**
 * The options of `deno task sim` that set machine configuration fields, in
 * help order: what a command builder (experiments/sim_command.ts) writes a
 * configuration back as.
 */
export const SIM_MACHINE_OPTIONS: readonly FieldOption[] = [...MACHINE_OPTIONS, ...MEMORY_OPTIONS];

const FORMAT_NAMES = TRACE_FORMATS.join(", ");

const USAGE = `Usage: deno task sim [options]

Runs one machine configuration over one workload and prints counters and cycles.

Workload (synthetic unless --trace is given):
${optionsHelp(WORKLOAD_OPTIONS)}
  --trace PATH         a trace: valgrind lackey (--tool=lackey --trace-mem=yes), ChampSim, or vmtrace
                       (deno task trace convert); - for stdin; .gz and .xz ok. Given N times with
                       --guest os: N processes, trace i on vCPU i mod --vcpus
  --trace-format F     ${FORMAT_NAMES} (default: a vmtrace by its first bytes, else by the
                       name: .champsim, .champsimtrace, .vmtrace, each maybe .gz or .xz; else lackey)
  --instructions       also model the trace's instruction fetches (lackey I lines, ChampSim ip)

Machine (every option works with every platform that has what it sets):
${optionsHelp(MACHINE_OPTIONS)}

Large pages (guest RAM = footprint + 1/16 in whole GiB, host RAM twice that):
${optionsHelp(MEMORY_OPTIONS)}
  --profile NAME|PATH  cost profile: intel-skylake-sp, amd-zen3, or a JSON file

Output:
  --json               one JSON object instead of a table
  -h, --help           this text
`;

const OPTIONS = {
  workload: { type: "string" },
  accesses: { type: "string" },
  footprint: { type: "string" },
  trace: { type: "string", multiple: true },
  "trace-format": { type: "string" },
  instructions: { type: "boolean" },
  seed: { type: "string" },
  "os-rates": { type: "string" },
  warmup: { type: "string" },
  populate: { type: "string" },
  mode: { type: "string" },
  strategies: { type: "string" },
  batch: { type: "string" },
  vcpus: { type: "string" },
  guest: { type: "string" },
  pcid: { type: "string" },
  "guest-page": { type: "string" },
  "host-page": { type: "string" },
  levels: { type: "string" },
  tlb: { type: "string" },
  "walk-cache": { type: "string" },
  "nested-tlb": { type: "string" },
  "pte-cache": { type: "string" },
  caches: { type: "string" },
  "host-policy": { type: "string" },
  fragmentation: { type: "string" },
  "guest-large-fraction": { type: "string" },
  "guest-fragmentation": { type: "string" },
  "promote-pages": { type: "string" },
  "promote-sleep": { type: "string" },
  "promote-time-scale": { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** What `deno task sim --json` prints. */
export interface SimReport {
  /** vmlab version. */
  vmlab: string;
  /** The resolved machine configuration. */
  config: ResolvedMachineConfig;
  /** The workload: a synthetic generator's parameters or a trace path. */
  workload: Record<string, string | number | boolean>;
  /** Cost profile name. */
  profile: string;
  /** Counters by name. */
  counters: Record<string, number>;
  /** Rates derived from the counters. */
  derived: Record<string, number>;
  /** Cycles by category and in total. */
  cycles: Record<string, number>;
  /** Bytes of page-table pages. */
  page_table_bytes: { guest: number; host: number; shadow: number };
  /** Large-page counters, with `--host-policy`, `--fragmentation` or `--guest-large-fraction`. */
  large_pages?: LargePageReport;
  /**
   * With caches on: the profile's hierarchy as the run charged it, `llc_lines`
   * being the machine's share of the last-level cache.
   */
  cache_hierarchy?: CacheCosts & { llc_lines: number };
  /**
   * Simulator speed: accesses simulated (warm-up included) per second of the
   * run, the run's wall time, and the time populating took before it.
   */
  throughput: { accesses_per_second: number; wall_seconds: number; populate_seconds: number };
}

function derive(result: SimResult): Record<string, number> {
  const { counters: c, cycles } = result;
  const per = (a: number, b: number) => (b === 0 ? 0 : a / b);
  // Translation is the TLBs and walks only; exits, hypervisor and guest-kernel work (shadow
  // paging, the guest OS model) are reported beside it rather than hidden inside it.
  const translation = result.derived.translation_cycles;
  return {
    l1_tlb_misses_per_kilo_access: per(1000 * c.l1_tlb_misses, c.accesses),
    l2_tlb_misses_per_kilo_access: per(1000 * c.l2_tlb_misses, c.accesses),
    walk_refs_per_walk: per(c.walk_refs, c.walks),
    // Walk references a cache served: the PTE cache, or with caches on L1D, L2 or the LLC.
    pte_cache_hit_rate: per(c.walk_refs_pte_cache, c.walk_refs),
    cycles_per_access: per(cycles.total, c.accesses),
    translation_cycles_per_access: per(translation, c.accesses),
    translation_share: result.derived.translation_share,
    data_cycles_per_access: per(cycles.data, c.accesses),
    data_share: result.derived.data_share,
    data_l1d_hit_rate: per(c.data_l1d, c.data_refs),
    exit_cycles_per_access: per(cycles.vm_exit, c.accesses),
    hypervisor_cycles_per_access: per(cycles.hypervisor, c.accesses),
    guest_kernel_cycles_per_access: per(cycles.guest_kernel, c.accesses),
  };
}

/**
 * Runs the command with `args`; returns the exit code. User mistakes print
 * one line on stderr and return 2.
 *
 * @example
 * ```ts
 * import { main } from "./sim_cli.ts";
 * const code = await main(["--accesses", "1000", "--footprint", "1M", "--json"]);
 * if (code !== 0) throw new Error();
 * ```
 */
export function main(args: string[]): Promise<number> {
  // A bad trace line and a host too small for the guest are the user's too.
  return runCommand("sim", () => run(args), [TraceError, FrameAllocationError]);
}

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"];

type SimValues = ReturnType<typeof resolveSimOptions>;

/** The workload options, validated; errors name the option. */
function resolveSimOptions(values: Values) {
  const given = configFromOptions(WORKLOAD_OPTIONS, values);
  try {
    return validateConfig(SIM_FIELDS, given, { component: "sim options" });
  } catch (error) {
    throw asOptionError(error, WORKLOAD_OPTIONS, values);
  }
}

/** The machine configuration the command line writes; the machine's rules check it. */
function machineConfig(values: Values, sim: SimValues, guest: string): MachineConfig {
  if (values.mode === "shadow-composed") {
    throw new UsageError(
      "--mode shadow-composed is now --mode shadow: on the first-touch guest the shadow table is filled by composition (add --strategies all for tagged TLBs)",
    );
  }
  const config = configFromOptions([...MACHINE_OPTIONS, ...MEMORY_OPTIONS], values);
  config.guest = guest;
  const memory = config.memory as Record<string, unknown> | undefined;
  if (memory !== undefined) {
    memory.seed = sim.seed;
    if (values.trace === undefined) {
      const guestMib = Math.ceil(sim.footprintBytes * 17 / 16 / 2 ** 30) * 1024;
      memory.guestMemoryMib = guestMib;
      const platform = String(config.platform ?? "native");
      if (Object.hasOwn(PLATFORMS, platform) && PLATFORMS[platform].hostLayer) {
        memory.hostMemoryMib = 2 * guestMib;
      }
    }
  }
  return config as MachineConfig;
}

async function run(args: string[]): Promise<void> {
  const { values } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  let report: SimReport;
  try {
    report = await simReport(args);
  } catch (error) {
    // A footprint whose page tables this process cannot hold: the machine's limit, not a bug.
    if (error instanceof RangeError && /allocation failed/i.test(error.message)) {
      throw new UsageError(
        "out of memory for this configuration's page tables and caches; try a smaller --footprint, or --populate off",
      );
    }
    throw error;
  }
  console.log(values.json ? JSON.stringify(report, null, 2) : formatTable(report));
}

/**
 * What `deno task sim ARGS` reports, as data: `args` parsed and checked as
 * the command does, the run, and the report it prints (`--json` and
 * `--help` are the printing's and change nothing here). The one function
 * behind the command, for callers that check a printed command reproduces
 * its numbers.
 * @throws {UsageError} for a mistake in `args`, as the command reports it
 *
 * @example
 * ```ts
 * import { simReport } from "./sim_cli.ts";
 * const report = await simReport(["--accesses", "1000", "--warmup", "500", "--footprint", "1M"]);
 * if (report.counters.accesses !== 1000 || report.workload.warmup_accesses !== 500) throw new Error();
 * ```
 */
export async function simReport(args: string[]): Promise<SimReport> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}" (see --help)`);
  }
  const cost = await resolveProfile(values.profile);
  const traces = values.trace ?? [];
  const traceFormat = checkTraceFormat(values["trace-format"], traces);
  if (traces.filter((t) => t === "-").length > 1) {
    throw new UsageError("--trace -: stdin can be one of the traces only");
  }
  if (values.trace !== undefined) {
    for (const name of ["workload", "accesses", "footprint", "seed", "os-rates"] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} describes a synthetic workload; it cannot go with --trace`);
      }
    }
    if (values.populate !== undefined) {
      throw new UsageError(
        "--populate populates a synthetic workload's footprint; a trace touches its own pages (--warmup N leaves its first N accesses uncounted)",
      );
    }
  } else if (values.instructions) {
    throw new UsageError("--instructions goes with --trace");
  }
  const sim = resolveSimOptions(values);
  const osWorkload = Object.hasOwn(OS_WORKLOADS, sim.workload);
  if (values["os-rates"] !== undefined && !osWorkload) {
    throw new UsageError(`--os-rates sets an OS workload's event rates, not ${sim.workload}'s`);
  }
  if (osWorkload && values.populate !== undefined) {
    throw new UsageError(
      `--populate: --workload ${sim.workload} is an OS workload, which populates its own memory (its stream starts by touching it, uncounted)`,
    );
  }
  // A trace's accesses and an OS workload's are all the program's: no
  // warm-up of their own unless asked for (an OS workload has its start).
  const warmup = values.warmup !== undefined || (values.trace === undefined && !osWorkload)
    ? sim.warmupAccesses
    : 0;
  let machine: Machine;
  try {
    const guest = values.guest ?? (osWorkload ? "os" : "first-touch");
    machine = buildMachine(machineConfig(values, sim, guest), cost);
  } catch (error) {
    throw asOptionError(error, [...MACHINE_OPTIONS, ...MEMORY_OPTIONS], values);
  }
  const guest = machine.config.guest;
  const strategies = machine.config.shadow?.strategies;
  // The batch size is the batch strategy's alone: without it, --batch would change nothing.
  if (
    values.batch !== undefined && strategies !== undefined &&
    (parseStrategies(strategies.replaceAll("+", ",")) & parseStrategies("batch")) === 0
  ) {
    throw new UsageError(
      `--batch: only the batch strategy uses it, not --strategies ${strategies} (add batch, or all)`,
    );
  }
  if (osWorkload && guest !== "os") {
    throw new UsageError(`--workload ${sim.workload} is an OS workload: it needs --guest os`);
  }
  if (traces.length > 1 && guest !== "os") {
    throw new UsageError(
      `--trace given ${traces.length} times: several traces are several processes, which run on the guest OS model (add --guest os)`,
    );
  }
  let workload: SimReport["workload"];
  let seconds: number;
  let populateSeconds = 0;
  let before = outsideCounts(machine);
  const measuring = () => void (before = outsideCounts(machine));
  if (values.trace !== undefined) {
    workload = {
      trace: traces.join(" "),
      instructions: values.instructions ?? false,
      warmup_accesses: warmup,
    };
    const start = performance.now();
    const vcpus = machine.vcpus;
    const os = machine.os;
    // On the guest OS the trace's address spaces are processes; on the first-touch guest there is one.
    const processes = os === null ? null : new TraceProcesses(vcpus.length);
    const events = os === null
      ? null
      : createOsEventChunk(EVENTS_PER_TRACE_ACCESS * DEFAULT_CHUNK_CAPACITY);
    const run = (chunk: AccessChunk): void => {
      if (processes === null) {
        // The vCPUs take the trace's chunks in turn.
        vcpus[next].run(chunk);
        next = (next + 1) % vcpus.length;
        // The promotion pass runs between chunks, as khugepaged runs beside the guest.
        machine.promote();
      } else {
        processes.convert(chunk, events!);
        os!.run(events!);
      }
    };
    let next = 0;
    let warm = warmup;
    let read = 0;
    const options = { format: traceFormat, instructions: values.instructions };
    // On the guest OS every trace is read as processes: a vmtrace of several is split and scheduled.
    const reader = processes === null
      ? readTrace(traces[0], options)
      : readProcessTraces(traces, { ...options, vcpus: vcpus.length });
    for (;;) {
      const step = await reader.next();
      if (step.done) {
        const summaries = Array.isArray(step.value) ? step.value : [step.value];
        workload.trace_format = summaries.map((t) => t.format).join(" ");
        break;
      }
      const chunk = step.value;
      if (processes === null) requireOneSpace(chunk, traces[0]);
      read += chunk.length;
      if (warm > 0 && warm <= chunk.length) {
        // The warm-up ends inside this chunk: its first part runs, the statistics reset.
        const length = chunk.length;
        chunk.length = warm;
        run(chunk);
        machine.resetStats();
        measuring();
        shiftChunk(chunk, warm, length);
        warm = 0;
      } else if (warm > 0) warm -= chunk.length;
      run(chunk);
    }
    if (processes !== null) workload.processes = processes.processes;
    seconds = (performance.now() - start) / 1000;
    if (read === 0) {
      throw new UsageError(
        `--trace ${traces.map((t) => JSON.stringify(t === "-" ? "stdin" : t)).join(", ")}: ${
          traces.length === 1 ? "the trace has" : "the traces have"
        } no accesses`,
      );
    }
    if (warmup > 0 && read <= warmup) {
      throw new UsageError(
        `--warmup: the trace has ${read} accesses, all taken by --warmup ${warmup}`,
      );
    }
  } else {
    const { workload: name, accesses, footprintBytes, seed } = sim;
    // The guest's address space bounds the footprint: above it the page tables cannot map it.
    const space = 2 ** (12 + 9 * machine.config.levels);
    if (DEFAULT_BASE_VPN * 4096 + footprintBytes > space) {
      const levels = machine.config.levels;
      const base = formatSize(DEFAULT_BASE_VPN * 4096);
      throw new UsageError(
        `--footprint: ${formatSize(footprintBytes)} does not fit a ${levels}-level address space ` +
          `of ${formatSize(space)} from the workload's base at ${base}` +
          (levels < 5 ? " (--levels 5 maps more)" : ""),
      );
    }
    const vcpus = machine.vcpus.length;
    workload = { name, accesses, footprint_bytes: footprintBytes, seed };
    if (osWorkload) workload.os_rates = sim.osRates;
    // The workload's own bounds (an OS workload's footprint) name the option too.
    const create = <T>(build: () => T): T => {
      try {
        return build();
      } catch (error) {
        throw asOptionError(error, WORKLOAD_OPTIONS, values);
      }
    };
    // The warm-up comes on top: the generator emits it before the measured accesses.
    const total = accesses + warmup;
    const range = !osWorkload && sim.populate
      ? footprintPages({ baseVpn: DEFAULT_BASE_VPN, footprintBytes })
      : null;
    if (!osWorkload) workload.populate = sim.populate;
    if (guest === "os") {
      // The guest OS populates by its process's own page faults, as the stream's first accesses.
      const stream = create(() => {
        if (osWorkload) {
          return createOsWorkload(name, {
            accesses: total,
            footprintBytes,
            seed,
            vcpus,
            rates: sim.osRates,
          });
        }
        const source = createWorkload(name, { accesses: total, footprintBytes, seed });
        return new SingleProcessStream(
          range === null ? source : new TouchedFirst(source, range),
          vcpus,
        );
      });
      const uncounted = warmup + (osWorkload ? stream.warmupAccesses : range?.pages ?? 0);
      workload.warmup_accesses = uncounted;
      const start = performance.now();
      try {
        runOsWorkload(machine, stream, {
          warmupAccesses: uncounted - stream.warmupAccesses,
          onMeasure: measuring,
        });
      } catch (error) {
        if (error instanceof OsEventError) throw new UsageError(error.message);
        throw error;
      }
      seconds = (performance.now() - start) / 1000;
    } else {
      const source = create(() => createWorkload(name, { accesses: total, footprintBytes, seed }));
      workload.warmup_accesses = warmup;
      if (range !== null) {
        // Populated here rather than by runAccesses, to time it apart; uncounted.
        const start = performance.now();
        populate(machine, range);
        machine.resetStats();
        populateSeconds = (performance.now() - start) / 1000;
      }
      const start = performance.now();
      runAccesses(machine, source, { warmupAccesses: warmup, onMeasure: measuring });
      seconds = (performance.now() - start) / 1000;
    }
  }
  const result = finish(machine);
  const counters: Record<string, number> = { ...result.counters };
  // Counts kept outside the statistics cover the measured part only, as the statistics do.
  for (const [k, v] of Object.entries(outsideCounts(machine))) counters[k] = v - (before[k] ?? 0);
  const simulated = result.counters.accesses + Number(workload.warmup_accesses ?? 0);
  const report: SimReport = {
    vmlab: VMLAB_VERSION,
    config: result.config,
    workload,
    profile: result.profile,
    counters,
    derived: derive(result),
    cycles: result.cycles,
    page_table_bytes: result.pageTableBytes,
    ...(result.largePages ? { large_pages: result.largePages } : {}),
    ...(result.config.caches
      ? {
        cache_hierarchy: {
          ...machine.cost.caches,
          llc_lines: sharedLlcLines(machine.cost.caches, result.config.vcpus),
        },
      }
      : {}),
    throughput: {
      accesses_per_second: seconds > 0 ? Math.round(simulated / seconds) : 0,
      wall_seconds: Number(seconds.toFixed(3)),
      populate_seconds: Number(populateSeconds.toFixed(3)),
    },
  };
  return report;
}

/** The `--trace-format` value, checked: a format name, and only with `--trace`. */
function checkTraceFormat(
  value: string | undefined,
  traces: readonly string[],
): TraceFormat | undefined {
  if (value === undefined) return undefined;
  if (traces.length === 0) throw new UsageError("--trace-format goes with --trace");
  if (!(TRACE_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(
      `--trace-format: expected one of ${TRACE_FORMATS.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  return value as TraceFormat;
}

/** Throws if a trace on the first-touch guest holds accesses of several address spaces. */
function requireOneSpace(chunk: AccessChunk, path: string): void {
  const space = chunk.space;
  for (let i = 0; i < chunk.length; i++) {
    if (space[i] !== 0) {
      throw new UsageError(
        `--trace ${path}: it holds the accesses of several processes, which run on the guest OS model (add --guest os)`,
      );
    }
  }
}

/** Counts the guest OS and a shadow MMU keep apart from the statistics, by the names sim prints. */
function outsideCounts(machine: Machine): Record<string, number> {
  const counts: Record<string, number> = {};
  if (machine.os !== null) {
    const os = machine.os.counts;
    Object.assign(counts, {
      demand_faults: os.demandFaults,
      cow_faults: os.cowFaults,
      cr3_loads: os.cr3Loads,
      shootdowns: os.shootdowns,
      pte_writes: os.pteWrites,
      pte_reads: os.pteReads,
      large_page_splits: os.splits,
    });
  }
  if (machine.platform instanceof ShadowPlatform) {
    for (const [k, v] of Object.entries(machine.platform.counts)) {
      counts[`shadow_${k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())}`] = v;
    }
  }
  return counts;
}

/** Moves accesses `from`..`end - 1` of `chunk` to its start. */
function shiftChunk(chunk: AccessChunk, from: number, end: number): void {
  chunk.vpn.copyWithin(0, from, end);
  chunk.offset.copyWithin(0, from, end);
  chunk.size.copyWithin(0, from, end);
  chunk.kind.copyWithin(0, from, end);
  chunk.space.copyWithin(0, from, end);
  chunk.length = end - from;
}

function formatTable(r: SimReport): string {
  const lines: string[] = [];
  lines.push(`vmlab ${r.vmlab} — ${r.profile}`);
  const c = r.config;
  const m = c.memory;
  const pages = m === null
    ? `guest ${c.guestPage}${c.hostPage === null ? "" : `, host ${c.hostPage}`}`
    : `guest ${m.guestLargeFraction} of memory in 2m` +
      (c.hostPage === null
        ? `, guest RAM ${m.guestMemoryMib} MiB`
        : `, host policy ${m.hostPolicy}, fragmentation ${m.fragmentation}, guest RAM ${m.guestMemoryMib} MiB, host RAM ${m.hostMemoryMib} MiB`);
  lines.push(
    `machine   ${c.platform}, ${c.vcpus} vCPU${c.vcpus === 1 ? "" : "s"}, guest ${c.guest}` +
      (c.guest === "os" ? ` (PCIDs ${c.pcid ? "on" : "off"})` : "") +
      (c.shadow === null ? "" : `, strategies ${c.shadow.strategies}, batch ${c.shadow.batch}`),
  );
  lines.push(
    `memory    ${pages}, ${c.levels} levels, walk cache ${c.walkCache ? "on" : "off"}, PTE cache ${
      c.pteCache ? "on" : "off"
    }` + (PLATFORMS[c.platform].nestedTlb ? `, nested TLB ${c.nestedTlb ? "on" : "off"}` : ""),
  );
  const g = (x: { entries: number; ways: number }) =>
    x.entries === 0 ? "off" : `${x.entries}x${x.ways}`;
  lines.push(
    `TLBs      l1-4k ${g(c.tlb.l1_4k)}, l1-2m ${g(c.tlb.l1_2m)}, l1-1g ${g(c.tlb.l1_1g)}, l2 ${
      g(c.tlb.l2)
    }`,
  );
  const h = r.cache_hierarchy;
  lines.push(`caches    ${h === undefined ? "off (translation only)" : cachesLine(h)}`);
  return formatBody(r, lines);
}

/** The hierarchy a run charged, with its latencies and its memory-level-parallelism rule. */
function cachesLine(k: CacheCosts & { llc_lines: number }): string {
  const size = (lines: number) =>
    lines * 64 >= 2 ** 20 ? `${lines * 64 / 2 ** 20} MiB` : `${lines * 64 / 1024} KiB`;
  const level = (g: { entries: number; ways: number }, lines: number, cycles: number) =>
    lines === 0 ? "off" : `${size(lines)} ${g.ways}-way ${cycles} c`;
  const llc = k.llc_lines;
  return `L1D ${level(k.l1d, k.l1d.entries, k.l1dHitCycles)}, L2 ${
    level(k.l2, k.l2.entries, k.l2HitCycles)
  }, LLC ${level(k.llc, llc, k.llcHitCycles)} (of ${
    size(k.llc.entries)
  }), DRAM ${k.dramCycles} c; ` +
    `data misses ÷ MLP ${k.memoryLevelParallelism}, walk references in full`;
}

function formatBody(r: SimReport, lines: string[]): string {
  const n = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 3 });
  const row = (label: string, value: string, note = "") =>
    lines.push(`  ${label.padEnd(32)}${value.padStart(18)}${note ? "  " + note : ""}`);
  lines.push(
    `workload  ${Object.entries(r.workload).map(([k, v]) => `${k}=${v}`).join(" ")}`,
  );
  lines.push("", "counters");
  for (const [k, v] of Object.entries(r.counters)) {
    if (k.startsWith("exits_") && v === 0) continue;
    row(k, n(v));
  }
  lines.push("", "derived");
  for (const [k, v] of Object.entries(r.derived)) row(k, n(v));
  lines.push("", "cycles");
  const total = r.cycles.total;
  for (const [k, v] of Object.entries(r.cycles)) {
    if (k === "total" || (k.startsWith("vm_exit_") && v === 0)) continue;
    // Exits by reason are parts of vm_exit: indented under it.
    const label = k.startsWith("vm_exit_") ? `  ${k.slice("vm_exit_".length)}` : k;
    row(label, n(v), total > 0 ? `${(100 * v / total).toFixed(1).padStart(5)} %` : "");
  }
  row("total", n(total));
  lines.push("");
  row(
    "page tables (guest/host/shadow)",
    `${n(r.page_table_bytes.guest)} / ${n(r.page_table_bytes.host)} / ${
      n(r.page_table_bytes.shadow)
    } B`,
  );
  if (r.large_pages) {
    lines.push("", "large pages");
    for (const [k, v] of Object.entries(r.large_pages)) row(k, n(v));
  }
  row("simulated accesses per second", n(r.throughput.accesses_per_second));
  return lines.join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
