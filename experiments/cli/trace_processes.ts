/**
 * Traces replayed as processes: several traces, or the address spaces of
 * one vmtrace of several processes, merged into one stream, each access
 * tagged with its process's address space (`space` = the trace's position
 * among them, or its own space in the vmtrace), in the order a guest OS
 * with `vcpus` vCPUs would run them. `core/os/trace_processes.ts` turns that
 * stream into the guest OS model's events.
 *
 * @module
 */

import {
  type AccessChunk,
  createAccessChunk,
  DEFAULT_CHUNK_CAPACITY,
} from "../../core/base/access_chunk.ts";
import { SLICE_ACCESSES } from "../../core/os/os_workloads.ts";
import { BUILD_ACCESSES_PER_SWITCH } from "../../core/os/os_rates.ts";
import { TraceError } from "../../core/workload/trace_error.ts";
import type { TraceFormat } from "../../core/workload/trace_format.ts";
import { readTrace, type TraceSummary, vmtraceSpaces } from "./trace_file.ts";

/**
 * Accesses a process runs on its vCPU before another process that shares
 * the vCPU gets it: a kernel build's measured accesses per context switch
 * ({@linkcode BUILD_ACCESSES_PER_SWITCH}, about 4.2 million; core/os/os_rates.ts
 * gives the source).
 */
export const TRACE_QUANTUM_ACCESSES: number = BUILD_ACCESSES_PER_SWITCH;

/** Options of {@linkcode readProcessTraces}. */
export interface ReadProcessTracesOptions {
  /** vCPUs the processes run on (trace i on vCPU i mod vcpus). */
  vcpus: number;
  /** The format of every trace; default each one's own (see {@linkcode readTrace}). */
  format?: TraceFormat;
  /** Whether instruction fetches become accesses. Default false. */
  instructions?: boolean;
  /** Accesses per turn on a shared vCPU. Default {@linkcode TRACE_QUANTUM_ACCESSES}. */
  quantum?: number;
  /** Slots of the chunk yielded. Default {@linkcode DEFAULT_CHUNK_CAPACITY}. */
  chunkCapacity?: number;
}

/**
 * Streams the accesses of `paths`, trace i as address space i, merged as
 * their processes would run. One path that is a vmtrace of several address
 * spaces is read once per space, each a process: the schedule is made here,
 * for `vcpus`, whatever order the file holds (so such a trace must be an
 * uncompressed file, not stdin). The vCPUs take turns of
 * {@linkcode SLICE_ACCESSES} accesses (as concurrent CPUs interleave, and as
 * the OS workloads do), and on each vCPU its processes take turns of
 * `quantum` accesses, a process that ends leaving the vCPU to the next.
 * Memory stays bounded: one chunk per trace.
 *
 * Yields ONE chunk object over and over, as {@linkcode readTrace} does; the
 * return value is each trace's summary, in the order of `paths`.
 *
 * @throws {TraceError} for an unreadable or malformed trace (naming it),
 *   and for a trace of several address spaces that cannot be split (one
 *   of several paths, or compressed, or stdin).
 *
 * @example Two one-access traces on one vCPU
 * ```ts
 * import { readProcessTraces } from "./trace_processes.ts";
 * const a = await Deno.makeTempFile({ suffix: ".lackey" });
 * const b = await Deno.makeTempFile({ suffix: ".lackey" });
 * await Deno.writeTextFile(a, " L 1000,8\n");
 * await Deno.writeTextFile(b, " S 2000,8\n");
 * const spaces: number[] = [];
 * for await (const chunk of readProcessTraces([a, b], { vcpus: 1 })) spaces.push(...chunk.space.subarray(0, chunk.length));
 * await Deno.remove(a);
 * await Deno.remove(b);
 * if (spaces.join() !== "0,1") throw new Error();
 * ```
 */
export async function* readProcessTraces(
  paths: readonly string[],
  options: ReadProcessTracesOptions,
): AsyncGenerator<AccessChunk, TraceSummary[], undefined> {
  const { vcpus } = options;
  const quantum = options.quantum ?? TRACE_QUANTUM_ACCESSES;
  // One source per process: a trace, or one address space of a vmtrace.
  const spaces = paths.length === 1 ? await vmtraceSpaces(paths[0], options.format) : null;
  const sources: { path: number; space: number }[] = spaces !== null && spaces > 1
    ? Array.from({ length: spaces }, (_, space) => ({ path: 0, space }))
    : paths.map((_, path) => ({ path, space: -1 }));
  const count = sources.length;
  const readers = sources.map(({ path }) =>
    readTrace(paths[path], { format: options.format, instructions: options.instructions })
  );
  // A split vmtrace's sources keep the accesses of their space in a chunk of their own.
  const own = sources.map(({ space }) => space < 0 ? null : createAccessChunk());
  const summaries: (TraceSummary | undefined)[] = new Array(paths.length);
  const current: (AccessChunk | null)[] = new Array(count).fill(null);
  const position = new Array<number>(count).fill(0);
  // Per vCPU: its processes still running, the one whose turn it is, and how far into its turn.
  const queues: number[][] = Array.from({ length: vcpus }, () => []);
  for (let p = 0; p < count; p++) queues[p % vcpus].push(p);
  const turn = new Array<number>(vcpus).fill(0);
  const used = new Array<number>(vcpus).fill(0);
  const out = createAccessChunk(options.chunkCapacity ?? DEFAULT_CHUNK_CAPACITY);
  const capacity = out.vpn.length;
  let alive = count;

  /** The next accesses of process p, or null when its trace has ended. */
  const refill = async (p: number): Promise<AccessChunk | null> => {
    const { path, space } = sources[p];
    const mine = own[p];
    for (;;) {
      const step = await readers[p].next();
      if (step.done) {
        summaries[path] = step.value;
        return null;
      }
      const chunk = step.value;
      position[p] = 0;
      if (mine === null) {
        for (let i = 0; i < chunk.length; i++) {
          if (chunk.space[i] !== 0) throw severalSpaces(paths, path);
        }
        return chunk;
      }
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk.space[i] !== space) continue;
        mine.vpn[n] = chunk.vpn[i];
        mine.offset[n] = chunk.offset[i];
        mine.size[n] = chunk.size[i];
        mine.kind[n] = chunk.kind[i];
        n++;
      }
      mine.length = n;
      if (n > 0) return mine;
    }
  };

  try {
    while (alive > 0) {
      for (let v = 0; v < vcpus; v++) {
        const queue = queues[v];
        let left = SLICE_ACCESSES;
        while (left > 0 && queue.length > 0) {
          const p = queue[turn[v]];
          let chunk = current[p];
          if (chunk === null || position[p] === chunk.length) {
            chunk = current[p] = await refill(p);
            if (chunk === null) {
              // The process ended: the vCPU goes on with its next one.
              queue.splice(turn[v], 1);
              alive--;
              used[v] = 0;
              if (turn[v] >= queue.length) turn[v] = 0;
              continue;
            }
          }
          const take = Math.min(left, chunk.length - position[p], quantum - used[v]);
          const space = sources[p].space < 0 ? p : sources[p].space;
          let from = position[p];
          for (let k = 0; k < take; k++) {
            const n = out.length;
            out.vpn[n] = chunk.vpn[from];
            out.offset[n] = chunk.offset[from];
            out.size[n] = chunk.size[from];
            out.kind[n] = chunk.kind[from];
            out.space[n] = space;
            from++;
            if (++out.length === capacity) {
              yield out;
              out.length = 0;
            }
          }
          position[p] = from;
          left -= take;
          used[v] += take;
          if (used[v] >= quantum) {
            used[v] = 0;
            turn[v] = (turn[v] + 1) % queue.length;
          }
        }
      }
    }
    if (out.length > 0) yield out;
    out.length = 0;
    return summaries as TraceSummary[];
  } finally {
    // Close the traces not read to their end (a break, or another trace's error).
    await Promise.all(readers.map((r) => r.return(undefined as unknown as TraceSummary)));
  }
}

/** The error for a trace of several address spaces where it cannot be split into processes. */
function severalSpaces(paths: readonly string[], path: number): TraceError {
  return new TraceError(
    `Cannot replay trace ${
      JSON.stringify(paths[path])
    } as processes: it holds several address spaces; ${
      paths.length > 1
        ? "replay it alone"
        : "such a vmtrace replays from an uncompressed file, read once per process"
    }`,
  );
}
