/**
 * vmlab's own compact binary trace format (`.vmtrace`), for replaying large
 * traces fast: an encoder and an incremental decoder, no I/O (files are read
 * and written in `experiments/cli/`).
 *
 * Layout, version 1 (integers little endian):
 *
 * ```text
 * header   16 B   magic 89 56 4D 54 52 0D 0A 1A ("\x89VMTR\r\n\x1a"), version u16 = 1,
 *                 page shift u8 = 12 (4 KiB pages), flags u8 = 0, reserved u32 = 0
 * chunk    8 B    accesses u32 (1 to 65,536), payload bytes u32
 *          …      payload: the accesses, delta-encoded (below)
 * …               more chunks
 * end      8 B    accesses u32 = 0, chunks u32
 * index    12 B   per chunk: byte offset of its header (u64), its accesses (u32)
 * trailer  32 B   byte offset of the end marker (u64), total accesses (u64),
 *                 address spaces (u32: one more than the largest), reserved u32 = 0,
 *                 magic "VMTRIDX\n"
 * ```
 *
 * An access is a tag byte, then the fields that changed, as LEB128 varints:
 * tag bits 0–1 the access kind (`AccessKind`); bit 2: the size follows (else the
 * previous access's size); bit 3: the address space follows (else the
 * previous one); bit 4: the page-number delta follows, zigzag-encoded (else
 * the same page); bits 5–7 zero. Then always the zigzag-encoded change of
 * the offset in the page. Each chunk starts from page 0, offset 0, size 1,
 * space 0, so any chunk decodes on its own: a reader can skip chunks by
 * their byte length, or seek through the index at the end. Sequential
 * accesses take 2 bytes; `ls`'s lackey trace (10.2 MB of text, 186,447
 * accesses besides its instruction fetches) takes 0.79 MB, 4.3 bytes an access.
 *
 * Page numbers are those of 64-bit addresses (below 2^52); sizes 1 to 255
 * bytes; spaces 0 to 65,535 (one per process: see `space` of
 * {@linkcode AccessChunk}).
 *
 * @module
 */

import type { AccessChunk } from "../base/access_chunk.ts";
import { TraceError } from "./trace_error.ts";

/** The file's first 8 bytes. */
export const VMTRACE_MAGIC: Uint8Array = Uint8Array.of(
  0x89,
  0x56,
  0x4d,
  0x54,
  0x52,
  0x0d,
  0x0a,
  0x1a,
);
/** The format version this module writes and reads. */
export const VMTRACE_VERSION = 1;
/** Most accesses in one chunk. */
export const VMTRACE_MAX_CHUNK_ACCESSES = 65536;
/** Bytes of the header. */
export const VMTRACE_HEADER_BYTES = 16;
/** Bytes of the trailer. */
export const VMTRACE_TRAILER_BYTES = 32;

const TRAILER_MAGIC = "VMTRIDX\n";
const CHUNK_HEAD_BYTES = 8;
const INDEX_ENTRY_BYTES = 12;
/** Tag + size (2) + space (3) + page delta (8) + offset delta (2). */
const MAX_ACCESS_BYTES = 16;
/** Tag + offset delta. */
const MIN_ACCESS_BYTES = 2;
const PAGE_SHIFT = 12;
const VPN_LIMIT = 2 ** 52;
const TAG_SIZE = 4;
const TAG_SPACE = 8;
const TAG_PAGE = 16;
const TAG_UNUSED = 0xe0;
const EMPTY = new Uint8Array(0);

/** Options of a {@linkcode VmtraceEncoder}. */
export interface VmtraceEncoderOptions {
  /** Name of the trace written, in error messages. */
  target: string;
  /** Accesses per chunk, 1 to 65,536. Default 65,536. */
  accessesPerChunk?: number;
}

/**
 * Encodes access chunks as a `.vmtrace` byte stream: `header()` first, then
 * the blocks `add` returns (one per finished chunk), then `finish()`'s
 * block. Memory is one chunk's payload (at most 1 MiB) and the index (12
 * bytes a chunk).
 *
 * @example Encode three accesses and decode them back
 * ```ts
 * import { AccessKind, createAccessChunk } from "../base/access_chunk.ts";
 * import { VmtraceDecoder, VmtraceEncoder } from "./vmtrace.ts";
 * const chunk = createAccessChunk(8);
 * const put = (vpn: number, offset: number, size: number, kind: number) => {
 *   const i = chunk.length++;
 *   chunk.vpn[i] = vpn; chunk.offset[i] = offset; chunk.size[i] = size; chunk.kind[i] = kind;
 * };
 * put(0x7ff000, 0x398, 8, AccessKind.LOAD);
 * put(0x7ff000, 0x3a0, 8, AccessKind.STORE);
 * put(0x4016, 0xb00, 4, AccessKind.MODIFY);
 * const encoder = new VmtraceEncoder({ target: "demo" });
 * const blocks = [encoder.header(), ...encoder.add(chunk), encoder.finish()];
 * const decoder = new VmtraceDecoder({ source: "demo" });
 * const out = createAccessChunk(8);
 * for (const block of blocks) {
 *   decoder.feed(block);
 *   decoder.parse(out);
 * }
 * decoder.end();
 * if (out.length !== 3 || out.vpn[2] !== 0x4016 || out.offset[1] !== 0x3a0 || out.size[2] !== 4) {
 *   throw new Error();
 * }
 * ```
 */
export class VmtraceEncoder {
  /** Name of the trace written, in error messages. */
  readonly target: string;
  /** Accesses per chunk. */
  readonly accessesPerChunk: number;
  #payload: Uint8Array;
  #p = 0;
  #n = 0;
  #vpn = 0;
  #offset = 0;
  #size = 1;
  #space = 0;
  /** Bytes of the stream so far (header and finished chunks). */
  #written = VMTRACE_HEADER_BYTES;
  #index: number[] = [];
  #total = 0;
  #maxSpace = 0;
  #finished = false;

  /**
   * Makes an encoder.
   *
   * @param options the trace's name for messages, and accesses per chunk.
   */
  constructor(options: VmtraceEncoderOptions) {
    this.target = options.target;
    const per = options.accessesPerChunk ?? VMTRACE_MAX_CHUNK_ACCESSES;
    if (!Number.isInteger(per) || per < 1 || per > VMTRACE_MAX_CHUNK_ACCESSES) {
      throw new RangeError(
        `accessesPerChunk must be an integer from 1 to ${VMTRACE_MAX_CHUNK_ACCESSES}, got ${per}`,
      );
    }
    this.accessesPerChunk = per;
    this.#payload = new Uint8Array(CHUNK_HEAD_BYTES + per * MAX_ACCESS_BYTES);
    this.#p = CHUNK_HEAD_BYTES;
  }

  /** Accesses encoded so far. */
  get accesses(): number {
    return this.#total;
  }

  /**
   * The 16-byte header, written first.
   *
   * @example
   * ```ts
   * import { VMTRACE_MAGIC, VmtraceEncoder } from "./vmtrace.ts";
   * const header = new VmtraceEncoder({ target: "x" }).header();
   * if (header.length !== 16 || header[1] !== VMTRACE_MAGIC[1]) throw new Error();
   * ```
   */
  header(): Uint8Array {
    const bytes = new Uint8Array(VMTRACE_HEADER_BYTES);
    bytes.set(VMTRACE_MAGIC, 0);
    const view = new DataView(bytes.buffer);
    view.setUint16(8, VMTRACE_VERSION, true);
    bytes[10] = PAGE_SHIFT;
    return bytes;
  }

  /**
   * Encodes the first `chunk.length` accesses of `chunk`.
   *
   * @returns the bytes of the chunks this finished (often none), each a
   *   fresh array, to write in order.
   * @throws {TraceError} for an access the format cannot hold (a page number
   *   of 2^52 or more, an offset above 4095, a size of 0).
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { VmtraceEncoder } from "./vmtrace.ts";
   * const encoder = new VmtraceEncoder({ target: "x", accessesPerChunk: 2 });
   * const chunk = createAccessChunk(3);
   * chunk.size.fill(8);
   * chunk.length = 3;
   * if (encoder.add(chunk).length !== 1 || encoder.accesses !== 3) throw new Error();
   * ```
   */
  add(chunk: AccessChunk): Uint8Array[] {
    if (this.#finished) throw new Error("VmtraceEncoder.add() called after finish()");
    const done: Uint8Array[] = [];
    const { vpn, offset, size, kind, space } = chunk;
    const buf = this.#payload;
    const per = this.accessesPerChunk;
    for (let i = 0; i < chunk.length; i++) {
      const v = vpn[i];
      const o = offset[i];
      const s = size[i];
      const sp = space[i];
      if (!(v >= 0 && v < VPN_LIMIT && Number.isInteger(v)) || o > 4095 || s === 0) {
        throw new TraceError(
          `Cannot write trace ${JSON.stringify(this.target)}: access ${
            this.#total + 1
          } (page ${v}, offset ${o}, size ${s}) does not fit the format (pages below 2^52, offsets below 4096, sizes from 1)`,
        );
      }
      let p = this.#p;
      const tagAt = p++;
      let tag = kind[i] & 3;
      if (s !== this.#size) {
        tag |= TAG_SIZE;
        p = writeVarint(buf, p, s);
        this.#size = s;
      }
      if (sp !== this.#space) {
        if (sp > this.#maxSpace) this.#maxSpace = sp;
        tag |= TAG_SPACE;
        p = writeVarint(buf, p, sp);
        this.#space = sp;
      }
      if (v !== this.#vpn) {
        tag |= TAG_PAGE;
        const d = v - this.#vpn;
        p = writeVarint(buf, p, d >= 0 ? 2 * d : -2 * d - 1);
        this.#vpn = v;
      }
      const od = o - this.#offset;
      p = writeVarint(buf, p, od >= 0 ? 2 * od : -2 * od - 1);
      this.#offset = o;
      buf[tagAt] = tag;
      this.#p = p;
      this.#total++;
      if (++this.#n === per) done.push(this.#flush());
    }
    return done;
  }

  /**
   * The last chunk (if any accesses are left), the end marker, the index and
   * the trailer: the stream's last bytes.
   *
   * @example An empty trace is a header and a final block
   * ```ts
   * import { VmtraceEncoder } from "./vmtrace.ts";
   * const encoder = new VmtraceEncoder({ target: "x" });
   * encoder.header();
   * if (encoder.finish().length !== 8 + 32) throw new Error();
   * ```
   */
  finish(): Uint8Array {
    if (this.#finished) throw new Error("VmtraceEncoder.finish() called twice");
    const last = this.#n > 0 ? this.#flush() : EMPTY;
    this.#finished = true;
    const chunks = this.#index.length / 2;
    const tail = new Uint8Array(
      last.length + CHUNK_HEAD_BYTES + chunks * INDEX_ENTRY_BYTES + VMTRACE_TRAILER_BYTES,
    );
    tail.set(last, 0);
    const view = new DataView(tail.buffer);
    let at = last.length;
    const endOffset = this.#written;
    view.setUint32(at + 4, chunks, true);
    at += CHUNK_HEAD_BYTES;
    for (let c = 0; c < chunks; c++) {
      setU64(view, at, this.#index[2 * c]);
      view.setUint32(at + 8, this.#index[2 * c + 1], true);
      at += INDEX_ENTRY_BYTES;
    }
    setU64(view, at, endOffset);
    setU64(view, at + 8, this.#total);
    view.setUint32(at + 16, this.#total === 0 ? 0 : this.#maxSpace + 1, true);
    for (let i = 0; i < 8; i++) tail[at + 24 + i] = TRAILER_MAGIC.charCodeAt(i);
    return tail;
  }

  /** The finished chunk's bytes; the state starts over for the next chunk. */
  #flush(): Uint8Array {
    const bytes = this.#payload.slice(0, this.#p);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.#n, true);
    view.setUint32(4, this.#p - CHUNK_HEAD_BYTES, true);
    this.#index.push(this.#written, this.#n);
    this.#written += bytes.length;
    this.#p = CHUNK_HEAD_BYTES;
    this.#n = 0;
    this.#vpn = 0;
    this.#offset = 0;
    this.#size = 1;
    this.#space = 0;
    return bytes;
  }
}

function writeVarint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 128) {
    buf[p++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

function setU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 2 ** 32, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

function getU64(bytes: Uint8Array, at: number): number {
  const lo = bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24;
  const hi = bytes[at + 4] | bytes[at + 5] << 8 | bytes[at + 6] << 16 | bytes[at + 7] << 24;
  return (hi >>> 0) * 2 ** 32 + (lo >>> 0);
}

function getU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24) >>> 0;
}

/** Options of a {@linkcode VmtraceDecoder}. */
export interface VmtraceDecoderOptions {
  /** Name of the trace in error messages: a file path, or `stdin`. */
  source: string;
}

/** What a {@linkcode VmtraceDecoder} has read so far. */
export interface VmtraceCounts {
  /** Chunks decoded. */
  chunks: number;
  /** Accesses written to chunks. */
  accesses: number;
  /** Address spaces: one more than the largest space seen (0 before any access). */
  spaces: number;
}

// What the decoder waits for next.
const S_HEADER = 0;
const S_CHUNK = 1;
const S_PAYLOAD = 2;
const S_INDEX = 3;
const S_TRAILER = 4;
const S_DONE = 5;
const PART_NAMES = ["header", "chunk header", "chunk", "index", "trailer", "trailer"];

/**
 * Decodes a `.vmtrace` stream fed in byte blocks of any size into
 * {@linkcode AccessChunk}s of any capacity, with {@linkcode LackeyParser}'s
 * protocol (`feed`, `parse` until false, `end`). It keeps at most one chunk's
 * payload (1 MiB) between blocks.
 *
 * Everything is checked: the magic, version and page size; each chunk's
 * counts against its bytes; every tag, size, space, page and offset; the
 * end marker, index and trailer against the chunks read. A problem throws a
 * {@linkcode TraceError} naming the byte offset:
 * `Cannot parse trace "<source>": byte 4128: corrupt access (unused tag bits set)`;
 * a stream that stops early, `…: byte N: truncated (the file ends inside a chunk)`.
 *
 * @example A file that is not a vmtrace
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { VmtraceDecoder } from "./vmtrace.ts";
 * const decoder = new VmtraceDecoder({ source: "x.vmtrace" });
 * decoder.feed(new TextEncoder().encode("I  04000000,3\n L 7ff000398,8\n"));
 * try {
 *   decoder.parse(createAccessChunk());
 *   throw new Error("no error");
 * } catch (e) {
 *   if (!(e as Error).message.includes("byte 0: not a vmtrace file")) throw e;
 * }
 * ```
 */
export class VmtraceDecoder {
  /** Name of the trace in error messages. */
  readonly source: string;

  #input: Uint8Array = EMPTY;
  #pos = 0;
  #ended = false;
  /** Bytes of the stream consumed so far (the carry's included). */
  #consumed = 0;
  #carry = new Uint8Array(64);
  #carryLength = 0;
  #state = S_HEADER;
  /** Bytes the current state needs. */
  #need = VMTRACE_HEADER_BYTES;
  /** Stream offset of the part being gathered. */
  #partAt = 0;

  // The chunk being decoded: its bytes in #src from #p to #end.
  #src: Uint8Array = EMPTY;
  #p = 0;
  #end = 0;
  /** Stream offset of #src[0]. */
  #srcBase = 0;
  #left = 0;
  /** Accesses of the chunk whose payload is being gathered. */
  #pending = 0;
  #vpn = 0;
  #offset = 0;
  #size = 1;
  #space = 0;

  #chunkOffsets: number[] = [];
  #chunkAccesses: number[] = [];
  #accesses = 0;
  #maxSpace = -1;
  #indexChunks = 0;
  /** Stream offset of the end marker. */
  #endAt = -1;

  /**
   * Makes a decoder with nothing fed yet.
   *
   * @param options the trace's name for messages.
   */
  constructor(options: VmtraceDecoderOptions) {
    this.source = options.source;
  }

  /**
   * Counts of what was decoded so far.
   *
   * @example
   * ```ts
   * import { VmtraceDecoder } from "./vmtrace.ts";
   * if (new VmtraceDecoder({ source: "x" }).counts.accesses !== 0) throw new Error();
   * ```
   */
  get counts(): VmtraceCounts {
    return {
      chunks: this.#chunkOffsets.length,
      accesses: this.#accesses,
      spaces: this.#accesses === 0 ? 0 : Math.max(this.#maxSpace, 0) + 1,
    };
  }

  /**
   * Hands the decoder the next bytes of the stream. It keeps a reference to
   * them (no copy) until `parse` returns false.
   *
   * @throws {Error} if the previous block is not fully parsed or `end` was called.
   *
   * @example
   * ```ts
   * import { VmtraceDecoder } from "./vmtrace.ts";
   * new VmtraceDecoder({ source: "x" }).feed(new Uint8Array(0));
   * ```
   */
  feed(bytes: Uint8Array): void {
    if (this.#ended) throw new Error("VmtraceDecoder.feed() called after end()");
    if (this.#pos < this.#input.length || this.#left > 0 && this.#src === this.#input) {
      throw new Error("VmtraceDecoder.feed() called before parse() consumed the previous input");
    }
    this.#input = bytes;
    this.#pos = 0;
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {TraceError} if the stream stops before its trailer, naming the byte offset.
   * @throws {Error} if the last block is not fully parsed.
   *
   * @example An empty file
   * ```ts
   * import { VmtraceDecoder } from "./vmtrace.ts";
   * try {
   *   new VmtraceDecoder({ source: "e.vmtrace" }).end();
   *   throw new Error("no error");
   * } catch (e) {
   *   if ((e as Error).message !== 'Cannot parse trace "e.vmtrace": byte 0: truncated (the file ends inside the header that starts at byte 0)') throw e;
   * }
   * ```
   */
  end(): void {
    if (this.#pos < this.#input.length || this.#left > 0) {
      throw new Error("VmtraceDecoder.end() called before parse() consumed the last input");
    }
    this.#ended = true;
    if (this.#state === S_HEADER) {
      // A file shorter than the header: its first bytes may already tell it is none.
      for (let i = 0; i < Math.min(this.#carryLength, VMTRACE_MAGIC.length); i++) {
        if (this.#carry[i] !== VMTRACE_MAGIC[i]) {
          throw this.#error(0, "not a vmtrace file (its first bytes are not the magic)");
        }
      }
    }
    if (this.#state !== S_DONE) {
      const state = this.#state;
      const start = state === S_PAYLOAD
        ? this.#chunkOffsets[this.#chunkOffsets.length - 1]
        : this.#carryLength > 0
        ? this.#partAt
        : this.#consumed;
      throw this.#error(
        this.#consumed,
        `truncated (the file ends inside the ${PART_NAMES[state]} that starts at byte ${start})`,
      );
    }
  }

  /**
   * Decodes fed bytes into `chunk`, appending from `chunk.length`.
   *
   * @returns true when the chunk is full (consume it, reset its length and
   *   call again); false when the fed bytes are used up.
   * @throws {TraceError} for a corrupt stream, naming the byte offset.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { VmtraceDecoder, VmtraceEncoder } from "./vmtrace.ts";
   * const source = createAccessChunk(100);
   * source.size.fill(4);
   * source.length = 100;
   * const encoder = new VmtraceEncoder({ target: "x" });
   * const decoder = new VmtraceDecoder({ source: "x" });
   * for (const block of [encoder.header(), ...encoder.add(source), encoder.finish()]) {
   *   decoder.feed(block);
   *   const out = createAccessChunk(30);
   *   while (decoder.parse(out)) out.length = 0;
   * }
   * decoder.end();
   * if (decoder.counts.accesses !== 100) throw new Error();
   * ```
   */
  parse(chunk: AccessChunk): boolean {
    const capacity = chunk.vpn.length;
    for (;;) {
      if (this.#left > 0) {
        if (chunk.length >= capacity) return true;
        this.#decode(chunk);
        if (this.#left > 0) return true;
        if (this.#p !== this.#end) {
          throw this.#error(
            this.#srcBase + this.#p,
            `corrupt chunk (its accesses end at byte ${
              this.#srcBase + this.#p
            }, its payload at byte ${this.#srcBase + this.#end})`,
          );
        }
        this.#state = S_CHUNK;
        this.#need = CHUNK_HEAD_BYTES;
      }
      if (this.#state === S_DONE) {
        if (this.#pos < this.#input.length) {
          throw this.#error(this.#consumed, "unexpected bytes after the trailer");
        }
        return false;
      }
      const at = this.#gather(this.#need);
      if (at < 0) return false;
      this.#part(at);
    }
  }

  /**
   * Makes `this.#need` bytes of the stream contiguous: returns their start
   * in `this.#src`, or -1 when the input ran out first (what there was is
   * kept in the carry).
   */
  #gather(need: number): number {
    const input = this.#input;
    const avail = input.length - this.#pos;
    if (this.#carryLength === 0 && avail >= need) {
      const at = this.#pos;
      this.#pos += need;
      this.#src = input;
      this.#srcBase = this.#consumed - at;
      this.#partAt = this.#consumed;
      this.#consumed += need;
      return at;
    }
    if (this.#carryLength === 0) this.#partAt = this.#consumed;
    if (this.#carry.length < need) {
      const bigger = new Uint8Array(need);
      bigger.set(this.#carry.subarray(0, this.#carryLength));
      this.#carry = bigger;
    }
    const take = Math.min(need - this.#carryLength, avail);
    this.#carry.set(input.subarray(this.#pos, this.#pos + take), this.#carryLength);
    this.#carryLength += take;
    this.#pos += take;
    this.#consumed += take;
    if (this.#carryLength < need) return -1;
    this.#carryLength = 0;
    this.#src = this.#carry;
    this.#srcBase = this.#partAt;
    return 0;
  }

  /** Handles the part (header, chunk header, payload, index or trailer) at `at` of #src. */
  #part(at: number): void {
    const b = this.#src;
    const offset = this.#partAt;
    switch (this.#state) {
      case S_HEADER: {
        for (let i = 0; i < 8; i++) {
          if (b[at + i] !== VMTRACE_MAGIC[i]) {
            throw this.#error(offset, "not a vmtrace file (its first bytes are not the magic)");
          }
        }
        const version = b[at + 8] | b[at + 9] << 8;
        if (version !== VMTRACE_VERSION) {
          throw this.#error(
            offset + 8,
            `format version ${version}; this vmlab reads version ${VMTRACE_VERSION}`,
          );
        }
        if (b[at + 10] !== PAGE_SHIFT) {
          throw this.#error(
            offset + 10,
            `page size 2^${b[at + 10]} bytes; vmlab traces use 4 KiB pages`,
          );
        }
        for (let i = 11; i < 16; i++) {
          if (b[at + i] !== 0) throw this.#error(offset + i, "reserved header byte is not 0");
        }
        this.#state = S_CHUNK;
        this.#need = CHUNK_HEAD_BYTES;
        return;
      }
      case S_CHUNK: {
        const accesses = getU32(b, at);
        const bytes = getU32(b, at + 4);
        if (accesses === 0) {
          if (bytes !== this.#chunkOffsets.length) {
            throw this.#error(
              offset + 4,
              `corrupt end marker (it counts ${bytes} chunks, the file has ${this.#chunkOffsets.length})`,
            );
          }
          this.#indexChunks = bytes;
          this.#state = bytes === 0 ? S_TRAILER : S_INDEX;
          this.#need = bytes === 0 ? VMTRACE_TRAILER_BYTES : bytes * INDEX_ENTRY_BYTES;
          this.#endAt = offset;
          return;
        }
        if (accesses > VMTRACE_MAX_CHUNK_ACCESSES) {
          throw this.#error(
            offset,
            `corrupt chunk header (${accesses} accesses; at most ${VMTRACE_MAX_CHUNK_ACCESSES})`,
          );
        }
        if (bytes < accesses * MIN_ACCESS_BYTES || bytes > accesses * MAX_ACCESS_BYTES) {
          throw this.#error(
            offset + 4,
            `corrupt chunk header (${bytes} bytes cannot hold ${accesses} accesses)`,
          );
        }
        this.#chunkOffsets.push(offset);
        this.#chunkAccesses.push(accesses);
        this.#pending = accesses;
        this.#state = S_PAYLOAD;
        this.#need = bytes;
        return;
      }
      case S_PAYLOAD: {
        this.#left = this.#pending;
        this.#p = at;
        this.#end = at + this.#need;
        this.#vpn = 0;
        this.#offset = 0;
        this.#size = 1;
        this.#space = 0;
        return;
      }
      case S_INDEX: {
        const chunks = this.#indexChunks;
        for (let c = 0; c < chunks; c++) {
          const e = at + c * INDEX_ENTRY_BYTES;
          if (
            getU64(b, e) !== this.#chunkOffsets[c] || getU32(b, e + 8) !== this.#chunkAccesses[c]
          ) {
            throw this.#error(
              offset + c * INDEX_ENTRY_BYTES,
              `corrupt index (entry ${c} does not match chunk ${c} at byte ${
                this.#chunkOffsets[c]
              })`,
            );
          }
        }
        this.#state = S_TRAILER;
        this.#need = VMTRACE_TRAILER_BYTES;
        return;
      }
      case S_TRAILER: {
        for (let i = 0; i < 8; i++) {
          if (b[at + 24 + i] !== TRAILER_MAGIC.charCodeAt(i)) {
            throw this.#error(offset + 24, "corrupt trailer (bad magic)");
          }
        }
        if (getU64(b, at) !== this.#endAt || getU64(b, at + 8) !== this.#accesses) {
          throw this.#error(
            offset,
            `corrupt trailer (it gives ${
              getU64(b, at + 8)
            } accesses, the chunks hold ${this.#accesses})`,
          );
        }
        const spaces = this.counts.spaces;
        if (getU32(b, at + 16) !== spaces) {
          throw this.#error(
            offset + 16,
            `corrupt trailer (it gives ${
              getU32(b, at + 16)
            } address spaces, the chunks hold ${spaces})`,
          );
        }
        if (getU32(b, at + 20) !== 0) {
          throw this.#error(offset + 20, "reserved trailer bytes are not 0");
        }
        this.#state = S_DONE;
        return;
      }
    }
  }

  /** Decodes accesses of the current chunk into `chunk` until it is full or the chunk ends. */
  #decode(chunk: AccessChunk): void {
    const b = this.#src;
    const end = this.#end;
    const { vpn: vpnOut, offset: offsetOut, size: sizeOut, kind: kindOut, space: spaceOut } = chunk;
    const capacity = vpnOut.length;
    let n = chunk.length;
    let p = this.#p;
    let left = this.#left;
    let vpn = this.#vpn;
    let offset = this.#offset;
    let size = this.#size;
    let space = this.#space;
    let maxSpace = this.#maxSpace;
    while (n < capacity && left > 0) {
      const start = p;
      const tag = b[p++];
      if ((tag & TAG_UNUSED) !== 0) {
        this.#p = start;
        throw this.#error(this.#srcBase + start, "corrupt access (unused tag bits set)");
      }
      let x: number;
      let c: number;
      if ((tag & TAG_SIZE) !== 0) {
        c = b[p++];
        x = c & 127;
        if (c > 127) {
          c = b[p++];
          x |= (c & 127) << 7;
          if (c > 127) x = -1;
        }
        if (x < 1 || x > 255) {
          throw this.#error(this.#srcBase + start, "corrupt access (size not from 1 to 255)");
        }
        size = x;
      }
      if ((tag & TAG_SPACE) !== 0) {
        c = b[p++];
        x = c & 127;
        if (c > 127) {
          c = b[p++];
          x |= (c & 127) << 7;
          if (c > 127) {
            c = b[p++];
            x |= (c & 127) << 14;
            if (c > 127) x = -1;
          }
        }
        if (x < 0 || x > 65535) {
          throw this.#error(this.#srcBase + start, "corrupt access (space above 65535)");
        }
        space = x;
        if (x > maxSpace) maxSpace = x;
      }
      if ((tag & TAG_PAGE) !== 0) {
        c = b[p++];
        x = c & 127;
        if (c > 127) {
          c = b[p++];
          x |= (c & 127) << 7;
          if (c > 127) {
            c = b[p++];
            x |= (c & 127) << 14;
            if (c > 127) {
              c = b[p++];
              x |= (c & 127) << 21;
              if (c > 127) {
                let scale = 268435456;
                do {
                  c = b[p++];
                  x += (c & 127) * scale;
                  scale *= 128;
                } while (c > 127 && scale <= 2 ** 49);
                if (c > 127) x = -1;
              }
            }
          }
        }
        const v = (x & 1) === 0 ? vpn + x / 2 : vpn - (x + 1) / 2;
        if (x <= 0 || !(v >= 0 && v < VPN_LIMIT)) {
          throw this.#error(this.#srcBase + start, "corrupt access (page number out of range)");
        }
        vpn = v;
      }
      c = b[p++];
      x = c & 127;
      if (c > 127) {
        c = b[p++];
        x |= (c & 127) << 7;
        if (c > 127) x = 1 << 20;
      }
      offset += (x >>> 1) ^ -(x & 1);
      if (offset < 0 || offset > 4095 || p > end) {
        throw this.#error(
          this.#srcBase + start,
          p > end ? "corrupt access (runs past its chunk)" : "corrupt access (offset out of page)",
        );
      }
      vpnOut[n] = vpn;
      offsetOut[n] = offset;
      sizeOut[n] = size;
      kindOut[n] = tag & 3;
      spaceOut[n] = space;
      n++;
      left--;
    }
    this.#accesses += n - chunk.length;
    chunk.length = n;
    this.#p = p;
    this.#left = left;
    this.#vpn = vpn;
    this.#offset = offset;
    this.#size = size;
    this.#space = space;
    this.#maxSpace = maxSpace;
  }

  #error(byte: number, problem: string): TraceError {
    return new TraceError(
      `Cannot parse trace ${JSON.stringify(this.source)}: byte ${byte}: ${problem}`,
    );
  }
}

/** Whether `bytes` (a file's first bytes) start with the vmtrace magic. */
export function isVmtrace(bytes: Uint8Array): boolean {
  if (bytes.length < VMTRACE_MAGIC.length) return false;
  for (let i = 0; i < VMTRACE_MAGIC.length; i++) if (bytes[i] !== VMTRACE_MAGIC[i]) return false;
  return true;
}

/** What the trailer of a vmtrace file says, read without reading the chunks. */
export interface VmtraceTrailer {
  /** Byte offset of the end marker (the index follows it). */
  endOffset: number;
  /** Accesses in the file. */
  accesses: number;
  /** Address spaces (processes): one more than the largest space of its accesses. */
  spaces: number;
}

/**
 * Reads a vmtrace file's last 32 bytes: where its index is, how many
 * accesses and address spaces it holds, so a reader can seek or plan
 * without reading the chunks.
 *
 * @returns null if `tail` does not end with a trailer.
 *
 * @example
 * ```ts
 * import { readVmtraceTrailer, VmtraceEncoder } from "./vmtrace.ts";
 * const encoder = new VmtraceEncoder({ target: "x" });
 * encoder.header();
 * const tail = encoder.finish();
 * if (readVmtraceTrailer(tail)?.accesses !== 0) throw new Error();
 * ```
 */
export function readVmtraceTrailer(tail: Uint8Array): VmtraceTrailer | null {
  if (tail.length < VMTRACE_TRAILER_BYTES) return null;
  const at = tail.length - VMTRACE_TRAILER_BYTES;
  for (let i = 0; i < 8; i++) {
    if (tail[at + 24 + i] !== TRAILER_MAGIC.charCodeAt(i)) return null;
  }
  return {
    endOffset: getU64(tail, at),
    accesses: getU64(tail, at + 8),
    spaces: getU32(tail, at + 16),
  };
}
