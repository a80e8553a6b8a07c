/**
 * Runs a plain access stream (a synthetic generator) as one process on the
 * guest OS model, its accesses spread round-robin over the vCPUs as threads
 * of that process, so any synthetic workload can run in shadow mode too.
 *
 * @module
 */

import { type AccessGenerator, AccessKind, createAccessChunk } from "../base/access_chunk.ts";
import { type OsEventChunk, type OsEventGenerator, OsOp } from "./os_event.ts";

/**
 * Wraps an access generator as an OS event stream: spawn process 1, run it
 * on every vCPU, then its accesses (stores and read-modify-writes as stores).
 *
 * @example
 * ```ts
 * import { SingleProcessStream } from "./access_stream.ts";
 * import { createOsEventChunk } from "./os_event.ts";
 * import { createWorkload } from "../workload/workloads.ts";
 * const stream = new SingleProcessStream(
 *   createWorkload("random", { accesses: 100, footprintBytes: 1 << 20, seed: 1 }), 2);
 * const chunk = createOsEventChunk();
 * let events = 0;
 * while (stream.fill(chunk) > 0) events += chunk.length;
 * if (events !== 1 + 2 + 100) throw new Error();
 * ```
 */
export class SingleProcessStream implements OsEventGenerator {
  /** No warm-up: every access is measured. */
  readonly warmupAccesses = 0;
  /** vCPUs the accesses are spread over. */
  readonly vcpus: number;
  readonly #source: AccessGenerator;
  readonly #chunk = createAccessChunk();
  #started = false;
  #next = 0;
  #vcpu = 0;

  /**
   * Creates the stream.
   * @param source the accesses
   * @param vcpus vCPUs to spread them over (default 1)
   */
  constructor(source: AccessGenerator, vcpus: number = 1) {
    this.#source = source;
    this.vcpus = vcpus;
  }

  /** Fills `chunk` with the next events. */
  fill(chunk: OsEventChunk): number {
    let n = 0;
    if (!this.#started) {
      this.#started = true;
      chunk.op[n] = OsOp.SPAWN;
      chunk.pid[n] = 1;
      chunk.vcpu[n++] = 0;
      for (let v = 0; v < this.vcpus; v++) {
        chunk.op[n] = OsOp.SWITCH;
        chunk.pid[n] = 1;
        chunk.vcpu[n++] = v;
      }
    }
    const cap = chunk.op.length;
    const src = this.#chunk;
    while (n < cap) {
      if (this.#next === src.length) {
        this.#next = 0;
        if (this.#source.fill(src) === 0) break;
      }
      const i = this.#next++;
      const kind = src.kind[i];
      chunk.op[n] = OsOp.ACCESS;
      chunk.vcpu[n] = this.#vcpu;
      chunk.vpn[n] = src.vpn[i];
      chunk.arg[n] = src.offset[i];
      chunk.kind[n] = kind === AccessKind.STORE || kind === AccessKind.MODIFY ? 1 : 0;
      this.#vcpu = this.#vcpu + 1 === this.vcpus ? 0 : this.#vcpu + 1;
      n++;
    }
    chunk.length = n;
    return n;
  }
}
