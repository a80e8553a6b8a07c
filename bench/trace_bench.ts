// Trace reading speed by format: the same trace parsed from memory as
// lackey text and as a vmtrace (parse only: no disk, no simulation), both
// in lackey lines of that trace per second, so that bench/mod.ts can print their ratio (issue
// 17's goal: a vmtrace reads at least 5× faster than the same lackey text).
import { do_not_optimize } from "mitata";
import { createAccessChunk } from "../core/base/access_chunk.ts";
import { LackeyParser } from "../core/workload/lackey.ts";
import { VmtraceDecoder, VmtraceEncoder } from "../core/workload/vmtrace.ts";
import type { BenchCase } from "./bench_case.ts";
import { syntheticLackeyText } from "./workload_bench.ts";

/** Lines of the synthetic lackey trace (about 45 % of them loads, stores and modifies). */
const LINES = 2_000_000;
/** Bytes handed to a decoder at a time, as a file reader would. */
const FEED_BYTES = 64 * 1024;

/** The names of the two cases, for the ratio bench/mod.ts prints. */
export const TRACE_CASES = {
  lackey: `trace: parse ${LINES / 1e6}M lines of lackey text`,
  vmtrace: `trace: parse the same trace as a vmtrace`,
} as const;

/** Parses `bytes` fed in blocks with `decoder`; returns accesses decoded. */
function drain(
  decoder: LackeyParser | VmtraceDecoder,
  bytes: Uint8Array,
  chunk: ReturnType<typeof createAccessChunk>,
): number {
  for (let at = 0; at < bytes.length; at += FEED_BYTES) {
    decoder.feed(bytes.subarray(at, at + FEED_BYTES));
    while (decoder.parse(chunk)) chunk.length = 0;
  }
  decoder.end();
  while (decoder.parse(chunk)) chunk.length = 0;
  chunk.length = 0;
  return decoder.counts.accesses;
}

/** The synthetic trace's text, its vmtrace bytes, and its number of accesses. */
function traces(): { text: Uint8Array; vmtrace: Uint8Array; accesses: number } {
  const text = syntheticLackeyText(LINES);
  const parser = new LackeyParser({ source: "bench" });
  const encoder = new VmtraceEncoder({ target: "bench" });
  const blocks = [encoder.header()];
  const chunk = createAccessChunk();
  parser.feed(text);
  const take = () => {
    blocks.push(...encoder.add(chunk));
    chunk.length = 0;
  };
  while (parser.parse(chunk)) take();
  parser.end();
  while (parser.parse(chunk)) take();
  take();
  blocks.push(encoder.finish());
  const vmtrace = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    vmtrace.set(b, at);
    at += b.length;
  }
  return { text, vmtrace, accesses: encoder.accesses };
}

function traceCase(format: "lackey" | "vmtrace"): BenchCase {
  return {
    name: TRACE_CASES[format],
    // Both rates count the same trace's lackey lines, so their ratio is the speed-up.
    ops: LINES,
    unit: "lines",
    setup() {
      const { text, vmtrace, accesses } = traces();
      const chunk = createAccessChunk();
      return {
        run() {
          const decoder = format === "lackey"
            ? new LackeyParser({ source: "bench" })
            : new VmtraceDecoder({ source: "bench" });
          const n = drain(decoder, format === "lackey" ? text : vmtrace, chunk);
          if (n !== accesses) throw new Error(`decoded ${n} of ${accesses} accesses`);
          return do_not_optimize(n);
        },
      };
    },
  };
}

/** The same trace parsed as lackey text, then as a vmtrace. */
export const CASES: readonly BenchCase[] = [traceCase("lackey"), traceCase("vmtrace")];
