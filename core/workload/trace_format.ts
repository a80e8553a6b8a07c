/**
 * The trace formats vmlab reads, by name, and the one rule that tells a
 * trace's format from its name: a decoder for each behind one interface.
 *
 * @module
 */

import type { AccessChunk } from "../base/access_chunk.ts";
import { type ChampSimCounts, ChampSimDecoder } from "./champsim.ts";
import { type LackeyCounts, LackeyParser } from "./lackey.ts";
import { isVmtrace, type VmtraceCounts, VmtraceDecoder } from "./vmtrace.ts";

/** The formats, in the order `--help` lists them. */
export const TRACE_FORMATS = ["lackey", "champsim", "vmtrace"] as const;

/** A trace format's name. */
export type TraceFormat = typeof TRACE_FORMATS[number];

/** What a decoder counted, by format. */
export type TraceCounts = LackeyCounts | ChampSimCounts | VmtraceCounts;

/**
 * An incremental decoder of one format, with {@linkcode LackeyParser}'s
 * protocol: `feed(bytes)`, `parse(chunk)` until false, and after the last
 * block `end()` and `parse` until false again.
 */
export interface TraceDecoder {
  /** Hands the decoder the next bytes (kept by reference until `parse` returns false). */
  feed(bytes: Uint8Array): void;
  /** Decodes into `chunk` from `chunk.length`; true when the chunk is full. */
  parse(chunk: AccessChunk): boolean;
  /** Declares the end of the trace; throws a `TraceError` if it stops early. */
  end(): void;
  /** What was decoded so far; `accesses` counts the accesses written to chunks. */
  readonly counts: TraceCounts;
}

/** Options of {@linkcode createTraceDecoder}. */
export interface TraceDecoderOptions {
  /** Name of the trace in error messages: a path, or `stdin`. */
  source: string;
  /**
   * Whether instruction fetches become `IFETCH` accesses (lackey `I` lines,
   * ChampSim `ip`). Default false. A vmtrace holds fetches when it was
   * converted with them: true is an error for it (a `RangeError`).
   */
  instructions?: boolean;
}

/**
 * A decoder of `format`.
 *
 * @throws {RangeError} for `instructions` with the vmtrace format.
 *
 * @example
 * ```ts
 * import { createAccessChunk } from "../base/access_chunk.ts";
 * import { createTraceDecoder } from "./trace_format.ts";
 * const decoder = createTraceDecoder("lackey", { source: "x" });
 * decoder.feed(new TextEncoder().encode(" L 1000,8\n"));
 * const chunk = createAccessChunk();
 * decoder.parse(chunk);
 * decoder.end();
 * if (chunk.length !== 1 || decoder.counts.accesses !== 1) throw new Error();
 * ```
 */
export function createTraceDecoder(
  format: TraceFormat,
  options: TraceDecoderOptions,
): TraceDecoder {
  const { source, instructions = false } = options;
  switch (format) {
    case "lackey":
      return new LackeyParser({ source, instructions });
    case "champsim":
      return new ChampSimDecoder({ source, instructions });
    case "vmtrace":
      if (instructions) {
        throw new RangeError(
          "a vmtrace holds instruction fetches when it was converted with them: instructions cannot be chosen when replaying it",
        );
      }
      return new VmtraceDecoder({ source });
  }
}

/** The compressions a trace file may have, by the name's last extension. */
export type TraceCompression = "none" | "gzip" | "xz";

/** What a trace's name says about it. */
export interface TraceName {
  /** The format the name gives, or null when it gives none (then lackey, unless the bytes say vmtrace). */
  format: TraceFormat | null;
  /** How the file is compressed. */
  compression: TraceCompression;
}

/**
 * The rule that tells a trace from its name (case-insensitive): a last
 * extension `.gz` or `.xz` is the compression, and what is left ends with
 * `.champsim` or `.champsimtrace` (ChampSim), `.vmtrace` (vmlab's binary
 * format), or anything else (no format: lackey, unless the file's first
 * bytes are a vmtrace's magic). `-` (stdin) is uncompressed.
 *
 * @example
 * ```ts
 * import { traceName } from "./trace_format.ts";
 * const name = traceName("600.perlbench_s-210B.champsimtrace.xz");
 * if (name.format !== "champsim" || name.compression !== "xz") throw new Error();
 * if (traceName("ls.lackey.gz").format !== null) throw new Error();
 * ```
 */
export function traceName(path: string): TraceName {
  let name = path.toLowerCase();
  let compression: TraceCompression = "none";
  if (name.endsWith(".gz")) {
    compression = "gzip";
    name = name.slice(0, -3);
  } else if (name.endsWith(".xz")) {
    compression = "xz";
    name = name.slice(0, -3);
  }
  const format = name.endsWith(".champsim") || name.endsWith(".champsimtrace")
    ? "champsim"
    : name.endsWith(".vmtrace")
    ? "vmtrace"
    : null;
  return { format, compression };
}

/**
 * The format of a trace: `given` if any, else what its first bytes say
 * (the vmtrace magic), else its name's (see {@linkcode traceName}), else lackey.
 *
 * @example
 * ```ts
 * import { detectTraceFormat } from "./trace_format.ts";
 * if (detectTraceFormat("a.out.trace", new Uint8Array(4)) !== "lackey") throw new Error();
 * if (detectTraceFormat("a.champsim", new Uint8Array(4)) !== "champsim") throw new Error();
 * ```
 */
export function detectTraceFormat(
  path: string,
  firstBytes: Uint8Array,
  given?: TraceFormat,
): TraceFormat {
  if (given !== undefined) return given;
  if (isVmtrace(firstBytes)) return "vmtrace";
  return traceName(path).format ?? "lackey";
}
