/**
 * The page mover: an agent on the clock that moves batches of guest pages
 * over a {@linkcode Transport} with up to `queueDepth` batches in flight.
 * What it moves comes from its client (a snapshot saver, a restorer, a
 * migration sender): first any payload queued with
 * {@linkcode PageMover.send} (device state), then urgent requests — pages a
 * vCPU waits for, in the order they were asked for, each asked at most once
 * while queued — and then the client's background batches, which may be
 * paced to a share of the transport's bandwidth. Each arrival is reported
 * back to the client, which is where a saver marks pages saved or a restorer
 * installs them.
 *
 * @module
 */

import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { Transport } from "./transport.ts";

/** One batch in flight: the pages it carries and its payload. */
export interface MoverBatch {
  /** Page numbers carried: the first {@linkcode MoverBatch.count} entries. */
  readonly pages: Uint32Array;
  /** Pages carried. */
  count: number;
  /** Payload bytes (pages' bytes, or any other payload such as device state). */
  bytes: number;
  /** Byte offset in an image, or -1 to append where the previous batch ended. */
  offset: number;
  /** The client's label: an urgent request's key, a batch index, or -1. */
  key: number;
  /** True for a background batch that counts against the background share. */
  paced: boolean;
}

/** What {@linkcode PageMoverClient.fillBackground} answers. */
export const Background = {
  /** Nothing to move now; the mover waits until the client pumps it again. */
  NONE: 0,
  /** The batch is filled: move it. */
  FILLED: 1,
  /** A paced batch is ready but the share allows none yet: ask again when it does. */
  WAIT: 2,
} as const;

/** One of the values of {@linkcode Background}. */
export type Background = typeof Background[keyof typeof Background];

/** The mover's client: it decides what is moved and learns when it arrived. */
export interface PageMoverClient {
  /**
   * Fills `batch` with what urgent request `key` still needs moved.
   * @returns false when nothing is left to move for it (it arrived meanwhile)
   */
  fillUrgent(key: number, batch: MoverBatch, now: number): boolean;
  /**
   * Fills `batch` with the next background batch. A paced batch (set
   * `batch.paced`) may only be filled when `pacedAllowed`; otherwise answer
   * {@linkcode Background.WAIT}.
   */
  fillBackground(batch: MoverBatch, now: number, pacedAllowed: boolean): Background;
  /** `batch` arrived at cycle `now` (its slot is free again). */
  arrived(batch: MoverBatch, now: number): void;
}

/** How a mover moves. */
export interface PageMoverOptions {
  /** The transport the batches cross. */
  transport: Transport;
  /** Batches in flight at once (≥ 1). */
  queueDepth: number;
  /** Most pages one batch carries (≥ 1). */
  batchPages: number;
  /** True to send out (save, send to a peer), false to bring in (restore, fetch). */
  write: boolean;
  /** Urgent keys run from 0 to `keys - 1`. */
  keys: number;
}

/**
 * A page mover.
 *
 * @example Move 10 pages in batches of 4, one batch at a time
 * ```ts
 * import { Background, type MoverBatch, PageMover } from "./page_mover.ts";
 * import { StorageDevice } from "./storage_device.ts";
 * import { STORAGE_PROFILES } from "./storage_profile.ts";
 * import { EventClock } from "../clock/event_clock.ts";
 * const sim = new EventClock();
 * let next = 0;
 * let arrived = 0;
 * const mover = new PageMover(sim, {
 *   fillUrgent: () => false,
 *   fillBackground(batch: MoverBatch) {
 *     if (next >= 10) return Background.NONE;
 *     while (batch.count < 4 && next < 10) batch.pages[batch.count++] = next++;
 *     batch.bytes = batch.count * 4096;
 *     return Background.FILLED;
 *   },
 *   arrived(batch: MoverBatch) { arrived += batch.count; },
 * }, {
 *   transport: new StorageDevice(STORAGE_PROFILES["nvme-ssd"], 2),
 *   queueDepth: 1, batchPages: 4, write: true, keys: 0,
 * });
 * mover.pump(0);
 * sim.run();
 * if (arrived !== 10 || mover.transport.ios !== 3) throw new Error();
 * ```
 */
export class PageMover implements ClockAgent {
  /** The transport. */
  readonly transport: Transport;
  /** Batches moved so far (arrived). */
  arrivedBatches = 0;
  readonly #clock: EventClock;
  readonly #id: number;
  readonly #client: PageMoverClient;
  readonly #write: boolean;
  readonly #slots: MoverBatch[];
  readonly #free: Int32Array;
  #freeTop: number;
  // Urgent keys, each queued at most once, so the ring never overflows.
  readonly #urgent: Int32Array;
  readonly #queued: Uint8Array;
  #urgentHead = 0;
  #urgentLen = 0;
  // Payloads queued by send(): bytes and key, in order.
  readonly #extraBytes: number[] = [];
  readonly #extraKeys: number[] = [];
  readonly #extraOffsets: number[] = [];
  #appendAt = 0;
  #share = 1;
  #pacedCyclesPerByte = 0;
  #nextPaced = 0;
  #pumpAt = Infinity;
  readonly #tagPump: number;

  /**
   * Creates the mover as an agent of `clock`.
   * @param clock the clock it runs on
   * @param client what it moves for
   * @param options transport, queue depth, batch capacity, direction, key space
   */
  constructor(clock: EventClock, client: PageMoverClient, options: PageMoverOptions) {
    const depth = options.queueDepth;
    if (!Number.isInteger(depth) || depth < 1) {
      throw new RangeError(`PageMover: queueDepth must be a positive integer, got ${depth}`);
    }
    this.transport = options.transport;
    this.#clock = clock;
    this.#client = client;
    this.#write = options.write;
    this.#slots = [];
    for (let i = 0; i < depth; i++) {
      this.#slots.push({
        pages: new Uint32Array(Math.max(1, options.batchPages)),
        count: 0,
        bytes: 0,
        offset: -1,
        key: -1,
        paced: false,
      });
    }
    this.#free = new Int32Array(depth);
    for (let i = 0; i < depth; i++) this.#free[i] = depth - 1 - i;
    this.#freeTop = depth;
    this.#urgent = new Int32Array(Math.max(1, options.keys));
    this.#queued = new Uint8Array(Math.max(1, options.keys));
    this.#tagPump = depth;
    this.#id = clock.addAgent(this);
  }

  /** Batches in flight. */
  get inFlight(): number {
    return this.#slots.length - this.#freeTop;
  }

  /** Urgent requests waiting for a slot. */
  get urgentWaiting(): number {
    return this.#urgentLen;
  }

  /**
   * Paces paced background batches to `share` (above 0, up to 1) of the
   * transport's bandwidth: after a paced batch of B bytes is issued, the next
   * one waits B / (share × bandwidth). A share of 1 does not pace.
   */
  pace(share: number): void {
    this.#share = share;
    this.#pacedCyclesPerByte = share < 1
      ? 1 / (this.transport.bytesPerCycle(this.#write) * share)
      : 0;
  }

  /** The background share set by {@linkcode PageMover.pace}. */
  get share(): number {
    return this.#share;
  }

  /**
   * Queues a payload of `bytes` (device state, a header) ahead of every page,
   * labelled `key`, at image `offset` (-1: appended). A payload of 0 bytes is
   * not moved and never arrives.
   */
  send(bytes: number, key: number, offset: number = -1): void {
    if (bytes === 0) return;
    this.#extraBytes.push(bytes);
    this.#extraKeys.push(key);
    this.#extraOffsets.push(offset);
  }

  /**
   * Asks for urgent request `key` (a vCPU waits for it) at cycle `now`; a key
   * already waiting is not queued twice. Pumps.
   */
  request(key: number, now: number): void {
    if (this.#queued[key] === 0) {
      this.#queued[key] = 1;
      this.#urgent[(this.#urgentHead + this.#urgentLen++) % this.#urgent.length] = key;
    }
    this.pump(now);
  }

  /** Starts batches while slots are free: payloads, urgent requests, then background. */
  pump(now: number): void {
    const client = this.#client;
    while (this.#freeTop > 0) {
      const slot = this.#free[this.#freeTop - 1];
      const batch = this.#slots[slot];
      batch.count = 0;
      batch.bytes = 0;
      batch.offset = -1;
      batch.key = -1;
      batch.paced = false;
      if (this.#extraBytes.length > 0) {
        batch.bytes = this.#extraBytes.shift()!;
        batch.key = this.#extraKeys.shift()!;
        batch.offset = this.#extraOffsets.shift()!;
      } else if (this.#urgentLen > 0) {
        const key = this.#urgent[this.#urgentHead];
        this.#urgentHead = (this.#urgentHead + 1) % this.#urgent.length;
        this.#urgentLen--;
        this.#queued[key] = 0;
        batch.key = key;
        if (!client.fillUrgent(key, batch, now)) continue;
      } else {
        const allowed = now >= this.#nextPaced;
        const answer = client.fillBackground(batch, now, allowed);
        if (answer === Background.NONE) return;
        if (answer === Background.WAIT) {
          if (allowed) {
            throw new Error("PageMover: the client waits although pacing allows a batch");
          }
          if (this.#nextPaced < this.#pumpAt) {
            this.#pumpAt = this.#nextPaced;
            this.#clock.schedule(this.#nextPaced, this.#id, this.#tagPump);
          }
          return;
        }
        if (batch.paced && this.#pacedCyclesPerByte > 0) {
          this.#nextPaced = now + Math.ceil(batch.bytes * this.#pacedCyclesPerByte);
        }
      }
      this.#freeTop--;
      const offset = batch.offset >= 0 ? batch.offset : this.#appendAt;
      batch.offset = offset;
      this.#appendAt = offset + batch.bytes;
      const done = this.transport.submit(now, batch.bytes, batch.count, offset, this.#write);
      this.#clock.schedule(done, this.#id, slot);
    }
  }

  /** Called by the clock: a batch arrived, or a paced batch may start. */
  wake(sim: EventClock, tag: number): void {
    const now = sim.now;
    if (tag === this.#tagPump) {
      if (now >= this.#pumpAt) this.#pumpAt = Infinity;
      this.pump(now);
      return;
    }
    const batch = this.#slots[tag];
    this.#free[this.#freeTop++] = tag;
    this.arrivedBatches++;
    this.transport.estimate.record(batch.bytes, now);
    this.#client.arrived(batch, now);
    this.pump(now);
  }
}
