// Simulator speed of the state mechanisms: discrete-event clock events per
// second, guest touches per second on unprotected memory, and guest pages
// per second through a whole concurrent snapshot and a lazy restore.
import { do_not_optimize } from "mitata";
import { getProfile } from "../core/cost/profiles.ts";
import { buildMachine } from "../core/machine/build_machine.ts";
import { EventClock } from "../core/clock/event_clock.ts";
import { SampledGuest } from "../core/workload/sampled_guest.ts";
import { runRestore } from "../core/snapshot/restore.ts";
import { runSnapshot } from "../core/snapshot/snapshot.ts";
import type { BenchCase } from "./bench_case.ts";

/** Events per timed call of the clock benchmark. */
export const SIM_EVENTS = 100_000;
/** Touches per timed call of the guest benchmark (all vCPUs together). */
export const GUEST_TOUCHES = 200_000;
/** Pages of the guest snapshotted or restored per timed call: 64 MiB. */
export const STATE_PAGES = 16384;

const COST = getProfile("intel-skylake-sp");

/** The state benchmarks. */
export const CASES: readonly BenchCase[] = [
  {
    name: "state: discrete-event clock, 8 agents",
    ops: SIM_EVENTS,
    unit: "events",
    setup: () => ({
      run() {
        const sim = new EventClock();
        let left = SIM_EVENTS;
        for (let a = 0; a < 8; a++) {
          sim.addAgent({
            wake(s, tag) {
              if (--left > 0) s.schedule(s.now + 1 + ((tag * 7 + a) & 15), (a + 3) & 7, tag + 1);
            },
          });
        }
        for (let a = 0; a < 8; a++) sim.schedule(a, a, a);
        return do_not_optimize(sim.run());
      },
    }),
  },
  {
    name: "state: guest touches, 4 vCPUs, 64 MiB, no traps",
    ops: GUEST_TOUCHES,
    unit: "touches",
    setup() {
      const machine = buildMachine({ platform: "nested", vcpus: 4, guestMemoryPages: 16384 }, COST);
      return {
        run() {
          const sim = new EventClock();
          const guest = new SampledGuest(
            machine,
            {
              writeFraction: 0.2,
              workingSetFraction: 0.25,
              wsRunPages: 3,
              touchCycles: 100,
              jobTouches: GUEST_TOUCHES / 4,
            },
            1,
            {
              onTrap() {},
              onJobDone(t) {
                guest.haltAt = t;
              },
            },
          );
          guest.attach(sim);
          for (let v = 0; v < 4; v++) guest.unblock(v, 0);
          return do_not_optimize(sim.run());
        },
      };
    },
  },
  {
    name: "state: concurrent-cow snapshot of 64 MiB, 64-page batches, nvme-ssd",
    ops: STATE_PAGES,
    unit: "pages",
    setup: () => ({
      run: () =>
        do_not_optimize(runSnapshot({ memoryGib: 1 / 16, batchPages: 64, jobMs: 20 }, COST, 1)),
    }),
  },
  {
    name: "state: lazy-sweep restore of 64 MiB, 64-page batches, nvme-ssd",
    ops: STATE_PAGES,
    unit: "pages",
    setup: () => ({
      run: () =>
        do_not_optimize(runRestore({ memoryGib: 1 / 16, batchPages: 64, jobMs: 20 }, COST, 1)),
    }),
  },
];
