import assert from "node:assert/strict";
import { Sim } from "../../../core/sim.ts";
import { GuestMemory } from "../../../core/mem/guest_memory.ts";
import { ExitReason } from "../../../core/virt/exit_reason.ts";
import {
  buildWorkingSet,
  GuestVcpus,
  type GuestWorkload,
} from "../../../core/state/guest_vcpus.ts";

const WORK: GuestWorkload = {
  vcpus: 2,
  writeFraction: 0.5,
  workingSetFraction: 0.5,
  wsRunPages: 2,
  touchCycles: 100,
  jobTouches: 50,
};

Deno.test("GuestVcpus yields to another agent's event at its own time and does not spin", () => {
  // The guest has the lower id, so its wakes win ties: an event of agent 1 at
  // a touch's time used to make the guest reschedule itself forever.
  const sim = new Sim();
  const seen: number[] = [];
  const guest = new GuestVcpus(new GuestMemory(64), WORK, 1, {
    onTrap() {
      throw new Error("no trap expected");
    },
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

Deno.test("GuestVcpus stops at haltAt with no event left behind", () => {
  const sim = new Sim();
  const guest = new GuestVcpus(new GuestMemory(64), { ...WORK, jobTouches: 0 }, 1, {
    onTrap() {},
    onJobDone() {},
  });
  guest.attach(sim);
  guest.haltAt = 1000;
  guest.unblock(0, 0);
  guest.unblock(1, 0);
  sim.run();
  assert.equal(sim.pending, 0);
  assert.deepEqual([...guest.touches], [10, 10]);
});

Deno.test("GuestVcpus hands a forbidden touch to the handler and retries it after unblock", () => {
  const sim = new Sim();
  const mem = new GuestMemory(8);
  mem.protectAll();
  const traps: [number, number, boolean, number, number][] = [];
  const guest = new GuestVcpus(
    mem,
    {
      vcpus: 1,
      writeFraction: 1,
      workingSetFraction: 1,
      wsRunPages: 1,
      touchCycles: 10,
      jobTouches: 3,
    },
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
  assert.equal(traps[0][4], 0);
  assert.equal(guest.exits[ExitReason.WRITE_PROTECT], traps.length);
  // Each trap costs the vCPU 7 cycles; the 3 touches cost 10 each.
  assert.equal(guest.jobDoneAt[0], 30 + 7 * traps.length);
  assert.equal(guest.lostCycles[0], 7 * traps.length);
  let versions = 0;
  for (const v of mem.version) versions += v;
  assert.equal(versions, 3, "every write landed exactly once");
});

Deno.test("buildWorkingSet picks the fraction asked for, as sorted distinct pages", () => {
  for (const [pages, fraction, run] of [[1000, 0.3, 3], [10, 1, 4], [7, 0.5, 3], [1, 0.01, 2]]) {
    const ws = buildWorkingSet(pages, fraction, run, 9);
    assert.equal(ws.length, Math.max(1, Math.round(pages * fraction)));
    for (let i = 1; i < ws.length; i++) assert.ok(ws[i] > ws[i - 1]);
    assert.ok(ws[ws.length - 1] < pages);
  }
});
