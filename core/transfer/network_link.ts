/**
 * The network model: a full-duplex link between two hosts. A message waits
 * for one of `queueDepth` slots (the sender's window), pays the sender's
 * fixed cost, then crosses the wire in its direction one message at a time
 * at the link's bandwidth (its pages' headers included), and arrives half a
 * round trip after its last byte left. A fetch (a read) first sends its
 * request (half a round trip), then the answer crosses the other direction
 * and arrives half a round trip later, so a lone 4 KiB fetch costs a round
 * trip plus its transfer: what a post-copy fault waits.
 *
 * @module
 */

import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import { BANDWIDTH_WINDOW_S, BandwidthEstimate } from "./bandwidth_estimate.ts";
import { type LinkProfile, validateLinkProfile } from "./link_profile.ts";
import type { Transport } from "./transport.ts";

/**
 * A network link on the cycle clock of a cost profile.
 *
 * @example One page sent and one fetched over 10 GbE at 2 GHz
 * ```ts
 * import { NetworkLink } from "./network_link.ts";
 * import { LINK_PROFILES } from "./link_profile.ts";
 * const link = new NetworkLink(LINK_PROFILES["10gbe"], 2);
 * // 5 µs send cost, 4,104 B at 1.25 GB/s = 3.2832 µs, then 25 µs one way.
 * const sent = link.submit(0, 4096, 1, 0, true);
 * if (sent !== 10000 + 6567 + 50000) throw new Error(String(sent));
 * // The fetch: 5 µs, request 25 µs, answer 3.2832 µs, back 25 µs.
 * const fetched = link.submit(0, 4096, 1, 0, false);
 * if (fetched !== 10000 + 50000 + 6567 + 50000) throw new Error(String(fetched));
 * ```
 */
export class NetworkLink implements Transport {
  /** The profile this link models. */
  readonly profile: LinkProfile;
  /** The profile's name. */
  readonly name: string;
  /** The bandwidth the sender measured. */
  readonly estimate: BandwidthEstimate;
  /** Messages submitted so far. */
  ios = 0;
  /** Payload bytes submitted so far. */
  bytes = 0;
  #slotFree: Float64Array;
  #outFree = 0;
  #inFree = 0;
  #cyclesPerByte: number;
  #oneWay: number;
  #perMessage: number;
  #perPageBytes: number;

  /**
   * Creates an idle link.
   * @param profile the link's speed; validated here
   * @param clockGhz clock of the cost profile whose cycles the link counts in
   */
  constructor(profile: LinkProfile, clockGhz: number) {
    validateLinkProfile(profile);
    this.profile = profile;
    this.name = profile.name;
    this.estimate = new BandwidthEstimate(cyclesFromSeconds(BANDWIDTH_WINDOW_S, clockGhz));
    this.#slotFree = new Float64Array(profile.queueDepth);
    this.#cyclesPerByte = clockGhz * 1e9 / profile.bytesPerSecond;
    this.#oneWay = cyclesFromSeconds(profile.roundTripUs * 0.5e-6, clockGhz);
    this.#perMessage = profile.perMessageUs > 0
      ? cyclesFromSeconds(profile.perMessageUs * 1e-6, clockGhz)
      : 0;
    this.#perPageBytes = profile.perPageBytes;
  }

  /**
   * Sends (`write`) or fetches one message of `bytes` carrying `pages` pages
   * at cycle `now`; returns the cycle it arrives. The offset means nothing on a link.
   */
  submit(now: number, bytes: number, pages: number, _offset: number, write: boolean): number {
    const slots = this.#slotFree;
    let k = 0;
    for (let i = 1; i < slots.length; i++) if (slots[i] < slots[k]) k = i;
    const start = (slots[k] > now ? slots[k] : now) + this.#perMessage;
    const wire = Math.ceil((bytes + pages * this.#perPageBytes) * this.#cyclesPerByte);
    let done: number;
    if (write) {
      const from = this.#outFree > start ? this.#outFree : start;
      this.#outFree = from + wire;
      done = this.#outFree + this.#oneWay;
    } else {
      const asked = start + this.#oneWay;
      const from = this.#inFree > asked ? this.#inFree : asked;
      this.#inFree = from + wire;
      done = this.#inFree + this.#oneWay;
    }
    slots[k] = done;
    this.ios++;
    this.bytes += bytes;
    return done;
  }

  /**
   * Sends one message at cycle `now` on a channel of its own beside the
   * main stream (QEMU's postcopy-preempt channel): it does not queue behind
   * the messages already on the wire, but takes its wire time from them
   * (they finish that much later); returns the cycle it arrives.
   */
  submitPreempt(now: number, bytes: number, pages: number): number {
    const start = now + this.#perMessage;
    const wire = Math.ceil((bytes + pages * this.#perPageBytes) * this.#cyclesPerByte);
    this.#outFree = (this.#outFree > start ? this.#outFree : start) + wire;
    this.ios++;
    this.bytes += bytes;
    return start + wire + this.#oneWay;
  }

  /** Cycles a small message takes from a sender's call to its arrival: the fixed cost and half a round trip. */
  get messageLatency(): number {
    return this.#perMessage + this.#oneWay;
  }

  /** Payload bandwidth (bytes per cycle), the same both ways. */
  bytesPerCycle(_write: boolean): number {
    return 1 / this.#cyclesPerByte;
  }
}
