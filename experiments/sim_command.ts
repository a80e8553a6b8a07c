/**
 * The one `deno task sim` command that reproduces a run: a machine
 * configuration written back as sim's options (from the same option
 * declarations the command parses), a synthetic workload, its warm-up and
 * population, the seed and the cost profile. An experiment prints it beside
 * each row so that a reader can rerun the row alone; a configuration field
 * no sim option can set is an error, never left out.
 *
 * @module
 */

import type { MachineConfig } from "../core/machine/machine_config.ts";
import { SIM_MACHINE_OPTIONS } from "./cli/sim_cli.ts";

/** One run of `deno task sim` over a synthetic workload. */
export interface SimRun {
  /** The machine; every field given is written as its option. */
  readonly config: MachineConfig;
  /** Synthetic workload name. */
  readonly workload: string;
  /** Accesses measured. */
  readonly accesses: number;
  /** Footprint (bytes). */
  readonly footprintBytes: number;
  /** Seed. */
  readonly seed: number;
  /** Warm-up accesses before the measured ones. */
  readonly warmupAccesses: number;
  /** Whether the tables are populated first. */
  readonly populate: boolean;
  /** Cost profile: a name, or the path of a JSON profile. */
  readonly profile: string;
}

/** Machine fields sim derives itself (from --footprint and --seed): a run cannot give them. */
const DERIVED: Readonly<Record<string, string>> = {
  "memory.seed": "--seed",
  "memory.guestMemoryMib": "--footprint",
  "memory.hostMemoryMib": "--footprint",
};

/**
 * The arguments of `deno task sim` for `run`, in the order of its help.
 * @throws {RangeError} for a configuration field no sim option sets
 *
 * @example
 * ```ts
 * import { simArgs } from "./sim_command.ts";
 * const args = simArgs({
 *   config: { platform: "nested", walkCache: false },
 *   workload: "random", accesses: 4096, footprintBytes: 2 ** 30, seed: 1,
 *   warmupAccesses: 0, populate: false, profile: "intel-skylake-sp",
 * });
 * if (args.join(" ") !== "--workload random --accesses 4096 --footprint 1G --seed 1 " +
 *   "--warmup 0 --populate off --mode nested --walk-cache off --profile intel-skylake-sp") {
 *   throw new Error(args.join(" "));
 * }
 * ```
 */
export function simArgs(run: SimRun): string[] {
  const args = [
    ...["--workload", run.workload],
    ...["--accesses", String(run.accesses)],
    ...["--footprint", formatBytes(run.footprintBytes)],
    ...["--seed", String(run.seed)],
    ...["--warmup", String(run.warmupAccesses)],
    ...["--populate", run.populate ? "on" : "off"],
  ];
  const given = leaves(run.config as Record<string, unknown>, "");
  for (const option of SIM_MACHINE_OPTIONS) {
    const value = given.get(option.field);
    if (value === undefined) continue;
    given.delete(option.field);
    args.push(`--${option.name}`, optionText(option.field, value));
  }
  for (const path of given.keys()) {
    throw new RangeError(
      Object.hasOwn(DERIVED, path)
        ? `machine field "${path}" is set by sim from ${DERIVED[path]}: leave it out of the run`
        : `no sim option sets machine field "${path}"`,
    );
  }
  args.push("--profile", run.profile);
  return args;
}

/**
 * The command line, ready to paste into a shell at the repository's root.
 *
 * @example
 * ```ts
 * import { simCommand } from "./sim_command.ts";
 * const command = simCommand({
 *   config: { platform: "native", guestPage: "2m" },
 *   workload: "zipf", accesses: 1000, footprintBytes: 64 * 2 ** 20, seed: 2,
 *   warmupAccesses: 500, populate: true, profile: "amd-zen3",
 * });
 * if (!command.startsWith("deno task sim --workload zipf ") || !command.includes("--guest-page 2m")) {
 *   throw new Error(command);
 * }
 * ```
 */
export function simCommand(run: SimRun): string {
  return ["deno", "task", "sim", ...simArgs(run).map(quote)].join(" ");
}

/**
 * The arguments of a printed command line, for running it in-process: the
 * inverse of {@linkcode simCommand}'s quoting, without `deno task sim`.
 *
 * @example
 * ```ts
 * import { commandArgs } from "./sim_command.ts";
 * const args = commandArgs("deno task sim --trace 'my trace.txt' --warmup 5");
 * if (args.length !== 4 || args[1] !== "my trace.txt") throw new Error(args.join("|"));
 * ```
 */
export function commandArgs(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replaceAll("'\\''", "'") : match[2]);
  }
  const prefix = ["deno", "task", "sim"];
  if (prefix.some((word, i) => words[i] !== word)) {
    throw new RangeError(`not a sim command: ${command}`);
  }
  return words.slice(prefix.length);
}

/** Every leaf of a plain object by dotted path (TLB geometries are one leaf: the --tlb spec). */
function leaves(object: Record<string, unknown>, prefix: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const path = prefix + key;
    if (typeof value === "object" && value !== null && path !== "tlb") {
      for (const [k, v] of leaves(value as Record<string, unknown>, `${path}.`)) out.set(k, v);
    } else out.set(path, value);
  }
  return out;
}

/** A field's value as its option reads it. */
function optionText(field: string, value: unknown): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (field === "tlb") {
    return Object.entries(value as Record<string, { entries: number; ways: number }>)
      .map(([key, g]) =>
        `${key.replace("_", "-")}=${g.entries === 0 ? "0" : `${g.entries}x${g.ways}`}`
      )
      .join(",");
  }
  return String(value);
}

/** Bytes in the largest unit that states them exactly. */
function formatBytes(bytes: number): string {
  for (
    const [unit, size] of [["T", 2 ** 40], ["G", 2 ** 30], ["M", 2 ** 20], ["K", 1024]] as const
  ) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A word as a POSIX shell reads it back. */
function quote(word: string): string {
  return /^[\w.,:=+\/@%-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
