/**
 * OS workload generators: seeded streams of memory accesses mixed with the
 * process and memory-management events a kernel sees (fork, exec, exit,
 * context switches, munmap).
 *
 * By default the events come at the rates measured on real programs,
 * converted to events per memory access (core/os/os_rates.ts, where each
 * rate names its source): a kernel build faults once per ~52,600 accesses
 * and switches context once per ~4.2 million per CPU; a web server switches
 * once per ~305,000. `rates: "stress"` restores the churn-heavy rates of
 * earlier versions (build: a fault every 8 accesses; server: a switch every
 * 500; threads: a 16-page unmap every 256), a stress test of the shadow MMU,
 * not a model of any program.
 *
 * Every vCPU runs its own process or thread at the same time: the stream
 * interleaves the vCPUs round robin, {@linkcode SLICE_ACCESSES} accesses
 * each, as concurrent CPUs would. Each workload's warm-up (the accesses
 * before its measured ones) leaves the machine in a steady state: processes
 * running, at random points of their lives, their memory mapped so far.
 *
 * - `build`: `make -jN` (N = `jobs`, default the vCPUs): each job a process
 *   on its own vCPU that make forks (copy-on-write faults), execs, and that
 *   then grows its heap a page at a time, one demand fault per
 *   `accessesPerPage` accesses, until it has mapped its footprint and exits;
 *   make forks the next job on the freed vCPU. Now and then a job blocks and
 *   make (or another job on the same vCPU) runs.
 * - `server`: worker processes with private working sets, `switchEvery`
 *   accesses between context switches on a vCPU, a buffer unmapped and
 *   refaulted now and then.
 * - `bigmem`: one process, a large footprint touched once, then random
 *   accesses over it from every vCPU: TLB-miss heavy, no page-table updates.
 * - `threads`: one process with a thread per vCPU; each thread fills a
 *   buffer, works, and unmaps it (a shootdown of the other vCPUs), and goes
 *   idle now and then.
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import { ConfigError } from "../base/config_error.ts";
import { groupDigits } from "../base/digits.ts";
import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ResolvedSoFar,
  validateConfig,
} from "../base/config_fields.ts";
import { createOsEventChunk, type OsEventChunk, type OsEventGenerator, OsOp } from "./os_event.ts";
import {
  BUILD_ACCESSES_PER_FAULT,
  BUILD_ACCESSES_PER_SWITCH,
  SERVER_ACCESSES_PER_FAULT,
  SERVER_ACCESSES_PER_SWITCH,
  THREADS_ACCESSES_PER_FAULT,
  THREADS_ACCESSES_PER_SWITCH,
} from "./os_rates.ts";

/** Accesses one vCPU runs before the stream moves on to the next vCPU. */
export const SLICE_ACCESSES = 128;

const count = (n: number): string => groupDigits(String(Math.round(n)));

/** A default that follows `rates`: the published rate, or the stress one. */
function byRates(published: number, stress: number): (values: ResolvedSoFar) => number {
  return (values) => values.rates === "stress" ? stress : published;
}

/** The words of a {@linkcode byRates} default. */
function ratesText(published: number, stress: number, source: string): string {
  return `${count(published)} (rates "published": ${source}) or ${count(stress)} (rates "stress")`;
}

// The defaults that follow `rates`, as typed constants (the field table stays
// a fast type for JSR).
const PER_PAGE_DEFAULT: (values: ResolvedSoFar) => number = byRates(BUILD_ACCESSES_PER_FAULT, 8);
const PER_PAGE_TEXT: string = ratesText(
  BUILD_ACCESSES_PER_FAULT,
  8,
  "a kernel build's faults per instruction",
);
const YIELD_DEFAULT: (values: ResolvedSoFar) => number = byRates(BUILD_ACCESSES_PER_SWITCH, 500);
const YIELD_TEXT: string = ratesText(
  BUILD_ACCESSES_PER_SWITCH,
  500,
  "a kernel build's context switches per instruction",
);
const SWITCH_DEFAULT: (values: ResolvedSoFar) => number = byRates(SERVER_ACCESSES_PER_SWITCH, 500);
const SWITCH_TEXT: string = ratesText(
  SERVER_ACCESSES_PER_SWITCH,
  500,
  "nginx's context switches per instruction",
);
const IDLE_DEFAULT: (values: ResolvedSoFar) => number = byRates(THREADS_ACCESSES_PER_SWITCH, 1024);
const IDLE_TEXT: string = ratesText(
  THREADS_ACCESSES_PER_SWITCH,
  1024,
  "a multithreaded encoder's context switches per instruction",
);

const MUNMAP_TEXT: string = `bufferPages × ${
  count(SERVER_ACCESSES_PER_FAULT)
} (rates "published": nginx's page faults per instruction) or 5,000 (rates "stress")`;
const ROUND_TEXT: string = `bufferPages × ${
  count(THREADS_ACCESSES_PER_FAULT)
} (rates "published": a multithreaded encoder's page faults per instruction) or 256 (rates "stress")`;

/** The fields of {@linkcode OsWorkloadOptions}; fields read by one workload only say so. */
export const OS_WORKLOAD_OPTIONS_FIELDS = {
  accesses: {
    kind: "integer",
    min: 1,
    max: 2 ** 40,
    required: true,
    unit: "accesses",
    description: "accesses measured after the warm-up",
  },
  footprintBytes: {
    kind: "size",
    min: 65536,
    max: 2 ** 36,
    required: true,
    unit: "bytes",
    description:
      "memory in play: bigmem its footprint, build each job's on average, server all workers' together, threads the shared heap",
  },
  seed: {
    kind: "integer",
    required: true,
    description: "seed: the same seed gives the same stream",
  },
  vcpus: {
    kind: "integer",
    min: 1,
    max: 64,
    default: 1,
    description: "vCPUs the stream runs on, each running its own process or thread at once",
  },
  storeFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.3,
    description: "fraction of accesses that are stores",
  },
  rates: {
    kind: "enum",
    values: ["published", "stress"],
    default: "published",
    description:
      "event rates of the OS workloads: published (page faults and context switches per access as measured on real programs, core/os/os_rates.ts) or stress (the churn-heavy rates of earlier versions: a build fault every 8 accesses, a server switch every 500)",
  },
  jobs: {
    kind: "integer",
    min: 1,
    max: 256,
    default: (values: ResolvedSoFar): number => values.vcpus as number,
    defaultText: "vcpus (make -jN with N the vCPUs)",
    description:
      "build: compile jobs running at once, job j on vCPU j mod vcpus (more jobs than vCPUs share them)",
  },
  accessesPerPage: {
    kind: "integer",
    min: 1,
    max: 2 ** 40,
    default: PER_PAGE_DEFAULT,
    defaultText: PER_PAGE_TEXT,
    unit: "accesses",
    description:
      "build: accesses between two demand faults of a job, whose heap grows a page at a time (a job's length is its pages × this)",
  },
  yieldEvery: {
    kind: "integer",
    min: 1,
    max: 2 ** 40,
    default: YIELD_DEFAULT,
    defaultText: YIELD_TEXT,
    unit: "accesses",
    description:
      "build: accesses a vCPU runs between context switches (the job blocks; make, or the vCPU's next job, runs)",
  },
  processes: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 8,
    description: "server: worker processes, worker w on vCPU w mod vcpus",
  },
  switchEvery: {
    kind: "integer",
    min: 1,
    max: 2 ** 40,
    default: SWITCH_DEFAULT,
    defaultText: SWITCH_TEXT,
    unit: "accesses",
    description: "server: accesses between context switches on a vCPU",
  },
  bufferPages: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 16,
    unit: "pages",
    description: "server and threads: pages of the buffer that is unmapped and refaulted",
  },
  munmapEvery: {
    kind: "integer",
    min: 1,
    max: 2 ** 50,
    default: (values: ResolvedSoFar): number =>
      values.rates === "stress" ? 5000 : (values.bufferPages as number) * SERVER_ACCESSES_PER_FAULT,
    defaultText: MUNMAP_TEXT,
    unit: "accesses",
    description:
      "server: accesses a worker runs between unmapping its buffer (whose pages it then refaults)",
  },
  roundAccesses: {
    kind: "integer",
    min: 1,
    max: 2 ** 50,
    default: (values: ResolvedSoFar): number =>
      values.rates === "stress" ? 256 : (values.bufferPages as number) * THREADS_ACCESSES_PER_FAULT,
    defaultText: ROUND_TEXT,
    unit: "accesses",
    description: "threads: accesses per round between filling and unmapping the buffer",
  },
  idleEvery: {
    kind: "integer",
    min: 1,
    max: 2 ** 40,
    default: IDLE_DEFAULT,
    defaultText: IDLE_TEXT,
    unit: "accesses",
    description:
      "threads: accesses a thread runs between going idle (a switch away and back, with 2 vCPUs or more)",
  },
} as const satisfies ConfigFields;

/** Options of the OS workloads, as users write them; see {@linkcode OS_WORKLOAD_OPTIONS_FIELDS}. */
export type OsWorkloadOptions = ConfigInput<typeof OS_WORKLOAD_OPTIONS_FIELDS>;

/** {@linkcode OsWorkloadOptions} with every default filled in. */
export type ResolvedOsWorkloadOptions = ConfigValues<typeof OS_WORKLOAD_OPTIONS_FIELDS>;

const HEAP = 0x10000;
const BUFFERS = 0x400000;
/** Pages of make's own heap (its parsed makefiles). */
const MAKE_PAGES = 256;
/** Accesses make runs before each fork, and each time it wakes between jobs. */
const MAKE_FORK_ACCESSES = 64;
const MAKE_WAKE_ACCESSES = 16;
/** Pages a child writes between fork and exec (stack, locals): copy-on-write faults. */
const CHILD_COW_WRITES = 4;
/** First touches per warm-up step. */
const TOUCH_BATCH = 4096;

/** A generator built from steps: each step appends a few events to a queue. */
abstract class ScriptedWorkload implements OsEventGenerator {
  /** Accesses before the measured ones (set once by the subclass constructor). */
  warmupAccesses = 0;
  readonly vcpus: number;
  protected readonly prng: Prng;
  protected readonly stores: number;
  // The word an access touches in its page, from a stream of its own so that
  // the events and pages drawn from `prng` do not change with it.
  readonly #words: Prng;
  readonly #accesses: number;
  #emitted = 0;
  #queue: OsEventChunk = createOsEventChunk(8192);
  #head = 0;
  #vcpu = 0;

  constructor(options: ResolvedOsWorkloadOptions) {
    this.vcpus = options.vcpus;
    this.stores = options.storeFraction;
    this.prng = new Prng(options.seed);
    this.#words = new Prng(options.seed, 1);
    this.#accesses = options.accesses;
  }

  /** Appends the events of one step (at least one, over the whole stream). */
  protected abstract step(): void;

  /** The vCPU whose slice comes next, round robin. */
  protected nextVcpu(): number {
    const v = this.#vcpu;
    this.#vcpu = (v + 1) % this.vcpus;
    return v;
  }

  protected emit(op: number, vcpu: number, pid: number, vpn: number, arg: number, kind: number) {
    let q = this.#queue;
    if (q.length === q.op.length) {
      const grown = createOsEventChunk(q.op.length * 2);
      grown.op.set(q.op);
      grown.vcpu.set(q.vcpu);
      grown.pid.set(q.pid);
      grown.vpn.set(q.vpn);
      grown.arg.set(q.arg);
      grown.kind.set(q.kind);
      grown.length = q.length;
      this.#queue = q = grown;
    }
    const i = q.length++;
    q.op[i] = op;
    q.vcpu[i] = vcpu;
    q.pid[i] = pid;
    q.vpn[i] = vpn;
    q.arg[i] = arg;
    q.kind[i] = kind;
  }

  /** An access to a word drawn uniformly from page `vpn` (the caches see which line). */
  protected access(vcpu: number, vpn: number, store: boolean): void {
    this.emit(OsOp.ACCESS, vcpu, 0, vpn, this.#words.below(512) * 8, store ? 1 : 0);
  }

  /** A store with probability `storeFraction`. */
  protected mixed(vcpu: number, vpn: number): void {
    this.access(vcpu, vpn, this.prng.next() < this.stores);
  }

  fill(chunk: OsEventChunk): number {
    const cap = chunk.op.length;
    const total = this.warmupAccesses + this.#accesses;
    let n = 0;
    while (n < cap && this.#emitted < total) {
      const q = this.#queue;
      if (this.#head === q.length) {
        q.length = 0;
        this.#head = 0;
        this.step();
        continue;
      }
      const i = this.#head++;
      chunk.op[n] = q.op[i];
      chunk.vcpu[n] = q.vcpu[i];
      chunk.pid[n] = q.pid[i];
      chunk.vpn[n] = q.vpn[i];
      chunk.arg[n] = q.arg[i];
      chunk.kind[n] = q.kind[i];
      if (q.op[i] === OsOp.ACCESS) this.#emitted++;
      n++;
    }
    chunk.length = n;
    return n;
  }
}

class BigmemWorkload extends ScriptedWorkload {
  readonly #pages: number;
  #started = false;
  #touched = 0;

  constructor(options: ResolvedOsWorkloadOptions) {
    super(options);
    this.#pages = Math.floor(options.footprintBytes / 4096);
    this.warmupAccesses = this.#pages;
  }

  protected step(): void {
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, 1, 0, 0, 0);
      for (let v = 0; v < this.vcpus; v++) this.emit(OsOp.SWITCH, v, 1, 0, 0, 0);
    }
    // Every vCPU runs a thread of the one process: accesses alternate between them.
    for (let i = 0; i < 1024; i++) {
      const v = this.nextVcpu();
      if (this.#touched < this.#pages) this.access(v, HEAP + this.#touched++, true);
      else this.mixed(v, HEAP + this.prng.below(this.#pages));
    }
  }
}

/**
 * `make -jN`. Slot s holds one job at a time and runs on vCPU s mod vcpus;
 * when its job exits, make wakes on that vCPU and forks the next one there.
 */
class BuildWorkload extends ScriptedWorkload {
  readonly #meanPages: number;
  readonly #perPage: number;
  readonly #yieldEvery: number;
  readonly #slots: number;
  /** Per slot: its job's pid, pages, pages mapped so far, accesses until its next fault. */
  readonly #pid: Int32Array;
  readonly #pages: Int32Array;
  readonly #touched: Int32Array;
  readonly #untilFault: Float64Array;
  /** Per slot: pages still to touch back to back in the warm-up. */
  readonly #burst: Int32Array;
  /** Per vCPU: the slot it runs, and accesses until its next context switch. */
  readonly #current: Int32Array;
  readonly #untilYield: Float64Array;
  /** Warm-up: the next slot to start, and whether make has touched its heap. */
  #warmSlot = 0;
  #started = false;
  #nextPid = 2;

  constructor(options: ResolvedOsWorkloadOptions) {
    super(options);
    const slots = options.jobs;
    this.#slots = slots;
    this.#meanPages = Math.max(1, Math.floor(options.footprintBytes / 4096));
    this.#perPage = options.accessesPerPage;
    this.#yieldEvery = options.yieldEvery;
    this.#pid = new Int32Array(slots);
    this.#pages = new Int32Array(slots);
    this.#touched = new Int32Array(slots);
    this.#untilFault = new Float64Array(slots);
    this.#burst = new Int32Array(slots);
    this.#current = new Int32Array(this.vcpus);
    this.#untilYield = new Float64Array(this.vcpus);
    // The build has been running a while: each slot's first job is found at a
    // random point of its life, its heap mapped that far (touched in the
    // warm-up; at least a page, so that the warm-up ends on an access).
    let warm = MAKE_PAGES;
    for (let s = 0; s < slots; s++) {
      this.#pages[s] = this.#jobPages();
      this.#burst[s] = 1 + Math.floor(this.prng.next() * (this.#pages[s] - 1));
      warm += MAKE_FORK_ACCESSES + CHILD_COW_WRITES + this.#burst[s];
    }
    for (let v = 0; v < this.vcpus; v++) {
      this.#untilYield[v] = 1 + this.prng.below(this.#yieldEvery);
    }
    this.warmupAccesses = warm;
  }

  /** Pages of a new job: uniform between half and one and a half times the mean. */
  #jobPages(): number {
    return Math.max(1, Math.round(this.#meanPages * (0.5 + this.prng.next())));
  }

  /** Make, on `v`, forks the job of slot `s`; the child writes a few pages and execs. */
  #startJob(s: number, v: number): void {
    const make = 1;
    const child = this.#nextPid++;
    this.emit(OsOp.SWITCH, v, make, 0, 0, 0);
    for (let i = 0; i < MAKE_FORK_ACCESSES; i++) this.mixed(v, HEAP + this.prng.below(MAKE_PAGES));
    this.emit(OsOp.FORK, v, make, 0, child, 0);
    this.emit(OsOp.SWITCH, v, child, 0, 0, 0);
    for (let i = 0; i < CHILD_COW_WRITES; i++) {
      this.access(v, HEAP + this.prng.below(MAKE_PAGES), true);
    }
    this.emit(OsOp.EXEC, v, child, 0, 0, 0);
    this.#pid[s] = child;
    this.#touched[s] = 0;
    // The exec'd program's first access maps its first page.
    this.#untilFault[s] = 0;
    this.#current[v] = s;
  }

  protected step(): void {
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, 1, 0, 0, 0);
      this.emit(OsOp.SWITCH, 0, 1, 0, 0, 0);
      for (let p = 0; p < MAKE_PAGES; p++) this.access(0, HEAP + p, true);
      return;
    }
    if (this.#warmSlot < this.#slots) return this.#warmStep();
    const v = this.nextVcpu();
    if (v < this.#slots) this.#slice(v);
  }

  /** Starts the next slot's first job and maps the part of its heap it has reached. */
  #warmStep(): void {
    const s = this.#warmSlot;
    const v = s % this.vcpus;
    if (this.#pid[s] === 0) this.#startJob(s, v);
    const n = Math.min(this.#burst[s], TOUCH_BATCH);
    for (let i = 0; i < n; i++) this.access(v, HEAP + this.#touched[s]++, true);
    this.#burst[s] -= n;
    if (this.#burst[s] > 0) return;
    // Somewhere between two faults.
    this.#untilFault[s] = 1 + this.prng.below(this.#perPage);
    this.#warmSlot++;
  }

  /** `v` runs its current job for a slice: work, demand faults, a switch, an exit. */
  #slice(v: number): void {
    const perPage = this.#perPage;
    for (let i = 0; i < SLICE_ACCESSES; i++) {
      if (--this.#untilYield[v] <= 0) {
        this.#untilYield[v] = this.#yieldEvery;
        this.#yield(v);
      }
      const s = this.#current[v];
      if (this.#untilFault[s] > 0) {
        this.#untilFault[s]--;
        this.mixed(v, HEAP + this.prng.below(this.#touched[s]));
      } else if (this.#touched[s] < this.#pages[s]) {
        // The heap grows by one page: a demand fault, by a load or a store alike.
        this.access(v, HEAP + this.#touched[s]++, this.prng.next() < 0.5);
        this.#untilFault[s] = perPage;
      } else {
        this.emit(OsOp.EXIT, v, this.#pid[s], 0, 0, 0);
        this.#pages[s] = this.#jobPages();
        this.#startJob(s, v);
      }
    }
  }

  /** The running job blocks: the vCPU's next job runs, or make wakes briefly and the job resumes. */
  #yield(v: number): void {
    const s = this.#current[v];
    const next = s + this.vcpus < this.#slots ? s + this.vcpus : v;
    if (next !== s) {
      this.#current[v] = next;
      this.emit(OsOp.SWITCH, v, this.#pid[next], 0, 0, 0);
      return;
    }
    this.emit(OsOp.SWITCH, v, 1, 0, 0, 0);
    for (let i = 0; i < MAKE_WAKE_ACCESSES; i++) this.mixed(v, HEAP + this.prng.below(MAKE_PAGES));
    this.emit(OsOp.SWITCH, v, this.#pid[s], 0, 0, 0);
  }
}

class ServerWorkload extends ScriptedWorkload {
  readonly #processes: number;
  readonly #pages: number;
  readonly #switchEvery: number;
  readonly #munmapEvery: number;
  readonly #buffer: number;
  /** Warm-up: workers left to map their pages (the last one first), and how far the current got. */
  #warmLeft: number;
  #warmPage = 0;
  #started = false;
  /** Per vCPU: the worker it runs, and accesses until its next switch. */
  readonly #current: Int32Array;
  readonly #untilSwitch: Float64Array;
  /** Per worker: accesses until it unmaps its buffer. */
  readonly #untilUnmap: Float64Array;

  constructor(options: ResolvedOsWorkloadOptions) {
    super(options);
    const processes = options.processes;
    this.#processes = processes;
    this.#warmLeft = processes;
    this.#pages = Math.max(1, Math.floor(options.footprintBytes / 4096 / processes));
    this.#switchEvery = options.switchEvery;
    this.#munmapEvery = options.munmapEvery;
    this.#buffer = options.bufferPages;
    this.#current = new Int32Array(this.vcpus);
    this.#untilSwitch = new Float64Array(this.vcpus);
    this.#untilUnmap = new Float64Array(processes);
    // In steady state each vCPU and worker is somewhere between two events.
    for (let v = 0; v < this.vcpus; v++) {
      this.#current[v] = v;
      this.#untilSwitch[v] = 1 + this.prng.below(this.#switchEvery);
    }
    for (let w = 0; w < processes; w++) {
      this.#untilUnmap[w] = 1 + this.prng.below(this.#munmapEvery);
    }
    this.warmupAccesses = this.#pages * processes;
  }

  protected step(): void {
    if (!this.#started) {
      this.#started = true;
      for (let w = 0; w < this.#processes; w++) {
        this.emit(OsOp.SPAWN, w % this.vcpus, w + 1, 0, 0, 0);
      }
    }
    if (this.#warmLeft > 0) return this.#warmStep();
    const v = this.nextVcpu();
    if (v < this.#processes) this.#slice(v);
  }

  /**
   * Each worker, on its vCPU, maps its working set, the last worker first:
   * the warm-up ends with every vCPU v running worker v, its first, so no
   * event of the warm-up spills past its last access into the measured ones.
   */
  #warmStep(): void {
    const w = this.#warmLeft - 1;
    const v = w % this.vcpus;
    if (this.#warmPage === 0) this.emit(OsOp.SWITCH, v, w + 1, 0, 0, 0);
    const n = Math.min(this.#pages - this.#warmPage, TOUCH_BATCH);
    for (let i = 0; i < n; i++) this.access(v, HEAP + this.#warmPage++, true);
    if (this.#warmPage < this.#pages) return;
    this.#warmPage = 0;
    this.#warmLeft--;
  }

  /** `v` serves the workers w with w mod vcpus = v, switching every `switchEvery` accesses. */
  #slice(v: number): void {
    for (let i = 0; i < SLICE_ACCESSES; i++) {
      if (--this.#untilSwitch[v] <= 0) {
        this.#untilSwitch[v] = this.#switchEvery;
        let w = this.#current[v] + this.vcpus;
        if (w >= this.#processes) w = v;
        this.#current[v] = w;
        this.emit(OsOp.SWITCH, v, w + 1, 0, 0, 0);
      }
      const w = this.#current[v];
      this.mixed(v, HEAP + this.prng.below(this.#pages));
      if (--this.#untilUnmap[w] <= 0) {
        this.#untilUnmap[w] = this.#munmapEvery;
        const start = HEAP + this.#pages + 16;
        this.emit(OsOp.MUNMAP, v, w + 1, start, this.#buffer, 0);
        for (let p = 0; p < this.#buffer; p++) this.access(v, start + p, true);
      }
    }
  }
}

class ThreadsWorkload extends ScriptedWorkload {
  readonly #pages: number;
  readonly #buffer: number;
  readonly #round: number;
  readonly #idleEvery: number;
  #started = false;
  #warmPage = 0;
  /** Per thread (= vCPU): accesses until it unmaps its buffer, until it idles, and whether it is idle. */
  readonly #untilUnmap: Float64Array;
  readonly #untilIdle: Float64Array;
  readonly #idleNow: Uint8Array;

  constructor(options: ResolvedOsWorkloadOptions) {
    super(options);
    this.#pages = Math.floor(options.footprintBytes / 4096);
    this.#buffer = options.bufferPages;
    this.#round = options.roundAccesses;
    this.#idleEvery = options.idleEvery;
    this.#untilUnmap = new Float64Array(this.vcpus);
    this.#untilIdle = new Float64Array(this.vcpus);
    this.#idleNow = new Uint8Array(this.vcpus);
    for (let t = 0; t < this.vcpus; t++) {
      this.#untilUnmap[t] = 1 + this.prng.below(this.#round);
      this.#untilIdle[t] = 1 + this.prng.below(this.#idleEvery);
    }
    this.warmupAccesses = this.#pages + this.vcpus * this.#buffer;
  }

  protected step(): void {
    const pid = 1;
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, pid, 0, 0, 0);
      for (let v = 0; v < this.vcpus; v++) this.emit(OsOp.SWITCH, v, pid, 0, 0, 0);
    }
    if (this.#warmPage < this.#pages) {
      // The threads map the shared heap together, then each its buffer.
      const n = Math.min(this.#pages - this.#warmPage, TOUCH_BATCH);
      for (let i = 0; i < n; i++, this.#warmPage++) {
        this.access(this.#warmPage % this.vcpus, HEAP + this.#warmPage, true);
      }
      if (this.#warmPage < this.#pages) return;
      for (let t = 0; t < this.vcpus; t++) this.#fill(t);
      return;
    }
    this.#slice(this.nextVcpu());
  }

  #fill(t: number): void {
    const buffer = BUFFERS + t * 4096;
    for (let p = 0; p < this.#buffer; p++) this.access(t, buffer + p, true);
  }

  /** Thread `t` works on its buffer and the heap; unmaps and refills its buffer; idles. */
  #slice(t: number): void {
    const pid = 1;
    if (this.#idleNow[t] === 1) {
      this.#idleNow[t] = 0;
      this.emit(OsOp.SWITCH, t, pid, 0, 0, 0);
    }
    const buffer = BUFFERS + t * 4096;
    for (let i = 0; i < SLICE_ACCESSES; i++) {
      if (this.prng.next() < 0.5) this.mixed(t, buffer + this.prng.below(this.#buffer));
      else this.mixed(t, HEAP + this.prng.below(this.#pages));
      if (--this.#untilUnmap[t] <= 0) {
        this.#untilUnmap[t] = this.#round;
        this.emit(OsOp.MUNMAP, t, pid, buffer, this.#buffer, 0);
        this.#fill(t);
      }
      if (--this.#untilIdle[t] <= 0) {
        this.#untilIdle[t] = this.#idleEvery;
        if (this.vcpus > 1) {
          // Idle until the stream comes back to this vCPU: the others run meanwhile.
          this.#idleNow[t] = 1;
          this.emit(OsOp.SWITCH, t, -1, 0, 0, 0);
          return;
        }
      }
    }
  }
}

/** A registry entry of an OS workload. */
export interface OsWorkloadEntry {
  /** One sentence for `--help` and reports. */
  readonly description: string;
  /** Builds the generator from validated options. */
  readonly create: (options: ResolvedOsWorkloadOptions) => OsEventGenerator;
}

/**
 * Every OS workload, by name.
 *
 * @example
 * ```ts
 * import { OS_WORKLOADS } from "./os_workloads.ts";
 * if (Object.keys(OS_WORKLOADS).join() !== "build,server,bigmem,threads") throw new Error();
 * ```
 */
export const OS_WORKLOADS: Readonly<Record<string, OsWorkloadEntry>> = {
  build: {
    description:
      "make -jN, a job per vCPU: make forks each job (COW faults), which execs, grows its heap a demand fault per ~52,600 accesses (a kernel build's rate, perf stat; core/os/os_rates.ts) and exits",
    create: (options) => new BuildWorkload(options),
  },
  server: {
    description:
      "worker processes with private working sets, a context switch per ~305,000 accesses on a vCPU (nginx's rate, perf stat; core/os/os_rates.ts), buffers unmapped and refaulted at its page-fault rate",
    create: (options) => new ServerWorkload(options),
  },
  bigmem: {
    description:
      "one process, a large footprint touched once (in the warm-up) then accessed at random from every vCPU: TLB-miss heavy, no page-table change",
    create: (options) => new BigmemWorkload(options),
  },
  threads: {
    description:
      "a thread per vCPU fills a buffer, works and unmaps it (a shootdown of the other vCPUs) at a multithreaded encoder's page-fault rate, ~255,000 accesses per fault (SVT-VP9, perf stat; core/os/os_rates.ts)",
    create: (options) => new ThreadsWorkload(options),
  },
};

/**
 * Builds the named OS workload.
 *
 * @example
 * ```ts
 * import { createOsWorkload } from "./os_workloads.ts";
 * import { createOsEventChunk } from "./os_event.ts";
 * const gen = createOsWorkload("threads", { accesses: 1000, footprintBytes: 1 << 20, seed: 1, vcpus: 2 });
 * const chunk = createOsEventChunk();
 * let accesses = 0;
 * while (gen.fill(chunk) > 0) for (let i = 0; i < chunk.length; i++) if (chunk.op[i] === 0) accesses++;
 * if (accesses !== 1000 + gen.warmupAccesses) throw new Error();
 * ```
 * @throws {ConfigError} for an unknown name or a bad option, naming the field
 */
export function createOsWorkload(name: string, options: OsWorkloadOptions): OsEventGenerator {
  if (!Object.hasOwn(OS_WORKLOADS, name)) {
    throw new ConfigError(
      `OS workload ${JSON.stringify(name)}`,
      undefined,
      `no such workload; known workloads: ${Object.keys(OS_WORKLOADS).join(", ")}`,
    );
  }
  const resolved = validateConfig(OS_WORKLOAD_OPTIONS_FIELDS, options, {
    component: `options of OS workload ${JSON.stringify(name)}`,
  });
  return OS_WORKLOADS[name].create(resolved);
}
