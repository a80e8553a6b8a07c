// Worker entry of `deno task bench`: loads one module of cases, builds one
// case and measures it with mitata, then posts mitata's statistics. A fresh
// Worker per case keeps the model's call sites monomorphic (STYLE.md, point
// 13): no other configuration has run through them in this isolate.

/// <reference lib="deno.worker" />

import { measure } from "mitata";
import type { BenchModule } from "./bench_case.ts";

/** Runner → Worker: measure case `index` of `module`. */
export interface BenchRequest {
  /** URL of the module of cases. */
  module: string;
  /** Index of the case in its `CASES`. */
  index: number;
}

/** mitata's statistics of one case, times in nanoseconds per timed call. */
export interface BenchStats {
  /** Mean time of a call. */
  avg: number;
  /** Fastest call. */
  min: number;
  /** Slowest call. */
  max: number;
  /** Median. */
  p50: number;
  /** 75th percentile. */
  p75: number;
  /** 99th percentile. */
  p99: number;
  /** Timed calls (mitata's samples). */
  samples: number;
}

/** Worker → runner: the statistics, or why the case failed. */
export type BenchReply =
  | { kind: "done"; stats: BenchStats }
  | { kind: "error"; message: string; stack?: string };

self.onmessage = async (event: MessageEvent<BenchRequest>): Promise<void> => {
  const { module, index } = event.data;
  try {
    const { CASES } = (await import(module)) as BenchModule;
    const body = CASES[index].setup();
    const stats = "fresh" in body
      ? await measure(function* () {
        yield { [0]: () => body.fresh(), bench: (state: unknown) => body.run(state) };
      }, { min_samples: body.samples ?? 3, min_cpu_time: 0 })
      : await measure(() => body.run());
    const { avg, min, max, p50, p75, p99 } = stats;
    const reply: BenchReply = {
      kind: "done",
      stats: { avg, min, max, p50, p75, p99, samples: stats.samples.length },
    };
    self.postMessage(reply);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    self.postMessage({ kind: "error", message: e.message, stack: e.stack } satisfies BenchReply);
  }
};
