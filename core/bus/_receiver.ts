/**
 * The receiving side of a bus run: the service in the host partition, an
 * agent on the clock running on the partition's one vCPU. Halted until
 * signalled, it masks (VMBus), drains the data ring packet by packet —
 * taking each payload by the run's method, completing lent buffers through
 * the completion ring — then publishes that it wants a signal and looks at
 * the ring once more before it halts. Polling, it never halts: it spins on
 * the write index.
 *
 * @module
 */

import { ExitReason } from "../base/exit_reason.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import { COMPLETION_BYTES, Region, Spend } from "./_bus_world.ts";
import type { BusRun } from "./_bus_run.ts";
import { Taken } from "./_payloads.ts";
import { RingHeader } from "./ring.ts";
import { readerBegins, readerEnds, readerMustSignalSpace, writerMustSignal } from "./signalling.ts";

const enum Phase {
  /** Halted, waiting for an interrupt. */
  HALTED,
  /** An interrupt woke it. */
  WAKE,
  /** Start draining (VMBus masks). */
  BEGIN,
  /** Look at the write index. */
  CHECK,
  /** Take the next packet(s). */
  TAKE,
  /** The ring looked empty: publish that a signal is wanted. */
  END,
  /** Look once more before halting. */
  RECHECK,
  /** Polling: spinning until the writer publishes. */
  SPIN,
  /** Every message delivered. */
  DONE,
}

// xen-netback batches at most 64 grant-copy operations per hypercall (D.
// Vrabel / P. Durrant, "xen-netback: refactor guest rx", Linux commit
// eb1723a29b9a; was 4,352); completions are published as often.
const BATCH_OPS = 64;

/** The receiver agent. */
export class Receiver implements ClockAgent {
  /** Its id on the clock. */
  agent = -1;
  /** Interrupts taken for the data ring. */
  interrupts = 0;
  /** Cycles it was busy (not halted). */
  busyCycles = 0;
  #run: BusRun;
  #cpu: Vcpu;
  #phase: Phase = Phase.HALTED;
  // An interrupt came while it ran: it must drain once more before halting.
  #pendingIrq = false;
  // Handler cycles of interrupts taken while running, charged at its next step.
  #handlerCycles = 0;
  #spinFrom = 0;
  // Completions put in the completion ring and not yet published, and the
  // remapped messages among them whose pages must go back first.
  #completions = 0;
  #returns: number[] = [];
  // Polling: whether this step freed something the sender may be spinning on.
  #signalSpace = false;

  /** Creates the receiver of `run`; polling, it starts spinning at once. */
  constructor(run: BusRun) {
    this.#run = run;
    this.#cpu = run.bw.host.vcpus[0];
    if (run.s.signalling === "poll") this.#phase = Phase.SPIN;
  }

  /** One step. */
  wake(clock: EventClock): void {
    const run = this.#run;
    const cpu = this.#cpu;
    const before = cpu.stats.totalCycles();
    if (this.#handlerCycles > 0) {
      run.bw.work(cpu, this.#handlerCycles, Spend.SIGNAL, true);
      this.#handlerCycles = 0;
    }
    const signal = this.#step();
    const took = cpu.stats.totalCycles() - before + run.jitter();
    this.busyCycles += took;
    const end = clock.now + took;
    for (const id of run.payloads.finished) run.doneAt[id] = end;
    run.payloads.finished.length = 0;
    if (signal) run.sender.interrupt(end);
    if (run.s.signalling === "poll" && this.#signalSpace) run.sender.changed(end);
    this.#signalSpace = false;
    if (
      run.payloads.delivered + run.payloads.duplicated >= run.s.messages &&
      this.#phase !== Phase.TAKE
    ) {
      this.#flush();
      this.#phase = Phase.DONE;
    }
    if (this.#phase === Phase.HALTED || this.#phase === Phase.DONE) return;
    if (this.#phase === Phase.SPIN) {
      this.#spinFrom = end;
      return;
    }
    clock.schedule(end, this.agent);
  }

  /**
   * The sender signalled at cycle `at`: a halted receiver wakes after the
   * halt's wake-up time; a running one takes the interrupt at once (its
   * handler's cycles are charged at its next step) and drains once more
   * before it may halt.
   */
  interrupt(at: number): void {
    if (this.#phase === Phase.DONE) return;
    this.interrupts++;
    if (this.#phase === Phase.HALTED) {
      this.#phase = Phase.WAKE;
      this.#run.bw.world.clock.schedule(at + this.#run.bw.bus.haltWakeCycles, this.agent);
      return;
    }
    this.#handlerCycles += this.#run.bw.bus.interruptEntryCycles;
    this.#pendingIrq = true;
  }

  /** Polling: the sender published at the current cycle; the spinning receiver sees it one look later. */
  changed(): void {
    if (this.#phase !== Phase.SPIN) return;
    const run = this.#run;
    const now = run.bw.world.clock.now;
    const spin = Math.max(0, now - this.#spinFrom);
    run.bw.work(this.#cpu, spin, Spend.POLL, true);
    this.busyCycles += spin;
    this.#phase = Phase.CHECK;
    run.bw.world.clock.schedule(now, this.agent);
  }

  /**
   * Runs one step in the current phase.
   * @returns whether it signalled the sender
   */
  #step(): boolean {
    const run = this.#run;
    const mode = run.s.signalling;
    switch (this.#phase) {
      case Phase.WAKE: {
        const bus = run.bw.bus;
        run.bw.work(this.#cpu, bus.haltWakeCycles + bus.interruptEntryCycles, Spend.SIGNAL, true);
        this.#phase = Phase.BEGIN;
        return false;
      }
      case Phase.BEGIN: {
        if (readerBegins(mode, run.data)) this.#header(RingHeader.INTERRUPT_MASK, true);
        this.#phase = Phase.CHECK;
        return false;
      }
      case Phase.CHECK: {
        this.#header(RingHeader.WRITE_INDEX, false);
        this.#phase = run.data.available() ? Phase.TAKE : Phase.END;
        return false;
      }
      case Phase.TAKE:
        this.#phase = Phase.CHECK;
        return this.#take();
      case Phase.END: {
        let signal = this.#flush();
        if (mode === "poll") {
          // The poll loop reads the write index again before it settles to spin.
          this.#header(RingHeader.WRITE_INDEX, false);
          this.#phase = run.data.available() ? Phase.CHECK : Phase.SPIN;
          return signal;
        }
        const wrote = readerEnds(mode, run.data);
        if (wrote) {
          this.#header(mode === "vmbus" ? RingHeader.INTERRUPT_MASK : RingHeader.EVENT_INDEX, true);
        }
        if (wrote && !run.s.brokenReaderSkipsRecheck) this.#phase = Phase.RECHECK;
        else signal = this.#halt() || signal;
        return signal;
      }
      case Phase.RECHECK: {
        this.#header(RingHeader.WRITE_INDEX, false);
        if (run.data.available()) this.#phase = Phase.BEGIN;
        else this.#halt();
        return false;
      }
    }
    return false;
  }

  /**
   * Halts the vCPU (an HLT exit), unless an interrupt came while it ran:
   * then it drains again instead (the interrupt may be for a packet
   * published after its last look).
   */
  #halt(): boolean {
    if (this.#pendingIrq) {
      this.#pendingIrq = false;
      this.#phase = Phase.BEGIN;
      return false;
    }
    this.#run.bw.exit(
      this.#cpu,
      ExitReason.HLT,
      this.#run.bw.cost.exitHandlerCycles.hlt,
      Spend.SIGNAL,
    );
    this.#phase = Phase.HALTED;
    return false;
  }

  /**
   * Takes the next packet (for hypervisor copy, as many as one hypercall's
   * batch of grant copies holds), takes each payload, frees the ring space
   * and queues the completions.
   * @returns whether it signalled the sender (ring space it waited for, or completions)
   */
  #take(): boolean {
    const run = this.#run;
    const data = run.data;
    const bw = run.bw;
    const ids: number[] = [];
    const offsets: number[] = [];
    let pages = 0;
    do {
      const id = data.take();
      // The descriptor and the page list or range it carries.
      const descriptor = run.methodOf(id) === "inline" ? 16 : data.takenBytes - 8;
      bw.ringAccess(
        this.#cpu,
        Region.DATA_RING,
        data.dataBytes,
        data.lastOffset,
        descriptor,
        false,
      );
      ids.push(id);
      offsets.push(data.lastOffset);
      pages += run.s.messagePages;
    } while (
      run.methodOf(ids[0]) === "hypervisor-copy" && pages + run.s.messagePages <= BATCH_OPS &&
      data.available()
    );
    if (run.methodOf(ids[0]) === "hypervisor-copy") {
      // One grant-copy op per page, at most a batch of them per hypercall.
      for (let ops = pages; ops > 0; ops -= BATCH_OPS) {
        bw.exit(
          this.#cpu,
          ExitReason.HYPERCALL,
          bw.bus.remapHypercallCycles + Math.min(ops, BATCH_OPS) * bw.bus.grantCopyOpCycles,
          Spend.COPY,
        );
      }
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const taken = run.payloads.receive(this.#cpu, id, offsets[i]);
      if (taken === Taken.DONE) continue;
      if (taken === Taken.GIVE_BACK) this.#returns.push(id);
      const at = run.completions.put(id, COMPLETION_BYTES);
      bw.ringAccess(
        this.#cpu,
        Region.COMPLETION_RING,
        run.completions.dataBytes,
        at,
        COMPLETION_BYTES - 8,
        true,
      );
      this.#completions++;
    }
    const freeBefore = data.advance();
    this.#header(RingHeader.READ_INDEX, true);
    let signal = false;
    this.#header(RingHeader.PENDING_SEND_SZ, false);
    if (readerMustSignalSpace(data, freeBefore)) {
      if (run.s.signalling === "poll") this.#signalSpace = true;
      else {
        run.signals++;
        bw.signal(this.#cpu);
        signal = true;
      }
    }
    if (this.#completions >= BATCH_OPS) signal = this.#flush() || signal;
    return signal;
  }

  /**
   * Gives back the remapped pages of the messages to complete, then
   * publishes their completions and signals the sender if the mode says so.
   * @returns whether it signalled
   */
  #flush(): boolean {
    if (this.#completions === 0) return false;
    const run = this.#run;
    const bw = run.bw;
    if (this.#returns.length > 0) run.payloads.giveBack(this.#cpu, this.#returns);
    this.#returns = [];
    const ring = run.completions;
    const oldPublished = ring.published;
    const oldWrite = ring.publish();
    this.#completions = 0;
    bw.store(this.#cpu, Region.COMPLETION_RING, RingHeader.WRITE_INDEX, 4);
    const mode = run.s.signalling;
    if (mode === "poll") {
      this.#signalSpace = true;
      return false;
    }
    if (mode === "vmbus") {
      bw.load(this.#cpu, Region.COMPLETION_RING, RingHeader.INTERRUPT_MASK, 4);
      bw.load(this.#cpu, Region.COMPLETION_RING, RingHeader.READ_INDEX, 4);
    } else if (mode === "event-idx") {
      bw.load(this.#cpu, Region.COMPLETION_RING, RingHeader.EVENT_INDEX, 4);
    }
    if (!writerMustSignal(mode, ring, oldWrite, oldPublished)) return false;
    run.signals++;
    bw.signal(this.#cpu);
    return true;
  }

  /** One 4-byte access to a header field of the data ring. */
  #header(field: number, write: boolean): void {
    if (write) this.#run.bw.store(this.#cpu, Region.DATA_RING, field, 4);
    else this.#run.bw.load(this.#cpu, Region.DATA_RING, field, 4);
  }
}
