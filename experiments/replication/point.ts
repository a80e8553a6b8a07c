/**
 * A point of the `replication` experiment: its parameters, declared as data
 * with their units (descriptions taken from the replication options they
 * set), and the typed point they give.
 *
 * @module
 */

import {
  FAILURES,
  REPLICATION_METHODS,
  REPLICATION_OPTIONS_FIELDS,
  type ReplicationMethod,
  type Restore,
  RESTORES,
} from "../../core/replication/replication_params.ts";
import type { Failure } from "../../core/replication/replication_params.ts";
import { LINK_PROFILE_NAMES } from "../../core/transfer/link_profile.ts";
import { describeParameter } from "../experiment.ts";
import type { ChoiceParameter, NumberParameter, PointOf } from "../parameters.ts";

/** How a point's backup brings the guest back: a memory restore, `boot` (disk replication) or `none` (no failover). */
export const POINT_RESTORES = [...RESTORES, "boot", "none"] as const;

/** A point's restore. */
export type PointRestore = Restore | "boot" | "none";

/** How {@linkcode REPLICATION_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type ReplicationParameters = {
  /** The replication method. */
  readonly method: ChoiceParameter<ReplicationMethod>;
  /** Checkpoint interval, ms. */
  readonly interval_ms: NumberParameter;
  /** Guest memory, GiB; 0 for disk replication. */
  readonly memory_gib: NumberParameter;
  /** Distinct-page dirty rate, MiB/s; 0 for disk replication. */
  readonly dirty_rate_mib_s: NumberParameter;
  /** Writable working set, fraction of memory; 0 for disk replication. */
  readonly wws_fraction: NumberParameter;
  /** The link between the hosts. */
  readonly link: ChoiceParameter<string>;
  /** What fails. */
  readonly failure: ChoiceParameter<Failure>;
  /** How the backup restores the guest. */
  readonly restore: ChoiceParameter<PointRestore>;
  /** Length of a link outage, ms; 0 for none. */
  readonly link_outage_ms: NumberParameter;
  /** Which of the point's failure-instant strata. */
  readonly instant: NumberParameter;
  /** How many strata the failure window is cut into. */
  readonly instants: NumberParameter;
};

/** The parameters of a `replication` point, in the order reports list them. */
export const REPLICATION_PARAMETERS: ReplicationParameters = {
  method: {
    kind: "choice",
    values: REPLICATION_METHODS,
    description: describeParameter(REPLICATION_OPTIONS_FIELDS, "method"),
  },
  interval_ms: {
    kind: "number",
    min: 0,
    description: describeParameter(REPLICATION_OPTIONS_FIELDS, "intervalMs"),
  },
  memory_gib: {
    kind: "number",
    min: 0,
    description: `${
      describeParameter(REPLICATION_OPTIONS_FIELDS, "memoryGib")
    }; 0 for disk replication, which does not model the guest's memory`,
  },
  dirty_rate_mib_s: {
    kind: "number",
    min: 0,
    description: `${
      describeParameter(REPLICATION_OPTIONS_FIELDS, "dirtyRateMibS")
    }; 0 for disk replication, which ships no memory`,
  },
  wws_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: `${
      describeParameter(REPLICATION_OPTIONS_FIELDS, "wwsFraction")
    }; 0 for disk replication`,
  },
  link: {
    kind: "choice",
    values: LINK_PROFILE_NAMES,
    description: `${
      describeParameter(REPLICATION_OPTIONS_FIELDS, "link")
    } (core/transfer/link_profile.ts)`,
  },
  failure: {
    kind: "choice",
    values: FAILURES,
    description: describeParameter(REPLICATION_OPTIONS_FIELDS, "failure"),
  },
  restore: {
    kind: "choice",
    values: POINT_RESTORES,
    description: `${
      describeParameter(REPLICATION_OPTIONS_FIELDS, "restore")
    }; boot for disk replication (the guest boots from the replica disk), none when the production host does not fail`,
  },
  link_outage_ms: {
    kind: "number",
    min: 0,
    // The option's own absence means "never"; a grid point needs a value.
    description:
      "the link between the hosts goes down for this long, starting once three intervals have passed (linkOutageAtMs, linkOutageMs), in ms; 0: the link stays up",
  },
  instant: {
    kind: "integer",
    min: 0,
    description:
      "which stratum k of the failure window the failure falls in: the failing host fails at window start + interval × (k + u) / instants, u in [0, 1) drawn from the seed; the window is one interval, 3 + j intervals in (j a whole number of intervals below one heartbeat, drawn from the seed), or the last interval of a link outage",
  },
  instants: {
    kind: "integer",
    min: 1,
    description:
      "how many equal strata the failure window is cut into (one failure instant per stratum: the point's several instants)",
  },
};

/** A point of the `replication` experiment. */
export type ReplicationPoint = PointOf<ReplicationParameters>;
