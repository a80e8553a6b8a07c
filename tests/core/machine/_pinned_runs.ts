// The runs whose counters and cycles were pinned with the cache hierarchy
// off (fixtures/caches_off.json, captured on main at 58d5783 before the
// hierarchy existed, re-captured once when host and shadow page-table pages
// moved to pageblocks of their own, which moves nested and shadow 4K runs:
// the caches-off model was checked equal to that branch's on every run): a hand-written seeded stream, driven on the machine
// directly, so that later changes to the workload generators or to
// simulate()'s warm-up cannot move them.
import {
  type AccessChunk,
  type AccessGenerator,
  AccessKind,
} from "../../../core/base/access_chunk.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import type { Machine } from "../../../core/machine/machine.ts";
import { EventClock } from "../../../core/clock/event_clock.ts";
import { SingleProcessStream } from "../../../core/os/access_stream.ts";
import { createOsEventChunk } from "../../../core/os/os_event.ts";

/** One pinned configuration. */
export interface PinnedRun {
  name: string;
  config: MachineConfig;
}

/** Every pinned configuration: native, nested, shadow × 4k, 2m × 1, 2 vCPUs × first-touch, os. */
export function pinnedRuns(): PinnedRun[] {
  const runs: PinnedRun[] = [];
  for (const platform of ["native", "nested", "shadow"] as const) {
    for (const page of ["4k", "2m"] as const) {
      for (const vcpus of [1, 2]) {
        for (const guest of ["first-touch", "os"] as const) {
          const config: MachineConfig = { platform, guestPage: page, vcpus, guest };
          if (platform !== "native") config.hostPage = page;
          runs.push({ name: `${platform} ${page} ${vcpus} vCPU ${guest}`, config });
        }
      }
    }
  }
  return runs;
}

/**
 * 20,000 accesses: 60 % over 256 hot pages, 40 % over 64 MiB, 8-byte aligned
 * offsets, one in 64 straddling a page, 30 % stores; xorshift32 from seed 1.
 */
export function pinnedStream(accesses = 20_000): AccessGenerator {
  let state = 1;
  let left = accesses;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return {
    fill(chunk: AccessChunk): number {
      const n = Math.min(left, chunk.vpn.length);
      for (let i = 0; i < n; i++) {
        const hot = next() < 0.6;
        chunk.vpn[i] = 0x10000 + Math.floor(next() * (hot ? 256 : 16384));
        const straddle = next() < 1 / 64;
        chunk.offset[i] = straddle ? 4092 : Math.floor(next() * 512) * 8;
        chunk.size[i] = 8;
        chunk.kind[i] = next() < 0.3 ? AccessKind.STORE : AccessKind.LOAD;
        chunk.space[i] = 0;
      }
      left -= n;
      return (chunk.length = n);
    },
  };
}

/** Runs the pinned stream on `machine` (its vCPUs on one clock, or the guest OS's one process). */
export function runPinned(machine: Machine): void {
  const stream = pinnedStream();
  if (machine.os !== null) {
    const events = new SingleProcessStream(stream, machine.vcpus.length);
    const chunk = createOsEventChunk();
    while (events.fill(chunk) > 0) machine.os.run(chunk);
    return;
  }
  const clock = new EventClock();
  for (const vcpu of machine.vcpus) vcpu.start(clock, stream);
  clock.run();
}
