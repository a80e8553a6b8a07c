/**
 * The error thrown for bad user input to the state mechanisms (snapshot,
 * restore, storage profiles): one line that names the field and the problem.
 *
 * @module
 */

/**
 * Bad input to a snapshot or restore run: an unknown method or storage
 * profile, a batch size out of range, and the like. The message is one line
 * that names the field; a CLI prints it without a stack trace.
 *
 * @example
 * ```ts
 * import { StateParamError } from "./state_error.ts";
 * const e = new StateParamError("batchPages", "must be an integer from 1 to 1024, got 0");
 * if (e.message !== "Snapshot/restore parameter batchPages: must be an integer from 1 to 1024, got 0") {
 *   throw new Error(e.message);
 * }
 * ```
 */
export class StateParamError extends Error {
  /** The parameter at fault. */
  readonly field: string;

  /**
   * Creates the error; the message is `Snapshot/restore parameter FIELD: PROBLEM`.
   *
   * @param field the parameter at fault, as the user writes it.
   * @param problem what is wrong with it, one line.
   */
  constructor(field: string, problem: string) {
    super(`Snapshot/restore parameter ${field}: ${problem}`);
    this.name = "StateParamError";
    this.field = field;
  }
}
