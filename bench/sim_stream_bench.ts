// The streams issue 16 states its speed goals on, each built as `deno task
// sim` builds it from the same options (its option table, the machine
// builder, the workload generator, populate and runAccesses), so a rate here
// is the `throughput.accesses_per_second` that sim would print for the run.
// Every mitata sample is one whole run on a fresh machine: the cold streams
// change the machine they run on (tables built on first touch), so a sample
// cannot reuse the last one's. Building the machine, the generator and the
// populated tables is untimed, as in sim.
import { do_not_optimize } from "mitata";
import { getProfile } from "../core/cost/profiles.ts";
import { buildMachine } from "../core/machine/build_machine.ts";
import type { Machine } from "../core/machine/machine.ts";
import type { MachineConfig } from "../core/machine/machine_config.ts";
import { populate } from "../core/machine/populate.ts";
import { runAccesses } from "../core/workload/simulate.ts";
import { footprintPages } from "../core/workload/steady_state.ts";
import { DEFAULT_BASE_VPN } from "../core/workload/workload_options.ts";
import { createWorkload } from "../core/workload/workloads.ts";
import type { AccessGenerator } from "../core/base/access_chunk.ts";
import { configFromOptions } from "../experiments/cli/config_options.ts";
import { SIM_MACHINE_OPTIONS } from "../experiments/cli/sim_cli.ts";
import type { BenchCase } from "./bench_case.ts";

const GIB = 2 ** 30;

/** A sim run: its machine options as on the command line, and its synthetic workload. */
interface SimStream {
  /** Machine options without the dashes, values as typed: `{ "walk-cache": "off" }`. */
  options: Readonly<Record<string, string>>;
  /** Footprint of the uniform random workload (bytes). */
  footprintBytes: number;
  /** Accesses per run (sim's `--accesses`; no warm-up). */
  accesses: number;
  /** Populate the footprint before the run, untimed (sim's `--populate on`). */
  populate: boolean;
  /** mitata samples, each a whole run (default 3). */
  samples?: number;
}

/** The sim command line of a stream, for the benchmark's name. */
function commandOf(stream: SimStream): string {
  const size = stream.footprintBytes >= GIB
    ? `${stream.footprintBytes / GIB}G`
    : `${stream.footprintBytes / 1024}K`;
  return [
    `deno task sim --workload random --footprint ${size} --accesses ${stream.accesses}`,
    ...Object.entries(stream.options).map(([k, v]) => `--${k} ${v}`),
    `--warmup 0 --populate ${stream.populate ? "on" : "off"}`,
  ].join(" ");
}

/** One run's state: its machine and its generator, built untimed. */
interface Run {
  machine: Machine;
  workload: AccessGenerator;
}

function simCase(label: string, stream: SimStream): BenchCase {
  const config = {
    ...configFromOptions(SIM_MACHINE_OPTIONS, stream.options),
    guest: "first-touch",
  } as MachineConfig;
  const cost = getProfile("intel-skylake-sp");
  return {
    name: label,
    command: commandOf(stream),
    ops: stream.accesses,
    unit: "accesses",
    setup: () => ({
      samples: stream.samples,
      fresh(): Run {
        const machine = buildMachine(config, cost);
        const { footprintBytes, accesses } = stream;
        if (stream.populate) {
          populate(machine, footprintPages({ baseVpn: DEFAULT_BASE_VPN, footprintBytes }));
          machine.resetStats();
        }
        const workload = createWorkload("random", { accesses, footprintBytes, seed: 1 });
        return { machine, workload };
      },
      run(run: Run) {
        runAccesses(run.machine, run.workload);
        return do_not_optimize(run.machine.stats.counters);
      },
    }),
  };
}

const TRANSLATION_ONLY = { caches: "off", "pte-cache": "off" } as const;
const WALK_TLBS = { tlb: "l1-4k=64x4,l1-2m=0,l1-1g=0,l2=1536x12" } as const;
const WALK = { footprintBytes: 4 * GIB, accesses: 4_000_000, populate: false } as const;

/** Names of the goal streams, for the ratios bench/mod.ts prints. */
export const STREAMS = {
  hit: "stream: TLB-hit-dominated",
  walk: "stream: walk-dominated",
  walkCaches: "stream: walk-dominated, walk caches on",
  dataCaches: "stream: walk-dominated, cache hierarchy on",
  nested: "stream: nested",
} as const;

/**
 * Issue 16's streams: TLB hits on 32 pages; 4-level walks over 4 GiB
 * without and with walk caches and with the cache hierarchy; and the
 * nested command, populated as sim populates it, over 1 M accesses instead
 * of sim's 1 M warm-up and 4 M measured (a populated run is in steady state
 * almost from its start, and five times shorter).
 */
export const CASES: readonly BenchCase[] = [
  simCase(STREAMS.hit, {
    options: { tlb: "l1-4k=64x4,l2=0", ...TRANSLATION_ONLY },
    footprintBytes: 128 * 1024,
    accesses: 4_000_000,
    populate: false,
    // A run takes ~60 ms: more samples for a stable mean.
    samples: 10,
  }),
  simCase(STREAMS.walk, {
    options: { "walk-cache": "off", ...WALK_TLBS, ...TRANSLATION_ONLY },
    ...WALK,
  }),
  simCase(STREAMS.walkCaches, {
    options: { "walk-cache": "on", ...WALK_TLBS, ...TRANSLATION_ONLY },
    ...WALK,
  }),
  simCase(STREAMS.dataCaches, {
    options: { "walk-cache": "off", ...WALK_TLBS, caches: "on", "pte-cache": "off" },
    ...WALK,
  }),
  simCase(STREAMS.nested, {
    options: { mode: "nested" },
    footprintBytes: 4 * GIB,
    accesses: 1_000_000,
    populate: true,
  }),
];
