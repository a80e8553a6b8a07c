// Simulator speed of the MMU on its three kinds of stream: hits, native
// walks and nested walks. Measures accesses per wall-clock second, never
// modelled cycles. Accesses are generated up front so only the MMU is timed.
import { do_not_optimize } from "mitata";
import { getProfile } from "../core/cost/profiles.ts";
import { buildMachine } from "../core/machine/build_machine.ts";
import type { Machine } from "../core/machine/machine.ts";
import type { MachineConfig } from "../core/machine/machine_config.ts";
import { type AccessChunk, createAccessChunk } from "../core/base/access_chunk.ts";
import { Prng } from "../core/base/prng.ts";
import type { BenchCase } from "./bench_case.ts";

/** Accesses per timed call. */
export const CHUNK = 4096;
const POOL = 256; // chunks in the rotating pool
const PAGES_4G = (4 * 2 ** 30) / 4096; // 4 << 30 overflows 32-bit shifts to 0

function pool(fill: (chunk: AccessChunk, index: number) => void): AccessChunk[] {
  return Array.from({ length: POOL }, (_, i) => {
    const chunk = createAccessChunk(CHUNK);
    fill(chunk, i);
    chunk.length = CHUNK;
    return chunk;
  });
}

function sequential(): AccessChunk[] {
  return pool((chunk, c) => {
    for (let i = 0; i < CHUNK; i++) {
      const byte = ((c * CHUNK + i) * 8) % (4 << 20);
      chunk.vpn[i] = 0x10000 + Math.floor(byte / 4096);
      chunk.offset[i] = byte % 4096;
      chunk.size[i] = 8;
    }
  });
}

function random4g(): AccessChunk[] {
  const prng = new Prng(42);
  return pool((chunk) => {
    for (let i = 0; i < CHUNK; i++) {
      chunk.vpn[i] = 0x10000 + prng.below(PAGES_4G);
      chunk.offset[i] = prng.below(512) * 8;
      chunk.size[i] = 8;
    }
  });
}

function warmed(config: MachineConfig, pages: number): Machine {
  const machine = buildMachine(config, getProfile("intel-skylake-sp"));
  for (let p = 0; p < pages; p++) machine.vcpus[0].mmu.translate(0x10000 + p, 0);
  return machine;
}

function mmuCase(
  name: string,
  config: MachineConfig,
  chunks: () => AccessChunk[],
  pages: number,
  target: number,
): BenchCase {
  return {
    name,
    ops: CHUNK,
    unit: "accesses",
    target, // issue "Foundation": targets on a 2-core machine
    setup() {
      const machine = warmed(config, pages);
      const pool = chunks();
      const vcpu = machine.vcpus[0];
      let next = 0;
      return {
        run() {
          vcpu.run(pool[next]);
          next = (next + 1) % POOL;
          return do_not_optimize(vcpu.stats.counters);
        },
      };
    },
  };
}

/** The MMU benchmarks; each timed call runs {@linkcode CHUNK} accesses. */
export const CASES: readonly BenchCase[] = [
  mmuCase("mmu: L1-hit-dominated sequential, native", {}, sequential, 1024, 50e6),
  mmuCase("mmu: uniform random over 4 GiB, native 4K", {}, random4g, PAGES_4G, 10e6),
  mmuCase(
    "mmu: uniform random over 4 GiB, nested 4K/4K",
    { platform: "nested" },
    random4g,
    PAGES_4G,
    5e6,
  ),
];
