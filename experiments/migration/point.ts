/**
 * A point of the `migration` experiment: its parameters, declared as data
 * with their units (descriptions taken from the migration options they
 * set), and the typed point they give.
 *
 * @module
 */

import type { DirtyLogMethod } from "../../core/machine/machine_config.ts";
import { DIRTY_LOG_METHODS } from "../../core/machine/machine_config.ts";
import {
  MIGRATION_METHODS,
  MIGRATION_OPTIONS_FIELDS,
  type MigrationMethod,
  STOP_RULES,
  type StopRule,
} from "../../core/migration/migration_params.ts";
import { LINK_PROFILE_NAMES } from "../../core/transfer/link_profile.ts";
import { FORK_OPTIONS_FIELDS, FORK_PLACEMENTS } from "../../core/migration/fork_params.ts";
import { describeParameter } from "../experiment.ts";
import type { ChoiceParameter, NumberParameter, PointOf } from "../parameters.ts";

/** What a point runs: a live migration, or a VM fork (children started from a suspended parent). */
export const MIGRATION_PHASES = ["migrate", "fork"] as const;

/** Where a fork's children run, or none for a migration. */
export const MIGRATION_PLACEMENTS = ["none", ...FORK_PLACEMENTS] as const;

/** How {@linkcode MIGRATION_PARAMETERS} declares each parameter (written out for JSR's fast types). */
export type MigrationParameters = {
  /** What the point runs: a live migration or a VM fork. */
  readonly phase: ChoiceParameter<typeof MIGRATION_PHASES[number]>;
  /** The migration method, or `fork`. */
  readonly method: ChoiceParameter<MigrationMethod | "fork">;
  /** Pre-copy's stop rule, or none. */
  readonly stop_rule: ChoiceParameter<"none" | StopRule>;
  /** QEMU's auto-converge on or off. */
  readonly auto_converge: ChoiceParameter<boolean>;
  /** Post-copy's preempt channel on or off. */
  readonly preempt: ChoiceParameter<boolean>;
  /** How dirty pages are logged, or none. */
  readonly dirty_log: ChoiceParameter<"none" | DirtyLogMethod>;
  /** The network link. */
  readonly link: ChoiceParameter<string>;
  /** Guest memory, GiB. */
  readonly memory_gib: NumberParameter;
  /** Distinct-page dirty rate, MiB/s. */
  readonly dirty_rate_mib_s: NumberParameter;
  /** Writable working set, fraction of memory. */
  readonly wws_fraction: NumberParameter;
  /** When the link fails, ms after the start; 0 for never. */
  readonly link_fail_ms: NumberParameter;
  /** Children of a fork; 0 for a migration. */
  readonly children: NumberParameter;
  /** Where a fork's children run, or none. */
  readonly placement: ChoiceParameter<typeof MIGRATION_PLACEMENTS[number]>;
  /** A fork's working-set prefetch on or off. */
  readonly prefetch: ChoiceParameter<boolean>;
  /** A remote fork's multicast on or off. */
  readonly multicast: ChoiceParameter<boolean>;
};

/** The parameters of a `migration` point, in the order reports list them. */
export const MIGRATION_PARAMETERS: MigrationParameters = {
  phase: {
    kind: "choice",
    values: MIGRATION_PHASES,
    description:
      "migrate: one live migration of a running guest to another host; fork: one suspended parent forked into children that fetch its memory on first touch",
  },
  method: {
    kind: "choice",
    values: [...MIGRATION_METHODS, "fork"],
    description: `${describeParameter(MIGRATION_OPTIONS_FIELDS, "method")}; fork for a fork`,
  },
  stop_rule: {
    kind: "choice",
    values: ["none", ...STOP_RULES],
    description: `${
      describeParameter(MIGRATION_OPTIONS_FIELDS, "stopRule")
    }; none for stop-and-copy and post-copy`,
  },
  auto_converge: {
    kind: "choice",
    values: [false, true],
    description: `${
      describeParameter(MIGRATION_OPTIONS_FIELDS, "autoConverge")
    }; only with the qemu stop rule`,
  },
  preempt: {
    kind: "choice",
    values: [false, true],
    description: `${
      describeParameter(MIGRATION_OPTIONS_FIELDS, "preempt")
    }; post-copy and hybrid only`,
  },
  dirty_log: {
    kind: "choice",
    values: ["none", ...DIRTY_LOG_METHODS],
    description: `${
      describeParameter(MIGRATION_OPTIONS_FIELDS, "dirtyLog")
    }; none for stop-and-copy and post-copy`,
  },
  link: {
    kind: "choice",
    values: ["none", ...LINK_PROFILE_NAMES],
    description: `${
      describeParameter(MIGRATION_OPTIONS_FIELDS, "link")
    } (core/transfer/link_profile.ts); for a fork, the link to the children's host, none for local children`,
  },
  memory_gib: {
    kind: "number",
    min: 0,
    description: describeParameter(MIGRATION_OPTIONS_FIELDS, "memoryGib"),
  },
  dirty_rate_mib_s: {
    kind: "number",
    min: 0,
    description: describeParameter(MIGRATION_OPTIONS_FIELDS, "dirtyRateMibS"),
  },
  wws_fraction: {
    kind: "number",
    min: 0,
    max: 1,
    description: describeParameter(MIGRATION_OPTIONS_FIELDS, "wwsFraction"),
  },
  link_fail_ms: {
    kind: "number",
    min: 0,
    // The option's own absence means "never"; a grid point needs a value.
    description:
      "the link fails for good this long after the migration starts, and what is in flight is lost (linkFailMs), in ms; 0: the link never fails",
  },
  children: {
    kind: "integer",
    min: 0,
    description: `${describeParameter(FORK_OPTIONS_FIELDS, "children")}; 0 for a migration`,
  },
  placement: {
    kind: "choice",
    values: MIGRATION_PLACEMENTS,
    description: `${describeParameter(FORK_OPTIONS_FIELDS, "placement")}; none for a migration`,
  },
  prefetch: {
    kind: "choice",
    values: [false, true],
    description: `${describeParameter(FORK_OPTIONS_FIELDS, "prefetch")}; fork only`,
  },
  multicast: {
    kind: "choice",
    values: [false, true],
    description: `${describeParameter(FORK_OPTIONS_FIELDS, "multicast")}; remote fork only`,
  },
};

/** A point of the `migration` experiment. */
export type MigrationPoint = PointOf<MigrationParameters>;
