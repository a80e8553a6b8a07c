/**
 * Streaming of valgrind lackey trace files into access chunks, in bounded
 * memory whatever the file's size: plain files and stdin are read through
 * one fixed buffer, `.gz` files through a `DecompressionStream`.
 *
 * @module
 */

import {
  type AccessChunk,
  createAccessChunk,
  DEFAULT_CHUNK_CAPACITY,
} from "../../core/base/access_chunk.ts";
import { type LackeyCounts, LackeyParser, TraceError } from "../../core/workload/lackey.ts";

/** Options of {@linkcode readLackeyTrace}. */
export interface ReadLackeyTraceOptions {
  /** Whether `I` lines become `IFETCH` accesses. Default false. */
  instructions?: boolean;
  /** Slots of the chunk yielded, at least 4. Default {@linkcode DEFAULT_CHUNK_CAPACITY}. */
  chunkCapacity?: number;
  /** Bytes read from the file at a time (plain files and stdin). Default 1 MiB. */
  readBufferBytes?: number;
}

const DEFAULT_READ_BUFFER_BYTES = 1 << 20;

/** A source of byte blocks: the next block, or null at the end. */
type ByteSource = () => Promise<Uint8Array | null>;

/**
 * Streams the accesses of a valgrind lackey trace (`valgrind --tool=lackey
 * --trace-mem=yes`). `path` is a file, a `.gz` file (gunzipped on the fly),
 * or `-` for stdin (plain text).
 *
 * For speed it yields ONE chunk object over and over, refilled between
 * yields: process each chunk before asking for the next, and copy what you
 * need to keep. The generator's return value is the parser's line counts.
 * Breaking out of the loop closes the file.
 *
 * @throws {TraceError} `Cannot read trace "<path>": <reason>` when the file
 *   cannot be opened or read (or is not valid gzip), and
 *   `Cannot parse trace "<path>": line N: <problem>` for a malformed line.
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
  const source = path === "-" ? "stdin" : path;
  const parser = new LackeyParser({ source, instructions: options.instructions ?? false });
  const chunk = createAccessChunk(options.chunkCapacity ?? DEFAULT_CHUNK_CAPACITY);
  const cannotRead = (e: unknown): TraceError =>
    new TraceError(`Cannot read trace ${JSON.stringify(source)}: ${describe(e)}`);

  let file: Deno.FsFile | undefined;
  let stream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let next: ByteSource;
  if (path === "-") {
    next = fixedBuffer(Deno.stdin, options.readBufferBytes);
  } else {
    try {
      file = await Deno.open(path);
    } catch (e) {
      throw cannotRead(e);
    }
    if (path.toLowerCase().endsWith(".gz")) {
      // The stream owns the file from here: it closes it when done or cancelled.
      stream = file.readable.pipeThrough(new DecompressionStream("gzip")).getReader();
      file = undefined;
      const reader = stream;
      next = async () => {
        const { done, value } = await reader.read();
        return done ? null : value;
      };
    } else {
      next = fixedBuffer(file, options.readBufferBytes);
    }
  }

  try {
    for (;;) {
      let bytes: Uint8Array | null;
      try {
        bytes = await next();
      } catch (e) {
        throw cannotRead(e);
      }
      if (bytes === null) break;
      parser.feed(bytes);
      while (parser.parse(chunk)) {
        yield chunk;
        chunk.length = 0;
      }
    }
    parser.end();
    while (parser.parse(chunk)) {
      yield chunk;
      chunk.length = 0;
    }
    if (chunk.length > 0) {
      yield chunk;
      chunk.length = 0;
    }
    return parser.counts;
  } finally {
    file?.close();
    if (stream !== undefined) await stream.cancel().catch(() => {});
  }
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
