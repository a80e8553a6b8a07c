/**
 * Streaming of trace files (valgrind lackey, ChampSim, vmtrace) into access
 * chunks, in bounded memory whatever the file's size: plain files and stdin
 * are read through one fixed buffer, `.gz` files through a
 * `DecompressionStream`, `.xz` files from the output of `xz -dc`.
 *
 * @module
 */

import {
  type AccessChunk,
  createAccessChunk,
  DEFAULT_CHUNK_CAPACITY,
} from "../../core/base/access_chunk.ts";
import { type LackeyCounts, TraceError } from "../../core/workload/lackey.ts";
import {
  createTraceDecoder,
  detectTraceFormat,
  type TraceCounts,
  type TraceDecoder,
  type TraceFormat,
  traceName,
} from "../../core/workload/trace_format.ts";
import {
  isVmtrace,
  readVmtraceTrailer,
  VMTRACE_HEADER_BYTES,
  VMTRACE_MAGIC,
  VMTRACE_TRAILER_BYTES,
} from "../../core/workload/vmtrace.ts";

/** Options of {@linkcode readTrace}. */
export interface ReadTraceOptions {
  /**
   * The trace's format. Default: the vmtrace magic if the trace starts with
   * it, else what the name says (`traceName` in core/workload/trace_format.ts),
   * else lackey.
   */
  format?: TraceFormat;
  /** Whether instruction fetches become `IFETCH` accesses (lackey, ChampSim). Default false. */
  instructions?: boolean;
  /** Slots of the chunk yielded, at least 7. Default {@linkcode DEFAULT_CHUNK_CAPACITY}. */
  chunkCapacity?: number;
  /** Bytes read from the file at a time (plain files and stdin). Default 1 MiB. */
  readBufferBytes?: number;
}

/** Options of {@linkcode readLackeyTrace}. */
export type ReadLackeyTraceOptions = Omit<ReadTraceOptions, "format">;

/** What {@linkcode readTrace} returns when the trace has been read to its end. */
export interface TraceSummary {
  /** The format it was read as. */
  format: TraceFormat;
  /** The decoder's counts (`accesses`: accesses yielded). */
  counts: TraceCounts;
}

const DEFAULT_READ_BUFFER_BYTES = 1 << 20;

/** A source of byte blocks: the next block, or null at the end. */
type ByteSource = () => Promise<Uint8Array | null>;

/**
 * Streams the accesses of a trace in any format vmlab reads: a valgrind
 * lackey trace (`valgrind --tool=lackey --trace-mem=yes`), a ChampSim binary
 * trace, or a vmtrace. `path` is a file, a `.gz` file (gunzipped on the
 * fly), an `.xz` file (through `xz -dc`, which must be installed and, under
 * Deno's permissions, allowed: `--allow-run=xz`), or `-` for stdin
 * (uncompressed).
 *
 * For speed it yields ONE chunk object over and over, refilled between
 * yields: process each chunk before asking for the next, and copy what you
 * need to keep. Breaking out of the loop closes the file (and stops `xz`).
 *
 * @throws {TraceError} `Cannot read trace "<path>": <reason>` when the file
 *   cannot be opened, read or decompressed, and
 *   `Cannot parse trace "<path>": line N: <problem>` (lackey) or
 *   `...: byte N: <problem>` (binary formats) for a malformed or truncated record.
 *
 * @example Read a ChampSim trace of one load
 * ```ts
 * import { AccessKind } from "../../core/base/access_chunk.ts";
 * import { readTrace } from "./trace_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".champsim" });
 * const record = new Uint8Array(64);
 * new DataView(record.buffer).setBigUint64(32, 0x7ff000398n, true); // source_memory[0]
 * await Deno.writeFile(path, record);
 * let loads = 0;
 * for await (const chunk of readTrace(path)) {
 *   for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === AccessKind.LOAD) loads++;
 * }
 * await Deno.remove(path);
 * if (loads !== 1) throw new Error();
 * ```
 */
export async function* readTrace(
  path: string,
  options: ReadTraceOptions = {},
): AsyncGenerator<AccessChunk, TraceSummary, undefined> {
  const source = path === "-" ? "stdin" : path;
  const chunk = createAccessChunk(options.chunkCapacity ?? DEFAULT_CHUNK_CAPACITY);
  const cannotRead = (e: unknown): TraceError =>
    new TraceError(`Cannot read trace ${JSON.stringify(source)}: ${describe(e)}`);

  let file: Deno.FsFile | undefined;
  let stream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let xz: XzProcess | undefined;
  let next: ByteSource;
  const compression = path === "-" ? "none" : traceName(path).compression;
  if (path === "-") {
    next = fixedBuffer(Deno.stdin, options.readBufferBytes);
  } else {
    try {
      file = await Deno.open(path);
      if ((await file.stat()).isDirectory) throw new Deno.errors.IsADirectory("is a directory");
    } catch (e) {
      file?.close();
      throw cannotRead(e);
    }
    if (compression === "gzip") {
      // The stream owns the file from here: it closes it when done or cancelled.
      stream = file.readable.pipeThrough(new DecompressionStream("gzip")).getReader();
      file = undefined;
      next = streamSource(stream);
    } else if (compression === "xz") {
      file.close();
      file = undefined;
      xz = startXz(path, source);
      stream = xz.stdout;
      next = streamSource(stream);
    } else {
      next = fixedBuffer(file, options.readBufferBytes);
    }
  }

  try {
    const read = async (): Promise<Uint8Array | null> => {
      try {
        return await next();
      } catch (e) {
        throw cannotRead(e);
      }
    };
    // The format may need the first bytes (the vmtrace magic): gather at least 8 first.
    let first = await read();
    while (first !== null && first.length < VMTRACE_MAGIC.length) {
      // The read buffer is reused: keep a copy of what came before reading more.
      first = first.slice();
      const more = await read();
      if (more === null) break;
      const joined = new Uint8Array(first.length + more.length);
      joined.set(first);
      joined.set(more, first.length);
      first = joined;
    }
    const format = detectTraceFormat(path, first ?? new Uint8Array(0), options.format);
    let decoder: TraceDecoder;
    try {
      decoder = createTraceDecoder(format, { source, instructions: options.instructions });
    } catch (e) {
      if (e instanceof RangeError) {
        throw new TraceError(`Cannot read trace ${JSON.stringify(source)}: ${e.message}`);
      }
      throw e;
    }
    // The first block may sit in the read buffer the next read overwrites: the decoder is done with it first.
    for (let bytes = first; bytes !== null; bytes = await read()) {
      decoder.feed(bytes);
      while (decoder.parse(chunk)) {
        yield chunk;
        chunk.length = 0;
      }
    }
    if (xz !== undefined) await xz.finish();
    decoder.end();
    while (decoder.parse(chunk)) {
      yield chunk;
      chunk.length = 0;
    }
    if (chunk.length > 0) {
      yield chunk;
      chunk.length = 0;
    }
    return { format, counts: decoder.counts };
  } finally {
    file?.close();
    if (stream !== undefined) await stream.cancel().catch(() => {});
    if (xz !== undefined) await xz.stop();
  }
}

/**
 * Streams the accesses of a valgrind lackey trace: {@linkcode readTrace}
 * with the format fixed to lackey; its return value is the parser's line counts.
 *
 * @example Count the stores of a trace
 * ```ts
 * import { AccessKind } from "../../core/base/access_chunk.ts";
 * import { readLackeyTrace } from "./trace_file.ts";
 * const path = await Deno.makeTempFile({ suffix: ".lackey" });
 * await Deno.writeTextFile(path, "I  04000000,3\n L 7ff000398,8\n S 04016b00,8\n");
 * let stores = 0;
 * for await (const chunk of readLackeyTrace(path)) {
 *   for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === AccessKind.STORE) stores++;
 * }
 * await Deno.remove(path);
 * if (stores !== 1) throw new Error();
 * ```
 */
export async function* readLackeyTrace(
  path: string,
  options: ReadLackeyTraceOptions = {},
): AsyncGenerator<AccessChunk, LackeyCounts, undefined> {
  const summary = yield* readTrace(path, { ...options, format: "lackey" });
  return summary.counts as LackeyCounts;
}

function streamSource(reader: ReadableStreamDefaultReader<Uint8Array>): ByteSource {
  return async () => {
    const { done, value } = await reader.read();
    return done ? null : value;
  };
}

/** A running `xz -dc`: its output, and how to end it. */
interface XzProcess {
  stdout: ReadableStreamDefaultReader<Uint8Array>;
  /** After its output ended: throws a TraceError if xz failed. */
  finish(): Promise<void>;
  /** Kills it if it still runs, and reaps it. */
  stop(): Promise<void>;
}

function startXz(path: string, source: string): XzProcess {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("xz", {
      args: ["-dc", "--", path],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "the xz program is not installed (it decompresses .xz traces; install xz-utils)"
      : e instanceof Deno.errors.NotCapable
      ? "running xz not granted (run with --allow-run=xz)"
      : describe(e);
    throw new TraceError(`Cannot read trace ${JSON.stringify(source)}: ${reason}`);
  }
  const stderr = new Response(child.stderr).text();
  let done = false;
  return {
    stdout: child.stdout.getReader(),
    async finish() {
      const status = await child.status;
      done = true;
      if (!status.success) {
        const message = (await stderr).split("\n")[0].replace(/^xz: /, "").replace(`${path}: `, "");
        throw new TraceError(
          `Cannot read trace ${JSON.stringify(source)}: xz failed: ${
            message || `exit ${status.code}`
          }`,
        );
      }
    },
    async stop() {
      if (!done) {
        try {
          child.kill();
        } catch {
          // It has exited already.
        }
        await child.status;
        done = true;
      }
      await stderr.catch(() => "");
    },
  };
}

/**
 * The address spaces of a vmtrace file, from its trailer (its last bytes,
 * without reading the chunks); null when `path` is not an uncompressed
 * vmtrace file (stdin, compressed, another format, or no readable trailer).
 *
 * @example
 * ```ts
 * import { vmtraceSpaces } from "./trace_file.ts";
 * if (await vmtraceSpaces("-") !== null) throw new Error();
 * ```
 */
export async function vmtraceSpaces(path: string, format?: TraceFormat): Promise<number | null> {
  if (path === "-" || traceName(path).compression !== "none") return null;
  if (format !== undefined && format !== "vmtrace") return null;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path);
    const head = new Uint8Array(VMTRACE_MAGIC.length);
    if (await readFully(file, head) < head.length || !isVmtrace(head)) return null;
    const size = (await file.stat()).size;
    if (size < VMTRACE_HEADER_BYTES + VMTRACE_TRAILER_BYTES) return null;
    await file.seek(size - VMTRACE_TRAILER_BYTES, Deno.SeekMode.Start);
    const tail = new Uint8Array(VMTRACE_TRAILER_BYTES);
    if (await readFully(file, tail) < tail.length) return null;
    return readVmtraceTrailer(tail)?.spaces ?? null;
  } catch {
    // Unreadable: reading it as a trace says why.
    return null;
  } finally {
    file?.close();
  }
}

async function readFully(file: Deno.FsFile, into: Uint8Array): Promise<number> {
  let at = 0;
  while (at < into.length) {
    const n = await file.read(into.subarray(at));
    if (n === null) break;
    at += n;
  }
  return at;
}

/** Reads through one reusable buffer: the parser is done with a block before the next read. */
function fixedBuffer(
  reader: { read(p: Uint8Array): Promise<number | null> },
  bytes: number = DEFAULT_READ_BUFFER_BYTES,
): ByteSource {
  const buffer = new Uint8Array(bytes);
  return async () => {
    const n = await reader.read(buffer);
    return n === null ? null : buffer.subarray(0, n);
  };
}

/** A short reason for a failed open or read, without the stack or the repeated path. */
function describe(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such file";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotCapable) return "read access not granted (run with --allow-read)";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0];
}
