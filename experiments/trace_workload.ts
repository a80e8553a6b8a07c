/**
 * How an experiment point names a trace as its workload: `FORMAT:PATH`,
 * FORMAT one of `lackey`, `champsim`, `vmtrace`, told by the trace's name
 * when `deno task experiment --trace PATH` adds the point.
 *
 * @module
 */

import { TRACE_FORMATS, type TraceFormat, traceName } from "../core/workload/trace_format.ts";

/** A trace an experiment point replays. */
export interface TraceWorkload {
  /** Its format. */
  format: TraceFormat;
  /** Its path. */
  path: string;
}

/**
 * The trace a workload value names (`FORMAT:PATH`), or null for any other
 * workload (a synthetic or OS workload's name).
 *
 * @example
 * ```ts
 * import { traceOfWorkload } from "./trace_workload.ts";
 * if (traceOfWorkload("champsim:/t/a.champsim")?.format !== "champsim") throw new Error();
 * if (traceOfWorkload("zipf") !== null) throw new Error();
 * ```
 */
export function traceOfWorkload(workload: string): TraceWorkload | null {
  const colon = workload.indexOf(":");
  if (colon < 0) return null;
  const format = workload.slice(0, colon);
  if (!(TRACE_FORMATS as readonly string[]).includes(format)) return null;
  return { format: format as TraceFormat, path: workload.slice(colon + 1) };
}

/**
 * The format an experiment reads the trace at `path` as: told by the name
 * (`.champsim`, `.champsimtrace`, `.vmtrace`, maybe with `.gz` or `.xz`),
 * else lackey. Points are named before any trace is opened, so the name
 * alone decides.
 *
 * @example
 * ```ts
 * import { experimentTraceFormat } from "./trace_workload.ts";
 * if (experimentTraceFormat("/t/a.champsim.xz") !== "champsim") throw new Error();
 * if (experimentTraceFormat("/t/ls.out") !== "lackey") throw new Error();
 * ```
 */
export function experimentTraceFormat(path: string): TraceFormat {
  return traceName(path).format ?? "lackey";
}

/**
 * The workload value of the trace at `path`: `FORMAT:PATH`, the format
 * {@linkcode experimentTraceFormat}'s.
 *
 * @example
 * ```ts
 * import { traceWorkload } from "./trace_workload.ts";
 * if (traceWorkload("/t/ab.vmtrace") !== "vmtrace:/t/ab.vmtrace") throw new Error();
 * if (traceWorkload("/t/ls.out") !== "lackey:/t/ls.out") throw new Error();
 * ```
 */
export function traceWorkload(path: string): string {
  return `${experimentTraceFormat(path)}:${path}`;
}
