// Full, lazy, lazy + sweep and working-set-prefetch restores (private to core/state).

import type { CostModel } from "../cost/cost_model.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import { Prng } from "../base/prng.ts";
import { SampledGuest, type TrapHandler } from "../workload/sampled_guest.ts";
import type { Machine } from "../machine/machine.ts";
import { type GuestMemory, PageMode } from "../mem/guest_memory.ts";
import { StorageDevice } from "../transfer/storage_device.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../transfer/page_mover.ts";
import type { RestoreSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";
import {
  addressOrder,
  buildRow,
  buildStateMachine,
  gaveUpReason,
  NO_LOGGING,
  PAGE_BYTES,
  StateClock,
  workingSetOrder,
  workloadOf,
} from "./_state_common.ts";

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
export class Restorer implements ClockAgent, TrapHandler, PageMoverClient {
  readonly #s: RestoreSettings;
  readonly #cost: CostModel;
  readonly #clock = new StateClock();
  readonly #sim: EventClock = this.#clock.sim;
  readonly #machine: Machine;
  readonly #mem: GuestMemory;
  readonly #guest: SampledGuest;
  readonly #dev: StorageDevice;
  readonly #id: number;
  readonly #b: number;
  readonly #batches: number;
  readonly #order: Uint32Array;
  readonly #pos: Uint32Array;
  readonly #image: Uint32Array;
  readonly #batchState: Uint8Array;
  readonly #mover: PageMover;
  readonly #faultPage: Int32Array;
  readonly #sweep: boolean;
  readonly #eagerUntil: number;
  #eagerLeft: number;
  #cursor = 0;
  #stateRead = false;
  #started = false;
  #restored = 0;
  #firstInstruction = -1;
  #imageBytes = 0;
  #pagesMoved = 0;
  #done = -1;
  #lostAtDone = 0;
  #jobDone = -1;

  constructor(s: RestoreSettings, cost: CostModel, seed: number) {
    this.#s = s;
    this.#cost = cost;
    this.#machine = buildStateMachine(s, cost, null);
    this.#mem = this.#machine.guestMemory!;
    this.#guest = new SampledGuest(this.#machine, workloadOf(s, cost), seed, this);
    this.#dev = new StorageDevice(s.storage, cost.clockGhz);
    this.#guest.attach(this.#sim);
    this.#id = this.#sim.addAgent(this);
    this.#b = s.batchPages;
    this.#batches = Math.ceil(s.pages / this.#b);
    const ord = s.method === "prefetch"
      ? workingSetOrder(this.#guest.inWorkingSet, true)
      : addressOrder(s.pages);
    this.#order = ord.order;
    this.#pos = ord.pos;
    // The image: versions a snapshot saved, different for every page.
    this.#image = new Uint32Array(s.pages);
    const rng = new Prng(seed, 0x5eed);
    for (let p = 0; p < s.pages; p++) this.#image[p] = 1 + (rng.nextU32() >>> 12);
    this.#batchState = new Uint8Array(this.#batches);
    this.#mover = new PageMover(this.#sim, this, {
      transport: this.#dev,
      queueDepth: s.ioDepth,
      batchPages: this.#b,
      write: false,
      keys: this.#batches,
    });
    this.#faultPage = new Int32Array(s.vcpus).fill(-1);
    this.#sweep = s.method !== "lazy";
    this.#eagerUntil = s.method === "full"
      ? this.#batches
      : s.method === "prefetch"
      ? Math.ceil(this.#guest.workingSet.length / this.#b)
      : 0;
    this.#eagerLeft = this.#eagerUntil;
    this.#mover.pace(s.sweepShare);
  }

  run(): StateRow {
    const s = this.#s;
    this.#mem.makeAllAbsent();
    this.#guest.verifyAgainst(this.#image);
    // Device state comes first, at the start of the image.
    this.#imageBytes += s.deviceStateBytes;
    if (s.deviceStateBytes > 0) {
      this.#mover.send(s.deviceStateBytes, STATE_KEY, 0);
      this.#mover.pump(0);
    } else this.#stateArrived(0);
    const gaveUp = this.#clock.run(this.#guest, s, this.#cost, "restore", () => this.#done >= 0);
    // Every page the guest saw or wrote, and every restored page, must hold
    // the image's version plus the guest's own writes (up to the limit, for
    // a run that gave up).
    const mem = this.#mem;
    const writes = this.#guest.writeCount!;
    const bad = this.#guest.badAccess!;
    let lost = 0;
    for (let p = 0; p < s.pages; p++) {
      const touched = mem.mode[p] !== PageMode.ABSENT || writes[p] !== 0;
      if (bad[p] === 1 || (touched && mem.version[p] !== ((this.#image[p] + writes[p]) >>> 0))) {
        lost++;
      }
    }
    const first = this.#firstInstruction >= 0 || !gaveUp ? this.#firstInstruction : NaN;
    let reason = "";
    if (gaveUp) {
      const job = this.#jobDone >= 0 ? "" : ", the guest's job not done";
      reason = this.#done >= 0
        ? "every page was restored, the guest's job was not done"
        : `${this.#restored} of ${this.#batches} batches restored${job}`;
    }
    return buildRow("restore", s.method, s, this.#cost, this.#machine, {
      pauseCycles: first,
      firstInstruction: first,
      done: this.#done,
      jobDone: this.#jobDone >= 0 || !gaveUp ? this.#jobDone : NaN,
      lost: this.#lostAtDone,
      ios: this.#dev.ios,
      imageBytes: this.#imageBytes,
      pagesMoved: this.#pagesMoved,
      bufferPeakPages: 0,
      rounds: 1,
      lostPages: lost,
      finished: !gaveUp,
      dirtyLog: "none",
      logging: NO_LOGGING,
      gaveUpReason: gaveUp ? gaveUpReason(s, reason) : "",
    });
  }

  onTrap(vcpu: number, page: number, _write: boolean, _reason: number, time: number): void {
    this.#faultPage[vcpu] = page;
    this.#sim.schedule(time, this.#id, vcpu);
  }

  onJobDone(time: number): void {
    this.#jobDone = time;
    if (!this.#sweep && this.#done < 0) this.#markDone(time);
    if (this.#done >= 0) this.#finish();
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
    for (let v = 0; v < this.#s.vcpus; v++) this.#guest.unblock(v, t);
    if (this.#s.jobMs === 0) this.#jobDone = t;
    if (this.#restored === this.#batches) this.#markDone(t);
    else if (this.#s.jobMs === 0 && !this.#sweep) this.#markDone(t);
    if (this.#done >= 0 && this.#jobDone >= 0) {
      this.#finish();
      return;
    }
    this.#mover.pump(t);
  }

  #fault(v: number, t: number): void {
    const p = this.#faultPage[v];
    if (this.#s.brokenSkipFetch) {
      // The bug under test: map an empty page instead of fetching the saved one.
      if (this.#mem.mode[p] === PageMode.ABSENT) this.#mem.install(p, 0);
      this.#guest.unblock(v, t);
      return;
    }
    if (this.#mem.mode[p] !== PageMode.ABSENT) {
      this.#guest.unblock(v, t);
      return;
    }
    this.#guest.waitFor(v, p);
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
      this.#mem.install(q, this.#image[q]);
    }
    this.#batchState[k] = DONE;
    this.#restored++;
    this.#guest.releaseWaiters((page) => this.#mem.mode[page] !== PageMode.ABSENT, t);
    if (k < this.#eagerUntil && --this.#eagerLeft === 0 && !this.#started && this.#stateRead) {
      this.#start(t);
      return;
    }
    if (this.#restored === this.#batches && this.#done < 0) {
      this.#markDone(t);
      if (this.#jobDone >= 0) {
        this.#finish();
        return;
      }
    }
    this.#mover.pump(t);
  }

  #markDone(t: number): void {
    this.#done = t;
    this.#lostAtDone = this.#guest.lostUntil(t);
  }

  #finish(): void {
    this.#clock.finish(this.#guest);
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
    batch.offset = this.#s.deviceStateBytes + k * b * PAGE_BYTES;
    this.#batchState[k] = IN_FLIGHT;
    this.#pagesMoved += batch.count;
    this.#imageBytes += batch.bytes;
  }
}
