// One checkpoint of a replication run (private to core/replication): what
// was captured at the pause, and when it moved.

/** A checkpoint. Times are cycles, -1 until they happen. */
export interface Checkpoint {
  /** Its number, from 0. */
  readonly index: number;
  /** When the guest's state was captured (the pause began). */
  readonly captureAt: number;
  /** When the guest ran again (the pause ended; the capture instant for disk replication). */
  readonly resumeAt: number;
  /** Memory pages dirtied since the previous capture (kept after the payload is released). */
  readonly pageCount: number;
  /** Memory pages dirtied since the previous capture, ascending (empty once released). */
  pages: Uint32Array;
  /** Their versions at the capture. */
  pageVersions: Uint32Array;
  /** Disk blocks written since the previous capture, ascending (empty once released). */
  blocks: Uint32Array;
  /** Their versions at the capture. */
  blockVersions: Uint32Array;
  /** Wire bytes of one disk block: its writes' bytes shared over the distinct blocks, compressed. */
  readonly blockBytes: number;
  /** CPU and device state bytes (0 for disk replication). */
  readonly stateBytes: number;
  /** Messages the checkpoint crosses the link in. */
  readonly messages: number;
  /**
   * The production memory's versions at the capture, kept to check the
   * backup against (null for disk replication, and once a later checkpoint
   * was applied: then it can no longer be the one recovered).
   */
  memoryAt: Uint32Array | null;
  /** The production disk's versions at the capture (null, as `memoryAt`, once superseded). */
  diskAt: Uint32Array | null;
  /** Items (pages, then blocks) put in a message so far. */
  sent: number;
  /** Bytes put on the wire, headers included. */
  wireBytes: number;
  /** When the backup had all of it. */
  arrivedAt: number;
  /** When the backup had applied it. */
  appliedAt: number;
  /** When its acknowledgement reached the production host. */
  ackAt: number;
}

const NONE = new Uint32Array(0);

/**
 * Drops what checkpoint `c` carried and the state copies kept to check it:
 * once a later checkpoint is applied, `c` can no longer be the one the
 * backup recovers, and a long run would otherwise keep every epoch.
 */
export function releaseCheckpoint(c: Checkpoint): void {
  c.pages = NONE;
  c.pageVersions = NONE;
  c.blocks = NONE;
  c.blockVersions = NONE;
  c.memoryAt = null;
  c.diskAt = null;
}

/** Items of a checkpoint: its pages, then its blocks. */
export function itemsOf(c: Checkpoint): number {
  return c.pages.length + c.blocks.length;
}
