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
import { NO_LOGGING, PAGE_BYTES } from "./_state_machine.ts";
import { StateRun } from "./_state_run.ts";
import type { SnapshotSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

const UNSAVED = 0;
const IN_FLIGHT = 1;
const SAVED = 2;

/**
 * The saver of a stop-and-copy or concurrent copy-before-write snapshot.
 * Stop-and-copy keeps the vCPUs paused until the image is complete;
 * concurrent-cow pauses them only to write-protect memory, then saves in the
 * background while a write to an unsaved page waits for that page (or its
 * batch) to be saved.
 */
export class CowSaver extends StateRun<SnapshotSettings> implements PageMoverClient {
  readonly #concurrent: boolean;
  readonly #b: number;
  readonly #order: Uint32Array;
  readonly #pos: Uint32Array;
  readonly #state: Uint8Array;
  readonly #image: Uint32Array;
  #expected: Uint32Array | null = null;
  readonly #mover: PageMover;
  readonly #tagStart: number;
  #bgCursor = 0;
  #bufferPending = 0;
  #bufferPeak = 0;
  #saved = 0;
  #pauseCycles = 0;

  constructor(s: SnapshotSettings, cost: CostModel, seed: number) {
    super(s, cost, seed, null);
    this.#concurrent = s.method === "concurrent-cow";
    this.#b = s.batchPages;
    const ord = s.saveOrder === "sequential" || !this.#concurrent
      ? addressOrder(s.pages)
      : workingSetOrder(this.guest.inWorkingSet, s.saveOrder === "hot-first");
    this.#order = ord.order;
    this.#pos = ord.pos;
    this.#state = new Uint8Array(s.pages);
    this.#image = new Uint32Array(s.pages);
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
    // gave up is checked on the pages it saved.
    const expected = this.#expected;
    const state = this.#state;
    let lost = 0;
    for (let p = 0; p < s.pages; p++) {
      if (this.#image[p] !== expected[p] && (!gaveUp || state[p] === SAVED)) lost++;
    }
    const doneAt = this.done >= 0 ? this.done : NaN;
    const left = this.done < 0
      ? `${this.#saved} of ${s.pages} pages saved`
      : "the image was complete, the guest's job was not done";
    return this.row("snapshot", gaveUp, left, {
      pauseCycles: this.#concurrent ? this.#pauseCycles : doneAt,
      firstInstruction: this.#concurrent ? this.#pauseCycles : doneAt,
      bufferPeakPages: this.#bufferPeak,
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

  #fault(v: number, t: number): void {
    const p = this.faultPage[v];
    const state = this.#state;
    if (this.s.brokenSkipCopyBeforeWrite) {
      // The bug under test: the write proceeds before the page is saved.
      this.mem.unprotect(p);
      this.guest.unblock(v, t);
      return;
    }
    if (state[p] === SAVED) {
      this.guest.unblock(v, t);
      return;
    }
    if (this.s.cowWait === "copy" && state[p] === UNSAVED) {
      let copied = 0;
      if (this.s.faultSave === "page") {
        this.#copyToBuffer(p);
        copied = 1;
      } else {
        const b = this.#b;
        const first = Math.floor(this.#pos[p] / b) * b;
        const end = Math.min(first + b, this.#order.length);
        for (let i = first; i < end; i++) {
          const q = this.#order[i];
          if (state[q] === UNSAVED) {
            this.#copyToBuffer(q);
            copied++;
          }
        }
      }
      if (this.#bufferPending > this.#bufferPeak) this.#bufferPeak = this.#bufferPending;
      this.guest.unblock(v, t + copied * this.cost.pageCopyCycles);
      this.#mover.pump(t);
      return;
    }
    this.guest.waitFor(v, p);
    if (state[p] === UNSAVED) {
      this.#mover.request(
        this.s.faultSave === "page" ? p : Math.floor(this.#pos[p] / this.#b),
        t,
      );
    }
  }

  #copyToBuffer(q: number): void {
    this.#image[q] = this.mem.version[q];
    this.#state[q] = SAVED;
    this.mem.unprotect(q);
    this.#saved++;
    this.#bufferPending++;
  }

  /** A batch is on storage: its pages are saved, and vCPUs waiting for them go on. */
  arrived(batch: MoverBatch, t: number): void {
    const n = batch.count;
    for (let i = 0; i < n; i++) {
      const q = batch.pages[i];
      this.#image[q] = this.mem.version[q];
      this.#state[q] = SAVED;
      this.mem.unprotect(q);
    }
    this.#saved += n;
    this.guest.releaseWaiters((page) => this.#state[page] === SAVED, t);
    this.#mover.pump(t);
    if (
      this.done < 0 && this.#saved === this.s.pages && this.#bufferPending === 0 &&
      this.#mover.inFlight === 0
    ) {
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

  /** The unsaved pages of urgent request `key` (a page, or a batch of the save order). */
  fillUrgent(key: number, batch: MoverBatch): boolean {
    const state = this.#state;
    const order = this.#order;
    if (this.s.faultSave === "page") {
      if (state[key] === UNSAVED) batch.pages[batch.count++] = key;
    } else {
      const end = Math.min((key + 1) * this.#b, order.length);
      for (let i = key * this.#b; i < end; i++) {
        if (state[order[i]] === UNSAVED) batch.pages[batch.count++] = order[i];
      }
    }
    return this.#issue(batch);
  }

  /** Buffered pages first (not paced), then the next batch of the sweep (paced). */
  fillBackground(batch: MoverBatch, _t: number, pacedAllowed: boolean): Background {
    if (this.#bufferPending > 0) {
      const k = Math.min(this.#b, this.#bufferPending);
      this.#bufferPending -= k;
      batch.bytes = k * PAGE_BYTES;
      this.pagesMoved += k;
      this.imageBytes += batch.bytes;
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

  // The pages of a filled batch are in flight from now on.
  #issue(batch: MoverBatch): boolean {
    const n = batch.count;
    for (let i = 0; i < n; i++) this.#state[batch.pages[i]] = IN_FLIGHT;
    batch.bytes = n * PAGE_BYTES;
    this.pagesMoved += n;
    this.imageBytes += batch.bytes;
    return n > 0;
  }
}
