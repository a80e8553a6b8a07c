/**
 * An incremental parser of valgrind lackey memory traces
 * (`valgrind --tool=lackey --trace-mem=yes`), working on raw bytes so that
 * multi-GB traces stream through in bounded memory at millions of lines per
 * second. No I/O here: `experiments/cli/trace_file.ts` reads files and feeds it.
 *
 * The format, one record per line:
 *
 * ```text
 * I  04000000,3        instruction fetch: "I" in column 0
 *  L 7ff000398,8       load
 *  S 04016b00,8        store
 *  M 0421d78,4         modify (read-modify-write: one access)
 * ==12345== ...        valgrind's own messages (also "--12345--"), skipped
 * ```
 *
 * Addresses are hexadecimal without `0x`; sizes are decimal bytes. Blank
 * lines, surrounding spaces, tabs and a CR before the newline are accepted.
 *
 * @module
 */

import { type AccessChunk, AccessKind } from "../base/access_chunk.ts";
import { TraceError } from "./trace_error.ts";

export { TraceError } from "./trace_error.ts";

/** Options of a {@linkcode LackeyParser}. */
export interface LackeyParserOptions {
  /** Name of the trace in error messages: a file path, or `stdin`. */
  source: string;
  /**
   * Whether `I` lines become `IFETCH` accesses. Default false: they are
   * still checked and counted, but not emitted.
   */
  instructions?: boolean;
}

/** Lines seen so far by a {@linkcode LackeyParser}, by kind. */
export interface LackeyCounts {
  /** All lines consumed, including blank lines and valgrind messages. */
  lines: number;
  /** `I` lines (emitted or not). */
  instructions: number;
  /** `L` lines. */
  loads: number;
  /** `S` lines. */
  stores: number;
  /** `M` lines. */
  modifies: number;
  /** Accesses written to chunks (a record above 255 bytes gives several). */
  accesses: number;
}

/**
 * Longest line the parser holds across two inputs, in bytes. Lackey's
 * records are under 40 bytes; valgrind messages may be longer and are
 * skipped whatever their length.
 */
export const MAX_LACKEY_LINE_BYTES = 4096;

/** Largest access lackey reports (its `MAX_DSIZE`, e.g. for `fxsave`). */
const MAX_SIZE = 512;
/**
 * Accesses above 255 bytes do not fit a chunk's size column, so they are
 * split into pieces of this many bytes; 512 / 128 = 4 pieces at most.
 */
const PIECE_BYTES = 128;
const MAX_PIECES = MAX_SIZE / PIECE_BYTES;

// #parseLine results: a record, a line without one, or what went wrong.
const RECORD = 1;
const SKIP = 0;
const E_KIND = -1;
const E_SPACE = -2;
const E_HEX = -3;
const E_COMMA = -4;
const E_SIZE = -5;
const E_TRAILING = -6;
const E_VPN = -7;
const E_SIZE_RANGE = -8;
const E_LONG = -9;
// Problems of a line that ended too early: on an unterminated last line they
// mean the trace was cut off ("truncated record").
const EOL_KIND = -101;
const EOL_ADDRESS = -102;
const EOL_COMMA = -103;

/** Hex digit value by byte, -1 for a non-digit. */
const HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

const NEWLINE = 10;
const EMPTY = new Uint8Array(0);

function isBlank(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === 13;
}

/**
 * Parses lackey text fed in byte chunks of any size (a line may span
 * chunks) into {@linkcode AccessChunk}s of any capacity from 4 up. It holds
 * a reference to the current input and a copy of at most one partial line,
 * never more, so memory stays bounded however large the trace.
 *
 * The protocol: `feed(bytes)`, then call `parse(chunk)` until it returns
 * false (each `true` means the chunk is full: consume it, set its length to
 * 0, call again); repeat for each input; finally `end()` and drain the same
 * way. `parse` appends at `chunk.length`, so a chunk fills up across inputs.
 *
 * A malformed line throws a {@linkcode TraceError}:
 * `Cannot parse trace "<source>": line N: <problem>`. An unterminated last
 * line that stops inside a record (` L 7ff0` with no size) is reported as
 * `line N: truncated record`; a complete last line needs no newline.
 *
 * @example Parse a trace that arrives in two pieces
 * ```ts
 * import { AccessKind, createAccessChunk } from "../base/access_chunk.ts";
 * import { LackeyParser } from "./lackey.ts";
 * const parser = new LackeyParser({ source: "demo" });
 * const chunk = createAccessChunk(16);
 * const bytes = new TextEncoder().encode("==1== start\nI  04000000,3\n L 7ff000398,8\n S 0401");
 * parser.feed(bytes.subarray(0, 20));
 * while (parser.parse(chunk)) chunk.length = 0;
 * parser.feed(bytes.subarray(20));
 * while (parser.parse(chunk)) chunk.length = 0;
 * parser.feed(new TextEncoder().encode("6b00,8\n"));
 * while (parser.parse(chunk)) chunk.length = 0;
 * parser.end();
 * while (parser.parse(chunk)) chunk.length = 0;
 * if (chunk.length !== 2 || chunk.kind[1] !== AccessKind.STORE) throw new Error();
 * if (chunk.vpn[0] !== 0x7ff000 || chunk.offset[0] !== 0x398 || chunk.vpn[1] !== 0x4016) throw new Error();
 * if (parser.counts.instructions !== 1 || parser.counts.lines !== 4) throw new Error();
 * ```
 */
export class LackeyParser {
  /** Name of the trace in error messages. */
  readonly source: string;
  /** Whether `I` lines are emitted as `IFETCH` accesses. */
  readonly instructions: boolean;

  #input: Uint8Array = EMPTY;
  #pos = 0;
  #ended = false;
  #carry = new Uint8Array(MAX_LACKEY_LINE_BYTES);
  #carryLength = 0;
  /** The partial line is a long valgrind message: drop bytes up to its newline. */
  #skipping = false;

  #lines = 0;
  #instructionLines = 0;
  #loadLines = 0;
  #storeLines = 0;
  #modifyLines = 0;
  #accesses = 0;

  // The last record #parseLine read.
  #kind = 0;
  #vpn = 0;
  #offset = 0;
  #size = 0;

  /**
   * Makes a parser with nothing fed yet.
   *
   * @param options the trace's name for messages, and whether to emit instruction fetches.
   */
  constructor(options: LackeyParserOptions) {
    this.source = options.source;
    this.instructions = options.instructions ?? false;
  }

  /**
   * Counts of the lines consumed so far.
   *
   * @example
   * ```ts
   * import { LackeyParser } from "./lackey.ts";
   * if (new LackeyParser({ source: "x" }).counts.lines !== 0) throw new Error();
   * ```
   */
  get counts(): LackeyCounts {
    return {
      lines: this.#lines,
      instructions: this.#instructionLines,
      loads: this.#loadLines,
      stores: this.#storeLines,
      modifies: this.#modifyLines,
      accesses: this.#accesses,
    };
  }

  /**
   * Hands the parser the next bytes of the trace. The parser keeps a
   * reference to them (no copy) until `parse` returns false, so the caller
   * must not overwrite them before that.
   *
   * @throws {Error} if the previous input is not fully parsed or `end` was called.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { LackeyParser } from "./lackey.ts";
   * const parser = new LackeyParser({ source: "x" });
   * parser.feed(new TextEncoder().encode(" L 1000,4\n"));
   * const chunk = createAccessChunk();
   * parser.parse(chunk);
   * if (chunk.length !== 1) throw new Error();
   * ```
   */
  feed(bytes: Uint8Array): void {
    if (this.#ended) throw new Error("LackeyParser.feed() called after end()");
    if (this.#pos < this.#input.length) {
      throw new Error("LackeyParser.feed() called before parse() consumed the previous input");
    }
    this.#input = bytes;
    this.#pos = 0;
  }

  /**
   * Declares the end of the trace: the next `parse` calls handle a last line
   * that has no newline.
   *
   * @throws {Error} if the last input is not fully parsed.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { LackeyParser } from "./lackey.ts";
   * const parser = new LackeyParser({ source: "x" });
   * const chunk = createAccessChunk();
   * parser.feed(new TextEncoder().encode(" M 2000,8"));
   * parser.parse(chunk);
   * parser.end();
   * parser.parse(chunk);
   * if (chunk.length !== 1) throw new Error();
   * ```
   */
  end(): void {
    if (this.#pos < this.#input.length) {
      throw new Error("LackeyParser.end() called before parse() consumed the last input");
    }
    this.#ended = true;
    this.#input = EMPTY;
    this.#pos = 0;
  }

  /**
   * Parses fed bytes into `chunk`, appending from `chunk.length`.
   *
   * @returns true when the chunk is full (consume it, reset its length and
   *   call again); false when the fed bytes are used up (after `end`: when
   *   the whole trace is parsed).
   * @throws {TraceError} for a malformed or truncated line.
   * @throws {RangeError} for a chunk of capacity under 4.
   *
   * @example
   * ```ts
   * import { createAccessChunk } from "../base/access_chunk.ts";
   * import { LackeyParser } from "./lackey.ts";
   * const parser = new LackeyParser({ source: "x" });
   * const chunk = createAccessChunk(4);
   * parser.feed(new TextEncoder().encode(" L 1,1\n".repeat(6)));
   * let full = 0;
   * while (parser.parse(chunk)) {
   *   full++;
   *   chunk.length = 0;
   * }
   * if (full !== 1 || chunk.length !== 2) throw new Error();
   * ```
   */
  parse(chunk: AccessChunk): boolean {
    const capacity = chunk.vpn.length;
    if (capacity < MAX_PIECES) {
      throw new RangeError(`LackeyParser needs chunks of at least ${MAX_PIECES} slots`);
    }
    let n = chunk.length;
    if (n >= capacity) return true;
    const input = this.#input;
    const length = input.length;
    let pos = this.#pos;

    // A line that began in an earlier input is finished first, from the carry.
    if (this.#carryLength > 0 || this.#skipping) {
      const newline = pos < length ? input.indexOf(NEWLINE, pos) : -1;
      if (newline < 0 && !this.#ended) {
        this.#appendCarry(input, pos, length);
        this.#pos = length;
        return false;
      }
      if (this.#skipping) {
        this.#skipping = false;
        this.#lines++;
        pos = newline < 0 ? length : newline + 1;
      } else {
        // Appending moves pos to the newline, so a retry after a full chunk appends nothing twice.
        if (newline >= 0) this.#appendCarry(input, pos, newline);
        pos = newline < 0 ? length : newline;
        this.#pos = pos;
        const next = this.#take(chunk, n, this.#carry, 0, this.#carryLength, newline < 0);
        if (next < 0) return true;
        n = next;
        this.#carryLength = 0;
        this.#lines++;
        if (newline >= 0) pos++;
      }
    }

    for (;;) {
      if (n === capacity) break;
      const newline = input.indexOf(NEWLINE, pos);
      if (newline < 0) {
        // What is left holds no newline: keep it as the start of the next line.
        chunk.length = n;
        this.#appendCarry(input, pos, length);
        this.#pos = length;
        return false;
      }
      const next = this.#take(chunk, n, input, pos, newline, false);
      if (next < 0) break;
      n = next;
      pos = newline + 1;
      this.#lines++;
    }
    // The chunk is full, or too full for the next (split) record.
    chunk.length = n;
    this.#pos = pos;
    return true;
  }

  /**
   * Parses the line buf[start, end) and appends its accesses at slot `n`.
   * Returns the new fill, or -1 if the chunk lacks room for a record above
   * 255 bytes, which is split into 128-byte pieces (nothing is consumed then).
   */
  #take(
    chunk: AccessChunk,
    n: number,
    buf: Uint8Array,
    start: number,
    end: number,
    last: boolean,
  ): number {
    const code = end - start > MAX_LACKEY_LINE_BYTES && !isMessage(buf, start, end)
      ? E_LONG
      : this.#parseLine(buf, start, end);
    if (code === SKIP) return n;
    if (code !== RECORD) throw this.#error(code, buf, start, end, last);
    const kind = this.#kind;
    if (kind === AccessKind.IFETCH && !this.instructions) {
      this.#instructionLines++;
      return n;
    }
    const size = this.#size;
    let added = 1;
    if (size <= 255) {
      chunk.vpn[n] = this.#vpn;
      chunk.offset[n] = this.#offset;
      chunk.size[n] = size;
      chunk.kind[n] = kind;
      chunk.space[n] = 0;
    } else {
      added = Math.ceil(size / PIECE_BYTES);
      if (n + added > chunk.vpn.length) return -1;
      for (let i = 0; i < added; i++) {
        const offset = this.#offset + i * PIECE_BYTES;
        chunk.vpn[n + i] = this.#vpn + (offset >= 4096 ? 1 : 0);
        chunk.offset[n + i] = offset & 4095;
        chunk.size[n + i] = Math.min(PIECE_BYTES, size - i * PIECE_BYTES);
        chunk.kind[n + i] = kind;
        chunk.space[n + i] = 0;
      }
    }
    if (kind === AccessKind.LOAD) this.#loadLines++;
    else if (kind === AccessKind.STORE) this.#storeLines++;
    else if (kind === AccessKind.MODIFY) this.#modifyLines++;
    else this.#instructionLines++;
    this.#accesses += added;
    return n + added;
  }

  /**
   * Reads one line (without its newline) into #kind/#vpn/#offset/#size.
   * Structure is checked before values, so a cut-off line is always told
   * apart from a line with a bad value.
   */
  #parseLine(buf: Uint8Array, start: number, end: number): number {
    if (start === end) return SKIP;
    let c = buf[start];
    // Valgrind's own messages: "==pid==" normally, "--pid--" with -v.
    if (c === 61 || c === 45) {
      if (start + 1 === end) return EOL_KIND;
      return buf[start + 1] === c ? SKIP : E_KIND;
    }
    let p = start;
    while (p < end && isBlank(buf[p])) p++;
    if (p === end) return SKIP;
    c = buf[p];
    let kind: number;
    if (c === 76) kind = AccessKind.LOAD; // L
    else if (c === 83) kind = AccessKind.STORE; // S
    else if (c === 73) kind = AccessKind.IFETCH; // I
    else if (c === 77) kind = AccessKind.MODIFY; // M
    else return E_KIND;
    p++;
    if (p === end) return EOL_KIND;
    if (!isBlank(buf[p])) return E_SPACE;
    do p++; while (p < end && isBlank(buf[p]));
    if (p === end) return EOL_KIND;

    // The page number takes each digit that leaves the 3-digit offset
    // window, so 64-bit addresses lose no precision in a float64.
    const hexStart = p;
    let vpn = 0;
    let low = 0;
    while (p < end) {
      const digit = HEX_VALUE[buf[p]];
      if (digit < 0) break;
      vpn = vpn * 16 + (low >>> 8);
      low = ((low << 4) | digit) & 0xfff;
      p++;
    }
    if (p === hexStart) return E_HEX;
    if (p === end) return EOL_ADDRESS;
    if (buf[p] !== 44) return E_COMMA; // ","
    p++;
    if (p === end) return EOL_COMMA;

    const sizeStart = p;
    let size = 0;
    while (p < end) {
      const digit = buf[p] - 48;
      if (digit < 0 || digit > 9) break;
      size = size * 10 + digit;
      p++;
    }
    if (p === sizeStart) return E_SIZE;
    while (p < end && isBlank(buf[p])) p++;
    if (p < end) return E_TRAILING;

    if (vpn > Number.MAX_SAFE_INTEGER) return E_VPN;
    if (size < 1 || size > MAX_SIZE) return E_SIZE_RANGE;
    this.#kind = kind;
    this.#vpn = vpn;
    this.#offset = low;
    this.#size = size;
    return RECORD;
  }

  /** Copies input[from, to) after the partial line kept so far. */
  #appendCarry(input: Uint8Array, from: number, to: number): void {
    if (from >= to || this.#skipping) return;
    const length = this.#carryLength;
    const carry = this.#carry;
    if (length + (to - from) > MAX_LACKEY_LINE_BYTES) {
      // Only a valgrind message may be this long; its first two bytes tell.
      const first = length > 0 ? carry[0] : input[from];
      const second = length > 1 ? carry[1] : input[from + 1 - length];
      if ((first === 61 || first === 45) && second === first) {
        this.#skipping = true;
        this.#carryLength = 0;
        return;
      }
      throw this.#error(E_LONG, carry, 0, length, false);
    }
    carry.set(input.subarray(from, to), length);
    this.#carryLength = length + (to - from);
  }

  #error(code: number, buf: Uint8Array, start: number, end: number, last: boolean): TraceError {
    const line = this.#lines + 1;
    const prefix = `Cannot parse trace ${JSON.stringify(this.source)}: line ${line}: `;
    if (last && code <= EOL_KIND) return new TraceError(prefix + "truncated record");
    const text = quoteLine(buf, start, end);
    let problem: string;
    switch (code) {
      case E_KIND:
      case EOL_KIND:
        problem = code === EOL_KIND && isRecordStart(buf, start, end)
          ? `expected an address after the kind in ${text}`
          : `expected a record starting with I, L, S or M in ${text}`;
        break;
      case E_SPACE:
        problem = `expected a space after the kind in ${text}`;
        break;
      case E_HEX:
        problem = `expected a hexadecimal address in ${text}`;
        break;
      case E_COMMA:
        problem = `expected "," after the address in ${text}`;
        break;
      case EOL_ADDRESS:
        problem = `expected "," and a size after the address in ${text}`;
        break;
      case E_SIZE:
      case EOL_COMMA:
        problem = `expected a decimal size after "," in ${text}`;
        break;
      case E_TRAILING:
        problem = `unexpected text after the size in ${text}`;
        break;
      case E_VPN:
        problem = `address too large (page number above 2^53) in ${text}`;
        break;
      case E_SIZE_RANGE:
        problem = `size must be from 1 to ${MAX_SIZE} bytes in ${text}`;
        break;
      default:
        problem = `line longer than ${MAX_LACKEY_LINE_BYTES} bytes`;
    }
    return new TraceError(prefix + problem);
  }
}

/** Whether buf[start, end) begins with "==" or "--". */
function isMessage(buf: Uint8Array, start: number, end: number): boolean {
  const c = buf[start];
  return end - start >= 2 && (c === 61 || c === 45) && buf[start + 1] === c;
}

/** Whether the line's first non-blank byte is a record kind. */
function isRecordStart(buf: Uint8Array, start: number, end: number): boolean {
  let p = start;
  while (p < end && isBlank(buf[p])) p++;
  const c = buf[p];
  return p < end && (c === 73 || c === 76 || c === 83 || c === 77);
}

/** The line as a quoted string for a message, cut at 60 characters. */
function quoteLine(buf: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, start + 60);
  let text = "";
  for (let p = start; p < stop; p++) text += String.fromCharCode(buf[p]);
  return JSON.stringify(text) + (end > stop ? "…" : "");
}
