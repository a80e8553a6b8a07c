/**
 * An incremental decoder of ChampSim's binary instruction traces: a stream
 * of 64-byte `input_instr` records (ChampSim's `inc/trace_instruction.h`),
 * little endian, with no header:
 *
 * ```text
 * offset  size  field
 *      0     8  ip                          instruction address
 *      8     1  is_branch
 *      9     1  branch_taken
 *     10     2  destination_registers[2]
 *     12     4  source_registers[4]
 *     16    16  destination_memory[2]       addresses the instruction stores to
 *     32    32  source_memory[4]            addresses the instruction loads from
 * ```
 *
 * A zero address is an empty slot. A record carries no access size, so each
 * address becomes one access of 1 byte: it touches its own page only, never
 * the next one (ChampSim itself models each address as one cache line).
 * Loads come before stores within a record, as the instruction reads its
 * operands before it writes its result; with `instructions`, the fetch of
 * `ip` (1 byte, `IFETCH`) comes first of all.
 *
 * No I/O here: `experiments/cli/trace_file.ts` reads files (plain, `.gz`,
 * `.xz`, stdin) and feeds it.
 *
 * @module
 */

import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import { TraceError } from "./trace_error.ts";

/** Bytes of one ChampSim `input_instr` record. */
export const CHAMPSIM_RECORD_BYTES = 64;

/** Most accesses one record gives: a fetch, 4 loads, 2 stores. */
export const CHAMPSIM_MAX_ACCESSES_PER_RECORD = 7;

/** Options of a {@linkcode ChampSimDecoder}. */
export interface ChampSimDecoderOptions {
  /** Name of the trace in error messages: a file path, or `stdin`. */
  source: string;
  /** Whether each record's `ip` becomes an `IFETCH` access. Default false. */
  instructions?: boolean;
}

/** Records and accesses seen so far by a {@linkcode ChampSimDecoder}. */
export interface ChampSimCounts {
  /** Records (instructions) decoded. */
  records: number;
  /** Records with `is_branch` set. */
  branches: number;
  /** Non-empty source-memory slots (loads). */
  loads: number;
  /** Non-empty destination-memory slots (stores). */
  stores: number;
  /** Accesses written to chunks (loads, stores, and fetches when emitted). */
  accesses: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Decodes ChampSim records fed in byte blocks of any size (a record may
 * span blocks) into {@linkcode AccessChunk}s of capacity 7 or more. It keeps
 * at most one partial record (63 bytes) between blocks, so memory stays
 * bounded however large the trace.
 *
 * The protocol is {@linkcode LackeyParser}'s: `feed(bytes)`, then `parse(chunk)`
 * until it returns false (each `true` means the chunk is full: consume it,
 * set its length to 0, call again); after the last block `end()`, which
 * throws a {@linkcode TraceError} if the trace stops inside a record:
 * `Cannot parse trace "<source>": byte 128: truncated record (27 of 64 bytes)`.
 *
 * @example Decode one load-and-store record fed in two pieces
 * ```ts
 * import { AccessKind, createAccessChunk } from "../base/access_chunk.ts";
 * import { ChampSimDecoder } from "./champsim.ts";
 * const record = new Uint8Array(64);
 * const view = new DataView(record.buffer);
 * view.setBigUint64(0, 0x401000n, true); // ip
 * view.setBigUint64(16, 0x7ffe0010n, true); // destination_memory[0]
 * view.setBigUint64(32, 0x601238n, true); // source_memory[0]
 * const decoder = new ChampSimDecoder({ source: "demo" });
 * const chunk = createAccessChunk(16);
 * decoder.feed(record.subarray(0, 20));
 * decoder.parse(chunk);
 * decoder.feed(record.subarray(20));
 * decoder.parse(chunk);
 * decoder.end();
 * if (chunk.length !== 2 || chunk.kind[0] !== AccessKind.LOAD || chunk.kind[1] !== AccessKind.STORE) {
 *   throw new Error();
 * }
 * if (chunk.vpn[0] !== 0x601 || chunk.offset[0] !== 0x238 || chunk.vpn[1] !== 0x7ffe0) throw new Error();
 * ```
 */
export class ChampSimDecoder {
  /** Name of the trace in error messages. */
  readonly source: string;
  /** Whether `ip` is emitted as an `IFETCH` access. */
  readonly instructions: boolean;

  #input: Uint8Array = EMPTY;
  #view: DataView = new DataView(EMPTY.buffer);
  #pos = 0;
  #ended = false;
  #carry = new Uint8Array(CHAMPSIM_RECORD_BYTES);
  #carryView = new DataView(this.#carry.buffer);
  #carryLength = 0;

  #records = 0;
  #branches = 0;
  #loads = 0;
  #stores = 0;
  #accesses = 0;

  /**
   * Makes a decoder with nothing fed yet.
   *
   * @param options the trace's name for messages, and whether to emit instruction fetches.
   */
  constructor(options: ChampSimDecoderOptions) {
    this.source = options.source;
    this.instructions = options.instructions ?? false;
  }

  /**
   * Counts of what was decoded so far.
   *
   * @example
   * ```ts
   * import { ChampSimDecoder } from "./champsim.ts";
   * if (new ChampSimDecoder({ source: "x" }).counts.records !== 0) throw new Error();
   * ```
   */
  get counts(): ChampSimCounts {
    return {
      records: this.#records,
      branches: this.#branches,
      loads: this.#loads,
      stores: this.#stores,
      accesses: this.#accesses,
    };
  }

  /** Bytes consumed so far, a partial record kept between blocks included. */
  get bytes(): number {
    return this.#records * CHAMPSIM_RECORD_BYTES + this.#carryLength;
  }

  /**
   * Hands the decoder the next bytes of the trace. It keeps a reference to
   * them (no copy) until `parse` returns false.
   *
   * @throws {Error} if the previous block is not fully parsed or `end` was called.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { ChampSimDecoder } from "./champsim.ts";
   * const decoder = new ChampSimDecoder({ source: "x", instructions: true });
   * const record = new Uint8Array(64);
   * record[1] = 0x10; // ip 0x1000
   * decoder.feed(record);
   * const chunk = createAccessChunk();
   * decoder.parse(chunk);
   * if (chunk.length !== 1 || chunk.vpn[0] !== 1) throw new Error();
   * ```
   */
  feed(bytes: Uint8Array): void {
    if (this.#ended) throw new Error("ChampSimDecoder.feed() called after end()");
    if (this.#pos < this.#input.length) {
      throw new Error("ChampSimDecoder.feed() called before parse() consumed the previous input");
    }
    this.#input = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = 0;
  }

  /**
   * Declares the end of the trace.
   *
   * @throws {TraceError} if the trace stops inside a record, naming its byte offset.
   * @throws {Error} if the last block is not fully parsed.
   *
   * @example A trace one byte short of a record
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { ChampSimDecoder } from "./champsim.ts";
   * const decoder = new ChampSimDecoder({ source: "t.champsim" });
   * decoder.feed(new Uint8Array(127));
   * decoder.parse(createAccessChunk());
   * try {
   *   decoder.end();
   *   throw new Error("no error");
   * } catch (e) {
   *   if ((e as Error).message !== 'Cannot parse trace "t.champsim": byte 64: truncated record (63 of 64 bytes)') throw e;
   * }
   * ```
   */
  end(): void {
    if (this.#pos < this.#input.length) {
      throw new Error("ChampSimDecoder.end() called before parse() consumed the last input");
    }
    this.#ended = true;
    this.#input = EMPTY;
    this.#pos = 0;
    if (this.#carryLength > 0) {
      throw new TraceError(
        `Cannot parse trace ${JSON.stringify(this.source)}: byte ${
          this.#records * CHAMPSIM_RECORD_BYTES
        }: truncated record (${this.#carryLength} of ${CHAMPSIM_RECORD_BYTES} bytes)`,
      );
    }
  }

  /**
   * Decodes fed bytes into `chunk`, appending from `chunk.length`.
   *
   * @returns true when the chunk is full (it has fewer than 7 free slots:
   *   consume it, reset its length and call again); false when the fed bytes
   *   are used up.
   * @throws {RangeError} for a chunk of capacity under 7.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { ChampSimDecoder } from "./champsim.ts";
   * const decoder = new ChampSimDecoder({ source: "x", instructions: true });
   * decoder.feed(new Uint8Array(64 * 10).fill(1)); // every slot non-zero: 7 accesses a record
   * const chunk = createAccessChunk(20);
   * let full = 0;
   * while (decoder.parse(chunk)) {
   *   full++;
   *   chunk.length = 0;
   * }
   * if (full !== 4 || chunk.length !== 14) throw new Error();
   * ```
   */
  parse(chunk: AccessChunk): boolean {
    const capacity = chunk.vpn.length;
    if (capacity < CHAMPSIM_MAX_ACCESSES_PER_RECORD) {
      throw new RangeError(
        `ChampSimDecoder needs chunks of at least ${CHAMPSIM_MAX_ACCESSES_PER_RECORD} slots`,
      );
    }
    const limit = capacity - CHAMPSIM_MAX_ACCESSES_PER_RECORD;
    let n = chunk.length;
    if (n > limit) return true;
    const input = this.#input;
    const length = input.length;
    let pos = this.#pos;

    // A record that began in an earlier block is finished first, from the carry.
    if (this.#carryLength > 0) {
      const want = CHAMPSIM_RECORD_BYTES - this.#carryLength;
      const take = Math.min(want, length - pos);
      this.#carry.set(input.subarray(pos, pos + take), this.#carryLength);
      this.#carryLength += take;
      pos += take;
      this.#pos = pos;
      if (this.#carryLength < CHAMPSIM_RECORD_BYTES) return false;
      n = this.#record(chunk, n, this.#carryView, 0);
      this.#carryLength = 0;
      if (n > limit) {
        chunk.length = n;
        return true;
      }
    }

    const view = this.#view;
    while (pos + CHAMPSIM_RECORD_BYTES <= length) {
      if (n > limit) {
        chunk.length = n;
        this.#pos = pos;
        return true;
      }
      n = this.#record(chunk, n, view, pos);
      pos += CHAMPSIM_RECORD_BYTES;
    }
    // What is left is the start of a record: keep it for the next block.
    if (pos < length) {
      this.#carry.set(input.subarray(pos, length), 0);
      this.#carryLength = length - pos;
    }
    this.#pos = length;
    chunk.length = n;
    return false;
  }

  /** Appends the accesses of the record at `at` of `view` from slot `n`; returns the new fill. */
  #record(chunk: AccessChunk, n: number, view: DataView, at: number): number {
    const start = n;
    this.#records++;
    if (view.getUint8(at + 8) !== 0) this.#branches++;
    if (this.instructions) n = put(chunk, n, view, at, AccessKind.IFETCH);
    for (let slot = at + 32; slot < at + 64; slot += 8) {
      const before = n;
      n = put(chunk, n, view, slot, AccessKind.LOAD);
      this.#loads += n - before;
    }
    for (let slot = at + 16; slot < at + 32; slot += 8) {
      const before = n;
      n = put(chunk, n, view, slot, AccessKind.STORE);
      this.#stores += n - before;
    }
    this.#accesses += n - start;
    return n;
  }
}

/**
 * Writes the 1-byte access at the u64 address at `at` into slot `n`, unless
 * the address is 0 (an empty slot); returns the new fill. The page number
 * is hi × 2^20 + lo ÷ 2^12, exact in a float64 for any 64-bit address.
 */
function put(chunk: AccessChunk, n: number, view: DataView, at: number, kind: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (lo === 0 && hi === 0) return n;
  chunk.vpn[n] = hi * 1048576 + (lo >>> 12);
  chunk.offset[n] = lo & 0xfff;
  chunk.size[n] = 1;
  chunk.kind[n] = kind;
  chunk.space[n] = 0;
  return n + 1;
}
