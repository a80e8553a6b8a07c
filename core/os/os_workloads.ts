/**
 * OS workload generators: seeded streams of accesses mixed with the process
 * and memory-management events a kernel sees, at rates set by options.
 *
 * - `build`: a make-like parent forks a compile job after job; each job
 *   copy-on-write faults a few pages, execs, demand-pages its footprint,
 *   works, exits. Page-table-update heavy.
 * - `server`: worker processes with private working sets, context switches
 *   every few hundred accesses, buffers unmapped and refaulted now and then.
 * - `bigmem`: one process, a large footprint touched once, then random
 *   accesses over it: TLB-miss heavy, no page-table updates.
 * - `threads`: one process with a thread per vCPU that fills a buffer,
 *   works, and unmaps it, shooting the buffer down on the other vCPUs;
 *   threads go idle now and then.
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import { ConfigError } from "../base/config_error.ts";
import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  validateConfig,
} from "../base/config_fields.ts";
import { createOsEventChunk, type OsEventChunk, type OsEventGenerator, OsOp } from "./os_event.ts";

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
      "memory in play: bigmem its footprint, build each job's, server all workers' together, threads the shared heap",
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
    description: "vCPUs the stream runs on",
  },
  storeFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.3,
    description: "fraction of accesses that are stores",
  },
  accessesPerPage: {
    kind: "integer",
    min: 1,
    max: 1e6,
    default: 8,
    unit: "accesses",
    description: "build: accesses per page of a job's footprint (the job's length)",
  },
  processes: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 8,
    description: "server: worker processes",
  },
  switchEvery: {
    kind: "integer",
    min: 1,
    max: 1e9,
    default: 500,
    unit: "accesses",
    description: "server: accesses between context switches on a vCPU",
  },
  munmapEvery: {
    kind: "integer",
    min: 1,
    max: 1e9,
    default: 5000,
    unit: "accesses",
    description: "server: accesses between a worker's buffer unmaps",
  },
  bufferPages: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 16,
    unit: "pages",
    description:
      "threads: pages of the buffer each round fills and unmaps (server: the buffer it unmaps)",
  },
  roundAccesses: {
    kind: "integer",
    min: 1,
    max: 1e9,
    default: 256,
    unit: "accesses",
    description: "threads: accesses per round between filling and unmapping the buffer",
  },
  idleFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.25,
    description: "threads: chance that a thread goes idle after a round",
  },
} as const satisfies ConfigFields;

/** Options of the OS workloads, as users write them; see {@linkcode OS_WORKLOAD_OPTIONS_FIELDS}. */
export type OsWorkloadOptions = ConfigInput<typeof OS_WORKLOAD_OPTIONS_FIELDS>;

/** {@linkcode OsWorkloadOptions} with every default filled in. */
export type ResolvedOsWorkloadOptions = ConfigValues<typeof OS_WORKLOAD_OPTIONS_FIELDS>;

const HEAP = 0x10000;
const BUFFERS = 0x400000;

/** A generator built from steps: each step appends a few events to a queue. */
abstract class ScriptedWorkload implements OsEventGenerator {
  readonly warmupAccesses: number;
  readonly vcpus: number;
  protected readonly prng: Prng;
  protected readonly stores: number;
  // The word an access touches in its page, from a stream of its own so that
  // the events and pages drawn from `prng` do not change with it.
  readonly #words: Prng;
  readonly #total: number;
  #emitted = 0;
  #queue: OsEventChunk = createOsEventChunk(8192);
  #head = 0;

  constructor(options: ResolvedOsWorkloadOptions, warmup: number) {
    this.vcpus = options.vcpus;
    this.stores = options.storeFraction;
    this.prng = new Prng(options.seed);
    this.#words = new Prng(options.seed, 1);
    this.warmupAccesses = warmup;
    this.#total = warmup + options.accesses;
  }

  /** Appends the events of one step (at least one). */
  protected abstract step(): void;

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
    let n = 0;
    while (n < cap && this.#emitted < this.#total) {
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
  #vcpu = 0;

  constructor(options: ResolvedOsWorkloadOptions) {
    const pages = Math.floor(options.footprintBytes / 4096);
    super(options, pages);
    this.#pages = pages;
  }

  protected step(): void {
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, 1, 0, 0, 0);
      for (let v = 0; v < this.vcpus; v++) this.emit(OsOp.SWITCH, v, 1, 0, 0, 0);
    }
    for (let i = 0; i < 1024; i++) {
      const v = this.#vcpu;
      this.#vcpu = (v + 1) % this.vcpus;
      if (this.#touched < this.#pages) this.access(v, HEAP + this.#touched++, true);
      else this.mixed(v, HEAP + this.prng.below(this.#pages));
    }
  }
}

class BuildWorkload extends ScriptedWorkload {
  readonly #pages: number;
  readonly #perPage: number;
  #started = false;
  #job = 0;
  #nextPid = 2;

  constructor(options: ResolvedOsWorkloadOptions) {
    const pages = Math.floor(options.footprintBytes / 4096);
    const perPage = options.accessesPerPage;
    super(options, Math.min(options.accesses, pages * (perPage + 1)));
    this.#pages = pages;
    this.#perPage = perPage;
  }

  protected step(): void {
    const make = 1;
    const makePages = 256;
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, make, 0, 0, 0);
      this.emit(OsOp.SWITCH, 0, make, 0, 0, 0);
      for (let p = 0; p < makePages; p++) this.access(0, HEAP + p, true);
    }
    const v = this.#job++ % this.vcpus;
    const child = this.#nextPid++;
    this.emit(OsOp.SWITCH, v, make, 0, 0, 0);
    for (let i = 0; i < 64; i++) this.mixed(v, HEAP + this.prng.below(makePages));
    this.emit(OsOp.FORK, v, make, 0, child, 0);
    this.emit(OsOp.SWITCH, v, child, 0, 0, 0);
    // Between fork and exec the child writes a few pages (stack, locals): COW faults.
    for (let i = 0; i < 4; i++) this.access(v, HEAP + this.prng.below(makePages), true);
    this.emit(OsOp.EXEC, v, child, 0, 0, 0);
    for (let p = 0; p < this.#pages; p++) this.access(v, HEAP + p, this.prng.next() < 0.5);
    const work = this.#pages * this.#perPage;
    for (let i = 0; i < work; i++) this.mixed(v, HEAP + this.prng.below(this.#pages));
    this.emit(OsOp.EXIT, v, child, 0, 0, 0);
  }
}

class ServerWorkload extends ScriptedWorkload {
  readonly #processes: number;
  readonly #pages: number;
  readonly #switchEvery: number;
  readonly #munmapEvery: number;
  readonly #buffer: number;
  #started = false;
  #vcpu = 0;
  readonly #next: Int32Array;
  readonly #sinceUnmap: Float64Array;

  constructor(options: ResolvedOsWorkloadOptions) {
    const processes = options.processes;
    const pages = Math.max(1, Math.floor(options.footprintBytes / 4096 / processes));
    super(options, pages * processes);
    this.#processes = processes;
    this.#pages = pages;
    this.#switchEvery = options.switchEvery;
    this.#munmapEvery = options.munmapEvery;
    this.#buffer = options.bufferPages;
    this.#next = new Int32Array(this.vcpus);
    this.#sinceUnmap = new Float64Array(processes);
  }

  protected step(): void {
    if (!this.#started) {
      this.#started = true;
      for (let w = 0; w < this.#processes; w++) {
        const v = w % this.vcpus;
        this.emit(OsOp.SPAWN, v, w + 1, 0, 0, 0);
        this.emit(OsOp.SWITCH, v, w + 1, 0, 0, 0);
        for (let p = 0; p < this.#pages; p++) this.access(v, HEAP + p, true);
      }
    }
    // Each vCPU serves the workers w with w % vcpus == v, in turn.
    const v = this.#vcpu;
    this.#vcpu = (v + 1) % this.vcpus;
    const mine = Math.ceil((this.#processes - v) / this.vcpus);
    if (mine <= 0) {
      this.emit(OsOp.SWITCH, v, -1, 0, 0, 0);
      return;
    }
    const w = v + this.vcpus * (this.#next[v]++ % mine);
    const pid = w + 1;
    this.emit(OsOp.SWITCH, v, pid, 0, 0, 0);
    for (let i = 0; i < this.#switchEvery; i++) {
      this.mixed(v, HEAP + this.prng.below(this.#pages));
    }
    this.#sinceUnmap[w] += this.#switchEvery;
    if (this.#sinceUnmap[w] >= this.#munmapEvery) {
      this.#sinceUnmap[w] = 0;
      const start = HEAP + this.#pages + 16;
      this.emit(OsOp.MUNMAP, v, pid, start, this.#buffer, 0);
      for (let p = 0; p < this.#buffer; p++) this.access(v, start + p, true);
    }
  }
}

class ThreadsWorkload extends ScriptedWorkload {
  readonly #pages: number;
  readonly #buffer: number;
  readonly #round: number;
  readonly #idle: number;
  #started = false;
  #thread = 0;
  readonly #idleNow: Uint8Array;

  constructor(options: ResolvedOsWorkloadOptions) {
    const pages = Math.floor(options.footprintBytes / 4096);
    super(options, pages);
    this.#pages = pages;
    this.#buffer = options.bufferPages;
    this.#round = options.roundAccesses;
    this.#idle = options.idleFraction;
    this.#idleNow = new Uint8Array(this.vcpus);
  }

  protected step(): void {
    const pid = 1;
    if (!this.#started) {
      this.#started = true;
      this.emit(OsOp.SPAWN, 0, pid, 0, 0, 0);
      for (let v = 0; v < this.vcpus; v++) this.emit(OsOp.SWITCH, v, pid, 0, 0, 0);
      for (let p = 0; p < this.#pages; p++) this.access(p % this.vcpus, HEAP + p, true);
    }
    const t = this.#thread;
    this.#thread = (t + 1) % this.vcpus;
    if (this.#idleNow[t] === 1) {
      this.#idleNow[t] = 0;
      this.emit(OsOp.SWITCH, t, pid, 0, 0, 0);
    }
    const buffer = BUFFERS + t * 4096;
    for (let p = 0; p < this.#buffer; p++) this.access(t, buffer + p, true);
    for (let i = 0; i < this.#round; i++) {
      if (this.prng.next() < 0.5) this.mixed(t, buffer + this.prng.below(this.#buffer));
      else this.mixed(t, HEAP + this.prng.below(this.#pages));
    }
    this.emit(OsOp.MUNMAP, t, pid, buffer, this.#buffer, 0);
    if (this.vcpus > 1 && this.prng.next() < this.#idle) {
      this.#idleNow[t] = 1;
      this.emit(OsOp.SWITCH, t, -1, 0, 0, 0);
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
      "fork/exec/exit-heavy: a make-like parent forks compile jobs that COW-fault, exec, demand-page and exit",
    create: (options) => new BuildWorkload(options),
  },
  server: {
    description:
      "worker processes with private working sets, frequent context switches, buffers unmapped and refaulted",
    create: (options) => new ServerWorkload(options),
  },
  bigmem: {
    description:
      "one process, a large footprint touched once then accessed at random: TLB-miss heavy",
    create: (options) => new BigmemWorkload(options),
  },
  threads: {
    description:
      "a thread per vCPU fills a buffer, works and unmaps it: munmap shootdowns across vCPUs",
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
