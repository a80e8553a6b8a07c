// Simulator speed of the workload layer: lackey trace parsing in lines per
// second (from memory, so only the parser is timed, not the disk) and the
// synthetic generators' fill speed in accesses per second.
//
// Standalone: `deno run --allow-env --allow-sys bench/workload_bench.ts` prints mitata's table and a
// JSON summary. `bench/mod.ts` can instead call workloadBenchmarks() and run
// mitata itself.
import { bench, do_not_optimize, run } from "mitata";
import { createAccessChunk } from "../core/base/access_chunk.ts";
import { LackeyParser } from "../core/workload/lackey.ts";
import { Prng } from "../core/base/prng.ts";
import { createWorkload, WORKLOADS } from "../core/workload/workloads.ts";

/** Lines in the synthetic lackey trace parsed by each timed call. */
export const LACKEY_LINES = 2_000_000;
/** Accesses per timed call of a generator benchmark. */
export const GENERATOR_CHUNK = 4096;
/** Bytes handed to the parser at a time, as a file reader would. */
const FEED_BYTES = 64 * 1024;

/**
 * A lackey trace with the mix of a typical program run: about half
 * instruction fetches, then loads, stores and modifies, with user-space
 * addresses of 8 to 9 hex digits, and a few valgrind messages.
 */
export function syntheticLackeyText(lines: number, seed = 1): Uint8Array {
  const rng = new Prng(seed);
  const parts: string[] = [
    "==4242== Lackey, an example Valgrind tool",
    "==4242== Command: ./bench",
  ];
  let pc = 0x4000000;
  for (let i = parts.length; i < lines; i++) {
    const r = rng.below(100);
    if (r < 55) {
      pc += 1 + rng.below(8);
      parts.push(`I  ${pc.toString(16).padStart(8, "0")},${1 + rng.below(7)}`);
    } else {
      const kind = r < 85 ? "L" : r < 97 ? "S" : "M";
      const address = rng.below(2) === 0
        ? 0x7ff000000 + rng.below(1 << 20)
        : 0x4016b00 + rng.below(1 << 24);
      parts.push(
        ` ${kind} ${address.toString(16).padStart(8, "0")},${
          [1, 2, 4, 8, 8, 8, 16, 32][rng.below(8)]
        }`,
      );
    }
  }
  return new TextEncoder().encode(parts.join("\n") + "\n");
}

/**
 * Registers the workload benchmarks with mitata.
 *
 * @returns each benchmark's name and how many operations (trace lines or
 *   accesses) one timed call performs, to turn mitata's times into rates.
 */
export function workloadBenchmarks(): Record<string, number> {
  const opsPerCall: Record<string, number> = {};

  const text = syntheticLackeyText(LACKEY_LINES);
  const chunk = createAccessChunk();
  const lackeyName = `lackey: parse ${LACKEY_LINES / 1e6}M lines in ${
    FEED_BYTES / 1024
  } KiB blocks`;
  opsPerCall[lackeyName] = LACKEY_LINES;
  bench(lackeyName, () => {
    const parser = new LackeyParser({ source: "bench" });
    for (let at = 0; at < text.length; at += FEED_BYTES) {
      parser.feed(text.subarray(at, at + FEED_BYTES));
      while (parser.parse(chunk)) chunk.length = 0;
    }
    parser.end();
    while (parser.parse(chunk)) chunk.length = 0;
    chunk.length = 0;
    do_not_optimize(parser.counts);
  });

  for (const name of Object.keys(WORKLOADS)) {
    const gen = createWorkload(name, {
      accesses: Number.MAX_SAFE_INTEGER,
      footprintBytes: 4 * 2 ** 30,
      seed: 1,
    });
    const out = createAccessChunk(GENERATOR_CHUNK);
    const label = `workload: ${name} fill over 4 GiB`;
    opsPerCall[label] = GENERATOR_CHUNK;
    bench(label, () => {
      gen.fill(out);
      do_not_optimize(out.vpn);
    });
  }
  return opsPerCall;
}

if (import.meta.main) {
  const opsPerCall = workloadBenchmarks();
  const { benchmarks } = await run();
  const summary = benchmarks.map((b) => {
    const stats = b.runs[0]?.stats;
    const ops = opsPerCall[b.alias] ?? 1;
    return { name: b.alias, per_second: stats ? Math.round(ops / (stats.avg / 1e9)) : 0 };
  });
  console.log(JSON.stringify({ benchmarks: summary }, null, 2));
}
