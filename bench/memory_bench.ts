// Simulator speed of the large-page memory model: buddy allocator churn on
// fragmented host memory, and the MMU over mixed page sizes (a half
// splintered guest under opportunistic host backing). Operations per
// wall-clock second, never modelled cycles.
import { do_not_optimize } from "mitata";
import { getProfile } from "../core/cost/profiles.ts";
import { buildMachine } from "../core/machine/build_machine.ts";
import { BuddyAllocator } from "../core/mem/buddy_allocator.ts";
import { fragment } from "../core/mem/fragmentation.ts";
import { PageSize } from "../core/base/page_size.ts";
import { createAccessChunk } from "../core/base/access_chunk.ts";
import { Prng } from "../core/base/prng.ts";
import type { BenchCase } from "./bench_case.ts";

/** Operations per timed call. */
export const MEMORY_OPS = 4096;

/** The large-page memory model's benchmarks. */
export const CASES: readonly BenchCase[] = [
  {
    name: "buddy: 4K alloc + free churn, 64 GiB, half fragmented",
    ops: MEMORY_OPS,
    unit: "operations",
    setup() {
      const memory = new BuddyAllocator(64 * 262144);
      fragment(memory, 0.5, 1);
      const held = new Float64Array(MEMORY_OPS);
      for (let i = 0; i < MEMORY_OPS; i++) held[i] = memory.alloc(PageSize.SIZE_4K);
      const prng = new Prng(7);
      return {
        run() {
          // Free a random held frame and allocate a new one in its place.
          for (let i = 0; i < MEMORY_OPS; i++) {
            const k = prng.below(MEMORY_OPS);
            memory.free(held[k], PageSize.SIZE_4K);
            held[k] = memory.alloc(PageSize.SIZE_4K);
          }
          return do_not_optimize(held);
        },
      };
    },
  },
  {
    name: "mmu: uniform random over 4 GiB, nested, guest 2M, host 87.5 % fragmented",
    ops: MEMORY_OPS,
    unit: "accesses",
    setup() {
      const footprint = 4 * 2 ** 30;
      const machine = buildMachine({
        platform: "nested",
        memory: {
          hostPolicy: "opportunistic",
          fragmentation: 0.875,
          guestLargeFraction: 1,
          guestMemoryMib: 5120,
          hostMemoryMib: 10240,
        },
      }, getProfile("intel-skylake-sp"));
      const pages = footprint / 4096;
      for (let p = 0; p < pages; p++) machine.vcpus[0].mmu.translate(0x10000 + p, 0);
      const prng = new Prng(7);
      const chunks = Array.from({ length: 64 }, () => {
        const chunk = createAccessChunk(MEMORY_OPS);
        for (let i = 0; i < MEMORY_OPS; i++) {
          chunk.vpn[i] = 0x10000 + prng.below(pages);
          chunk.offset[i] = 0;
          chunk.size[i] = 8;
        }
        chunk.length = MEMORY_OPS;
        return chunk;
      });
      let next = 0;
      return {
        run() {
          machine.vcpus[0].mmu.run(chunks[next]);
          next = (next + 1) % chunks.length;
          return do_not_optimize(machine.stats.counters);
        },
      };
    },
  },
];
