/**
 * Traces of several processes on the guest OS model: accesses tagged with
 * their address space (`space` of an {@linkcode AccessChunk}, one per
 * process, as a vmtrace stores them or as several traces are merged) become
 * the events a kernel sees — each process spawned at its first access,
 * context switches where another process's access comes on a vCPU, and the
 * accesses themselves.
 *
 * The placement: space `s` is process `s + 1`, and it runs on vCPU
 * `s mod vcpus`, so processes share the vCPUs as evenly as their number
 * allows; the order of the accesses is the schedule.
 *
 * @module
 */

import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import { type OsEventChunk, OsOp } from "./os_event.ts";

/** Events one access can give: a spawn, a switch and the access. */
export const EVENTS_PER_TRACE_ACCESS = 3;

/**
 * Converts chunks of process-tagged accesses into guest OS event chunks.
 *
 * @example Two processes on one vCPU: spawns, switches, accesses
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { createOsEventChunk, OsOp } from "./os_event.ts";
 * import { TraceProcesses } from "./trace_processes.ts";
 * const accesses = createAccessChunk(3);
 * accesses.space.set([0, 1, 0]);
 * accesses.vpn.set([0x100, 0x100, 0x101]);
 * accesses.length = 3;
 * const events = createOsEventChunk(9);
 * new TraceProcesses(1).convert(accesses, events);
 * const ops = Array.from(events.op.subarray(0, events.length));
 * const { SPAWN, SWITCH, ACCESS } = OsOp;
 * if (ops.join() !== [SPAWN, SWITCH, ACCESS, SPAWN, SWITCH, ACCESS, SWITCH, ACCESS].join()) {
 *   throw new Error();
 * }
 * ```
 */
export class TraceProcesses {
  /** vCPUs the processes run on. */
  readonly vcpus: number;
  /** Per space: spawned yet. */
  #spawned = new Uint8Array(65536);
  /** Per vCPU: the pid running, 0 before any. */
  #running: Int32Array;
  #processes = 0;

  /**
   * Makes a converter with no process spawned yet.
   *
   * @param vcpus the machine's vCPUs (1 to 255)
   */
  constructor(vcpus: number) {
    if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 255) {
      throw new RangeError(`TraceProcesses needs 1 to 255 vCPUs, got ${vcpus}`);
    }
    this.vcpus = vcpus;
    this.#running = new Int32Array(vcpus);
  }

  /** Processes spawned so far. */
  get processes(): number {
    return this.#processes;
  }

  /**
   * Writes the events of `chunk`'s accesses into `out` from its start and
   * sets `out.length`.
   *
   * @throws {RangeError} if `out` has fewer than
   *   {@linkcode EVENTS_PER_TRACE_ACCESS} slots per access of `chunk`.
   */
  convert(chunk: AccessChunk, out: OsEventChunk): number {
    const length = chunk.length;
    if (out.op.length < EVENTS_PER_TRACE_ACCESS * length) {
      throw new RangeError(
        `TraceProcesses.convert() needs ${EVENTS_PER_TRACE_ACCESS} event slots per access`,
      );
    }
    const { vpn, offset, kind, space } = chunk;
    const vcpus = this.vcpus;
    const running = this.#running;
    let n = 0;
    for (let i = 0; i < length; i++) {
      const s = space[i];
      const pid = s + 1;
      const vcpu = s % vcpus;
      if (this.#spawned[s] === 0) {
        this.#spawned[s] = 1;
        this.#processes++;
        out.op[n] = OsOp.SPAWN;
        out.pid[n] = pid;
        out.vcpu[n++] = vcpu;
      }
      if (running[vcpu] !== pid) {
        running[vcpu] = pid;
        out.op[n] = OsOp.SWITCH;
        out.pid[n] = pid;
        out.vcpu[n++] = vcpu;
      }
      const k = kind[i];
      out.op[n] = OsOp.ACCESS;
      out.vcpu[n] = vcpu;
      out.pid[n] = pid;
      out.vpn[n] = vpn[i];
      out.arg[n] = offset[i];
      out.kind[n] = k === AccessKind.STORE || k === AccessKind.MODIFY ? 1 : 0;
      n++;
    }
    out.length = n;
    return n;
  }
}
