/**
 * When the writer of a ring signals its reader, and what the reader
 * publishes so that it is signalled when it must be: the rules of each
 * {@linkcode Signalling} mode over a {@linkcode Ring}'s shared state. Each
 * function is one side's reads and writes of the header, in the order the
 * side does them; the agents charge them as accesses.
 *
 * The rule that makes suppression safe is the same in every mode: the
 * writer publishes, then looks at what the reader published; the reader
 * publishes, then looks at the ring again before it halts. Whatever the
 * interleaving, one of them sees the other (Linux `hv_signal_on_write`
 * and `hv_end_read`; virtio's `vring_need_event` and
 * `virtqueue_enable_cb_prepare` / `virtqueue_poll`).
 *
 * @module
 */

import type { Signalling } from "./bus_params.ts";
import type { Ring } from "./ring.ts";

/**
 * Whether the writer must signal after publishing a batch: `oldWrite` and
 * `oldPublished` are the write index and packet count before the batch.
 *
 * @example VMBus signals only on empty → non-empty, and not while the reader masks
 * ```ts
 * import { Ring } from "./ring.ts";
 * import { writerMustSignal } from "./signalling.ts";
 * const ring = new Ring(4096);
 * ring.put(1, 64);
 * let old = ring.publish();
 * if (!writerMustSignal("vmbus", ring, old, 0)) throw new Error("empty → non-empty");
 * ring.put(2, 64);
 * old = ring.publish();
 * if (writerMustSignal("vmbus", ring, old, 1)) throw new Error("not empty before");
 * if (!writerMustSignal("every", ring, old, 1)) throw new Error();
 * ```
 */
export function writerMustSignal(
  mode: Signalling,
  ring: Ring,
  oldWrite: number,
  oldPublished: number,
): boolean {
  switch (mode) {
    case "vmbus":
      // The mask first, then the read index (hv_signal_on_write).
      return ring.interruptMask === 0 && oldWrite === ring.readIndex;
    case "every":
      return true;
    case "event-idx": {
      // vring_need_event: the reader's event index lies in [old, new).
      const event = ring.eventIndex;
      return event >= oldPublished && event < ring.published;
    }
    case "poll":
      return false;
  }
}

/**
 * The reader starts draining: under VMBus it masks its interrupt (one
 * store). Under `event-idx` it leaves its stale event index, which already
 * keeps the writer quiet; `every` and `poll` have nothing to publish.
 * @returns whether it wrote the header
 */
export function readerBegins(mode: Signalling, ring: Ring): boolean {
  if (mode !== "vmbus") return false;
  ring.interruptMask = 1;
  return true;
}

/**
 * The reader found the ring empty and is about to halt: it publishes that
 * it wants a signal (VMBus unmasks, event-idx sets its event index to the
 * packets taken), after which it must look at the ring once more.
 * @returns whether it wrote the header (and so must look again)
 */
export function readerEnds(mode: Signalling, ring: Ring): boolean {
  if (mode === "vmbus") {
    ring.interruptMask = 0;
    return true;
  }
  if (mode === "event-idx") {
    ring.eventIndex = ring.taken;
    return true;
  }
  return false;
}

/**
 * After advancing the read index, whether the reader must signal a writer
 * waiting for space: it registered `pending_send_sz` and the free space
 * just crossed it (`hv_signal_on_read`). `freeBefore` is what
 * {@linkcode Ring.advance} returned.
 */
export function readerMustSignalSpace(ring: Ring, freeBefore: number): boolean {
  const pending = ring.pendingSendSz;
  if (pending === 0) return false;
  return freeBefore <= pending && ring.freeToWriter() > pending;
}
