/**
 * A point of the `partition-bus` experiment: its parameters, declared as
 * data with their units (descriptions taken from the bus options they set),
 * and the typed point they give.
 *
 * @module
 */

import {
  BUS_METHODS,
  BUS_OPTIONS_FIELDS,
  type BusMethod,
  MAX_MESSAGE_BYTES,
  type Signalling,
  SIGNALLING_MODES,
} from "../../core/bus/bus_params.ts";
import { describeParameter } from "../experiment.ts";
import type { ChoiceParameter, NumberParameter, PointOf } from "../parameters.ts";

/** How {@linkcode PARTITION_BUS_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type PartitionBusParameters = {
  /** The transfer method. */
  readonly method: ChoiceParameter<BusMethod>;
  /** Payload of each message, bytes. */
  readonly message_bytes: NumberParameter;
  /** The signalling mode. */
  readonly signalling: ChoiceParameter<Signalling>;
  /** Rate messages arrive at, msgs/s. */
  readonly offered_msgs_s: NumberParameter;
  /** Most messages per doorbell. */
  readonly batch: NumberParameter;
  /** vCPUs of the sending guest. */
  readonly vcpus: NumberParameter;
  /** Whether the receiver reads each payload. */
  readonly receiver_touches: ChoiceParameter<boolean>;
};

/** The parameters of a `partition-bus` point, in the order reports list them. */
export const PARTITION_BUS_PARAMETERS: PartitionBusParameters = {
  method: {
    kind: "choice",
    values: BUS_METHODS,
    description: describeParameter(BUS_OPTIONS_FIELDS, "method"),
  },
  message_bytes: {
    kind: "integer",
    min: 1,
    max: MAX_MESSAGE_BYTES,
    description: describeParameter(BUS_OPTIONS_FIELDS, "messageBytes"),
  },
  signalling: {
    kind: "choice",
    values: SIGNALLING_MODES,
    description: describeParameter(BUS_OPTIONS_FIELDS, "signalling"),
  },
  offered_msgs_s: {
    kind: "number",
    min: 0,
    description: describeParameter(BUS_OPTIONS_FIELDS, "offeredMsgsS"),
  },
  batch: {
    kind: "integer",
    min: 1,
    description: describeParameter(BUS_OPTIONS_FIELDS, "batch"),
  },
  vcpus: {
    kind: "integer",
    min: 1,
    description: describeParameter(BUS_OPTIONS_FIELDS, "vcpus"),
  },
  receiver_touches: {
    kind: "choice",
    values: [false, true],
    description: describeParameter(BUS_OPTIONS_FIELDS, "receiverTouches"),
  },
};

/** A point of the `partition-bus` experiment. */
export type PartitionBusPoint = PointOf<PartitionBusParameters>;
