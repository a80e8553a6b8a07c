/**
 * What moves bytes between a machine and somewhere else: a storage device
 * (a snapshot image) or a network link (a migration's or replication's
 * peer). The page mover sends batches over one; the clock is the cycle
 * clock of the cost profile.
 *
 * @module
 */

import type { BandwidthEstimate } from "./bandwidth_estimate.ts";

/**
 * A transport.
 *
 * @example A storage device is a transport
 * ```ts
 * import type { Transport } from "./transport.ts";
 * import { StorageDevice } from "./storage_device.ts";
 * import { STORAGE_PROFILES } from "./storage_profile.ts";
 * const t: Transport = new StorageDevice(STORAGE_PROFILES["nvme-ssd"], 2);
 * if (t.submit(0, 4096, 1, 0, true) <= 0 || t.ios !== 1) throw new Error();
 * ```
 */
export interface Transport {
  /** The profile's name, e.g. `nvme-ssd` or `10gbe`. */
  readonly name: string;
  /** Transfers (I/Os or messages) submitted so far. */
  readonly ios: number;
  /** Payload bytes submitted so far. */
  readonly bytes: number;
  /** The bandwidth the sender measured; the page mover records each arrival in it. */
  readonly estimate: BandwidthEstimate;
  /**
   * Submits one transfer at cycle `now` and returns the cycle it completes:
   * `bytes` of payload carrying `pages` guest pages, at byte `offset` of an
   * image (storage: sequential when it follows the previous transfer).
   * `write` sends out (write to storage, send to the peer); otherwise it
   * brings in (read from storage, fetch from the peer).
   */
  submit(now: number, bytes: number, pages: number, offset: number, write: boolean): number;
  /** Nominal bandwidth in one direction (bytes per cycle), for pacing a share of it. */
  bytesPerCycle(write: boolean): number;
}
