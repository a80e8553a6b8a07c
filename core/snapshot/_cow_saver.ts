// Stop-and-copy and concurrent copy-before-write snapshots (private to core/snapshot).

import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import type { EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../transfer/page_mover.ts";
import { addressOrder, workingSetOrder } from "./_page_order.ts";
import { NO_LOGGING } from "../workload/translation_sample.ts";
import { PAGE_BYTES } from "./_state_machine.ts";
import { StateRun } from "./_state_run.ts";
import type { SnapshotSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

// A page's way to storage. Under the copy rule a page leaves UNSAVED when it
// is copied into the saver's buffer (BUFFERED at a fault, IN_FLIGHT when a
// background batch takes it) and is released then; under the io rule and
// for stop-and-copy it goes straight from UNSAVED to IN_FLIGHT, written from
// guest memory, and is released only when SAVED.
const UNSAVED = 0;
const BUFFERED = 1;
const IN_FLIGHT = 2;
const SAVED = 3;

/**
 * The saver of a stop-and-copy or concurrent copy-before-write snapshot.
 * Stop-and-copy keeps the vCPUs paused until the image is complete;
 * concurrent-cow pauses them only to write-protect memory, then saves in the
 * background while a write to an unsaved page exits to the saver.
 *
 * Under the copy rule (QEMU's background snapshot) that write costs the exit
 * and the userfaultfd round trip: the saver copies the page (or its batch)
 * into its buffer ahead of the scan and releases it. The image is a stream,
 * as QEMU's is: the next I/O carries the faulted pages first (an urgent
 * request of the page mover, ahead of the scan's paced batches), then the
 * scan's next pages up to a full batch; the scan's pages are copied into
 * the buffer, and released, when their I/O is issued. The buffer is
 * therefore what the I/Os in flight and the faulted pages waiting for theirs
 * hold: the saver never runs further ahead of storage than that (QEMU
 * writing through the host's page cache can run further ahead, up to the
 * kernel's dirty-page limits; not modelled, so this rule's guest faults are
 * an upper bound). The saver thread is taken to serve a fault as soon as it
 * arrives: QEMU's migration thread polls the userfaultfd between pages, and
 * each of its writes returns once copied.
 *
 * Under the io rule (pessimistic) the saver writes straight from guest
 * memory in aligned batches of the save order, so the write waits until its
 * page's batch is on storage.
 */
export class CowSaver extends StateRun<SnapshotSettings> implements PageMoverClient {
  readonly #concurrent: boolean;
  readonly #copyRule: boolean;
  readonly #faultPage: boolean;
  // The userfaultfd round trip of one fault (cycles).
  readonly #roundTrip: number;
  readonly #b: number;
  readonly #order: Uint32Array;
  readonly #pos: Uint32Array;
  readonly #state: Uint8Array;
  readonly #image: Uint32Array;
  #expected: Uint32Array | null = null;
  readonly #mover: PageMover;
  readonly #tagStart: number;
  // The io rule's scan: the next aligned batch of the save order.
  #bgCursor = 0;
  // The copy rule's scan: the next position in the save order.
  #scanPos = 0;
  // Pages a fault copied into the buffer, waiting for their I/O, in fault order.
  readonly #queue: Uint32Array;
  #queueHead = 0;
  #queueLen = 0;
  // Pages copied into the buffer and not yet on storage.
  #held = 0;
  #heldPeak = 0;
  #saved = 0;
  #pauseCycles = 0;

  constructor(s: SnapshotSettings, cost: CostModel, seed: number) {
    super(s, cost, seed, null);
    this.#concurrent = s.method === "concurrent-cow";
    this.#copyRule = this.#concurrent && s.cowWait === "copy";
    this.#faultPage = s.faultSave === "page";
    this.#roundTrip = this.#concurrent
      ? cyclesFromSeconds(s.uffdRoundTripUs * 1e-6, cost.clockGhz)
      : 0;
    this.#b = s.batchPages;
    const ord = s.saveOrder === "sequential" || !this.#concurrent
      ? addressOrder(s.pages)
      : workingSetOrder(this.guest.inWorkingSet, s.saveOrder === "hot-first");
    this.#order = ord.order;
    this.#pos = ord.pos;
    this.#state = new Uint8Array(s.pages);
    this.#image = new Uint32Array(s.pages);
    this.#queue = new Uint32Array(this.#copyRule ? s.pages : 0);
    this.#mover = new PageMover(this.events, this, {
      transport: this.dev,
      queueDepth: s.ioDepth,
      batchPages: this.#b,
      write: true,
      keys: s.pages,
    });
    this.#mover.pace(this.#concurrent ? s.saverShare : 1);
    this.#tagStart = s.vcpus;
  }

  run(): StateRow {
    const s = this.s;
    this.fillMemory();
    if (this.#concurrent) {
      // Pause: quiesce, copy device state to a buffer, write-protect all memory
      // and flush the TLBs (the vCPUs are out of the guest: no kicks).
      this.mem.protectAll();
      this.machine.flushAll();
      const stateCopy = Math.ceil(s.deviceStateBytes / PAGE_BYTES) * this.cost.pageCopyCycles;
      this.#pauseCycles =
        cyclesFromSeconds(s.pages * s.protectNsPerPage * 1e-9, this.cost.clockGhz) +
        stateCopy;
    }
    this.#expected = this.mem.version.slice();
    this.#mover.send(s.deviceStateBytes, -1);
    this.imageBytes += s.deviceStateBytes;
    this.events.schedule(this.#pauseCycles, this.id, this.#tagStart);
    const gaveUp = this.runClock("snapshot");
    // Every page must hold its version at the snapshot instant; a run that
    // gave up is checked on the pages whose image it had taken.
    const expected = this.#expected;
    let lost = 0;
    for (let p = 0; p < s.pages; p++) {
      if (this.#image[p] !== expected[p] && (!gaveUp || this.#released(p))) lost++;
    }
    const doneAt = this.done >= 0 ? this.done : NaN;
    const left = this.done < 0
      ? `${this.#saved} of ${s.pages} pages saved`
      : "the image was complete, the guest's job was not done";
    return this.row("snapshot", gaveUp, left, {
      pauseCycles: this.#concurrent ? this.#pauseCycles : doneAt,
      firstInstruction: this.#concurrent ? this.#pauseCycles : doneAt,
      bufferPeakPages: this.#heldPeak,
      rounds: 1,
      lostPages: lost,
      dirtyLog: "none",
      logging: NO_LOGGING,
    });
  }

  wake(sim: EventClock, tag: number): void {
    const t = sim.now;
    if (tag < this.#tagStart) this.#fault(tag, t);
    else {
      if (this.#concurrent) { for (let v = 0; v < this.s.vcpus; v++) this.guest.unblock(v, t); }
      this.#mover.pump(t);
    }
  }

  // True once page `p`'s image is taken and the guest may write it again.
  #released(p: number): boolean {
    return this.#copyRule ? this.#state[p] !== UNSAVED : this.#state[p] === SAVED;
  }

  // vCPU `v`'s write fault reaches the saver at cycle `t` (the exit is charged already).
  #fault(v: number, t: number): void {
    const p = this.faultPage[v];
    const state = this.#state;
    if (this.s.brokenSkipCopyBeforeWrite) {
      // The bug under test: the write proceeds before the page is saved.
      this.mem.unprotect(p);
      this.guest.unblock(v, t);
      return;
    }
    // Released between the write and the exit's arrival: the write goes on.
    if (this.#released(p)) {
      this.guest.unblock(v, t);
      return;
    }
    const key = this.#faultPage ? p : Math.floor(this.#pos[p] / this.#b);
    if (this.#copyRule) {
      // QEMU's rule: copy ahead of the scan, release, and write it out urgently.
      let copied = 0;
      if (this.#faultPage) {
        this.#copy(p, BUFFERED);
        copied = 1;
      } else {
        const end = Math.min((key + 1) * this.#b, this.#order.length);
        for (let i = key * this.#b; i < end; i++) {
          const q = this.#order[i];
          if (state[q] === UNSAVED) {
            this.#copy(q, BUFFERED);
            copied++;
          }
        }
      }
      this.guest.unblock(v, t + this.#roundTrip + copied * this.cost.pageCopyCycles);
      // One urgent key stands for every page waiting in the queue.
      this.#mover.request(0, t);
      return;
    }
    // The io rule: wait until the page is on storage. A page already in
    // flight (its batch taken by the scan or by another fault) waits for that
    // I/O — for a large batch, most of its transfer: the stall per fault the
    // io rule is pessimistic about.
    this.guest.waitFor(v, p);
    if (state[p] === UNSAVED) this.#mover.request(key, t);
  }

  // Copies page `q` into the saver's buffer: its image is taken and the guest may write it.
  #copy(q: number, next: number): void {
    this.#image[q] = this.mem.version[q];
    this.#state[q] = next;
    this.mem.unprotect(q);
    if (++this.#held > this.#heldPeak) this.#heldPeak = this.#held;
    if (next === BUFFERED) {
      this.#queue[(this.#queueHead + this.#queueLen++) % this.#queue.length] = q;
    }
  }

  /** A batch is on storage: its pages are saved, and vCPUs waiting for them go on. */
  arrived(batch: MoverBatch, t: number): void {
    const n = batch.count;
    const state = this.#state;
    for (let i = 0; i < n; i++) {
      const q = batch.pages[i];
      if (this.#copyRule) this.#held--;
      else {
        this.#image[q] = this.mem.version[q];
        this.mem.unprotect(q);
      }
      state[q] = SAVED;
    }
    this.#saved += n;
    // Under the io rule the waiting writes resume one userfaultfd round trip later.
    if (!this.#copyRule && n > 0) {
      this.guest.releaseWaiters((page) => state[page] === SAVED, t + this.#roundTrip);
    }
    // A fault's request carries one batch of the queue; what is left asks again.
    if (this.#queueLen > 0) this.#mover.request(0, t);
    else this.#mover.pump(t);
    if (this.done < 0 && this.#saved === this.s.pages && this.#mover.inFlight === 0) {
      // Stop-and-copy kept the vCPUs paused until now.
      this.complete(t, !this.#concurrent);
    }
  }

  #batchHasUnsaved(batch: number): boolean {
    const end = Math.min((batch + 1) * this.#b, this.#order.length);
    for (let i = batch * this.#b; i < end; i++) {
      if (this.#state[this.#order[i]] === UNSAVED) return true;
    }
    return false;
  }

  /** A job of zero length is done at the first instruction. */
  protected override finish(): void {
    if (this.jobDone < 0) this.jobDone = this.#concurrent ? this.#pauseCycles : this.done;
    super.finish();
  }

  /**
   * Under the copy rule, the pages faults copied into the buffer, oldest
   * first, then (unless the saver is paced) the scan's next pages up to a
   * full batch; under the io rule, the pages of urgent request `key` (a
   * page, or a batch of the save order) not yet taken.
   */
  fillUrgent(key: number, batch: MoverBatch): boolean {
    const state = this.#state;
    const order = this.#order;
    const b = this.#b;
    if (this.#copyRule) {
      const queue = this.#queue;
      while (batch.count < b && this.#queueLen > 0) {
        batch.pages[batch.count++] = queue[this.#queueHead];
        this.#queueHead = (this.#queueHead + 1) % queue.length;
        this.#queueLen--;
      }
      if (batch.count === 0) return false;
      // The stream's next I/O is a full batch; topping it up from a paced
      // scan would let the scan outrun its share.
      if (this.#mover.share === 1) this.#takeScan(batch);
      return this.#issue(batch);
    }
    if (this.#faultPage) {
      if (state[key] === UNSAVED) batch.pages[batch.count++] = key;
    } else {
      const end = Math.min((key + 1) * b, order.length);
      for (let i = key * b; i < end; i++) {
        if (state[order[i]] === UNSAVED) batch.pages[batch.count++] = order[i];
      }
    }
    return this.#issue(batch);
  }

  // Adds the scan's next unsaved pages to `batch` up to a full batch (copy rule).
  #takeScan(batch: MoverBatch): void {
    const order = this.#order;
    const state = this.#state;
    while (batch.count < this.#b && this.#scanPos < order.length) {
      const q = order[this.#scanPos++];
      if (state[q] === UNSAVED) batch.pages[batch.count++] = q;
    }
  }

  /** The scan's next batch (paced), skipping pages a fault took. */
  fillBackground(batch: MoverBatch, _t: number, pacedAllowed: boolean): Background {
    if (this.#copyRule) {
      const order = this.#order;
      while (this.#scanPos < order.length && this.#state[order[this.#scanPos]] !== UNSAVED) {
        this.#scanPos++;
      }
      if (this.#scanPos >= order.length) return Background.NONE;
      if (!pacedAllowed) return Background.WAIT;
      this.#takeScan(batch);
      batch.paced = true;
      this.#issue(batch);
      return Background.FILLED;
    }
    const b = this.#b;
    const order = this.#order;
    const batches = Math.ceil(order.length / b);
    while (this.#bgCursor < batches && !this.#batchHasUnsaved(this.#bgCursor)) this.#bgCursor++;
    if (this.#bgCursor >= batches) return Background.NONE;
    if (!pacedAllowed) return Background.WAIT;
    const end = Math.min((this.#bgCursor + 1) * b, order.length);
    for (let i = this.#bgCursor * b; i < end; i++) {
      if (this.#state[order[i]] === UNSAVED) batch.pages[batch.count++] = order[i];
    }
    this.#bgCursor++;
    batch.paced = true;
    this.#issue(batch);
    return Background.FILLED;
  }

  // The pages of a filled batch are in flight from now on. Under the copy
  // rule the scan's pages are copied into the buffer, and released, as their
  // I/O is issued: QEMU flushes a page into the migration stream before it
  // un-protects it (ram_save_release_protection), so no page stays protected
  // while storage works. Were they released only on arrival, a write to a
  // page of a batch in flight would wait for that batch's whole transfer
  // (about 0.7 ms on average for 2 MiB batches on NVMe): a queueing delay
  // QEMU does not have, and the io rule's.
  #issue(batch: MoverBatch): boolean {
    const n = batch.count;
    const state = this.#state;
    for (let i = 0; i < n; i++) {
      const q = batch.pages[i];
      if (this.#copyRule && state[q] === UNSAVED) this.#copy(q, IN_FLIGHT);
      else state[q] = IN_FLIGHT;
    }
    batch.bytes = n * PAGE_BYTES;
    this.pagesMoved += n;
    this.imageBytes += batch.bytes;
    return n > 0;
  }
}
