/**
 * The sending side of a bus run: the guest's driver, an agent on the clock
 * that takes each message as it arrives, on the guest's vCPUs in turn, and
 * moves it into the data ring by the run's method. It reclaims buffers from
 * the completion ring lazily (before each message, without interrupts),
 * and waits — for ring space, or for lent buffers to come back — by
 * publishing what it waits for and looking once more before it blocks.
 * Every shared-memory operation that another side may race with is a step
 * of its own on the clock.
 *
 * @module
 */

import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import { Region, Spend } from "./_bus_world.ts";
import type { BusRun } from "./_bus_run.ts";
import { RingHeader } from "./ring.ts";
import { readerBegins, readerEnds, writerMustSignal } from "./signalling.ts";

const enum Phase {
  /** Decide the next thing to do. */
  READY,
  /** Publish the packets put since the last doorbell. */
  PUBLISH,
  /** Look at the reader's state and signal if the mode says so. */
  CHECK,
  /** Waiting for ring space: look again after registering it. */
  RING_RECHECK,
  /** Waiting for buffers: look again after asking for completions. */
  BUFFER_RECHECK,
  /** Blocked until a signal (or, polling, a change) ends the wait. */
  BLOCKED,
  /** Every message sent. */
  DONE,
}

/** The sender agent. */
export class Sender implements ClockAgent {
  /** Its id on the clock. */
  agent = -1;
  /** Messages sent so far (the next to send). */
  next = 0;
  /** Interrupts delivered to the sender. */
  interrupts = 0;
  #run: BusRun;
  #phase: Phase = Phase.READY;
  #put = 0;
  #oldWrite = 0;
  #oldPublished = 0;
  #pendingIrq = false;
  #blocked = false;
  #blockedAt = 0;
  #cpu: Vcpu;

  /** Creates the sender of `run`. */
  constructor(run: BusRun) {
    this.#run = run;
    this.#cpu = run.bw.guest.vcpus[0];
  }

  /** Whether it is blocked waiting for a signal (or, polling, for a change). */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** One step. */
  wake(clock: EventClock): void {
    const run = this.#run;
    if (this.#phase === Phase.DONE) return;
    if (this.#phase === Phase.READY && !this.#arrived(clock.now)) {
      if (this.#put > 0) this.#phase = Phase.PUBLISH;
      else {
        // Nothing to send yet: the next arrival wakes it (its vCPU does other work meanwhile).
        if (this.next < run.s.messages) clock.schedule(run.arrivals[this.next], this.agent);
        else this.#phase = Phase.DONE;
        return;
      }
    }
    // A message goes out on the vCPUs in turn; the steps around it run where it did.
    if (this.#phase === Phase.READY) {
      const vcpus = run.bw.guest.vcpus;
      this.#cpu = vcpus[this.next % vcpus.length];
    }
    const cpu = this.#cpu;
    const before = cpu.stats.totalCycles();
    if (this.#pendingIrq) {
      this.#pendingIrq = false;
      run.bw.work(cpu, run.bw.bus.interruptEntryCycles, Spend.SIGNAL, false);
    }
    const signal = this.#step(clock.now);
    const took = cpu.stats.totalCycles() - before + run.jitter();
    const end = clock.now + took;
    if (signal) run.receiver.interrupt(end);
    // The step moved the phase on.
    const phase = this.#phase as Phase;
    if (phase === Phase.BLOCKED) {
      this.#blocked = true;
      this.#blockedAt = end;
      return;
    }
    if (phase !== Phase.DONE) clock.schedule(end, this.agent);
  }

  /** Whether message `next` has arrived by `now` (and so may be sent). */
  #arrived(now: number): boolean {
    const run = this.#run;
    return this.next < run.s.messages && run.arrivals[this.next] <= now;
  }

  /**
   * Runs one step in the current phase.
   * @returns whether it signalled the receiver
   */
  #step(now: number): boolean {
    const run = this.#run;
    const data = run.data;
    const bw = run.bw;
    switch (this.#phase) {
      case Phase.READY: {
        this.#reclaim();
        const id = this.next;
        const slot = id % run.slots;
        if (run.slotBusy[slot] !== 0) {
          if (this.#put > 0) {
            this.#phase = Phase.PUBLISH;
            return false;
          }
          // Ask for a completion signal, then look again before blocking.
          run.bufferWaits++;
          if (readerEnds(run.s.signalling, run.completions)) {
            this.#header(Region.COMPLETION_RING, RingHeader.INTERRUPT_MASK, true);
          }
          this.#phase = Phase.BUFFER_RECHECK;
          return false;
        }
        const bytes = run.packetBytesOf(id);
        if (!data.fits(bytes)) {
          if (this.#put > 0) {
            this.#phase = Phase.PUBLISH;
            return false;
          }
          run.ringFullWaits++;
          data.pendingSendSz = bytes;
          this.#header(Region.DATA_RING, RingHeader.PENDING_SEND_SZ, true);
          this.#phase = Phase.RING_RECHECK;
          return false;
        }
        run.payloads.send(this.#cpu, id, bytes);
        this.next++;
        this.#put++;
        const more = this.#put < run.s.batch && this.#arrived(now);
        this.#phase = more ? Phase.READY : Phase.PUBLISH;
        return false;
      }
      case Phase.PUBLISH: {
        this.#oldPublished = data.published;
        this.#oldWrite = data.publish();
        this.#put = 0;
        this.#header(Region.DATA_RING, RingHeader.WRITE_INDEX, true);
        if (run.s.signalling === "poll") {
          run.receiver.changed();
          this.#phase = this.next === run.s.messages ? Phase.DONE : Phase.READY;
        } else this.#phase = Phase.CHECK;
        return false;
      }
      case Phase.CHECK: {
        this.#phase = this.next === run.s.messages ? Phase.DONE : Phase.READY;
        const mode = run.s.signalling;
        if (mode === "vmbus") {
          this.#header(Region.DATA_RING, RingHeader.INTERRUPT_MASK, false);
          this.#header(Region.DATA_RING, RingHeader.READ_INDEX, false);
        } else if (mode === "event-idx") {
          this.#header(Region.DATA_RING, RingHeader.EVENT_INDEX, false);
        }
        if (!writerMustSignal(mode, data, this.#oldWrite, this.#oldPublished)) return false;
        run.signals++;
        bw.signal(this.#cpu);
        return true;
      }
      case Phase.RING_RECHECK: {
        this.#header(Region.DATA_RING, RingHeader.READ_INDEX, false);
        if (data.fits(data.pendingSendSz)) {
          data.pendingSendSz = 0;
          this.#header(Region.DATA_RING, RingHeader.PENDING_SEND_SZ, true);
          this.#phase = Phase.READY;
        } else this.#block();
        return false;
      }
      case Phase.BUFFER_RECHECK: {
        this.#header(Region.COMPLETION_RING, RingHeader.WRITE_INDEX, false);
        if (run.completions.available()) {
          if (readerBegins(run.s.signalling, run.completions)) {
            this.#header(Region.COMPLETION_RING, RingHeader.INTERRUPT_MASK, true);
          }
          this.#phase = Phase.READY;
        } else this.#block();
        return false;
      }
    }
    return false;
  }

  #block(): void {
    this.#phase = Phase.BLOCKED;
    // The blocked driver's vCPU does other work; only a signal or, polling, a change ends the wait.
  }

  /**
   * A signal from the receiver reached the sender at cycle `at`: it takes
   * the interrupt (its handler's cycles charged at its next step), and a
   * blocked sender goes on.
   */
  interrupt(at: number): void {
    if (this.#phase === Phase.DONE) return;
    this.interrupts++;
    this.#pendingIrq = true;
    if (this.#blocked) this.#unblock(at);
  }

  /**
   * Polling: the receiver changed what a blocked sender waits on (it freed
   * ring space or published completions) at cycle `at`; the sender, which
   * has been spinning on it, sees it one look later.
   */
  changed(at: number): void {
    if (!this.#blocked || this.#run.s.signalling !== "poll") return;
    const run = this.#run;
    const spin = Math.max(0, at - this.#blockedAt);
    run.bw.work(this.#cpu, spin, Spend.POLL, false);
    this.#unblock(at);
  }

  #unblock(at: number): void {
    this.#blocked = false;
    this.#phase = this.#run.data.pendingSendSz !== 0 ? Phase.RING_RECHECK : Phase.BUFFER_RECHECK;
    this.#run.bw.world.clock.schedule(Math.max(at, this.#run.bw.world.clock.now), this.agent);
  }

  /** Takes every completion the receiver published: their buffers are free again. */
  #reclaim(): void {
    const run = this.#run;
    const ring = run.completions;
    this.#header(Region.COMPLETION_RING, RingHeader.WRITE_INDEX, false);
    if (!ring.available()) return;
    while (ring.available()) {
      const id = ring.take();
      run.bw.ringAccess(
        this.#cpu,
        Region.COMPLETION_RING,
        run.completions.dataBytes,
        ring.lastOffset,
        ring.takenBytes,
        false,
      );
      run.slotBusy[id % run.slots] = 0;
    }
    ring.advance();
    this.#header(Region.COMPLETION_RING, RingHeader.READ_INDEX, true);
  }

  /** One 4-byte access to a header field of the ring at `base`. */
  #header(base: number, field: number, write: boolean): void {
    if (write) this.#run.bw.store(this.#cpu, base, field, 4);
    else this.#run.bw.load(this.#cpu, base, field, 4);
  }
}
