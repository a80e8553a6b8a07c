/**
 * How often real programs change their page tables, per memory access: the
 * published rates the OS workloads (os_workloads.ts) default to, each
 * derived here from a measurement whose source is named beside it, and the
 * churn-heavy rates of earlier versions, kept as a stress setting.
 *
 * Measurements count per second or per instruction; the lab counts per
 * memory access (a load or a store). {@linkcode ACCESSES_PER_INSTRUCTION}
 * converts, and it is the one assumption shared by every rate here.
 *
 * @module
 */

/**
 * Loads plus stores per instruction: 0.442. Measured on x86 with Linux perf
 * for memcached under mutilate load (Wang Jianchao, "Memcached with cfs
 * quota 400% performance boost after bind to 4 cpus", LKML, 17 Sep 2021:
 * 135,140,424,785 L1-dcache-loads + 76,849,156,759 L1-dcache-stores over
 * 479,554,401,177 instructions). IBM's trace study of SPECint2006 and
 * commercial codes finds 40 % of instructions are loads or stores on
 * average (J. E. Moreira, "Load/Store Characteristics for a Set of POWER
 * Systems Benchmarks", IBM RC25126, 2011). Applied to every workload below:
 * an estimate for programs other than memcached.
 */
export const ACCESSES_PER_INSTRUCTION: number = (135_140_424_785 + 76_849_156_759) /
  479_554_401_177;

/**
 * Accesses between two page faults of a Linux kernel build: ≈ 52,600.
 * `perf stat` over a build of the kernel and all modules on a 16-core AMD
 * machine (M. Vermeulen, "build linux kernel and modules",
 * mvermeulen.org/perf/?p=615): 2,366,940,384 page faults (35,617 per
 * CPU-second) over 281,890,310,273,018 instructions, i.e. one fault per
 * 119,096 instructions, × {@linkcode ACCESSES_PER_INSTRUCTION}.
 */
export const BUILD_ACCESSES_PER_FAULT: number = Math.round(
  281_890_310_273_018 / 2_366_940_384 * ACCESSES_PER_INSTRUCTION,
);

/**
 * Accesses between two context switches on a CPU of a kernel build: ≈ 4.2
 * million. Same run as {@linkcode BUILD_ACCESSES_PER_FAULT}: 29,689,799
 * context switches (447 per CPU-second, 51 % voluntary), one per 9,494,553
 * instructions, × {@linkcode ACCESSES_PER_INSTRUCTION}.
 */
export const BUILD_ACCESSES_PER_SWITCH: number = Math.round(
  281_890_310_273_018 / 29_689_799 * ACCESSES_PER_INSTRUCTION,
);

/**
 * Page faults per process of a kernel build: 1,081, so a compile job maps
 * about 4 MiB of 4 KiB pages. Phoronix build-linux-kernel (Linux 4.13) on
 * an 8-core Intel machine (M. Vermeulen, perf.mvermeulen.com/workloads/
 * phoronix/build-linux-kernel/): 31,486,712 minor faults over 29,135
 * processes (1,120 CPU-seconds, 26 process starts per CPU-second). A job's
 * length in accesses is its pages × {@linkcode BUILD_ACCESSES_PER_FAULT}:
 * about 57 million, one process start per 57 million accesses per CPU.
 */
export const BUILD_FAULTS_PER_PROCESS: number = Math.round(31_486_712 / 29_135);

/**
 * Accesses between two context switches of a web server: ≈ 305,000. `perf
 * stat` over the Phoronix nginx test (ab with up to 1,000 concurrent
 * requests, client and server on one 16-core AMD machine; M. Vermeulen,
 * "nginx", mvermeulen.org/perf/?p=916): 120,417,664 context switches
 * (4,791 per CPU-second, 92 % voluntary) over 83,227,323,814,403
 * instructions, one per 691,155 instructions, ×
 * {@linkcode ACCESSES_PER_INSTRUCTION}.
 */
export const SERVER_ACCESSES_PER_SWITCH: number = Math.round(
  83_227_323_814_403 / 120_417_664 * ACCESSES_PER_INSTRUCTION,
);

/**
 * Accesses between two page faults of a web server in steady state: ≈ 80
 * million. Same run as {@linkcode SERVER_ACCESSES_PER_SWITCH}: 461,475 page
 * faults (18 per CPU-second), one per 180 million instructions.
 */
export const SERVER_ACCESSES_PER_FAULT: number = Math.round(
  83_227_323_814_403 / 461_475 * ACCESSES_PER_INSTRUCTION,
);

/**
 * Accesses between two page faults of a multithreaded program that frees
 * and reallocates buffers: ≈ 255,000. `perf stat` over the Phoronix
 * SVT-VP9 video encoder (up to 30 threads on a 16-core AMD machine; M.
 * Vermeulen, "svt-vp9", mvermeulen.org/perf/workloads/phoronix/svt-vp9/):
 * 14,950,365 page faults (8,385 per CPU-second) over 8,624,634,778,235
 * instructions, one per 576,880 instructions.
 */
export const THREADS_ACCESSES_PER_FAULT: number = Math.round(
  8_624_634_778_235 / 14_950_365 * ACCESSES_PER_INSTRUCTION,
);

/**
 * Accesses between two context switches of a thread of that encoder: ≈ 1.4
 * million. Same run as {@linkcode THREADS_ACCESSES_PER_FAULT}: 2,780,028
 * context switches (1,559 per CPU-second, 80 % voluntary), one per
 * 3,102,362 instructions.
 */
export const THREADS_ACCESSES_PER_SWITCH: number = Math.round(
  8_624_634_778_235 / 2_780_028 * ACCESSES_PER_INSTRUCTION,
);

/** One published rate: what it counts, per how many accesses, and where it comes from. */
export interface PublishedRate {
  /** The OS workload it calibrates. */
  readonly workload: string;
  /** The event counted. */
  readonly event: string;
  /** Memory accesses per event. */
  readonly accessesPerEvent: number;
  /** The measurement, with its source. */
  readonly source: string;
}

/**
 * Every published rate the OS workloads use, for reports and validation.
 *
 * @example A kernel build faults once per tens of thousands of accesses
 * ```ts
 * import { PUBLISHED_RATES } from "./os_rates.ts";
 * const fault = PUBLISHED_RATES.find((r) => r.workload === "build" && r.event === "page fault")!;
 * if (fault.accessesPerEvent < 10_000 || fault.accessesPerEvent > 100_000) throw new Error();
 * ```
 */
export const PUBLISHED_RATES: readonly PublishedRate[] = [
  {
    workload: "build",
    event: "page fault",
    accessesPerEvent: BUILD_ACCESSES_PER_FAULT,
    source: "perf stat, Linux kernel and modules build, 16-core AMD (mvermeulen.org/perf/?p=615)",
  },
  {
    workload: "build",
    event: "context switch",
    accessesPerEvent: BUILD_ACCESSES_PER_SWITCH,
    source: "same run",
  },
  {
    workload: "build",
    event: "process start",
    accessesPerEvent: BUILD_FAULTS_PER_PROCESS * BUILD_ACCESSES_PER_FAULT,
    source: "1,081 faults per process, Phoronix build-linux-kernel (perf.mvermeulen.com)",
  },
  {
    workload: "server",
    event: "context switch",
    accessesPerEvent: SERVER_ACCESSES_PER_SWITCH,
    source: "perf stat, Phoronix nginx test, 16-core AMD (mvermeulen.org/perf/?p=916)",
  },
  {
    workload: "server",
    event: "page fault",
    accessesPerEvent: SERVER_ACCESSES_PER_FAULT,
    source: "same run",
  },
  {
    workload: "threads",
    event: "page fault",
    accessesPerEvent: THREADS_ACCESSES_PER_FAULT,
    source: "perf stat, Phoronix SVT-VP9 encoder, 16-core AMD (mvermeulen.org/perf)",
  },
  {
    workload: "threads",
    event: "context switch",
    accessesPerEvent: THREADS_ACCESSES_PER_SWITCH,
    source: "same run",
  },
];
