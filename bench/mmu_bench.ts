// Simulator speed of the MMU on its three kinds of stream: hits, native
// walks and nested walks. Measures accesses per wall-clock second, never
// modelled cycles. Accesses are generated up front so only the MMU is timed.
import { bench, do_not_optimize } from "mitata";
import { getProfile } from "../core/cost/profiles.ts";
import { buildMachine } from "../core/machine/build_machine.ts";
import type { Machine } from "../core/machine/machine.ts";
import type { MachineConfig } from "../core/machine/machine_config.ts";
import { type AccessChunk, createAccessChunk } from "../core/base/access_chunk.ts";
import { Prng } from "../core/base/prng.ts";

/** Accesses per timed call. */
export const CHUNK = 4096;
const POOL = 256; // chunks in the rotating pool

function pool(fill: (chunk: AccessChunk, index: number) => void): AccessChunk[] {
  return Array.from({ length: POOL }, (_, i) => {
    const chunk = createAccessChunk(CHUNK);
    fill(chunk, i);
    chunk.length = CHUNK;
    return chunk;
  });
}

function warmed(config: MachineConfig, pages: number): Machine {
  const machine = buildMachine(config, getProfile("intel-skylake-sp"));
  for (let p = 0; p < pages; p++) machine.vcpus[0].mmu.translate(0x10000 + p, 0);
  return machine;
}

/** Registers the MMU benchmarks with mitata; each timed call runs {@linkcode CHUNK} accesses. */
export function mmuBenchmarks(): string[] {
  const sequential = pool((chunk, c) => {
    for (let i = 0; i < CHUNK; i++) {
      const byte = ((c * CHUNK + i) * 8) % (4 << 20);
      chunk.vpn[i] = 0x10000 + Math.floor(byte / 4096);
      chunk.offset[i] = byte % 4096;
      chunk.size[i] = 8;
    }
  });
  const pages4g = (4 * 2 ** 30) / 4096; // 4 << 30 overflows 32-bit shifts to 0
  const prng = new Prng(42);
  const random = pool((chunk) => {
    for (let i = 0; i < CHUNK; i++) {
      chunk.vpn[i] = 0x10000 + prng.below(pages4g);
      chunk.offset[i] = prng.below(512) * 8;
      chunk.size[i] = 8;
    }
  });
  const cases: [string, MachineConfig, AccessChunk[], number][] = [
    ["mmu: L1-hit-dominated sequential, native", {}, sequential, 1024],
    ["mmu: uniform random over 4 GiB, native 4K", {}, random, pages4g],
    ["mmu: uniform random over 4 GiB, nested 4K/4K", { platform: "nested" }, random, pages4g],
  ];
  for (const [name, config, chunks, pages] of cases) {
    const machine = warmed(config, pages);
    let next = 0;
    const vcpu = machine.vcpus[0];
    bench(name, () => {
      vcpu.run(chunks[next]);
      next = (next + 1) % POOL;
      do_not_optimize(vcpu.stats.counters);
    });
  }
  return cases.map((c) => c[0]);
}
