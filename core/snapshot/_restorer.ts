// Full, lazy, lazy + sweep and working-set-prefetch restores (private to core/snapshot).

import { Prng } from "../base/prng.ts";
import type { EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { PageMode } from "../mem/guest_memory.ts";
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
import type { RestoreSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

/** Key of the device-state read. */
const STATE_KEY = -1;

const PENDING = 0;
const IN_FLIGHT = 1;
const DONE = 2;

/**
 * Restores guest memory from an image laid out in batches of B pages
 * (address order; for `prefetch`, the recorded working set first, stored
 * contiguously as REAP does). Device state is read first. `full` reads every
 * batch before the first instruction; `lazy` starts the guest at once and a
 * touch of a page not yet restored exits and waits for its batch; `lazy-sweep`
 * adds a background reader; `prefetch` reads the working-set batches before
 * the first instruction and then sweeps the rest.
 */
export class Restorer extends StateRun<RestoreSettings> implements PageMoverClient {
  readonly #b: number;
  readonly #batches: number;
  readonly #order: Uint32Array;
  readonly #pos: Uint32Array;
  readonly #image: Uint32Array;
  readonly #batchState: Uint8Array;
  readonly #mover: PageMover;
  readonly #sweep: boolean;
  readonly #eagerUntil: number;
  #eagerLeft: number;
  #cursor = 0;
  #stateRead = false;
  #started = false;
  #restored = 0;
  #firstInstruction = -1;

  constructor(s: RestoreSettings, cost: CostModel, seed: number) {
    super(s, cost, seed, null);
    this.#b = s.batchPages;
    this.#batches = Math.ceil(s.pages / this.#b);
    const ord = s.method === "prefetch"
      ? workingSetOrder(this.guest.inWorkingSet, true)
      : addressOrder(s.pages);
    this.#order = ord.order;
    this.#pos = ord.pos;
    // The image: versions a snapshot saved, different for every page.
    this.#image = new Uint32Array(s.pages);
    const rng = new Prng(seed, 0x5eed);
    for (let p = 0; p < s.pages; p++) this.#image[p] = 1 + (rng.nextU32() >>> 12);
    this.#batchState = new Uint8Array(this.#batches);
    this.#mover = new PageMover(this.events, this, {
      transport: this.dev,
      queueDepth: s.ioDepth,
      batchPages: this.#b,
      write: false,
      keys: this.#batches,
    });
    this.#sweep = s.method !== "lazy";
    this.#eagerUntil = s.method === "full"
      ? this.#batches
      : s.method === "prefetch"
      ? Math.ceil(this.guest.workingSet.length / this.#b)
      : 0;
    this.#eagerLeft = this.#eagerUntil;
    this.#mover.pace(s.sweepShare);
  }

  run(): StateRow {
    const s = this.s;
    this.mem.makeAllAbsent();
    this.guest.verifyAgainst(this.#image);
    // Device state comes first, at the start of the image.
    this.imageBytes += s.deviceStateBytes;
    if (s.deviceStateBytes > 0) {
      this.#mover.send(s.deviceStateBytes, STATE_KEY, 0);
      this.#mover.pump(0);
    } else this.#stateArrived(0);
    const gaveUp = this.runClock("restore");
    // Every page the guest saw or wrote, and every restored page, must hold
    // the image's version plus the guest's own writes (up to the limit, for
    // a run that gave up).
    const lost = this.guest.wrongPages();
    const first = this.#firstInstruction >= 0 || !gaveUp ? this.#firstInstruction : NaN;
    const job = this.jobDone >= 0 ? "" : ", the guest's job not done";
    const left = this.done >= 0
      ? "every page was restored, the guest's job was not done"
      : `${this.#restored} of ${this.#batches} batches restored${job}`;
    return this.row("restore", gaveUp, left, {
      pauseCycles: first,
      firstInstruction: first,
      bufferPeakPages: 0,
      rounds: 1,
      lostPages: lost,
      dirtyLog: "none",
      logging: NO_LOGGING,
    });
  }

  /** Without a sweep, the restore is done when the guest's job is: nothing else reads pages. */
  override onJobDone(time: number): void {
    if (!this.#sweep && this.done < 0) this.markDone(time);
    super.onJobDone(time);
  }

  wake(sim: EventClock, tag: number): void {
    this.#fault(tag, sim.now);
  }

  #stateArrived(t: number): void {
    this.#stateRead = true;
    if (this.#eagerLeft === 0) this.#start(t);
    else this.#mover.pump(t);
  }

  #start(t: number): void {
    this.#started = true;
    this.#firstInstruction = t;
    for (let v = 0; v < this.s.vcpus; v++) this.guest.unblock(v, t);
    if (this.s.jobMs === 0) this.jobDone = t;
    if (this.#restored === this.#batches) this.markDone(t);
    else if (this.s.jobMs === 0 && !this.#sweep) this.markDone(t);
    if (this.done >= 0 && this.jobDone >= 0) {
      this.finish();
      return;
    }
    this.#mover.pump(t);
  }

  #fault(v: number, t: number): void {
    const p = this.faultPage[v];
    if (this.s.brokenSkipFetch) {
      // The bug under test: map an empty page instead of fetching the saved one.
      if (this.mem.mode[p] === PageMode.ABSENT) this.mem.install(p, 0);
      this.guest.unblock(v, t);
      return;
    }
    if (this.mem.mode[p] !== PageMode.ABSENT) {
      this.guest.unblock(v, t);
      return;
    }
    this.guest.waitFor(v, p);
    const k = Math.floor(this.#pos[p] / this.#b);
    if (this.#batchState[k] === PENDING) this.#mover.request(k, t);
  }

  /** Device state or a batch was read: its pages are installed, and vCPUs waiting for them go on. */
  arrived(batch: MoverBatch, t: number): void {
    if (batch.key === STATE_KEY) {
      this.#stateArrived(t);
      return;
    }
    const k = batch.key;
    const b = this.#b;
    const end = Math.min((k + 1) * b, this.#order.length);
    for (let i = k * b; i < end; i++) {
      const q = this.#order[i];
      this.mem.install(q, this.#image[q]);
    }
    this.#batchState[k] = DONE;
    this.#restored++;
    this.guest.releaseWaiters((page) => this.mem.mode[page] !== PageMode.ABSENT, t);
    if (k < this.#eagerUntil && --this.#eagerLeft === 0 && !this.#started && this.#stateRead) {
      this.#start(t);
      return;
    }
    if (this.#restored === this.#batches && this.done < 0) {
      this.markDone(t);
      if (this.jobDone >= 0) {
        this.finish();
        return;
      }
    }
    this.#mover.pump(t);
  }

  /** Batch `k`, if it is still to be read. */
  fillUrgent(k: number, batch: MoverBatch): boolean {
    if (this.#batchState[k] !== PENDING) return false;
    this.#fill(k, batch);
    return true;
  }

  /** The eager batches before the first instruction, then the sweep (paced). */
  fillBackground(batch: MoverBatch, _t: number, pacedAllowed: boolean): Background {
    if (!this.#stateRead) return Background.NONE;
    const limit = this.#started ? (this.#sweep ? this.#batches : 0) : this.#eagerUntil;
    while (this.#cursor < limit && this.#batchState[this.#cursor] !== PENDING) this.#cursor++;
    if (this.#cursor >= limit) return Background.NONE;
    if (this.#started && !pacedAllowed) return Background.WAIT;
    batch.paced = this.#started;
    this.#fill(this.#cursor++, batch);
    return Background.FILLED;
  }

  #fill(k: number, batch: MoverBatch): void {
    const b = this.#b;
    const end = Math.min((k + 1) * b, this.#order.length);
    for (let i = k * b; i < end; i++) batch.pages[batch.count++] = this.#order[i];
    batch.key = k;
    batch.bytes = batch.count * PAGE_BYTES;
    batch.offset = this.s.deviceStateBytes + k * b * PAGE_BYTES;
    this.#batchState[k] = IN_FLIGHT;
    this.pagesMoved += batch.count;
    this.imageBytes += batch.bytes;
  }
}
