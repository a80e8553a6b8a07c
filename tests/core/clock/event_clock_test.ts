import assert from "node:assert/strict";
import fc from "fast-check";
import { type ClockAgent, EventClock } from "../../../core/clock/event_clock.ts";
import { cyclesFromSeconds, msFromCycles } from "../../../core/clock/cycle_time.ts";

/**
 * Slow reference clock: pending events in an array, the next one found by a
 * linear scan for the smallest (time, agent, scheduling order).
 */
class ReferenceSim {
  now = 0;
  #events: { time: number; agent: number; seq: number; tag: number }[] = [];
  #seq = 0;
  schedule(time: number, agent: number, tag: number): void {
    this.#events.push({ time, agent, seq: this.#seq++, tag });
  }
  /** Pops the next event, or returns undefined when none is pending. */
  next(): { time: number; agent: number; tag: number } | undefined {
    if (this.#events.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.#events.length; i++) {
      const a = this.#events[i];
      const b = this.#events[best];
      if (
        a.time < b.time || (a.time === b.time && a.agent < b.agent) ||
        (a.time === b.time && a.agent === b.agent && a.seq < b.seq)
      ) best = i;
    }
    const [e] = this.#events.splice(best, 1);
    this.now = e.time;
    return e;
  }
}

/** What an agent does when woken with a tag: schedule follow-ups at these delays. */
type Script = { delay: number; agent: number }[][];

const scriptArb = (agents: number): fc.Arbitrary<Script> =>
  fc.array(
    fc.array(
      fc.record({
        delay: fc.integer({ min: 0, max: 5 }),
        agent: fc.integer({ min: 0, max: agents - 1 }),
      }),
      { maxLength: 3 },
    ),
    { minLength: 1, maxLength: 8 },
  );

Deno.test("EventClock handles events in the same order as a slow reference clock", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }).chain((agents) =>
        fc.record({
          agents: fc.constant(agents),
          script: scriptArb(agents),
          initial: fc.array(
            fc.record({
              time: fc.integer({ min: 0, max: 10 }),
              agent: fc.integer({ min: 0, max: agents - 1 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
        })
      ),
      fc.integer({ min: 1, max: 8 }),
      ({ agents, script, initial }, capacity) => {
        // Each wake with tag k schedules script[k] and tags those events k + 1,
        // so the run is finite: tags grow to script.length and stop there.
        const fast: string[] = [];
        const sim = new EventClock(capacity);
        for (let a = 0; a < agents; a++) {
          const agent: ClockAgent = {
            wake(s, tag) {
              fast.push(`${s.now}:${a}:${tag}`);
              if (tag >= script.length) return;
              for (const f of script[tag]) s.schedule(s.now + f.delay, f.agent, tag + 1);
            },
          };
          sim.addAgent(agent);
        }
        for (const e of initial) sim.schedule(e.time, e.agent, 0);
        sim.run();

        const slow: string[] = [];
        const ref = new ReferenceSim();
        for (const e of initial) ref.schedule(e.time, e.agent, 0);
        for (let e = ref.next(); e !== undefined; e = ref.next()) {
          slow.push(`${e.time}:${e.agent}:${e.tag}`);
          if (e.tag >= script.length) continue;
          for (const f of script[e.tag]) ref.schedule(ref.now + f.delay, f.agent, e.tag + 1);
        }
        assert.deepEqual(fast, slow);
        assert.equal(sim.events, slow.length);
        assert.equal(sim.pending, 0);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("EventClock.run(until) leaves later events pending and resumes them in order", () => {
  const log: number[] = [];
  const sim = new EventClock();
  sim.addAgent({ wake: (s) => log.push(s.now) });
  for (const t of [30, 10, 20, 40]) sim.schedule(t, 0);
  assert.equal(sim.run(25), 2);
  assert.deepEqual(log, [10, 20]);
  assert.equal(sim.pending, 2);
  assert.equal(sim.run(), 2);
  assert.deepEqual(log, [10, 20, 30, 40]);
});

Deno.test("EventClock.schedule() rejects a time before now and an unknown agent", () => {
  const sim = new EventClock();
  sim.addAgent({ wake() {} });
  sim.schedule(10, 0);
  sim.run();
  assert.throws(() => sim.schedule(9, 0), /time 9 is before now \(10\)/);
  assert.throws(() => sim.schedule(11, 1), /no agent with id 1/);
  assert.throws(() => sim.schedule(NaN, 0), RangeError);
});

Deno.test("EventClock.peekAgent() names the agent whose event runs next", () => {
  const sim = new EventClock();
  sim.addAgent({ wake() {} });
  sim.addAgent({ wake() {} });
  sim.schedule(3, 1);
  assert.equal(sim.peekAgent(), 1);
  sim.schedule(3, 0);
  assert.equal(sim.peekAgent(), 0);
  assert.equal(sim.peekTime(), 3);
});

Deno.test("cyclesFromSeconds() rounds up a fraction of a cycle but not float noise", () => {
  assert.equal(cyclesFromSeconds(1e-6, 2), 2000);
  assert.equal(cyclesFromSeconds(13e-6, 2.1), 27300);
  assert.equal(cyclesFromSeconds(0.1e-9, 1), 1);
  assert.equal(cyclesFromSeconds(0, 3), 0);
  assert.equal(msFromCycles(2.1e6, 2.1), 1);
});
