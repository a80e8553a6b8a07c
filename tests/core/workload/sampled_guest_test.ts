import assert from "node:assert/strict";
import { EventClock } from "../../../core/clock/event_clock.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import { PageMode } from "../../../core/mem/guest_memory.ts";
import { ExitReason } from "../../../core/base/exit_reason.ts";
import {
  buildWorkingSet,
  type GuestWorkload,
  SampledGuest,
  type TrapHandler,
} from "../../../core/workload/sampled_guest.ts";

const COST = getProfile("intel-skylake-sp");
/** Round trip plus handler of a write-protect exit on this profile. */
const WP_EXIT = COST.vmExitCycles + COST.exitHandlerCycles.write_protect;

const WORK: GuestWorkload = {
  writeFraction: 0.5,
  workingSetFraction: 0.5,
  wsRunPages: 2,
  touchCycles: 100,
  jobTouches: 50,
};

function machineOf(pages: number, vcpus: number, extra: MachineConfig = {}) {
  return buildMachine({ platform: "nested", vcpus, guestMemoryPages: pages, ...extra }, COST);
}

const QUIET: TrapHandler = {
  onTrap() {
    throw new Error("no trap expected");
  },
  onJobDone() {},
};

Deno.test("SampledGuest yields to another agent's event at its own time and does not spin", () => {
  // The guest has the lower id, so its wakes win ties: an event of agent 1 at
  // a touch's time used to make the guest reschedule itself forever.
  const sim = new EventClock();
  const seen: number[] = [];
  const guest = new SampledGuest(machineOf(64, 2), WORK, 1, {
    ...QUIET,
    onJobDone(t) {
      guest.haltAt = t;
    },
  });
  guest.attach(sim);
  const other = sim.addAgent({ wake: (s) => seen.push(s.now) });
  for (const t of [0, 100, 300, 2500]) sim.schedule(t, other);
  guest.unblock(0, 0);
  guest.unblock(1, 0);
  sim.run();
  assert.deepEqual(seen, [0, 100, 300, 2500]);
  assert.deepEqual([...guest.jobDoneAt], [5000, 5000]);
  assert.ok(sim.events < 20, `${sim.events} events`);
});

Deno.test("SampledGuest stops at haltAt with no event left behind", () => {
  const sim = new EventClock();
  const guest = new SampledGuest(machineOf(64, 2), { ...WORK, jobTouches: 0 }, 1, QUIET);
  guest.attach(sim);
  guest.haltAt = 1000;
  guest.unblock(0, 0);
  guest.unblock(1, 0);
  sim.run();
  assert.equal(sim.pending, 0);
  assert.deepEqual([...guest.touches], [10, 10]);
});

Deno.test("SampledGuest: a forbidden touch exits on its vCPU, goes to the handler, and is retried", () => {
  const sim = new EventClock();
  const machine = machineOf(8, 1);
  const mem = machine.guestMemory!;
  mem.protectAll();
  const traps: [number, number, boolean, number, number][] = [];
  const guest = new SampledGuest(
    machine,
    { writeFraction: 1, workingSetFraction: 1, wsRunPages: 1, touchCycles: 10, jobTouches: 3 },
    2,
    {
      onTrap(v, page, write, reason, t) {
        traps.push([v, page, write, reason, t]);
        mem.unprotect(page);
        sim.schedule(t + 7, agent, page);
      },
      onJobDone(t) {
        guest.haltAt = t;
      },
    },
  );
  guest.attach(sim);
  const agent = sim.addAgent({ wake: (s) => guest.unblock(0, s.now) });
  guest.unblock(0, 0);
  sim.run();
  assert.ok(traps.length >= 1);
  assert.equal(traps[0][3], ExitReason.WRITE_PROTECT);
  assert.equal(
    traps[0][4],
    WP_EXIT,
    "the handler sees the exit once it has reached the hypervisor",
  );
  const stats = machine.vcpus[0].stats;
  assert.equal(stats.exits[ExitReason.WRITE_PROTECT], traps.length);
  assert.equal(stats.exitCycles[ExitReason.WRITE_PROTECT], traps.length * WP_EXIT);
  // Each trap costs the vCPU its exit and the handler's 7 cycles; the 3 touches cost 10 each.
  assert.equal(guest.jobDoneAt[0], 30 + (WP_EXIT + 7) * traps.length);
  assert.equal(guest.lostCycles[0], (WP_EXIT + 7) * traps.length);
  let versions = 0;
  for (const v of mem.version) versions += v;
  assert.equal(versions, 3, "every write landed exactly once");
});

Deno.test("SampledGuest: writes to pages the dirty log watches are logged on the spot", () => {
  for (const method of ["write-protect", "pml"] as const) {
    const sim = new EventClock();
    const machine = machineOf(16, 1, {
      dirtyLog: { method, ...(method === "pml" ? { pmlEntries: 4 } : {}) },
    });
    const log = machine.dirtyLog!;
    log.start();
    const guest = new SampledGuest(
      machine,
      { writeFraction: 1, workingSetFraction: 1, wsRunPages: 1, touchCycles: 10, jobTouches: 400 },
      3,
      { ...QUIET, onJobDone: (t) => (guest.haltAt = t) },
    );
    guest.attach(sim);
    guest.unblock(0, 0);
    sim.run();
    const stats = machine.vcpus[0].stats;
    const exits = method === "pml"
      ? stats.exits[ExitReason.PML_FULL]
      : stats.exits[ExitReason.WRITE_PROTECT];
    // 400 writes over 16 pages: every page is written, and logged once.
    assert.equal(log.count, 16, method);
    assert.equal(exits, method === "pml" ? 4 : 16, method);
    assert.equal(guest.lostCycles[0], stats.totalCycles(), "the exits are what the vCPU lost");
    assert.equal(guest.jobDoneAt[0], 4000 + stats.totalCycles());
    assert.ok(machine.guestMemory!.mode.every((m) => m === PageMode.WRITABLE));
  }
});

Deno.test("SampledGuest.kick charges an exit to every running vCPU only", () => {
  const sim = new EventClock();
  const machine = machineOf(16, 3);
  const guest = new SampledGuest(machine, WORK, 1, QUIET);
  guest.attach(sim);
  guest.unblock(0, 0);
  guest.unblock(2, 0);
  assert.equal(guest.kick(ExitReason.KICK), 2);
  const kick = COST.vmExitCycles + COST.exitHandlerCycles.kick;
  assert.deepEqual([...guest.clock], [kick, Infinity, kick]);
  assert.deepEqual(machine.vcpus.map((v) => v.stats.exits[ExitReason.KICK]), [1, 0, 1]);
  assert.equal(guest.lostUntil(0), 2 * kick);
});

Deno.test("SampledGuest counts a slower touch's extra cycles as lost", () => {
  const sim = new EventClock();
  const guest = new SampledGuest(
    machineOf(16, 1),
    { ...WORK, writeFraction: 0, touchCycles: 100, jobTouches: 4 },
    1,
    { ...QUIET, onJobDone: (t) => (guest.haltAt = t) },
  );
  guest.slowDown(1.5);
  guest.attach(sim);
  guest.unblock(0, 0);
  sim.run();
  assert.equal(guest.jobDoneAt[0], 600);
  assert.equal(guest.lostUntil(600), 200);
});

Deno.test("SampledGuest needs a machine with tracked memory", () => {
  assert.throws(
    () => new SampledGuest(buildMachine({ platform: "nested" }, COST), WORK, 1, QUIET),
    /no tracked memory/,
  );
});

Deno.test("buildWorkingSet picks the fraction asked for, as sorted distinct pages", () => {
  for (const [pages, fraction, run] of [[1000, 0.3, 3], [10, 1, 4], [7, 0.5, 3], [1, 0.01, 2]]) {
    const ws = buildWorkingSet(pages, fraction, run, 9);
    assert.equal(ws.length, Math.max(1, Math.round(pages * fraction)));
    for (let i = 1; i < ws.length; i++) assert.ok(ws[i] > ws[i - 1]);
    assert.ok(ws[ws.length - 1] < pages);
  }
});

Deno.test("SampledGuest releases a waiting vCPU once its page is ready, and no other", () => {
  const sim = new EventClock();
  const guest = new SampledGuest(machineOf(16, 3), WORK, 1, QUIET);
  guest.attach(sim);
  for (const [v, page] of [[0, 4], [1, 9], [2, 4]]) {
    guest.block(v, 0);
    guest.waitFor(v, page);
  }
  const ready = new Set([4]);
  assert.equal(guest.releaseWaiters((p) => ready.has(p), 50), 2);
  assert.deepEqual([...guest.clock], [50, Infinity, 50]);
  assert.equal(guest.releaseWaiters((p) => ready.has(p), 60), 0, "released once");
  ready.add(9);
  assert.equal(guest.releaseWaiters((p) => ready.has(p), 70), 1);
  assert.equal(guest.clock[1], 70);
});

Deno.test("SampledGuest with a write order writes its pages one after another, starting over at its end", () => {
  const sim = new EventClock();
  const machine = machineOf(64, 2);
  const order = new Uint32Array([40, 3, 17]);
  const guest = new SampledGuest(
    machine,
    { ...WORK, writeFraction: 1, jobTouches: 7, writeOrder: order },
    5,
    { ...QUIET, onJobDone: (t) => (guest.haltAt = t) },
  );
  guest.attach(sim);
  guest.unblock(0, 0);
  guest.unblock(1, 0);
  sim.run();
  // 14 writes over the list of three: each page written 4 or 5 times, nothing else.
  const version = machine.guestMemory!.version;
  assert.deepEqual([version[40], version[3], version[17]], [5, 5, 4]);
  assert.equal(version.reduce((a, b) => a + b, 0), 14);
});

Deno.test("SampledGuest: distinct pages written in n writes are min(list, n), the pre-copy model's premise", () => {
  const order = new Uint32Array(100).map((_, i) => (i * 37) % 100);
  for (const n of [10, 60, 100, 250]) {
    const machine = machineOf(128, 1);
    const sim = new EventClock();
    const guest = new SampledGuest(
      machine,
      { ...WORK, writeFraction: 1, jobTouches: n, writeOrder: order },
      2,
      { ...QUIET, onJobDone: (t) => (guest.haltAt = t) },
    );
    guest.attach(sim);
    guest.unblock(0, 0);
    sim.run();
    const distinct = machine.guestMemory!.version.filter((v) => v > 0).length;
    assert.equal(distinct, Math.min(100, n));
  }
});

Deno.test("SampledGuest: throttling stretches touches by 1 / (1 - share) and counts the stretch as lost", () => {
  const sim = new EventClock();
  const guest = new SampledGuest(
    machineOf(16, 1),
    { ...WORK, writeFraction: 0, touchCycles: 100, jobTouches: 6 },
    1,
    { ...QUIET, onJobDone: (t) => (guest.haltAt = t) },
  );
  guest.attach(sim);
  // A mechanism that throttles the guest by half at 150, and at 500 also
  // finds it 1.5× slower per access.
  const mechanism = sim.addAgent({
    wake(clock: EventClock): void {
      if (clock.now === 150) guest.throttle(0.5);
      else guest.slowDown(1.5);
    },
  });
  sim.schedule(150, mechanism);
  sim.schedule(500, mechanism);
  guest.unblock(0, 0);
  sim.run();
  assert.equal(guest.throttled, 0.5);
  // Touches start at 0, 100 (full speed); 200, 400 (throttled: 200 each);
  // 600, 900 (throttled and slowed: 300 each).
  assert.equal(guest.jobDoneAt[0], 1200);
  assert.equal(guest.lostUntil(1200), 2 * 100 + 2 * 200);
  assert.throws(() => guest.throttle(1), /from 0 to below 1/);
});

Deno.test("SampledGuest.moveTo carries the guest onto another machine's memory and vCPUs", () => {
  const sim = new EventClock();
  const a = machineOf(32, 2);
  const b = machineOf(32, 2);
  const guest = new SampledGuest(a, { ...WORK, writeFraction: 1, jobTouches: 0 }, 3, QUIET);
  guest.attach(sim);
  guest.haltAt = 1000;
  guest.unblock(0, 0);
  guest.unblock(1, 0);
  sim.run();
  const before = a.guestMemory!.version.reduce((x, y) => x + y, 0);
  guest.block(0, 1000);
  guest.block(1, 1000);
  guest.moveTo(b);
  guest.haltAt = 2000;
  guest.unblock(0, 1000);
  guest.unblock(1, 1000);
  sim.run();
  assert.equal(a.guestMemory!.version.reduce((x, y) => x + y, 0), before);
  assert.ok(b.guestMemory!.version.reduce((x, y) => x + y, 0) > 0);
  assert.equal(guest.machine, b);
  assert.throws(() => guest.moveTo(machineOf(16, 2)), /must track 32 pages/);
  assert.throws(() => guest.moveTo(machineOf(32, 3)), /must have 2 vCPUs/);
});
