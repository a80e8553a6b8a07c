/**
 * The unit of work that flows from a workload to the MMU: a batch of memory
 * accesses held column-wise in typed arrays, so that generators and trace
 * readers fill it without allocating and the MMU walks it with plain indexing.
 *
 * Addresses are split into a 4 KiB page number and an offset: a 57-bit virtual
 * address does not fit a JavaScript number exactly, but its page number does.
 *
 * @module
 */

/** Kind of an access, stored in {@linkcode AccessChunk.kind}. */
export const AccessKind = {
  /** A data read. */
  LOAD: 0,
  /** A data write. */
  STORE: 1,
  /** A read-modify-write (lackey `M`): one access that also writes. */
  MODIFY: 2,
  /** An instruction fetch (lackey `I`), only when instruction fetches are modelled. */
  IFETCH: 3,
} as const;

/** One of the values of {@linkcode AccessKind}. */
export type AccessKind = typeof AccessKind[keyof typeof AccessKind];

/** A column-wise batch of accesses; only the first `length` slots are valid. */
export interface AccessChunk {
  /** Virtual address divided by 4096 (the 4 KiB page number). */
  readonly vpn: Float64Array;
  /** Byte offset within the 4 KiB page, 0 to 4095. */
  readonly offset: Uint16Array;
  /** Access size in bytes (1 to 255); an access may straddle two pages. */
  readonly size: Uint8Array;
  /** {@linkcode AccessKind} of each access. */
  readonly kind: Uint8Array;
  /** Address-space tag (process/PCID index) of each access; 0 for single-space workloads. */
  readonly space: Uint16Array;
  /** Number of valid accesses. */
  length: number;
}

/** Default chunk capacity: large enough to amortise per-chunk work, small enough for L2. */
export const DEFAULT_CHUNK_CAPACITY = 4096;

/**
 * Allocates an empty chunk.
 *
 * @example Make a chunk and put one access in it
 * ```ts
 * import { AccessKind, createAccessChunk } from "./access_chunk.ts";
 * const chunk = createAccessChunk(16);
 * chunk.vpn[0] = 0x7fff0;
 * chunk.offset[0] = 8;
 * chunk.size[0] = 8;
 * chunk.kind[0] = AccessKind.STORE;
 * chunk.length = 1;
 * ```
 */
export function createAccessChunk(capacity: number = DEFAULT_CHUNK_CAPACITY): AccessChunk {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`Chunk capacity must be a positive integer, got ${capacity}`);
  }
  return {
    vpn: new Float64Array(capacity),
    offset: new Uint16Array(capacity),
    size: new Uint8Array(capacity),
    kind: new Uint8Array(capacity),
    space: new Uint16Array(capacity),
    length: 0,
  };
}

/**
 * A finite, seeded stream of accesses. `fill` writes up to the chunk's
 * capacity and returns how many it wrote; 0 means the stream has ended.
 * Synchronous, so synthetic workloads can run inside a pure experiment step.
 */
export interface AccessGenerator {
  /** Fills `chunk` from its start, sets `chunk.length`, and returns it (0 at the end). */
  fill(chunk: AccessChunk): number;
}
