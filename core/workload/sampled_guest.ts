/**
 * The sampled page-touch guest: a workload that drives a machine's vCPUs by
 * touching pages of its tracked memory at a fixed rate, some touches
 * writing, on one discrete-event clock with a mechanism (a snapshot saver, a
 * restorer). It is the fast driver of the state mechanisms: a touch stands
 * for many accesses whose translation is not simulated one by one.
 *
 * Each vCPU keeps its own cycle clock. A *touch* is one sampled access:
 * between touches a vCPU does `touchCycles` of work (the accesses the sample
 * stands for, `accessesPerTouch × baseCyclesPerAccess` of the cost profile).
 * Touches are processed in global time order (the vCPU with the smallest
 * clock goes next) and never past the next event of any other agent, so a
 * mechanism event always sees every touch that happened before it and none
 * after. A touch that the page's mode forbids exits on its vCPU — counted
 * and charged in the vCPU's stats, by reason, like every exit of the machine
 * — stops the vCPU (it blocks) and is handed to the mechanism, which
 * unblocks the vCPU later; the touch is then retried. A write to a page that
 * the machine's dirty log watches is logged by the hypervisor on the spot:
 * the vCPU pays the exit it takes (if any) and goes on.
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import { type GuestMemory, PageMode } from "../mem/guest_memory.ts";
import type { DirtyLog } from "../machine/dirty_log.ts";
import type { Machine } from "../machine/machine.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import { ExitReason } from "../base/exit_reason.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";

/** What the guest does; all fields validated by the caller. */
export interface GuestWorkload {
  /** Fraction of touches that write (0 to 1). */
  writeFraction: number;
  /** Fraction of guest memory the touches fall in (above 0, up to 1). */
  workingSetFraction: number;
  /** Length of the runs of consecutive pages the working set is made of (pages, ≥ 1). */
  wsRunPages: number;
  /** Cycles of guest work from one touch to the next on one vCPU (≥ 1). */
  touchCycles: number;
  /** Touches each vCPU must complete for its job to be done (≥ 0). */
  jobTouches: number;
  /**
   * Where writes go. Absent or null: to a page of the working set drawn like
   * a read's. Given: to the next page of this list, one cursor shared by all
   * vCPUs, starting over at its end — a guest that dirties distinct pages at
   * a steady rate (its writable working set is the list), so that the pages
   * it dirties in a time t are min(list length, writes in t), the pre-copy
   * model's assumption. Reads still fall in the working set.
   */
  writeOrder?: Uint32Array | null;
  /**
   * The working set itself: distinct pages in ascending order, each below
   * the memory's size. Absent or null: chosen from `workingSetFraction` and
   * `wsRunPages` with the guest's seed. Given, several guests with seeds of
   * their own touch one working set (a forked child runs its parent's), and
   * `workingSetFraction` and `wsRunPages` are not read.
   */
  workingSet?: Uint32Array | null;
}

/** Receives the touches the page modes forbid, and the end of the guest's job. */
export interface TrapHandler {
  /**
   * vCPU `vcpu` touched `page` (a write when `write`) and trapped with exit
   * `reason`, already charged to the vCPU; the vCPU is blocked until
   * {@linkcode SampledGuest.unblock}. `time` is when the exit reaches the
   * hypervisor's handler (the touch's cycle plus the exit's cycles). Called
   * while the guest agent runs, so the handler must act by scheduling events
   * at `time` or later.
   */
  onTrap(vcpu: number, page: number, write: boolean, reason: number, time: number): void;
  /** Every vCPU has completed its job; `time` is when the last one did. */
  onJobDone(time: number): void;
}

/**
 * The sampled guest on a machine's vCPUs, as one agent of a {@linkcode EventClock}.
 *
 * @example Two vCPUs of a nested machine run until the job is done; nothing traps
 * ```ts
 * import { EventClock } from "../clock/event_clock.ts";
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import { SampledGuest } from "./sampled_guest.ts";
 * const machine = buildMachine(
 *   { platform: "nested", vcpus: 2, guestMemoryPages: 1024 },
 *   getProfile("intel-skylake-sp"),
 * );
 * const sim = new EventClock();
 * let doneAt = -1;
 * const handler = {
 *   onTrap(): void { throw new Error("no trap expected"); },
 *   onJobDone(t: number): void { doneAt = t; guest.haltAt = t; },
 * };
 * const guest = new SampledGuest(machine, {
 *   writeFraction: 0.5, workingSetFraction: 0.5, wsRunPages: 3, touchCycles: 100, jobTouches: 10,
 * }, 1, handler);
 * guest.attach(sim);
 * guest.unblock(0, 0);
 * guest.unblock(1, 0);
 * sim.run();
 * if (doneAt !== 1000) throw new Error(String(doneAt));
 * ```
 */
export class SampledGuest implements ClockAgent {
  /** The machine whose vCPUs the guest drives (another after {@linkcode SampledGuest.moveTo}). */
  machine: Machine;
  /** The memory the vCPUs touch: the machine's tracked memory. */
  memory: GuestMemory;
  /** Working-set pages, ascending. */
  readonly workingSet: Uint32Array;
  /** 1 for each page in the working set. */
  readonly inWorkingSet: Uint8Array;
  /** Each vCPU's clock (cycles); `Infinity` while blocked. */
  readonly clock: Float64Array;
  /**
   * Cycles each vCPU has lost to the mechanism: blocked up to its last
   * unblock, and in exits the dirty log and kicks cost it.
   */
  readonly lostCycles: Float64Array;
  /** Touches each vCPU has completed. */
  readonly touches: Float64Array;
  /** When each vCPU completed its job (cycles), or -1. */
  readonly jobDoneAt: Float64Array;
  /** No touch at or after this cycle runs: set it to end the guest's run. */
  haltAt: number = Infinity;
  /** Writes per page since the guest started: the reference the verifier checks against. */
  writeCount: Uint32Array | null = null;
  /** 1 for each page an access saw with a wrong version (only with a verifier). */
  badAccess: Uint8Array | null = null;
  #vcpus: readonly Vcpu[];
  #log: DirtyLog | null;
  #expected: Uint32Array | null = null;
  #blockedSince: Float64Array;
  #pendingPage: Int32Array;
  #pendingWrite: Uint8Array;
  #waitPage: Int32Array;
  #rngs: Prng[];
  #writeBelow: number;
  #touchCycles: number;
  #baseTouchCycles: number;
  #slowdownPerTouch: number;
  #translationFactor = 1;
  #throttle = 0;
  // Touches per vCPU up to the last change of speed: the slowdown of those
  // before it is already in lostCycles.
  #touchesAtSpeedChange: Float64Array;
  #writeOrder: Uint32Array | null;
  #writeCursor = 0;
  #jobTouches: number;
  #jobsLeft: number;
  #handler: TrapHandler;
  #sim: EventClock | null = null;
  #id = -1;
  #nextWake = Infinity;
  #wakeGen = 0;

  /**
   * Creates the guest on `machine`'s vCPUs, all blocked until
   * {@linkcode SampledGuest.unblock}, and chooses the working set.
   *
   * @param machine a machine with tracked memory (`guestMemoryPages`); its
   *   pages' modes decide which touches trap.
   * @param workload what the vCPUs do.
   * @param seed seed of the working-set layout and of every vCPU's touches.
   * @param handler receives traps and the end of the job.
   */
  constructor(machine: Machine, workload: GuestWorkload, seed: number, handler: TrapHandler) {
    if (machine.guestMemory === null) {
      throw new RangeError("SampledGuest: the machine has no tracked memory (guestMemoryPages)");
    }
    const memory = machine.guestMemory;
    this.machine = machine;
    this.memory = memory;
    this.#vcpus = machine.vcpus;
    this.#log = machine.dirtyLog;
    this.#handler = handler;
    const v = machine.vcpus.length;
    this.clock = new Float64Array(v).fill(Infinity);
    this.#blockedSince = new Float64Array(v);
    this.lostCycles = new Float64Array(v);
    this.touches = new Float64Array(v);
    this.jobDoneAt = new Float64Array(v).fill(-1);
    this.#pendingPage = new Int32Array(v).fill(-1);
    this.#pendingWrite = new Uint8Array(v);
    this.#waitPage = new Int32Array(v).fill(-1);
    this.#rngs = [];
    for (let i = 0; i < v; i++) this.#rngs.push(new Prng(seed, 1 + i));
    // Compare raw 32-bit draws against a threshold: one draw per decision.
    this.#writeBelow = Math.round(workload.writeFraction * 4294967296);
    this.#touchCycles = workload.touchCycles;
    this.#baseTouchCycles = workload.touchCycles;
    this.#slowdownPerTouch = 0;
    this.#touchesAtSpeedChange = new Float64Array(v);
    this.#writeOrder = workload.writeOrder ?? null;
    if (this.#writeOrder !== null && this.#writeOrder.length === 0) {
      throw new RangeError("SampledGuest: writeOrder holds no page");
    }
    this.#jobTouches = workload.jobTouches;
    this.#jobsLeft = workload.jobTouches > 0 ? v : 0;
    const ws = workload.workingSet ?? buildWorkingSet(
      memory.pages,
      workload.workingSetFraction,
      workload.wsRunPages,
      seed,
    );
    if (workload.workingSet != null) checkWorkingSet(ws, memory.pages);
    this.workingSet = ws;
    this.inWorkingSet = new Uint8Array(memory.pages);
    for (let i = 0; i < ws.length; i++) this.inWorkingSet[ws[i]] = 1;
  }

  /** Number of vCPUs. */
  get vcpus(): number {
    return this.clock.length;
  }

  /** Registers the guest as an agent of `sim`; returns its agent id. */
  attach(sim: EventClock): number {
    this.#sim = sim;
    this.#id = sim.addAgent(this);
    return this.#id;
  }

  /**
   * Turns on the data check: from now on every touch compares the page's
   * version with `expected[page] + writeCount[page]` (the version the page
   * must hold if it came from `expected` and only the guest wrote it since)
   * and marks the page in {@linkcode SampledGuest.badAccess} when they differ.
   */
  verifyAgainst(expected: Uint32Array): void {
    this.#expected = expected;
    this.writeCount = new Uint32Array(this.memory.pages);
    this.badAccess = new Uint8Array(this.memory.pages);
  }

  /**
   * After a run with the data check on ({@linkcode SampledGuest.verifyAgainst}):
   * the pages of the guest's memory whose contents are wrong — an access saw
   * a wrong version, or a page that is present (or that the guest wrote)
   * does not hold its expected version plus the guest's writes since; with
   * `everyPage`, a page still absent counts too (a mechanism that promised
   * all of memory by now). 0 without the data check.
   */
  wrongPages(everyPage: boolean = false): number {
    const expected = this.#expected;
    if (expected === null) return 0;
    const writes = this.writeCount!;
    const bad = this.badAccess!;
    const { mode, version } = this.memory;
    let wrong = 0;
    for (let p = 0; p < expected.length; p++) {
      const held = mode[p] !== PageMode.ABSENT || writes[p] !== 0;
      if (
        bad[p] === 1 || (held && version[p] !== ((expected[p] + writes[p]) >>> 0)) ||
        (everyPage && !held)
      ) wrong++;
    }
    return wrong;
  }

  /**
   * Blocks vCPU `vcpu` from cycle `time` on (or from its clock, if later: it
   * finishes the work of its last touch first).
   */
  block(vcpu: number, time: number): void {
    const c = this.clock[vcpu];
    if (c === Infinity) return;
    this.#blockedSince[vcpu] = c > time ? c : time;
    this.clock[vcpu] = Infinity;
  }

  /** True while vCPU `vcpu` is blocked. */
  isBlocked(vcpu: number): boolean {
    return this.clock[vcpu] === Infinity;
  }

  /**
   * Lets a blocked vCPU run again from cycle `time`, or from the end of the
   * touch's work it was blocked in if that is later (the blocked time counts
   * as lost), and wakes the guest agent then. A vCPU never started counts as
   * blocked since cycle 0.
   */
  unblock(vcpu: number, time: number): void {
    if (this.clock[vcpu] !== Infinity) return;
    // A vCPU blocked in the middle of a touch's work finishes that work first.
    const from = time > this.#blockedSince[vcpu] ? time : this.#blockedSince[vcpu];
    this.lostCycles[vcpu] += from - this.#blockedSince[vcpu];
    this.clock[vcpu] = from;
    this.#wakeAt(from);
  }

  /**
   * The mechanism made the machine `factor` (≥ 1) times slower per access
   * (host pages split by dirty logging, or a destination backed by smaller
   * pages), so every touch's work from now on takes that much longer; the
   * extra cycles count as lost. A factor replaces the previous one.
   */
  slowDown(factor: number): void {
    this.#translationFactor = factor;
    this.#respeed();
  }

  /**
   * Throttles every vCPU to run only `1 - fraction` of the time (QEMU's
   * auto-converge makes vCPU threads sleep that share of each time slice):
   * every touch's work from now on takes 1 / (1 - fraction) times as long,
   * the extra counted as lost. `fraction` is 0 (no throttle) up to below 1.
   */
  throttle(fraction: number): void {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new RangeError(`SampledGuest: throttle must be from 0 to below 1, got ${fraction}`);
    }
    this.#throttle = fraction;
    this.#respeed();
  }

  /** The throttle set by {@linkcode SampledGuest.throttle}. */
  get throttled(): number {
    return this.#throttle;
  }

  // The touches so far keep the slowdown they ran at: fold it into lostCycles.
  #respeed(): void {
    const per = this.#slowdownPerTouch;
    for (let i = 0; i < this.touches.length; i++) {
      this.lostCycles[i] += (this.touches[i] - this.#touchesAtSpeedChange[i]) * per;
      this.#touchesAtSpeedChange[i] = this.touches[i];
    }
    const base = this.#baseTouchCycles;
    const slow = Math.round(base * this.#translationFactor / (1 - this.#throttle));
    this.#touchCycles = Math.max(base, slow);
    this.#slowdownPerTouch = this.#touchCycles - base;
  }

  /**
   * Moves the guest onto `machine` (a migration's destination): from now on
   * its touches use that machine's vCPUs, tracked memory, page modes and
   * dirty log, and its exits are charged there. The working set, the
   * vCPUs' clocks and what is blocked stay as they are; call it while the
   * guest's vCPUs are all blocked (a switch-over pause).
   * @throws RangeError unless `machine` has as many vCPUs and tracked pages
   */
  moveTo(machine: Machine): void {
    const memory = machine.guestMemory;
    if (memory === null || memory.pages !== this.memory.pages) {
      throw new RangeError(
        `SampledGuest: the new machine must track ${this.memory.pages} pages of guest memory`,
      );
    }
    if (machine.vcpus.length !== this.clock.length) {
      throw new RangeError(`SampledGuest: the new machine must have ${this.clock.length} vCPUs`);
    }
    this.machine = machine;
    this.memory = memory;
    this.#vcpus = machine.vcpus;
    this.#log = machine.dirtyLog;
  }

  /**
   * Blocked vCPU `vcpu` waits for `page` (a page being saved or fetched):
   * {@linkcode SampledGuest.releaseWaiters} lets it go once the page is ready.
   */
  waitFor(vcpu: number, page: number): void {
    this.#waitPage[vcpu] = page;
  }

  /**
   * Unblocks at cycle `time` every vCPU waiting for a page that `ready` says
   * is ready now.
   * @returns vCPUs released
   */
  releaseWaiters(ready: (page: number) => boolean, time: number): number {
    let released = 0;
    for (let v = 0; v < this.#waitPage.length; v++) {
      const page = this.#waitPage[v];
      if (page >= 0 && ready(page)) {
        this.#waitPage[v] = -1;
        this.unblock(v, time);
        released++;
      }
    }
    return released;
  }

  /**
   * The hypervisor kicks every running vCPU out of the guest with exit
   * `reason` (a remote TLB flush, a PML drain): each pays the exit, charged
   * in its stats, on top of the touch it is in. Blocked vCPUs are not in
   * the guest and serve the request when they re-enter, without an exit.
   * @returns vCPUs kicked
   */
  kick(reason: number): number {
    let kicked = 0;
    for (let v = 0; v < this.clock.length; v++) {
      if (this.clock[v] === Infinity || this.clock[v] >= this.haltAt) continue;
      const cycles = this.#vcpus[v].exit(reason);
      this.clock[v] += cycles;
      this.lostCycles[v] += cycles;
      kicked++;
    }
    return kicked;
  }

  /**
   * Cycles lost by all vCPUs up to cycle `time`, counting the vCPUs still
   * blocked as blocked until `time`, and the slowdown of every touch so far.
   */
  lostUntil(time: number): number {
    let lost = 0;
    for (let i = 0; i < this.clock.length; i++) {
      lost += this.lostCycles[i] +
        (this.touches[i] - this.#touchesAtSpeedChange[i]) * this.#slowdownPerTouch;
      if (this.clock[i] === Infinity && time > this.#blockedSince[i]) {
        lost += time - this.#blockedSince[i];
      }
    }
    return lost;
  }

  /** Called by the clock: runs touches up to the next other event. */
  wake(sim: EventClock, tag: number): void {
    if (tag !== this.#wakeGen) return; // superseded by an earlier wake
    this.#nextWake = Infinity;
    const clock = this.clock;
    const v = clock.length;
    const mode = this.memory.mode;
    const version = this.memory.version;
    const ws = this.workingSet;
    const wsLen = ws.length;
    const touchCycles = this.#touchCycles;
    const writeBelow = this.#writeBelow;
    const expected = this.#expected;
    const writeCount = this.writeCount;
    const bad = this.badAccess;
    const id = this.#id;
    const pendingPage = this.#pendingPage;
    const rngs = this.#rngs;
    const touches = this.touches;
    const jobTouches = this.#jobTouches;
    const writeOrder = this.#writeOrder;
    // Reads trap only on absent pages and are checked only by the verifier.
    const readsFree = expected === null && !this.memory.mayBeAbsent;
    // The next event of another agent changes only when a handler schedules one.
    let next = sim.peekTime();
    let nextFirst = sim.peekAgent() < id;
    for (;;) {
      let i = 0;
      for (let j = 1; j < v; j++) if (clock[j] < clock[i]) i = j;
      let t = clock[i];
      if (t === Infinity || t >= this.haltAt) break;
      // Stop before the next event of another agent; at equal times the
      // clock's tie order decides. Breaking on a tie the guest itself wins
      // would reschedule this same wake forever.
      if (t > next || (t === next && nextFirst)) break;
      let page = pendingPage[i];
      let write: boolean;
      if (page >= 0) {
        write = this.#pendingWrite[i] === 1;
        pendingPage[i] = -1;
      } else {
        const rng = rngs[i];
        // x - floor(x / n) * n equals x % n exactly for x < 2^32 (the quotient's
        // rounding error is below 1/n) and avoids a float modulo per touch.
        const x = rng.nextU32();
        write = rng.nextU32() < writeBelow;
        if (!write && readsFree) {
          // A read that cannot trap and is not checked changes nothing but the clock.
          clock[i] = t + touchCycles;
          if (++touches[i] === jobTouches) {
            this.#jobDone(i, clock[i]);
            next = sim.peekTime();
            nextFirst = sim.peekAgent() < id;
          }
          continue;
        }
        if (write && writeOrder !== null) {
          page = writeOrder[this.#writeCursor];
          if (++this.#writeCursor === writeOrder.length) this.#writeCursor = 0;
        } else page = ws[x - Math.floor(x / wsLen) * wsLen];
      }
      const m = mode[page];
      if (m !== PageMode.WRITABLE && (write || m === PageMode.ABSENT)) {
        if (m === PageMode.LOGGED) {
          // The hypervisor logs the write on the spot; the vCPU pays the exit, if any.
          const cycles = this.#log!.write(i, page);
          this.lostCycles[i] += cycles;
          t += cycles;
        } else {
          const reason = m === PageMode.ABSENT ? ExitReason.NESTED_FAULT : ExitReason.WRITE_PROTECT;
          const cycles = this.#vcpus[i].exit(reason);
          pendingPage[i] = page;
          this.#pendingWrite[i] = write ? 1 : 0;
          this.#blockedSince[i] = t;
          clock[i] = Infinity;
          this.#handler.onTrap(i, page, write, reason, t + cycles);
          next = sim.peekTime();
          nextFirst = sim.peekAgent() < id;
          continue;
        }
      }
      if (expected !== null) {
        if (version[page] !== ((expected[page] + writeCount![page]) >>> 0)) bad![page] = 1;
        if (write) writeCount![page]++;
      }
      if (write) version[page] = (version[page] + 1) >>> 0;
      clock[i] = t + touchCycles;
      if (++touches[i] === jobTouches) {
        this.#jobDone(i, clock[i]);
        next = sim.peekTime();
        nextFirst = sim.peekAgent() < id;
      }
    }
    let resume = Infinity;
    for (let j = 0; j < v; j++) if (clock[j] < resume) resume = clock[j];
    if (resume !== Infinity) this.#wakeAt(resume);
  }

  // vCPU `vcpu` completed its job at cycle `time`; the last one tells the handler.
  #jobDone(vcpu: number, time: number): void {
    this.jobDoneAt[vcpu] = time;
    if (--this.#jobsLeft === 0) {
      let last = 0;
      for (let j = 0; j < this.jobDoneAt.length; j++) {
        if (this.jobDoneAt[j] > last) last = this.jobDoneAt[j];
      }
      this.#handler.onJobDone(last);
    }
  }

  /** True once every vCPU has completed its job. */
  get jobDone(): boolean {
    return this.#jobsLeft === 0;
  }

  // Schedules a guest wake at `time` unless one is already due no later;
  // an earlier wake supersedes the later one through the generation tag.
  // Nothing runs at or after haltAt, so a wake then would only reschedule
  // itself forever.
  #wakeAt(time: number): void {
    if (this.#sim === null || time >= this.#nextWake || time >= this.haltAt) return;
    this.#nextWake = time;
    this.#sim.schedule(time, this.#id, ++this.#wakeGen);
  }
}

// A working set given as data must be distinct pages, ascending, in memory.
function checkWorkingSet(ws: Uint32Array, pages: number): void {
  if (ws.length === 0) throw new RangeError("SampledGuest: workingSet holds no page");
  for (let i = 0; i < ws.length; i++) {
    if (ws[i] >= pages || (i > 0 && ws[i] <= ws[i - 1])) {
      throw new RangeError(
        `SampledGuest: workingSet must hold distinct pages below ${pages} in ascending order; entry ${i} is ${
          ws[i]
        }`,
      );
    }
  }
}

/**
 * Cycles of unhindered guest work one touch stands for: `accessesPerTouch`
 * accesses at the profile's base cycles per access, at least one cycle.
 *
 * @example
 * ```ts
 * import { touchCyclesOf } from "./sampled_guest.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * if (touchCyclesOf(10000, cost) !== Math.round(10000 * cost.baseCyclesPerAccess)) throw new Error();
 * ```
 */
export function touchCyclesOf(accessesPerTouch: number, cost: CostModel): number {
  return Math.max(1, Math.round(accessesPerTouch * cost.baseCyclesPerAccess));
}

/**
 * Chooses the working set: `fraction` of `pages`, as runs of `runPages`
 * consecutive pages at random aligned places, returned ascending.
 *
 * @example
 * ```ts
 * import { buildWorkingSet } from "./sampled_guest.ts";
 * const ws = buildWorkingSet(1000, 0.3, 3, 7);
 * if (ws.length !== 300) throw new Error(String(ws.length));
 * ```
 */
export function buildWorkingSet(
  pages: number,
  fraction: number,
  runPages: number,
  seed: number,
): Uint32Array {
  const want = Math.max(1, Math.min(pages, Math.round(pages * fraction)));
  const runs = Math.ceil(pages / runPages);
  const pick = Math.ceil(want / runPages);
  // Partial Fisher-Yates over run indices: the first `pick` slots are the chosen runs.
  const idx = new Uint32Array(runs);
  for (let i = 0; i < runs; i++) idx[i] = i;
  const rng = new Prng(seed, 0);
  for (let i = 0; i < pick; i++) {
    const j = i + rng.below(runs - i);
    const x = idx[i];
    idx[i] = idx[j];
    idx[j] = x;
  }
  const chosen = idx.subarray(0, pick).sort();
  const out = new Uint32Array(want);
  let n = 0;
  for (let r = 0; r < pick && n < want; r++) {
    const first = chosen[r] * runPages;
    for (let p = first; p < first + runPages && p < pages && n < want; p++) out[n++] = p;
  }
  // The last run may end at the memory's end; top up from unchosen pages then.
  if (n < want) {
    const taken = new Uint8Array(pages);
    for (let i = 0; i < n; i++) taken[out[i]] = 1;
    for (let p = 0; p < pages && n < want; p++) if (taken[p] === 0) out[n++] = p;
    out.sort();
  }
  return out;
}
