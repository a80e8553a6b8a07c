/**
 * A network link that goes down for a window of time: what a replication
 * stream sees when the path between two sites fails for a while and comes
 * back. Nothing crosses while the link is down; a message submitted during
 * the outage leaves when the link is back, and a message still on its way
 * when the link went down is sent again once it is back (TCP retransmits
 * what was not acknowledged), arriving that much later.
 *
 * @module
 */

import type { BandwidthEstimate } from "./bandwidth_estimate.ts";
import type { NetworkLink } from "./network_link.ts";
import type { Transport } from "./transport.ts";

/**
 * A link with one outage from cycle `downAt` for `downFor` cycles.
 *
 * @example A message sent during the outage leaves when the link is back
 * ```ts
 * import { LinkOutage } from "./link_outage.ts";
 * import { NetworkLink } from "./network_link.ts";
 * import { LINK_PROFILES } from "./link_profile.ts";
 * const plain = new NetworkLink(LINK_PROFILES["10gbe"], 2).submit(0, 4096, 1, 0, true);
 * const link = new LinkOutage(new NetworkLink(LINK_PROFILES["10gbe"], 2), 0, 1_000_000);
 * if (link.submit(0, 4096, 1, 0, true) !== 1_000_000 + plain) throw new Error();
 * ```
 */
export class LinkOutage implements Transport {
  /** The link underneath. */
  readonly link: NetworkLink;
  /** First cycle the link is down. */
  readonly downAt: number;
  /** First cycle it is up again. */
  readonly upAt: number;

  /**
   * Wraps `link`, which goes down at cycle `downAt` for `downFor` cycles
   * (0: never).
   */
  constructor(link: NetworkLink, downAt: number, downFor: number) {
    if (!(downAt >= 0) || !(downFor >= 0)) {
      throw new RangeError(`LinkOutage: downAt and downFor must be ≥ 0, got ${downAt}, ${downFor}`);
    }
    this.link = link;
    this.downAt = downAt;
    this.upAt = downAt + downFor;
  }

  /** The profile's name. */
  get name(): string {
    return this.link.name;
  }

  /** Messages submitted so far. */
  get ios(): number {
    return this.link.ios;
  }

  /** Payload bytes submitted so far. */
  get bytes(): number {
    return this.link.bytes;
  }

  /** The bandwidth the sender measured. */
  get estimate(): BandwidthEstimate {
    return this.link.estimate;
  }

  /** True while the link is down at cycle `t`. */
  isDown(t: number): boolean {
    return t >= this.downAt && t < this.upAt;
  }

  /**
   * Arrival of a message that the link underneath would deliver at `done`
   * when it was submitted at `now`: one caught by the outage arrives as
   * many cycles later as the outage had left to run when it was submitted
   * (all of it, if it was submitted before the link went down).
   */
  delayed(now: number, done: number): number {
    if (this.upAt === this.downAt || done <= this.downAt || now >= this.upAt) return done;
    return done + (this.upAt - (now > this.downAt ? now : this.downAt));
  }

  /** Submits a message at `now`; see {@linkcode LinkOutage.delayed} for what the outage adds. */
  submit(now: number, bytes: number, pages: number, offset: number, write: boolean): number {
    return this.delayed(now, this.link.submit(now, bytes, pages, offset, write));
  }

  /** Payload bandwidth (bytes per cycle) while up. */
  bytesPerCycle(write: boolean): number {
    return this.link.bytesPerCycle(write);
  }
}
