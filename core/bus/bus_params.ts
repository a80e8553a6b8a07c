/**
 * Parameters of a partition-bus run: plain JSON-serialisable options where
 * every field has a default (`{}` is valid), declared field by field
 * ({@linkcode BUS_OPTIONS_FIELDS}), and their validation into resolved
 * settings. Bad values, and options the chosen method or signalling cannot
 * use, throw a one-line `ConfigError` naming the field.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  refuseOtherModes,
  validateConfig,
} from "../base/config_fields.ts";

/**
 * How a message's payload crosses from the sender partition to the
 * receiver:
 * - `inline`: copied into the ring behind the packet's descriptor, and
 *   copied out of it by the receiver (small messages: a message must fit
 *   the ring);
 * - `transfer-pages`: written into a buffer both partitions share from the
 *   start (VMBus transfer pages, netvsc's send and receive buffers); the
 *   packet carries the offset, the receiver copies the payload out and
 *   completes the packet, which frees the buffer;
 * - `remap`: the hypervisor unmaps the sender's pages from its partition
 *   and maps them into the receiver's (page flipping); the sender's vCPUs
 *   are shot down, the receiver's first touches walk; completing the
 *   packet gives the pages back the same way;
 * - `hypervisor-copy`: the packet lists the sender's pages (grants), and
 *   the receiver asks the hypervisor to copy them into its own buffer (Xen
 *   grant copy), batched per hypercall;
 * - `policy`: per message, `transfer-pages` below a size threshold and
 *   `remap` from it on, the threshold derived from the cost profile.
 */
export const BUS_METHODS = [
  "inline",
  "transfer-pages",
  "remap",
  "hypervisor-copy",
  "policy",
] as const;
/** A transfer method. */
export type BusMethod = typeof BUS_METHODS[number];
/** The methods a message is actually sent with (`policy` picks one of two per message). */
export type SendMethod = Exclude<BusMethod, "policy">;

/**
 * How the writer of a ring tells its reader there is something to read:
 * - `vmbus`: a signal only when the ring goes from empty to non-empty and
 *   the reader has not masked its interrupt; the reader masks while it
 *   drains, unmasks and checks again (Linux `hv_signal_on_write`,
 *   `hv_end_read`);
 * - `every`: a signal at every doorbell, masked or not (no suppression);
 * - `event-idx`: a signal only when the write crosses the packet index the
 *   reader published when it last found the ring empty (virtio
 *   VIRTIO_RING_F_EVENT_IDX);
 * - `poll`: no signals at all: the reader is a vCPU given to the ring that
 *   polls it, and the writer polls for space.
 */
export const SIGNALLING_MODES = ["vmbus", "every", "event-idx", "poll"] as const;
/** A signalling mode. */
export type Signalling = typeof SIGNALLING_MODES[number];

/** The largest message a run may send (bytes). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

// Bound on the default number of messages: a run moves at most this much
// payload unless asked for more, so that 1 MiB messages stay quick.
const DEFAULT_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** The fields of {@linkcode BusOptions}. */
export const BUS_OPTIONS_FIELDS = {
  method: {
    kind: "enum",
    values: BUS_METHODS,
    default: "policy",
    description:
      "inline (copied through the ring), transfer-pages (a buffer shared once; the receiver copies out), remap (the sender's pages unmapped from it and mapped into the receiver), hypervisor-copy (the hypervisor copies the sender's pages into the receiver's buffer), policy (transfer-pages or remap per message, by size)",
  },
  messageBytes: {
    kind: "integer",
    min: 1,
    max: MAX_MESSAGE_BYTES,
    default: 4096,
    unit: "bytes",
    description: "payload of each message",
  },
  offeredMsgsS: {
    kind: "number",
    above: 0,
    max: 1e9,
    default: 100000,
    unit: "msgs/s",
    description:
      "rate at which messages arrive at the sender (Poisson arrivals, seeded); above what the bus can carry they queue",
  },
  batch: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 1,
    unit: "messages",
    description:
      "most messages written per doorbell: the sender defers its signal while more messages wait, up to this many (Linux's xmit_more)",
  },
  signalling: {
    kind: "enum",
    values: SIGNALLING_MODES,
    default: "vmbus",
    description:
      "vmbus (signal on empty → non-empty, unless the reader masked), every (signal at every doorbell), event-idx (virtio's event index), poll (a vCPU given to polling the ring; no signals)",
  },
  vcpus: {
    kind: "integer",
    min: 1,
    max: 64,
    default: 1,
    description:
      "vCPUs of the sending guest; messages are produced on them in turn, and a remap shoots down all of them",
  },
  messages: {
    kind: "integer",
    min: 1,
    max: 10_000_000,
    default: (v: Readonly<Record<string, unknown>>): number =>
      Math.max(100, Math.min(2000, Math.floor(DEFAULT_PAYLOAD_BYTES / (v.messageBytes as number)))),
    defaultText: "2000, fewer for large messages so that a run moves at most 64 MiB (at least 100)",
    description: "messages sent in the run",
  },
  ringPages: {
    kind: "integer",
    min: 1,
    max: 65536,
    default: 128,
    unit: "pages",
    // netvsc's default ring_size (drivers/net/hyperv/netvsc_drv.c; vm-state.md §5).
    description:
      "data pages of each ring (a power of two), behind its one header page; 128 as netvsc",
  },
  bufferMib: {
    kind: "integer",
    min: 1,
    max: 4096,
    default: 16,
    unit: "MiB",
    // netvsc's default receive buffer (drivers/net/hyperv/hyperv_net.h; vm-state.md §5).
    description:
      "the buffer messages are lent from until their completion: the shared transfer pages, or the sender's pages a remap or hypervisor copy lends (16 MiB as netvsc's receive buffer)",
  },
  receiverTouches: {
    kind: "boolean",
    default: false,
    // The guest sends to the host partition, whose service (a VMBus VSP)
    // passes the payload to the real device by DMA without reading it.
    description:
      "the receiver reads every byte of each payload; off by default: the host partition's service hands the payload to the real device without reading it",
  },
  policyThresholdBytes: {
    kind: "integer",
    min: 1,
    max: MAX_MESSAGE_BYTES + 1,
    defaultText:
      "derived from the cost profile: where a remap's estimated cost falls below a copy's",
    unit: "bytes",
    description: "policy: messages of at least this many bytes are remapped, smaller ones copied",
  },
  platform: {
    kind: "enum",
    values: ["nested", "shadow"],
    default: "nested",
    description:
      "the hypervisor's paging of both partitions: nested (EPT/NPT) or shadow page tables",
  },
  caches: {
    kind: "boolean",
    default: true,
    description:
      "the cost profile's cache hierarchy (the partitions share its last-level cache); off: data accesses are not charged",
  },
  brokenRemapSkipsShootdown: {
    kind: "boolean",
    default: false,
    description:
      "for tests only: a broken remap that moves the pages but leaves the sender's TLBs alone",
  },
  brokenReaderSkipsRecheck: {
    kind: "boolean",
    default: false,
    description:
      "for tests only: a broken reader that unmasks its interrupt and halts without looking at the ring again",
  },
  jitterCycles: {
    kind: "number",
    min: 0,
    max: 1e9,
    default: 0,
    unit: "cycles",
    description:
      "for tests only: each step of either side takes up to this many cycles more, drawn from the seed, so that runs explore other interleavings",
  },
} as const satisfies ConfigFields;

/** Partition-bus options. Every field is optional. */
export type BusOptions = ConfigInput<typeof BUS_OPTIONS_FIELDS>;

/** Partition-bus options resolved: every default filled in, every value checked. */
export type BusSettings = ConfigValues<typeof BUS_OPTIONS_FIELDS> & {
  /** Bytes of each ring's data area. */
  ringBytes: number;
  /** 4 KiB pages of the lending buffer. */
  bufferPages: number;
  /** 4 KiB pages one message's payload takes in a buffer. */
  messagePages: number;
};

/** Fields only some methods use. */
const METHOD_FIELDS: Readonly<Record<string, readonly BusMethod[]>> = {
  policyThresholdBytes: ["policy"],
  brokenRemapSkipsShootdown: ["remap", "policy"],
};

/** Fields only some signalling modes use. */
const SIGNALLING_FIELDS: Readonly<Record<string, readonly Signalling[]>> = {
  brokenReaderSkipsRecheck: ["vmbus", "event-idx"],
};

/** Bytes a packet takes in a ring: a 16-byte descriptor, its payload padded to 8 bytes, an 8-byte trailer (VMBus). */
export function packetBytes(inlineBytes: number, pages: number): number {
  return 16 + 8 * pages + Math.ceil(inlineBytes / 8) * 8 + 8;
}

const checkBus: ObjectCheck = (values, given, fail) => {
  const method = values.method as BusMethod;
  refuseOtherModes(METHOD_FIELDS, method, given, fail);
  refuseOtherModes(SIGNALLING_FIELDS, values.signalling as string, given, fail);
  const ringPages = values.ringPages as number;
  if ((ringPages & (ringPages - 1)) !== 0) {
    fail("ringPages", `expected a power of two, got ${ringPages}`);
  }
  const bytes = values.messageBytes as number;
  const ringBytes = ringPages * 4096;
  // A ring never holds a packet as large as itself: one byte stays free so
  // that full and empty differ (hv_ringbuffer_write).
  if (method === "inline" && packetBytes(bytes, 0) >= ringBytes) {
    fail(
      "messageBytes",
      `an inline message must fit the ring: ${bytes} bytes do not fit ${ringPages} pages (use transfer-pages, or more ringPages)`,
    );
  }
  const pages = Math.ceil(bytes / 4096);
  const bufferPages = (values.bufferMib as number) * 256;
  if (pages > bufferPages) {
    fail(
      "bufferMib",
      `a message of ${bytes} bytes needs ${pages} pages of the ${values.bufferMib} MiB buffer`,
    );
  }
  if (method !== "inline" && packetBytes(0, pages) >= ringBytes) {
    fail("ringPages", `the packet listing ${pages} pages does not fit ${ringPages} ring pages`);
  }
};

/**
 * Resolves partition-bus options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example A 1 MiB message cannot go through a 512 KiB ring
 * ```ts
 * import { resolveBusOptions } from "./bus_params.ts";
 * import assert from "node:assert/strict";
 * const s = resolveBusOptions({ method: "remap", messageBytes: 1 << 20 });
 * if (s.messagePages !== 256 || s.messages !== 100) throw new Error();
 * assert.throws(() => resolveBusOptions({ method: "inline", messageBytes: 1 << 20 }), {
 *   message: /^Cannot use bus options: field "messageBytes": an inline message must fit the ring/,
 * });
 * ```
 */
export function resolveBusOptions(o: BusOptions): BusSettings {
  const v = validateConfig(BUS_OPTIONS_FIELDS, o, { component: "bus options", check: checkBus });
  return {
    ...v,
    ringBytes: v.ringPages * 4096,
    bufferPages: v.bufferMib * 256,
    messagePages: Math.ceil(v.messageBytes / 4096),
  };
}
