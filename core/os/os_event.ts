/**
 * The stream a guest OS model consumes: memory accesses mixed with the
 * high-level events a kernel turns into page-table writes, CR3 loads and
 * TLB flushes (spawn, exec, fork, exit, munmap, context switch, a flag scan).
 * Held column-wise in typed arrays so generators fill it without allocating.
 *
 * @module
 */

import { type EnumCodes, enumCodes } from "../base/enumeration.ts";

/** Names of the operations, in code order: the one list {@linkcode OsOp} is built from. */
export const OS_OP_NAMES = [
  // A memory access by the process running on `vcpu`: `vpn`, `kind` (0 load, 1 store), at byte `arg` of the page.
  "access",
  // A new process `pid` with an empty address space (not yet running anywhere).
  "spawn",
  // Process `pid` replaces its address space with an empty one (execve).
  "exec",
  // Process `pid` forks child `arg`: tables copied, private pages copy-on-write.
  "fork",
  // Process `pid` exits; its address space is torn down.
  "exit",
  // `vcpu` switches to process `pid`, or goes idle (keeping its address space loaded) for -1.
  "switch",
  // Process `pid` unmaps `arg` pages from `vpn`, issued on `vcpu`; shootdowns as needed.
  "munmap",
  // The kernel reads the accessed/dirty flags of `arg` pages from `vpn` of `pid` (reclaim scan).
  "scan",
] as const;

/** Operation codes of {@linkcode OsEventChunk.op}: `OsOp.ACCESS` is 0, in list order. */
export const OsOp: EnumCodes<typeof OS_OP_NAMES> = enumCodes(OS_OP_NAMES);

/** One of the values of {@linkcode OsOp}. */
export type OsOp = typeof OsOp[keyof typeof OsOp];

/** A column-wise batch of OS events; only the first `length` slots are valid. */
export interface OsEventChunk {
  /** {@linkcode OsOp} of each event. */
  readonly op: Uint8Array;
  /** vCPU the event happens on (accesses, switches, munmap). */
  readonly vcpu: Uint8Array;
  /** Process the event concerns (-1 for an idle switch). */
  readonly pid: Int32Array;
  /** 4 KiB page number (accesses, munmap, scan). */
  readonly vpn: Float64Array;
  /** Second operand: byte offset in the page (access), page count (munmap, scan) or child pid (fork). */
  readonly arg: Float64Array;
  /** Access kind: 0 load, 1 store. */
  readonly kind: Uint8Array;
  /** Number of valid events. */
  length: number;
}

/**
 * Allocates an empty event chunk.
 *
 * @example One store by the process on vCPU 0
 * ```ts
 * import { createOsEventChunk, OsOp } from "./os_event.ts";
 * const chunk = createOsEventChunk(4);
 * chunk.op[0] = OsOp.ACCESS;
 * chunk.vpn[0] = 0x1000;
 * chunk.kind[0] = 1;
 * chunk.length = 1;
 * ```
 */
export function createOsEventChunk(capacity: number = 4096): OsEventChunk {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`Chunk capacity must be a positive integer, got ${capacity}`);
  }
  return {
    op: new Uint8Array(capacity),
    vcpu: new Uint8Array(capacity),
    pid: new Int32Array(capacity),
    vpn: new Float64Array(capacity),
    arg: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    length: 0,
  };
}

/** A finite, seeded stream of OS events; `fill` returns how many it wrote, 0 at the end. */
export interface OsEventGenerator {
  /** Fills `chunk` from its start, sets `chunk.length` and returns it (0 at the end). */
  fill(chunk: OsEventChunk): number;
  /** Accesses at the start of the stream that warm the machine up and are not measured. */
  readonly warmupAccesses: number;
  /** vCPUs the stream uses (vCPU numbers are below this). */
  readonly vcpus: number;
}
