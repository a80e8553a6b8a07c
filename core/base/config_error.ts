/**
 * The one error of unusable configuration, whatever it configures: a
 * machine, its memory or shadow paging, a cost or storage profile, a
 * workload, a snapshot or restore.
 *
 * @module
 */

/**
 * Thrown for configuration that cannot be used. It names the component, the
 * field and the problem, and its message is one line made of the three —
 * `Cannot use machine config: field "memory.fragmentation": expected a
 * number from 0 to 1, got 1.5` — so a command line can print it as is, or
 * put its own option name in place of the field.
 *
 * @example Tell bad configuration from a bug
 * ```ts
 * import { ConfigError } from "./config_error.ts";
 * import assert from "node:assert/strict";
 * const error = new ConfigError("machine config", "vcpus", "expected an integer from 1 to 64, got 0");
 * assert.equal(
 *   error.message,
 *   'Cannot use machine config: field "vcpus": expected an integer from 1 to 64, got 0',
 * );
 * assert.equal(error.field, "vcpus");
 * ```
 */
export class ConfigError extends Error {
  /** What the configuration configures, e.g. `machine config` or `cost profile "my.json"`. */
  readonly component: string;
  /** Dotted path of the field at fault (`memory.fragmentation`), or `undefined` for the whole. */
  readonly field: string | undefined;
  /** What is wrong, ending with the value given: `expected ..., got ...`. */
  readonly problem: string;

  /**
   * Builds the message `Cannot use COMPONENT: field "FIELD": PROBLEM`.
   *
   * @param component what the configuration configures
   * @param field dotted path of the field at fault, or `undefined` for the whole
   * @param problem what is wrong, one line
   */
  constructor(component: string, field: string | undefined, problem: string) {
    super(`Cannot use ${component}: ${field === undefined ? "" : `field "${field}": `}${problem}`);
    this.name = "ConfigError";
    this.component = component;
    this.field = field;
    this.problem = problem;
  }
}
