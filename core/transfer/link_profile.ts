/**
 * Named network links between two hosts (a migration's source and
 * destination, a replication's production and backup): bandwidth, round
 * trip, the sender's fixed cost per message and the bytes each page adds to
 * the stream. Every number cites its source; estimates say so.
 *
 * @module
 */

import { ConfigError } from "../base/config_error.ts";
import { type ConfigFields, type FieldsOf, validateConfig } from "../base/config_fields.ts";

/** Speed of one network link as the link model uses it. */
export interface LinkProfile {
  /** Profile name, e.g. `10gbe`. */
  name: string;
  /** One line saying which link this models. */
  description: string;
  /** Payload bandwidth in each direction (bytes per second); the link is full duplex. */
  bytesPerSecond: number;
  /** Round trip between the hosts' stacks for a small message (microseconds). */
  roundTripUs: number;
  /** Sender's fixed cost per message: system call, stack, doorbell (microseconds). */
  perMessageUs: number;
  /** Bytes each page adds to the stream beside its 4,096 (its header). */
  perPageBytes: number;
  /** Messages that may be in flight at once (the sender's window). */
  queueDepth: number;
}

const GB = 1e9;

// QEMU prefixes every RAM page in the migration stream with one 8-byte word
// holding the page's offset and flags (migration/ram.c, save_page_header;
// recalled from the source, not re-read for this profile). Both links use it.
const QEMU_PAGE_HEADER_BYTES = 8;

const GBE_1: LinkProfile = {
  name: "1gbe",
  description: "1 Gbit/s Ethernet between two hosts, kernel TCP",
  // Line rate 1 Gbit/s = 125 MB/s; framing overhead is left out.
  bytesPerSecond: 0.125 * GB,
  // About 110 µs round trip for 100-byte TCP messages between two hosts
  // through Intel 1G NICs on Linux 2.6 (serverfault.com question 791539,
  // "Higher TCP latencies in the latest versions of Linux": a user's
  // measurement, secondary; the same user saw 220 µs on Linux 3.x).
  roundTripUs: 110,
  // Estimate: a send system call through the TCP stack, a few µs; no primary
  // per-message figure was found.
  perMessageUs: 5,
  perPageBytes: QEMU_PAGE_HEADER_BYTES,
  // Estimate: enough messages in flight to fill the link (TCP's window).
  queueDepth: 64,
};

const GBE_10: LinkProfile = {
  name: "10gbe",
  description: "10 Gbit/s Ethernet between two hosts, kernel TCP (a common migration network)",
  // Line rate 10 Gbit/s = 1.25 GB/s; the tuned-migration measurements in
  // shared/references/vm-state.md §1 ran over 10 GbE (Intel X540).
  bytesPerSecond: 1.25 * GB,
  // Estimate: no primary 10 GbE kernel-TCP round trip was found; half the
  // 1 GbE figure above (faster serialisation and NICs, same stack). QEMU's
  // post-copy page request over 10 Gbit/s took 0.57 ms with preemption
  // (vm-state.md §1), an upper bound that includes queueing behind the stream.
  roundTripUs: 50,
  // Estimate, as for 1gbe.
  perMessageUs: 5,
  perPageBytes: QEMU_PAGE_HEADER_BYTES,
  // Estimate, as for 1gbe.
  queueDepth: 64,
};

const GBE_25: LinkProfile = {
  name: "25gbe",
  description: "25 Gbit/s Ethernet between two hosts, kernel TCP (a current data-centre NIC)",
  // Line rate 25 Gbit/s = 3.125 GB/s (IEEE 802.3by, 25GBASE-R); framing
  // overhead is left out, as for the others.
  bytesPerSecond: 3.125 * GB,
  // Estimate, as for 10gbe: the kernel stack, not the wire, sets a small
  // message's round trip, and no primary 25 GbE figure was found.
  roundTripUs: 50,
  // Estimate, as for 1gbe.
  perMessageUs: 5,
  perPageBytes: QEMU_PAGE_HEADER_BYTES,
  // Estimate, as for 1gbe.
  queueDepth: 64,
};

/** The named link profiles, keyed by name. Frozen: copy one to change it. */
export const LINK_PROFILES: Readonly<Record<string, LinkProfile>> = Object.freeze({
  "1gbe": Object.freeze(GBE_1),
  "10gbe": Object.freeze(GBE_10),
  "25gbe": Object.freeze(GBE_25),
});

/** Names of the link profiles, slowest first (the order of {@linkcode LINK_PROFILES}). */
export const LINK_PROFILE_NAMES: readonly string[] = Object.freeze(Object.keys(LINK_PROFILES));

/** The fields of a {@linkcode LinkProfile}: what one given as data must hold. */
export const LINK_PROFILE_FIELDS: FieldsOf<LinkProfile> & ConfigFields = {
  name: { kind: "string", required: true, description: "profile name" },
  description: {
    kind: "string",
    required: true,
    description: "one line saying which link this models",
  },
  bytesPerSecond: {
    kind: "number",
    above: 0,
    required: true,
    unit: "bytes/s",
    description: "payload bandwidth in each direction (the link is full duplex)",
  },
  roundTripUs: {
    kind: "number",
    above: 0,
    required: true,
    unit: "µs",
    description: "round trip between the hosts' stacks for a small message",
  },
  perMessageUs: {
    kind: "number",
    min: 0,
    required: true,
    unit: "µs",
    description: "sender's fixed cost per message: system call, stack, doorbell",
  },
  perPageBytes: {
    kind: "number",
    min: 0,
    required: true,
    unit: "bytes",
    description: "bytes each page adds to the stream beside its 4,096 (its header)",
  },
  queueDepth: {
    kind: "integer",
    min: 1,
    required: true,
    unit: "messages",
    description: "messages that may be in flight at once (the sender's window)",
  },
};

/**
 * Looks up a link profile by name.
 *
 * @throws {ConfigError} for an unknown name (one line listing the known ones).
 *
 * @example
 * ```ts
 * import { getLinkProfile } from "./link_profile.ts";
 * if (getLinkProfile("10gbe").bytesPerSecond !== 1.25e9) throw new Error();
 * ```
 */
export function getLinkProfile(name: string): LinkProfile {
  if (!Object.hasOwn(LINK_PROFILES, name)) {
    throw new ConfigError(
      `link profile ${JSON.stringify(name)}`,
      undefined,
      `no such profile; known profiles: ${LINK_PROFILE_NAMES.join(", ")}`,
    );
  }
  return LINK_PROFILES[name];
}

/**
 * Checks a link profile given as data against
 * {@linkcode LINK_PROFILE_FIELDS}: bandwidth and round trip positive,
 * per-message and per-page costs not negative, `queueDepth` a positive
 * integer, no other field.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example
 * ```ts
 * import { LINK_PROFILES, validateLinkProfile } from "./link_profile.ts";
 * import assert from "node:assert/strict";
 * validateLinkProfile(LINK_PROFILES["1gbe"]);
 * assert.throws(() => validateLinkProfile({ ...LINK_PROFILES["1gbe"], roundTripUs: 0 }), {
 *   message: 'Cannot use link profile: field "roundTripUs": expected a positive number, got 0',
 * });
 * ```
 */
export function validateLinkProfile(p: LinkProfile): void {
  validateConfig(LINK_PROFILE_FIELDS, p, { component: "link profile" });
}
