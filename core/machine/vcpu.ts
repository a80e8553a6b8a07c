/**
 * One virtual CPU: its MMU (its own TLBs and page-walk caches, in front of
 * the platform's walker), its own counters and cycles, and its clock. On a
 * discrete-event clock a vCPU is an agent: it runs a chunk of accesses,
 * its clock advances by the cycles the chunk was charged, and it wakes again
 * at that time, so vCPUs of one or several machines interleave by time.
 *
 * @module
 */

import type { Mmu } from "../mmu/mmu.ts";
import type { Platform } from "../os/platform.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { Stats } from "../cost/stats.ts";
import { type AccessChunk, type AccessGenerator, createAccessChunk } from "../base/access_chunk.ts";

/** What a vCPU tells its machine between chunks (background work such as promotion). */
export interface VcpuHost {
  /** Called after every chunk a vCPU ran on the clock. */
  afterChunk(vcpu: Vcpu): void;
}

/**
 * A vCPU.
 *
 * @example Two accesses through vCPU 0 of a native machine
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({}, getProfile("intel-skylake-sp"));
 * const vcpu = machine.vcpus[0];
 * vcpu.mmu.access(0x400, 0, 8, 0, 0);
 * vcpu.mmu.access(0x400, 8, 8, 1, 0);
 * if (vcpu.stats.counters[0] !== 2) throw new Error();
 * ```
 */
export class Vcpu implements ClockAgent {
  /** Its number in the machine. */
  readonly id: number;
  /** Its MMU. */
  readonly mmu: Mmu;
  /** Its counters and cycles. */
  readonly stats: Stats;
  /** Cycles of simulated time at which it is next free (its clock). */
  time = 0;
  readonly #platform: Platform;
  readonly #host: VcpuHost;
  readonly #exitCycles: Float64Array;
  #program: AccessGenerator | null = null;
  #chunk: AccessChunk | null = null;
  #clock: EventClock | null = null;
  #agent = -1;

  /**
   * Creates the vCPU around its MMU.
   * @param id its number
   * @param mmu its MMU, built by the platform
   * @param stats its statistics
   * @param platform the platform its guest-OS accesses go through
   * @param host told after every chunk it runs on a clock
   * @param exitCycles cycles of one exit of each reason (round trip and handler), by reason code
   */
  constructor(
    id: number,
    mmu: Mmu,
    stats: Stats,
    platform: Platform,
    host: VcpuHost,
    exitCycles: Float64Array,
  ) {
    this.id = id;
    this.mmu = mmu;
    this.stats = stats;
    this.#platform = platform;
    this.#host = host;
    this.#exitCycles = exitCycles;
  }

  /**
   * The vCPU exits to the hypervisor with `reason` (an `ExitReason`
   * code): counted and charged, round trip and handler work, in its stats.
   * @returns the cycles the exit took
   */
  exit(reason: number): number {
    const cycles = this.#exitCycles[reason];
    this.stats.exit(reason, cycles);
    return cycles;
  }

  /** Runs every access of `chunk` (a first-touch guest's accesses). */
  run(chunk: AccessChunk): void {
    this.mmu.run(chunk);
  }

  /**
   * One access by the guest OS's process on this vCPU to the word at byte
   * `offset` (default 0) of page `vpn`, through the platform (write
   * permissions checked, faults raised, the data read through the caches).
   * @returns the host frame accessed
   */
  access(vpn: number, write: number, offset: number = 0): number {
    return this.#platform.access(this.id, vpn, write, offset);
  }

  /**
   * Makes the vCPU an agent of `clock` running `program` from cycle `at`:
   * chunk after chunk until the program ends. Several vCPUs may share one
   * program (threads taking work from one stream).
   */
  start(clock: EventClock, program: AccessGenerator, at: number = clock.now): void {
    if (this.#program !== null) {
      throw new RangeError(`vCPU ${this.id} is running a program already`);
    }
    if (this.#clock !== clock) {
      this.#clock = clock;
      this.#agent = clock.addAgent(this);
    }
    this.#program = program;
    this.#chunk ??= createAccessChunk();
    this.time = Math.max(this.time, at);
    clock.schedule(this.time, this.#agent);
  }

  /** Called by the clock: runs one chunk, then waits until the cycles it took have passed. */
  wake(sim: EventClock): void {
    const program = this.#program;
    if (program === null) return;
    const chunk = this.#chunk!;
    if (program.fill(chunk) === 0) {
      this.#program = null;
      return;
    }
    const before = this.stats.totalCycles();
    this.mmu.run(chunk);
    this.#host.afterChunk(this);
    this.time = sim.now + (this.stats.totalCycles() - before);
    sim.schedule(this.time, this.#agent);
  }
}
