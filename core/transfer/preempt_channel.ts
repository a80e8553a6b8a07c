/**
 * A second channel over one network link for urgent messages, as QEMU's
 * postcopy-preempt opens a second socket for the pages a destination vCPU
 * waits for: its messages do not wait behind the main stream's, but share
 * the wire with it.
 *
 * @module
 */

import type { BandwidthEstimate } from "./bandwidth_estimate.ts";
import type { NetworkLink } from "./network_link.ts";
import type { Transport } from "./transport.ts";

/**
 * The preempt channel of a link: a transport whose sends jump the main
 * stream's queue (see {@linkcode NetworkLink.submitPreempt}).
 *
 * @example An urgent page does not wait behind 4 MiB already queued
 * ```ts
 * import { NetworkLink } from "./network_link.ts";
 * import { LINK_PROFILES } from "./link_profile.ts";
 * import { PreemptChannel } from "./preempt_channel.ts";
 * const link = new NetworkLink(LINK_PROFILES["10gbe"], 2);
 * for (let i = 0; i < 16; i++) link.submit(0, 262144, 64, 0, true);
 * const queued = link.submit(0, 4096, 1, 0, true);
 * const urgent = new PreemptChannel(link).submit(0, 4096, 1, 0, true);
 * if (!(urgent < queued / 10)) throw new Error(`${urgent} ${queued}`);
 * ```
 */
export class PreemptChannel implements Transport {
  readonly #link: NetworkLink;
  /** Messages sent on this channel. */
  ios = 0;
  /** Payload bytes sent on this channel. */
  bytes = 0;

  /**
   * Opens the channel.
   * @param link the link it shares
   */
  constructor(link: NetworkLink) {
    this.#link = link;
  }

  /** The link's name and `+preempt`. */
  get name(): string {
    return `${this.#link.name}+preempt`;
  }

  /** The link's bandwidth estimate. */
  get estimate(): BandwidthEstimate {
    return this.#link.estimate;
  }

  /** Sends one urgent message (sends only: `write` must be true); returns the cycle it arrives. */
  submit(now: number, bytes: number, pages: number, _offset: number, write: boolean): number {
    if (!write) throw new RangeError("PreemptChannel: the channel only sends");
    this.ios++;
    this.bytes += bytes;
    return this.#link.submitPreempt(now, bytes, pages);
  }

  /** The link's bandwidth. */
  bytesPerCycle(write: boolean): number {
    return this.#link.bytesPerCycle(write);
  }
}
