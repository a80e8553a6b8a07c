/**
 * One direction of a channel: a ring buffer in memory both partitions map,
 * laid out as VMBus lays it out (Linux `struct hv_ring_buffer`): a 4 KiB
 * header page holding the write index, the read index, the reader's
 * interrupt mask and the writer's pending-send size, then a power-of-two
 * data area of packets. Indices are byte offsets into the data area; the
 * ring is empty when they are equal, and a writer always leaves one byte
 * free so that a full ring is not mistaken for an empty one
 * (`hv_ringbuffer_write`).
 *
 * The ring holds the shared state only: what each side reads and writes,
 * in the order it does so. Who signals whom, and when, is
 * core/bus/signalling.ts's; the costs of the accesses are the agents'. A
 * packet's own bytes are not kept, only a record of it (its message, its
 * offset and length), so that a test can check that nothing unread is
 * overwritten and that packets come out as they went in.
 *
 * @module
 */

/** Byte offsets of the header fields in the header page (`struct hv_ring_buffer`). */
export const RingHeader = {
  /** `write_index`: where the writer will write next; published after the packet. */
  WRITE_INDEX: 0,
  /** `read_index`: where the reader will read next. */
  READ_INDEX: 4,
  /** `interrupt_mask`: set by the reader while it drains. */
  INTERRUPT_MASK: 8,
  /** `pending_send_sz`: bytes the writer waits for, 0 when it waits for none. */
  PENDING_SEND_SZ: 12,
  /**
   * The reader's event index (virtio's `used_event`, which VMBus lacks; kept
   * in the reserved bytes that follow): the packet count it wants a signal
   * beyond.
   */
  EVENT_INDEX: 16,
} as const;

/**
 * A ring's shared state and the records of the packets in it.
 *
 * @example A packet goes in, is published, and comes out
 * ```ts
 * import { Ring } from "./ring.ts";
 * const ring = new Ring(4096);
 * ring.put(7, 100);
 * if (ring.available()) throw new Error("not yet published");
 * ring.publish();
 * if (!ring.available() || ring.take() !== 7 || ring.takenBytes !== 100) throw new Error();
 * ring.advance();
 * if (ring.available() || ring.free() !== 4096) throw new Error();
 * ```
 */
export class Ring {
  /** Bytes of the data area. */
  readonly dataBytes: number;
  /** Published write offset (shared). */
  writeIndex = 0;
  /** Read offset (shared). */
  readIndex = 0;
  /** The reader's interrupt mask (shared): 1 while it drains. */
  interruptMask = 0;
  /** Bytes the writer waits for (shared), 0 when it waits for none. */
  pendingSendSz = 0;
  /** The reader's event index (shared): signal me when the packet count passes this. */
  eventIndex = 0;
  /** Packets published (the writer's count, shared as virtio's avail index). */
  published = 0;
  /** Packets the reader has taken. */
  taken = 0;
  /** Offset of the packet last taken or put. */
  lastOffset = 0;
  /** Bytes of the packet last taken. */
  takenBytes = 0;
  // The writer's private position: packets put but not yet published.
  #put = 0;
  #putCount = 0;
  // The reader's private position, ahead of readIndex until it advances.
  #get = 0;
  // Records of the packets in the ring, oldest first (a circular queue).
  #ids = new Float64Array(64);
  #offsets = new Float64Array(64);
  #lengths = new Float64Array(64);
  #head = 0;
  #count = 0;
  #unread = 0;

  /**
   * Creates an empty ring.
   * @param dataBytes bytes of the data area, a multiple of 8
   */
  constructor(dataBytes: number) {
    if (!(dataBytes >= 64) || dataBytes % 8 !== 0) {
      throw new RangeError(
        `a ring's data area is at least 64 bytes, a multiple of 8: ${dataBytes}`,
      );
    }
    this.dataBytes = dataBytes;
  }

  /** Bytes the writer may still write before the reader frees more (it reads `read_index`). */
  free(): number {
    const read = this.readIndex;
    return read > this.#put ? read - this.#put : this.dataBytes - this.#put + read;
  }

  /** Whether a packet of `bytes` fits now (strictly less than the free bytes: one stays free). */
  fits(bytes: number): boolean {
    return bytes < this.free();
  }

  /**
   * Writes a packet of `bytes` for message `id` at the writer's position,
   * not yet visible to the reader.
   * @returns its offset in the data area
   * @throws RangeError when it does not fit: a ring never overwrites unread data
   */
  put(id: number, bytes: number): number {
    if (!this.fits(bytes)) {
      throw new RangeError(
        `ring overrun: a ${bytes}-byte packet with ${this.free()} bytes free would overwrite unread data`,
      );
    }
    const offset = this.#put;
    if (this.#count === this.#ids.length) this.#grow();
    const slot = (this.#head + this.#count) % this.#ids.length;
    this.#ids[slot] = id;
    this.#offsets[slot] = offset;
    this.#lengths[slot] = bytes;
    this.#count++;
    this.#put = (offset + bytes) % this.dataBytes;
    this.#putCount++;
    this.lastOffset = offset;
    return offset;
  }

  /**
   * Publishes the packets put since the last publish: the write index moves
   * past them (one store of `write_index`).
   * @returns the write index before
   */
  publish(): number {
    const old = this.writeIndex;
    this.writeIndex = this.#put;
    this.published += this.#putCount;
    this.#unread += this.#putCount;
    this.#putCount = 0;
    return old;
  }

  /** Whether a published packet waits for the reader (it reads `write_index`). */
  available(): boolean {
    return this.writeIndex !== this.#get;
  }

  /**
   * Takes the oldest published packet; the reader's position moves past it,
   * the read index not yet.
   * @returns its message id (its length in {@linkcode Ring.takenBytes})
   */
  take(): number {
    if (!this.available()) throw new RangeError("ring underrun: nothing published to take");
    const slot = this.#head;
    const id = this.#ids[slot];
    const offset = this.#offsets[slot];
    const bytes = this.#lengths[slot];
    if (this.#unread === 0 || offset !== this.#get) {
      throw new RangeError(
        `ring corrupt: the packet at ${offset} is not at the reader's ${this.#get}`,
      );
    }
    this.#head = (slot + 1) % this.#ids.length;
    this.#count--;
    this.#unread--;
    this.#get = (offset + bytes) % this.dataBytes;
    this.taken++;
    this.lastOffset = offset;
    this.takenBytes = bytes;
    return id;
  }

  /**
   * Frees what the reader took: the read index moves to its position (one
   * store of `read_index`).
   * @returns the bytes free to the writer before
   */
  advance(): number {
    const before = this.#freeToPublished();
    this.readIndex = this.#get;
    return before;
  }

  /** Free bytes as the reader sees them: against the published write index. */
  #freeToPublished(): number {
    const read = this.readIndex;
    const write = this.writeIndex;
    return read > write ? read - write : this.dataBytes - write + read;
  }

  /** Bytes free against the published write index now, as the reader computes it after advancing. */
  freeToWriter(): number {
    return this.#freeToPublished();
  }

  /** Packets published and not yet taken. */
  get unread(): number {
    return this.#unread;
  }

  #grow(): void {
    const n = this.#ids.length * 2;
    const ids = new Float64Array(n);
    const offsets = new Float64Array(n);
    const lengths = new Float64Array(n);
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) % this.#ids.length;
      ids[i] = this.#ids[from];
      offsets[i] = this.#offsets[from];
      lengths[i] = this.#lengths[from];
    }
    this.#ids = ids;
    this.#offsets = offsets;
    this.#lengths = lengths;
    this.#head = 0;
  }
}
