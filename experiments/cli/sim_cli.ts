/**
 * `deno task sim`: one machine configuration over one workload — synthetic
 * or a valgrind lackey trace — printing exact counters and a cycle
 * breakdown, as a table or as one JSON object.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { CostModelError } from "../../core/cost/cost_model.ts";
import { MachineConfigError } from "../../core/base/config_error.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import type { Machine } from "../../core/machine/machine.ts";
import type { MachineConfig, ResolvedMachineConfig } from "../../core/machine/machine_config.ts";
import { FrameAllocationError } from "../../core/mem/buddy_allocator.ts";
import { HOST_POLICIES, type MemoryConfig } from "../../core/mapping/memory_config.ts";
import type { LargePageReport } from "../../core/mapping/memory_system.ts";
import { SingleProcessStream } from "../../core/os/access_stream.ts";
import { OsEventError } from "../../core/os/guest_os.ts";
import { createOsWorkload, OS_WORKLOADS } from "../../core/os/os_workloads.ts";
import { PLATFORM_NAMES, PLATFORMS } from "../../core/platforms/registry.ts";
import { ShadowPlatform } from "../../core/platforms/shadow_platform.ts";
import { SHADOW_STRATEGY_NAMES } from "../../core/platforms/shadow/shadow_config.ts";
import { finish, runAccesses, runOsWorkload } from "../../core/workload/simulate.ts";
import { parseSize, SizeError } from "../../core/workload/size.ts";
import { createWorkload, WorkloadError, WORKLOADS } from "../../core/workload/workloads.ts";
import { TraceError } from "../../core/workload/lackey.ts";
import { resolveProfile } from "./profile_option.ts";
import { VMLAB_VERSION } from "../sweep/provenance.ts";
import { parseTlbSpec } from "./tlb_spec.ts";
import { readLackeyTrace } from "./trace_file.ts";
import { UsageError } from "./usage_error.ts";

const USAGE = `Usage: deno task sim [options]

Runs one machine configuration over one workload and prints counters and cycles.

Workload (synthetic unless --trace is given):
  --workload NAME      ${Object.keys(WORKLOADS).join(", ")} (default random),
                       or an OS workload: ${Object.keys(OS_WORKLOADS).join(", ")}
  --accesses N         number of accesses (default 1000000)
  --footprint SIZE     bytes touched, e.g. 128K, 64M, 8G (default 256M)
  --trace PATH         a valgrind lackey trace (--tool=lackey --trace-mem=yes); - for stdin, .gz ok
  --instructions       also model the trace's instruction fetches (I lines)
  --seed N             seed of the synthetic workload (default 1)

Machine (every option works with every platform that has what it sets):
  --mode P             platform: ${PLATFORM_NAMES.join(", ")} (default native)
  --guest G            first-touch: one address space whose pages are there from the start
                       (default for synthetic workloads and traces); os: the guest OS model
                       (processes, demand paging, fork, munmap, shootdowns; OS workloads need it)
  --vcpus N            vCPUs, 1 to 64 (default 1); each has its own TLBs and walk caches
  --strategies LIST    shadow: baseline, all, or a comma list of
                       ${SHADOW_STRATEGY_NAMES.join(", ")}
  --batch N            shadow: entries per hidden fault with the batch strategy: 1, 8, 64, 512 (default 8)
  --pcid on|off        guest os: the kernel tags address spaces with PCIDs (default on)
  --guest-page P       4k, 2m or 1g (default 4k)
  --host-page P        4k, 2m or 1g, platforms with a host layer (default 4k)
  --levels L           4 or 5 radix levels, every table alike (default 4)
  --tlb SPEC           e.g. l1-4k=64x4,l1-2m=32x4,l2=1536x12; 0 disables a level
  --walk-cache on|off  page-walk caches (default on)
  --nested-tlb on|off  nested TLB for 2-D walks, nested only (default on)
  --pte-cache on|off   PTE data cache (default on)

Large pages (guest RAM = footprint + 1/16 in whole GiB, host RAM twice that):
  --host-policy P      4k, opportunistic, opportunistic+promote or 1g (default opportunistic);
                       platforms with a host layer
  --fragmentation F    share 0..1 of host 2M and 1G blocks broken by other tenants (default 0);
                       platforms with a host layer
  --guest-large-fraction F  share 0..1 of guest memory the guest maps with 2M pages (default 0)
  --guest-fragmentation F   share 0..1 of guest-physical 2M and 1G blocks broken (default 0)
  --profile NAME|PATH  cost profile: intel-skylake-sp, amd-zen3, or a JSON file

Output:
  --json               one JSON object instead of a table
  -h, --help           this text
`;

const OPTIONS = {
  workload: { type: "string" },
  accesses: { type: "string" },
  footprint: { type: "string" },
  trace: { type: "string" },
  instructions: { type: "boolean" },
  seed: { type: "string" },
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
  "host-policy": { type: "string" },
  fragmentation: { type: "string" },
  "guest-large-fraction": { type: "string" },
  "guest-fragmentation": { type: "string" },
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
  /** Simulator speed. */
  throughput: { accesses_per_second: number; wall_seconds: number };
}

function onOff(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "on") return true;
  if (value === "off") return false;
  throw new UsageError(`--${name} must be on or off, got "${value}"`);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 0) {
    throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  }
  return n;
}

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[]) {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return v as T;
}

function share(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n <= 1)) {
    throw new UsageError(`--${name} must be a number from 0 to 1, got "${value}"`);
  }
  return n;
}

function derive(c: Record<string, number>, cycles: Record<string, number>): Record<string, number> {
  const per = (a: number, b: number) => (b === 0 ? 0 : a / b);
  // Translation is the TLBs and walks only; exits, hypervisor and guest-kernel work (shadow
  // paging, the guest OS model) are reported beside it rather than hidden inside it.
  const translation = cycles.l1_tlb + cycles.l2_tlb + cycles.walk_cache + cycles.walk_pte_cache +
    cycles.walk_memory + cycles.nested_tlb;
  return {
    l1_tlb_misses_per_kilo_access: per(1000 * c.l1_tlb_misses, c.accesses),
    l2_tlb_misses_per_kilo_access: per(1000 * c.l2_tlb_misses, c.accesses),
    walk_refs_per_walk: per(c.walk_refs, c.walks),
    pte_cache_hit_rate: per(c.walk_refs_pte_cache, c.walk_refs),
    cycles_per_access: per(cycles.total, c.accesses),
    translation_cycles_per_access: per(translation, c.accesses),
    translation_share: per(translation, cycles.total),
    vm_exit_cycles_per_access: per(cycles.vm_exit, c.accesses),
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
export async function main(args: string[]): Promise<number> {
  try {
    await run(args);
    return 0;
  } catch (error) {
    const userError = error instanceof UsageError || error instanceof CostModelError ||
      error instanceof MachineConfigError || error instanceof WorkloadError ||
      error instanceof SizeError || error instanceof TraceError ||
      error instanceof FrameAllocationError ||
      (error instanceof TypeError && "code" in error &&
        String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"));
    if (!userError) throw error;
    // parseArgs explains some mistakes over several lines; a user error stays one line.
    console.error(`sim: ${(error as Error).message.replace(/\s*\n\s*/g, " ")}`);
    return 2;
  }
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];

/** The options that set part of a platform, and whether a platform has that part. */
const PLATFORM_OPTIONS: readonly [keyof Values, string, (name: string) => boolean][] = [
  ["host-page", "a host layer", (p) => PLATFORMS[p].hostLayer],
  ["host-policy", "a host layer", (p) => PLATFORMS[p].hostLayer],
  ["fragmentation", "a host layer", (p) => PLATFORMS[p].hostLayer],
  ["nested-tlb", "a nested TLB", (p) => PLATFORMS[p].nestedTlb],
  ["strategies", "shadow strategies", (p) => PLATFORMS[p].shadowOptions],
  ["batch", "shadow strategies", (p) => PLATFORMS[p].shadowOptions],
];

/** Builds the machine configuration from the command line, rejecting what the machine would not use. */
function machineConfig(values: Values, guest: "first-touch" | "os"): MachineConfig {
  if (values.mode === "shadow-composed") {
    throw new UsageError(
      "--mode shadow-composed is now --mode shadow: on the first-touch guest the shadow table is filled by composition (add --strategies all for tagged TLBs)",
    );
  }
  const platform = choice("mode", values.mode, PLATFORM_NAMES) ?? "native";
  for (const [option, part, has] of PLATFORM_OPTIONS) {
    if (values[option] !== undefined && !has(platform)) {
      throw new UsageError(`--${option} needs a platform with ${part}, got --mode ${platform}`);
    }
  }
  if (values.pcid !== undefined && guest !== "os") {
    throw new UsageError("--pcid is the guest OS's: it needs --guest os");
  }
  const levels = values.levels === undefined ? undefined : Number(values.levels);
  if (levels !== undefined && levels !== 4 && levels !== 5) {
    throw new UsageError(`--levels must be 4 or 5, got "${values.levels}"`);
  }
  const pages = ["4k", "2m", "1g"] as const;
  const hostPolicy = choice("host-policy", values["host-policy"], HOST_POLICIES);
  const fragmentation = share("fragmentation", values.fragmentation);
  const guestLargeFraction = share("guest-large-fraction", values["guest-large-fraction"]);
  const guestFragmentation = share("guest-fragmentation", values["guest-fragmentation"]);
  let memory: MemoryConfig | undefined;
  if (
    hostPolicy !== undefined || fragmentation !== undefined ||
    guestLargeFraction !== undefined || guestFragmentation !== undefined
  ) {
    for (const name of ["guest-page", "host-page"] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(
          `--${name} cannot go with large-page policies (--host-policy, --guest-large-fraction)`,
        );
      }
    }
    memory = {
      hostPolicy,
      fragmentation,
      guestLargeFraction,
      guestFragmentation,
      seed: positiveInteger("seed", values.seed, 1),
    };
    const footprint = values.trace === undefined ? parseSize(values.footprint ?? "256M") : 0;
    if (footprint > 0) {
      const guestMib = Math.ceil(footprint * 17 / 16 / 2 ** 30) * 1024;
      memory.guestMemoryMib = guestMib;
      if (PLATFORMS[platform].hostLayer) memory.hostMemoryMib = 2 * guestMib;
    }
    for (const key of Object.keys(memory) as (keyof MemoryConfig)[]) {
      if (memory[key] === undefined) delete memory[key];
    }
  }
  const vcpus = values.vcpus === undefined ? undefined : positiveInteger("vcpus", values.vcpus, 1);
  if (vcpus !== undefined && (vcpus < 1 || vcpus > 64)) {
    throw new UsageError(`--vcpus must be an integer from 1 to 64, got "${values.vcpus}"`);
  }
  const strategies = values.strategies;
  const batch = values.batch === undefined ? undefined : positiveInteger("batch", values.batch, 8);
  const config: MachineConfig = {
    platform,
    guest,
    vcpus,
    memory,
    guestPage: choice("guest-page", values["guest-page"], pages),
    hostPage: choice("host-page", values["host-page"], pages),
    levels: levels as 4 | 5 | undefined,
    walkCache: onOff("walk-cache", values["walk-cache"]),
    nestedTlb: onOff("nested-tlb", values["nested-tlb"]),
    pteCache: onOff("pte-cache", values["pte-cache"]),
    tlb: values.tlb === undefined ? undefined : parseTlbSpec(values.tlb),
    pcid: onOff("pcid", values.pcid),
    shadow: strategies === undefined && batch === undefined ? undefined : { strategies, batch },
  };
  for (const key of Object.keys(config) as (keyof MachineConfig)[]) {
    if (config[key] === undefined) delete config[key];
  }
  if (config.shadow !== undefined) {
    for (const key of ["strategies", "batch"] as const) {
      if (config.shadow[key] === undefined) delete config.shadow[key];
    }
  }
  return config;
}

/** A machine configuration error, in the command line's words. */
function asUsageError(error: MachineConfigError): UsageError {
  const names: Record<string, string> = {
    "shadow.strategies": "--strategies",
    "shadow.batch": "--batch",
    vcpus: "--vcpus",
  };
  const field = error.message.match(/^field "([\w.]+)": /)?.[1];
  if (field === undefined || names[field] === undefined) return new UsageError(error.message);
  return new UsageError(`${names[field]}: ${error.message.slice(field.length + 10)}`);
}

async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}" (see --help)`);
  }
  const cost = await resolveProfile(values.profile);
  const osWorkload = values.workload !== undefined && Object.hasOwn(OS_WORKLOADS, values.workload);
  const guest = choice("guest", values.guest, ["first-touch", "os"] as const) ??
    (osWorkload ? "os" : "first-touch");
  if (osWorkload && guest !== "os") {
    throw new UsageError(`--workload ${values.workload} is an OS workload: it needs --guest os`);
  }
  if (values.trace !== undefined && guest === "os") {
    throw new UsageError("--trace replays on the first-touch guest, not with --guest os");
  }
  let machine: Machine;
  try {
    machine = buildMachine(machineConfig(values, guest), cost);
  } catch (error) {
    if (error instanceof MachineConfigError) throw asUsageError(error);
    throw error;
  }
  let workload: SimReport["workload"];
  let seconds: number;
  if (values.trace !== undefined) {
    for (const name of ["workload", "accesses", "footprint", "seed"] as const) {
      if (values[name] !== undefined) {
        throw new UsageError(`--${name} describes a synthetic workload; it cannot go with --trace`);
      }
    }
    workload = { trace: values.trace, instructions: values.instructions ?? false };
    const start = performance.now();
    const vcpus = machine.vcpus;
    let next = 0;
    for await (
      const chunk of readLackeyTrace(values.trace, { instructions: values.instructions })
    ) {
      // The vCPUs take the trace's chunks in turn.
      vcpus[next].run(chunk);
      next = (next + 1) % vcpus.length;
      // The promotion pass runs between chunks, as khugepaged runs beside the guest.
      machine.promote();
    }
    seconds = (performance.now() - start) / 1000;
  } else {
    if (values.instructions) throw new UsageError("--instructions goes with --trace");
    const name = values.workload ?? "random";
    const accesses = positiveInteger("accesses", values.accesses, 1_000_000);
    const footprintBytes = parseSize(values.footprint ?? "256M");
    const seed = positiveInteger("seed", values.seed, 1);
    const vcpus = machine.vcpus.length;
    workload = { name, accesses, footprint_bytes: footprintBytes, seed };
    const start = performance.now();
    if (guest === "os") {
      const stream = osWorkload
        ? createOsWorkload(name, { accesses, footprintBytes, seed, vcpus })
        : new SingleProcessStream(createWorkload(name, { accesses, footprintBytes, seed }), vcpus);
      workload.warmup_accesses = stream.warmupAccesses;
      try {
        runOsWorkload(machine, stream);
      } catch (error) {
        if (error instanceof OsEventError) throw new UsageError(error.message);
        throw error;
      }
    } else {
      runAccesses(machine, createWorkload(name, { accesses, footprintBytes, seed }));
    }
    seconds = (performance.now() - start) / 1000;
  }
  const result = finish(machine);
  const counters: Record<string, number> = { ...result.counters };
  if (machine.os !== null) {
    const os = machine.os.counts;
    Object.assign(counters, {
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
      counters[`shadow_${k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())}`] = v;
    }
  }
  const report: SimReport = {
    vmlab: VMLAB_VERSION,
    config: result.config,
    workload,
    profile: result.profile,
    counters,
    derived: derive(result.counters, result.cycles),
    cycles: result.cycles,
    page_table_bytes: result.pageTableBytes,
    ...(result.largePages ? { large_pages: result.largePages } : {}),
    throughput: {
      accesses_per_second: seconds > 0 ? Math.round(result.counters.accesses / seconds) : 0,
      wall_seconds: Number(seconds.toFixed(3)),
    },
  };
  console.log(values.json ? JSON.stringify(report, null, 2) : formatTable(report));
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
  return formatBody(r, lines);
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
