/**
 * A small deterministic discrete-event clock shared by vCPUs and background
 * agents (snapshot saver, restorer, storage completions).
 *
 * Time is counted in **core clock cycles** of the cost profile, as plain
 * numbers holding integers: vCPU work is charged in cycles already, and a
 * device time in seconds becomes cycles by multiplying with
 * `CostModel.clockGhz × 1e9` (see {@linkcode cyclesFromSeconds}). Integers
 * below 2^53 are exact, so at 3 GHz the clock runs for about 35 days without
 * rounding, and equal times compare equal.
 *
 * Events with equal times run in a fixed order: lower agent id first, then
 * the order in which they were scheduled. Runs are therefore deterministic
 * whatever the agents do.
 *
 * The queue is a binary heap kept in typed arrays, so scheduling allocates
 * nothing once the arrays have grown to the peak number of pending events.
 *
 * @module
 */

/** Something the clock wakes: a vCPU group, a saver, a restorer. */
export interface SimAgent {
  /**
   * Called when one of the agent's events comes due; `sim.now` is the
   * event's time. `tag` is the number given to {@linkcode Sim.schedule}.
   */
  wake(sim: Sim, tag: number): void;
}

/**
 * Converts seconds to whole cycles at a clock of `clockGhz`, rounding up so
 * that a non-zero device time never becomes zero cycles.
 *
 * @example
 * ```ts
 * import { cyclesFromSeconds } from "./sim.ts";
 * if (cyclesFromSeconds(1e-6, 2) !== 2000) throw new Error("1 µs at 2 GHz is 2,000 cycles");
 * ```
 */
export function cyclesFromSeconds(seconds: number, clockGhz: number): number {
  // Round first so that 1e-6 × 2e9 = 2000.0000000000002 does not become 2001.
  const exact = seconds * clockGhz * 1e9;
  const near = Math.round(exact);
  return Math.abs(exact - near) < 1e-6 * Math.max(1, near) ? near : Math.ceil(exact);
}

/**
 * Converts cycles to milliseconds at a clock of `clockGhz`.
 *
 * @example
 * ```ts
 * import { msFromCycles } from "./sim.ts";
 * if (msFromCycles(3e6, 3) !== 1) throw new Error("3 M cycles at 3 GHz is 1 ms");
 * ```
 */
export function msFromCycles(cycles: number, clockGhz: number): number {
  return cycles / (clockGhz * 1e6);
}

/**
 * The discrete-event clock. Agents are registered once and referred to by
 * their index (their id); events are `(time, agent, tag)` triples.
 *
 * @example Two agents interleave by time; ties go to the lower id
 * ```ts
 * import { Sim, type SimAgent } from "./sim.ts";
 * const log: string[] = [];
 * const sim = new Sim();
 * const ping: SimAgent = {
 *   wake(s, tag) {
 *     log.push(`ping@${s.now}`);
 *     if (tag < 2) s.schedule(s.now + 10, 0, tag + 1);
 *   },
 * };
 * const pong: SimAgent = { wake(s) { log.push(`pong@${s.now}`); } };
 * sim.addAgent(ping);
 * sim.addAgent(pong);
 * sim.schedule(0, 0, 0);
 * sim.schedule(10, 1, 0);
 * sim.run();
 * if (log.join(" ") !== "ping@0 ping@10 pong@10 ping@20") throw new Error(log.join(" "));
 * ```
 */
export class Sim {
  /** Time of the event being handled, or of the last one handled (cycles). */
  now = 0;
  /** Number of events handled so far. */
  events = 0;
  #agents: SimAgent[] = [];
  #time: Float64Array;
  #agent: Int32Array;
  #seq: Float64Array;
  #tag: Float64Array;
  #size = 0;
  #nextSeq = 0;
  #stopped = false;

  /**
   * Creates an empty clock at cycle 0 with no agents.
   *
   * @param capacity initial number of pending events the heap holds before it
   *   grows (it doubles when full). Default 64.
   */
  constructor(capacity: number = 64) {
    const n = Math.max(4, capacity | 0);
    this.#time = new Float64Array(n);
    this.#agent = new Int32Array(n);
    this.#seq = new Float64Array(n);
    this.#tag = new Float64Array(n);
  }

  /**
   * Registers an agent and returns its id (0, 1, 2, ... in registration
   * order). Lower ids win ties.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * const sim = new Sim();
   * if (sim.addAgent({ wake() {} }) !== 0) throw new Error();
   * ```
   */
  addAgent(agent: SimAgent): number {
    this.#agents.push(agent);
    return this.#agents.length - 1;
  }

  /** Number of pending events. */
  get pending(): number {
    return this.#size;
  }

  /**
   * Schedules agent `agent` to wake at `time` (cycles, not before `now`)
   * with `tag`.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * const sim = new Sim();
   * sim.addAgent({ wake() {} });
   * sim.schedule(5, 0);
   * if (sim.peekTime() !== 5) throw new Error();
   * ```
   */
  schedule(time: number, agent: number, tag: number = 0): void {
    if (!(time >= this.now)) {
      throw new RangeError(`Sim.schedule: time ${time} is before now (${this.now})`);
    }
    if (agent < 0 || agent >= this.#agents.length) {
      throw new RangeError(`Sim.schedule: no agent with id ${agent}`);
    }
    if (this.#size === this.#time.length) this.#grow();
    let i = this.#size++;
    const seq = this.#nextSeq++;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#before(time, agent, seq, p)) break;
      this.#move(p, i);
      i = p;
    }
    this.#time[i] = time;
    this.#agent[i] = agent;
    this.#seq[i] = seq;
    this.#tag[i] = tag;
  }

  /**
   * Time of the earliest pending event, or `Infinity` when none is pending.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * if (new Sim().peekTime() !== Infinity) throw new Error();
   * ```
   */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#time[0];
  }

  /**
   * Agent id of the earliest pending event, or -1 when none is pending. With
   * {@linkcode Sim.peekTime} it tells an agent whether an event at its own
   * time runs before it (lower id) or after it.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * const sim = new Sim();
   * sim.addAgent({ wake() {} });
   * sim.addAgent({ wake() {} });
   * sim.schedule(5, 1);
   * sim.schedule(5, 0);
   * if (sim.peekAgent() !== 0 || new Sim().peekAgent() !== -1) throw new Error();
   * ```
   */
  peekAgent(): number {
    return this.#size === 0 ? -1 : this.#agent[0];
  }

  /**
   * Stops {@linkcode Sim.run} after the event being handled; pending events
   * stay queued.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * const sim = new Sim();
   * sim.addAgent({ wake(s) { s.stop(); } });
   * sim.schedule(1, 0);
   * sim.schedule(2, 0);
   * sim.run();
   * if (sim.now !== 1 || sim.pending !== 1) throw new Error();
   * ```
   */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Handles events in order until none is pending, {@linkcode Sim.stop} is
   * called, or the next event lies after `until` (cycles; default no limit).
   * Returns the number of events handled by this call.
   *
   * @example
   * ```ts
   * import { Sim } from "./sim.ts";
   * const sim = new Sim();
   * sim.addAgent({ wake(s) { s.schedule(s.now + 100, 0); } });
   * sim.schedule(0, 0);
   * if (sim.run(1000) !== 11) throw new Error("events at 0, 100, ..., 1000");
   * ```
   */
  run(until: number = Infinity): number {
    this.#stopped = false;
    let handled = 0;
    while (this.#size > 0 && !this.#stopped) {
      if (this.#time[0] > until) break;
      const time = this.#time[0];
      const agent = this.#agent[0];
      const tag = this.#tag[0];
      this.#popRoot();
      this.now = time;
      this.events++;
      handled++;
      this.#agents[agent].wake(this, tag);
    }
    return handled;
  }

  // True when event (time, agent, seq) must run before the event in slot j.
  #before(time: number, agent: number, seq: number, j: number): boolean {
    const tj = this.#time[j];
    if (time !== tj) return time < tj;
    const aj = this.#agent[j];
    if (agent !== aj) return agent < aj;
    return seq < this.#seq[j];
  }

  #move(from: number, to: number): void {
    this.#time[to] = this.#time[from];
    this.#agent[to] = this.#agent[from];
    this.#seq[to] = this.#seq[from];
    this.#tag[to] = this.#tag[from];
  }

  #popRoot(): void {
    const last = --this.#size;
    if (last === 0) return;
    const time = this.#time[last];
    const agent = this.#agent[last];
    const seq = this.#seq[last];
    const tag = this.#tag[last];
    let i = 0;
    // Sift the last event down from the root.
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (r < last && this.#before(this.#time[r], this.#agent[r], this.#seq[r], l)) c = r;
      if (this.#before(time, agent, seq, c)) break;
      this.#move(c, i);
      i = c;
    }
    this.#time[i] = time;
    this.#agent[i] = agent;
    this.#seq[i] = seq;
    this.#tag[i] = tag;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const time = new Float64Array(n);
    const agent = new Int32Array(n);
    const seq = new Float64Array(n);
    const tag = new Float64Array(n);
    time.set(this.#time);
    agent.set(this.#agent);
    seq.set(this.#seq);
    tag.set(this.#tag);
    this.#time = time;
    this.#agent = agent;
    this.#seq = seq;
    this.#tag = tag;
  }
}
