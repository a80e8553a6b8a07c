// The destination host's side of a migration (private to core/migration):
// it installs the pages that arrive, resumes the guest at the switch, and,
// in post-copy, turns a vCPU's fault on a missing page into a request to
// the source and lets the vCPU go once the page is placed.

import { ExitReason } from "../base/exit_reason.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import { exitCycleTable } from "../cost/cost_model.ts";
import type { Machine } from "../machine/machine.ts";
import { type GuestMemory, PageMode } from "../mem/guest_memory.ts";
import type { SampledGuest, TrapHandler } from "../workload/sampled_guest.ts";

/** What the destination asks of the source. */
export interface PageSource {
  /** The destination asks at cycle `now` for `page`, which a vCPU waits for. */
  request(page: number, now: number): void;
}

/** The destination: an agent of the clock and the guest's trap handler once it runs there. */
export class MigrationDestination implements ClockAgent, TrapHandler {
  /** The destination machine. */
  readonly machine: Machine;
  /** Its tracked guest memory: what has arrived. */
  readonly mem: GuestMemory;
  /** This agent's id on the clock. */
  readonly id: number;
  /** Cycle the guest resumed here, or -1. */
  resumedAt = -1;
  /** Pages post-copy still owes the destination. */
  owedLeft = 0;
  /** Cycle the last owed page arrived, or -1. */
  lastArrival = -1;
  /** Cycles vCPUs stalled on remote faults, from the touch to running again, all together. */
  stallCycles = 0;
  /** Remote faults handled (each a vCPU stalled until its page came). */
  faults = 0;
  /** Pages installed after the switch (post-copy). */
  installedAfterSwitch = 0;
  /** Set to stop delivering anything (the link failed). */
  cutOff = false;
  readonly #clock: EventClock;
  readonly #guest: SampledGuest;
  readonly #waiting: Int32Array;
  readonly #faultAt: Float64Array;
  readonly #requested: Uint8Array;
  readonly #handlingCycles: number;
  readonly #faultExitCycles: number;
  #source: PageSource | null = null;
  #owed: Uint8Array | null = null;

  constructor(
    clock: EventClock,
    machine: Machine,
    guest: SampledGuest,
    handlingCycles: number,
  ) {
    this.#clock = clock;
    this.machine = machine;
    this.mem = machine.guestMemory!;
    this.#guest = guest;
    this.#handlingCycles = handlingCycles;
    this.#faultExitCycles = exitCycleTable(machine.cost)[ExitReason.NESTED_FAULT];
    this.#waiting = new Int32Array(guest.vcpus).fill(-1);
    this.#faultAt = new Float64Array(guest.vcpus);
    this.#requested = new Uint8Array(this.mem.pages);
    this.id = clock.addAgent(this);
  }

  /** The source the destination requests pages from. */
  set source(source: PageSource) {
    this.#source = source;
  }

  /**
   * The source switched at cycle `t`: the pages in `owed` (1 each) will come
   * by post-copy, so what the destination holds of them is stale and goes.
   * The guest is not running here yet, so nothing sees the change.
   */
  beginSwitch(owed: Uint8Array): void {
    this.#owed = owed;
    let n = 0;
    for (let p = 0; p < owed.length; p++) {
      if (owed[p] === 1) {
        this.mem.evict(p);
        n++;
      }
    }
    this.owedLeft = n;
  }

  /**
   * Pages arrived at cycle `t` with the versions they were sent with, in a
   * live pre-copy round (`live`) or after the switch. Before a post-copy
   * switch each is installed. After it, a live round's page is installed
   * only if it is not owed (an owed one was dirtied again: its newer version
   * is on its way), and an owed page only while it is still missing (the
   * source sends each once); vCPUs waiting for it run again once it is placed.
   */
  receive(
    pages: Uint32Array,
    versions: Uint32Array,
    count: number,
    t: number,
    live: boolean,
  ): void {
    if (this.cutOff) return;
    const mem = this.mem;
    const owed = this.#owed;
    if (owed === null) {
      for (let i = 0; i < count; i++) mem.install(pages[i], versions[i]);
      return;
    }
    for (let i = 0; i < count; i++) {
      const p = pages[i];
      if (live) {
        if (owed[p] === 0) mem.install(p, versions[i]);
        continue;
      }
      if (mem.mode[p] !== PageMode.ABSENT) continue;
      mem.install(p, versions[i]);
      this.installedAfterSwitch++;
      this.lastArrival = t;
      this.owedLeft--;
      for (let v = 0; v < this.#waiting.length; v++) {
        if (this.#waiting[v] === p) this.#clock.schedule(t + this.#handlingCycles, this.id, v);
      }
    }
  }

  /**
   * The guest resumes here at cycle `t`: it moves onto this machine, which
   * must hold `expected` (the source's memory at the switch) for every page
   * but those still owed; every vCPU starts after `coldCycles`, what warming
   * this machine's TLBs and caches costs it, and runs `slowdown` times
   * slower per access than on the source.
   */
  resume(t: number, expected: Uint32Array, coldCycles: number, slowdown: number): void {
    this.resumedAt = t;
    const guest = this.#guest;
    guest.moveTo(this.machine);
    guest.verifyAgainst(expected);
    guest.throttle(0);
    guest.slowDown(slowdown);
    for (let v = 0; v < guest.vcpus; v++) guest.unblock(v, t + coldCycles);
  }

  /** A vCPU touched a page not here yet: ask the source for it, once. */
  onTrap(vcpu: number, page: number, _write: boolean, _reason: number, time: number): void {
    this.faults++;
    this.#faultAt[vcpu] = time - this.#faultExitCycles;
    if (this.mem.mode[page] !== PageMode.ABSENT) {
      // It arrived while the exit was on its way: the vCPU goes on.
      this.#release(vcpu, time);
      return;
    }
    this.#waiting[vcpu] = page;
    if (this.#requested[page] === 0 && !this.cutOff) {
      this.#requested[page] = 1;
      this.#source!.request(page, time);
    }
  }

  /** The guest has no job: never called. */
  onJobDone(): void {}

  /** A page a vCPU waited for is placed: the vCPU runs again. */
  wake(clock: EventClock, vcpu: number): void {
    if (this.cutOff) return;
    this.#release(vcpu, clock.now);
  }

  #release(vcpu: number, t: number): void {
    this.#waiting[vcpu] = -1;
    this.stallCycles += t - this.#faultAt[vcpu];
    this.#guest.unblock(vcpu, t);
  }
}
