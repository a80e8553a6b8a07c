/**
 * A small deterministic discrete-event clock shared by vCPUs and background
 * agents (snapshot saver, restorer, storage completions).
 *
 * Time is counted in **core clock cycles** of the cost profile, as plain
 * numbers holding integers: vCPU work is charged in cycles already, and a
 * device time in seconds becomes cycles by multiplying with
 * `CostModel.clockGhz × 1e9` (see `cyclesFromSeconds` in cycle_time.ts). Integers
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
export interface ClockAgent {
  /**
   * Called when one of the agent's events comes due; `clock.now` is the
   * event's time. `tag` is the number given to {@linkcode EventClock.schedule}.
   */
  wake(clock: EventClock, tag: number): void;
}

/**
 * The discrete-event clock. Agents are registered once and referred to by
 * their index (their id); events are `(time, agent, tag)` triples.
 *
 * @example Two agents interleave by time; ties go to the lower id
 * ```ts
 * import { EventClock, type ClockAgent } from "./event_clock.ts";
 * const log: string[] = [];
 * const clock = new EventClock();
 * const ping: ClockAgent = {
 *   wake(s, tag) {
 *     log.push(`ping@${s.now}`);
 *     if (tag < 2) s.schedule(s.now + 10, 0, tag + 1);
 *   },
 * };
 * const pong: ClockAgent = { wake(s) { log.push(`pong@${s.now}`); } };
 * clock.addAgent(ping);
 * clock.addAgent(pong);
 * clock.schedule(0, 0, 0);
 * clock.schedule(10, 1, 0);
 * clock.run();
 * if (log.join(" ") !== "ping@0 ping@10 pong@10 ping@20") throw new Error(log.join(" "));
 * ```
 */
export class EventClock {
  /** Time of the event being handled, or of the last one handled (cycles). */
  now = 0;
  /** Number of events handled so far. */
  events = 0;
  #agents: ClockAgent[] = [];
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
   * import { EventClock } from "./event_clock.ts";
   * const clock = new EventClock();
   * if (clock.addAgent({ wake() {} }) !== 0) throw new Error();
   * ```
   */
  addAgent(agent: ClockAgent): number {
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
   * import { EventClock } from "./event_clock.ts";
   * const clock = new EventClock();
   * clock.addAgent({ wake() {} });
   * clock.schedule(5, 0);
   * if (clock.peekTime() !== 5) throw new Error();
   * ```
   */
  schedule(time: number, agent: number, tag: number = 0): void {
    if (!(time >= this.now)) {
      throw new RangeError(`EventClock.schedule: time ${time} is before now (${this.now})`);
    }
    if (agent < 0 || agent >= this.#agents.length) {
      throw new RangeError(`EventClock.schedule: no agent with id ${agent}`);
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
   * import { EventClock } from "./event_clock.ts";
   * if (new EventClock().peekTime() !== Infinity) throw new Error();
   * ```
   */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#time[0];
  }

  /**
   * Agent id of the earliest pending event, or -1 when none is pending. With
   * {@linkcode EventClock.peekTime} it tells an agent whether an event at its own
   * time runs before it (lower id) or after it.
   *
   * @example
   * ```ts
   * import { EventClock } from "./event_clock.ts";
   * const clock = new EventClock();
   * clock.addAgent({ wake() {} });
   * clock.addAgent({ wake() {} });
   * clock.schedule(5, 1);
   * clock.schedule(5, 0);
   * if (clock.peekAgent() !== 0 || new EventClock().peekAgent() !== -1) throw new Error();
   * ```
   */
  peekAgent(): number {
    return this.#size === 0 ? -1 : this.#agent[0];
  }

  /**
   * Stops {@linkcode EventClock.run} after the event being handled; pending events
   * stay queued.
   *
   * @example
   * ```ts
   * import { EventClock } from "./event_clock.ts";
   * const clock = new EventClock();
   * clock.addAgent({ wake(s) { s.stop(); } });
   * clock.schedule(1, 0);
   * clock.schedule(2, 0);
   * clock.run();
   * if (clock.now !== 1 || clock.pending !== 1) throw new Error();
   * ```
   */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Handles events in order until none is pending, {@linkcode EventClock.stop} is
   * called, or the next event lies after `until` (cycles; default no limit).
   * Returns the number of events handled by this call.
   *
   * @example
   * ```ts
   * import { EventClock } from "./event_clock.ts";
   * const clock = new EventClock();
   * clock.addAgent({ wake(s) { s.schedule(s.now + 100, 0); } });
   * clock.schedule(0, 0);
   * if (clock.run(1000) !== 11) throw new Error("events at 0, 100, ..., 1000");
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
