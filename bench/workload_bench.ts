// Simulator speed of the workload layer: lackey trace parsing in lines per
// second (from memory, so only the parser is timed, not the disk) and the
// synthetic generators' fill speed in accesses per second.
import { do_not_optimize } from "mitata";
import { createAccessChunk } from "../core/base/access_chunk.ts";
import { LackeyParser } from "../core/workload/lackey.ts";
import { Prng } from "../core/base/prng.ts";
import { createWorkload, type WorkloadName, WORKLOADS } from "../core/workload/workloads.ts";
import type { BenchCase } from "./bench_case.ts";

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

function lackeyCase(): BenchCase {
  return {
    name: `lackey: parse ${LACKEY_LINES / 1e6}M lines in ${FEED_BYTES / 1024} KiB blocks`,
    ops: LACKEY_LINES,
    unit: "lines",
    target: 5e6,
    setup() {
      const text = syntheticLackeyText(LACKEY_LINES);
      const chunk = createAccessChunk();
      return {
        run() {
          const parser = new LackeyParser({ source: "bench" });
          for (let at = 0; at < text.length; at += FEED_BYTES) {
            parser.feed(text.subarray(at, at + FEED_BYTES));
            while (parser.parse(chunk)) chunk.length = 0;
          }
          parser.end();
          while (parser.parse(chunk)) chunk.length = 0;
          chunk.length = 0;
          return do_not_optimize(parser.counts);
        },
      };
    },
  };
}

function generatorCase(name: WorkloadName): BenchCase {
  return {
    name: `workload: ${name} fill over 4 GiB`,
    ops: GENERATOR_CHUNK,
    unit: "accesses",
    setup() {
      const gen = createWorkload(name, {
        accesses: Number.MAX_SAFE_INTEGER,
        footprintBytes: 4 * 2 ** 30,
        seed: 1,
      });
      const out = createAccessChunk(GENERATOR_CHUNK);
      return {
        run() {
          gen.fill(out);
          return do_not_optimize(out.vpn);
        },
      };
    },
  };
}

/** Trace parsing in lines per second, then each synthetic generator's fill rate. */
export const CASES: readonly BenchCase[] = [
  lackeyCase(),
  ...(Object.keys(WORKLOADS) as WorkloadName[]).map(generatorCase),
];
