/**
 * A `partition-bus` point's run: messages sent from a guest to the host
 * partition over the bus, as `runBus` runs them.
 *
 * @module
 */

import { runBus } from "../../core/bus/bus.ts";
import type { BusOptions } from "../../core/bus/bus_params.ts";
import type { Row, RunContext } from "../experiment.ts";
import type { PartitionBusPoint } from "./point.ts";

/** The bus options of a point: every parameter, the rest at the options' defaults. */
export function busOptions(point: PartitionBusPoint): BusOptions {
  return {
    method: point.method,
    messageBytes: point.message_bytes,
    signalling: point.signalling,
    offeredMsgsS: point.offered_msgs_s,
    batch: point.batch,
    vcpus: point.vcpus,
    receiverTouches: point.receiver_touches,
  };
}

/** Runs one `partition-bus` point; returns the measurements, without the point's own fields. */
export function runPartitionBusPoint(point: PartitionBusPoint, context: RunContext): Row {
  const result = runBus(busOptions(point), context.cost, context.seed);
  // The policy's threshold is NaN for the other methods: left out of the
  // row (empty in the CSV), never written as a number.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !(typeof value === "number" && Number.isNaN(value))) row[key] = value;
  }
  return row;
}
