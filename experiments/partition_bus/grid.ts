/**
 * The grids of the `partition-bus` experiment, as four slices rather than
 * one product: the crossover (every method at every message size, where
 * copying stops paying), capacity (the same at a rate no method carries:
 * what each can), signalling (every mode at rising offered rates,
 * with and without batching, on small messages), and vCPUs (the sender's
 * vCPU count a remap must shoot down).
 *
 * @module
 */

import {
  BUS_OPTIONS_FIELDS,
  type BusMethod,
  packetBytes,
  type Signalling,
} from "../../core/bus/bus_params.ts";
import { distinctPoints } from "../cartesian.ts";
import type { TypedGrids } from "../define_experiment.ts";
import type { PartitionBusPoint } from "./point.ts";

/** The methods in legend order. */
export const METHODS: readonly BusMethod[] = [
  "inline",
  "transfer-pages",
  "remap",
  "hypervisor-copy",
  "policy",
];

/** The signalling modes in legend order. */
export const SIGNALLINGS: readonly Signalling[] = ["vmbus", "event-idx", "every", "poll"];

/** Message sizes of the crossover slice (bytes): 64 B to 1 MiB, by fours. */
export const CROSSOVER_SIZES: readonly number[] = [
  64,
  256,
  1024,
  4096,
  16384,
  65536,
  262144,
  1048576,
];

/** Most messages a second the crossover and vCPU slices offer. */
export const CROSSOVER_MAX_MSGS_S = 100_000;

/** Most payload a second the crossover and vCPU slices offer (bytes/s): 2 GiB/s. */
export const CROSSOVER_MAX_BYTES_S = 2 * 2 ** 30;

/**
 * The offered rate of a crossover or vCPU point (msgs/s): 100,000 msgs/s,
 * or 2 GiB/s of payload where that is less (from 32 KiB up), so that the
 * bus carries what is offered at every size and cycles per byte compare
 * the methods' work, not a queue.
 */
export function crossoverRate(bytes: number): number {
  return Math.min(CROSSOVER_MAX_MSGS_S, Math.floor(CROSSOVER_MAX_BYTES_S / bytes));
}

/**
 * Offered rate of the capacity slice (msgs/s): every message there at
 * once, so that the bus drains a full queue as fast as its busier side
 * allows and the throughput measured is what the method can carry.
 */
export const SATURATING_MSGS_S = 1e9;

/** Message size of the signalling slice (bytes): a small packet. */
export const SIGNAL_BYTES = 256;

/** Method of the signalling slice: transfer pages, as netvsc sends. */
export const SIGNAL_METHOD: BusMethod = "transfer-pages";

/** The methods of the vCPU slice. */
export const VCPU_METHODS: readonly BusMethod[] = ["transfer-pages", "remap"];

/** Whether an inline message of `bytes` fits the default ring (the core refuses it otherwise). */
export function inlineFits(bytes: number): boolean {
  return packetBytes(bytes, 0) < BUS_OPTIONS_FIELDS.ringPages.default * 4096;
}

/** A point at the defaults of every slice: vmbus, batch 1, one vCPU, the receiver not reading. */
function point(
  method: BusMethod,
  message_bytes: number,
  over: Partial<PartitionBusPoint> = {},
): PartitionBusPoint {
  return {
    method,
    message_bytes,
    signalling: "vmbus",
    offered_msgs_s: crossoverRate(message_bytes),
    batch: 1,
    vcpus: 1,
    receiver_touches: false,
    ...over,
  };
}

/** What varies between the quick and the full grid. */
interface GridShape {
  /** Whether the receiver reads the payload, in the crossover slice. */
  touches: readonly boolean[];
  /** Offered rates of the signalling slice (msgs/s). */
  signalRates: readonly number[];
  /** Batches of the signalling slice. */
  batches: readonly number[];
  /** vCPU counts of the vCPU slice. */
  vcpus: readonly number[];
  /** Message sizes of the vCPU slice (bytes). */
  vcpuSizes: readonly number[];
}

function buildGrid(shape: GridShape): PartitionBusPoint[] {
  const points: PartitionBusPoint[] = [];
  for (const receiver_touches of shape.touches) {
    for (const bytes of CROSSOVER_SIZES) {
      for (const method of METHODS) {
        if (method === "inline" && !inlineFits(bytes)) continue;
        points.push(point(method, bytes, { receiver_touches }));
      }
    }
  }
  for (const bytes of CROSSOVER_SIZES) {
    for (const method of METHODS) {
      if (method === "inline" && !inlineFits(bytes)) continue;
      points.push(point(method, bytes, { offered_msgs_s: SATURATING_MSGS_S }));
    }
  }
  for (const signalling of SIGNALLINGS) {
    for (const batch of shape.batches) {
      for (const offered_msgs_s of shape.signalRates) {
        points.push(point(SIGNAL_METHOD, SIGNAL_BYTES, { signalling, batch, offered_msgs_s }));
      }
    }
  }
  for (const method of VCPU_METHODS) {
    for (const bytes of shape.vcpuSizes) {
      for (const vcpus of shape.vcpus) points.push(point(method, bytes, { vcpus }));
    }
  }
  // The slices meet (the crossover's one-vCPU points are the vCPU slice's
  // first; 256 B at 100,000 msgs/s is in the signalling slice): each point once.
  return distinctPoints(points);
}

// A run of a message up to 16 KiB takes tens of ms; from 64 KiB up a few
// hundred (a 1 MiB run moves 100 MiB of payload through the caches): the
// quick grid keeps the crossover to the default receiver and the vCPU slice
// to two sizes.

/** The quick and full grids of the `partition-bus` experiment. */
export const PARTITION_BUS_GRIDS: TypedGrids<PartitionBusPoint> = {
  quick: buildGrid({
    touches: [false],
    signalRates: [1e4, 1e5, 1e6, 4e6],
    batches: [1, 16],
    vcpus: [1, 2, 4, 8],
    vcpuSizes: [4096, 65536],
  }),
  full: buildGrid({
    touches: [false, true],
    signalRates: [1e4, 3e4, 1e5, 3e5, 1e6, 2e6, 4e6],
    batches: [1, 4, 16],
    vcpus: [1, 2, 4, 8],
    vcpuSizes: [4096, 65536, 1048576],
  }),
  default: "quick",
};
