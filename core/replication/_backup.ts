// The backup host of a replication run (private to core/replication): it
// keeps the messages of a checkpoint in a staging buffer until all have
// arrived, then applies the whole checkpoint to its image of the guest (its
// machine's memory and its replica disk) and acknowledges it. A checkpoint
// still incomplete when the backup takes over is dropped, so the image is
// always one whole checkpoint — unless the backup is the deliberately
// broken one that applies each message as it arrives.

import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import { type Checkpoint, itemsOf } from "./_checkpoint.ts";

/** What the backup tells the production side. */
export interface BackupPeer {
  /** The backup applied checkpoint `c` at cycle `now` and sends its acknowledgement. */
  applied(c: Checkpoint, now: number): void;
}

/** The backup host. */
export class Backup implements ClockAgent {
  /** The image's memory versions (the backup machine's guest memory), or null (disk replication). */
  readonly memory: Uint32Array | null;
  /** The replica disk's versions. */
  readonly disk: Uint32Array;
  /** The last checkpoint applied whole (null: the initial copy). */
  recovered: Checkpoint | null = null;
  /** Checkpoints applied whole. */
  appliedCount = 0;
  /** A checkpoint applied in part (broken backup only) and not completed. */
  torn: Checkpoint | null = null;
  /** True once the backup host failed. */
  dead = false;
  /** True once the backup took over: nothing more is applied. */
  tookOver = false;
  readonly #clock: EventClock;
  readonly #id: number;
  readonly #peer: BackupPeer;
  readonly #applyCyclesPerItem: number;
  readonly #broken: boolean;
  #staging: Checkpoint | null = null;
  #arrived = 0;
  #applying: Checkpoint | null = null;
  #whenIdle: (() => void) | null = null;

  constructor(
    clock: EventClock,
    peer: BackupPeer,
    memory: Uint32Array | null,
    disk: Uint32Array,
    applyCyclesPerItem: number,
    broken: boolean,
  ) {
    this.#clock = clock;
    this.#peer = peer;
    this.memory = memory;
    this.disk = disk;
    this.#applyCyclesPerItem = applyCyclesPerItem;
    this.#broken = broken;
    this.#id = clock.addAgent(this);
  }

  /** A message of checkpoint `c` arrived at `now` carrying items `items[0..count)` (none: the device state). */
  receive(c: Checkpoint, items: Uint32Array, count: number, now: number): void {
    if (this.dead || this.tookOver) return;
    if (this.#staging !== c) {
      this.#staging = c;
      this.#arrived = 0;
    }
    if (this.#broken) {
      for (let i = 0; i < count; i++) this.#applyItem(c, items[i]);
      this.torn = c;
    }
    if (++this.#arrived < c.messages) return;
    c.arrivedAt = now;
    this.#staging = null;
    this.#applying = c;
    this.#clock.schedule(
      now + this.#applyCyclesPerItem * itemsOf(c),
      this.#id,
      0,
    );
  }

  /** A whole checkpoint has been copied from staging into the image. */
  wake(clock: EventClock, _tag: number): void {
    const c = this.#applying!;
    this.#applying = null;
    if (this.dead) return;
    if (!this.#broken) {
      for (let i = 0; i < itemsOf(c); i++) this.#applyItem(c, i);
    }
    this.torn = null;
    c.appliedAt = clock.now;
    this.recovered = c;
    this.appliedCount++;
    this.#peer.applied(c, clock.now);
    const then = this.#whenIdle;
    this.#whenIdle = null;
    if (then !== null) then();
  }

  /**
   * The backup takes over: a checkpoint being applied is finished first
   * (it is whole, and the backup host is alive), then `then` runs; an
   * incomplete one in staging is dropped.
   */
  takeOver(then: () => void): void {
    this.#staging = null;
    if (this.#applying !== null) {
      this.#whenIdle = () => {
        this.tookOver = true;
        then();
      };
    } else {
      this.tookOver = true;
      then();
    }
  }

  #applyItem(c: Checkpoint, item: number): void {
    const n = c.pages.length;
    if (item < n) this.memory![c.pages[item]] = c.pageVersions[item];
    else this.disk[c.blocks[item - n]] = c.blockVersions[item - n];
  }
}
