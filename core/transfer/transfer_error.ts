/**
 * The error thrown for a bad transport description (a storage or link
 * profile given as data, an unknown profile name): one line naming the field.
 *
 * @module
 */

/**
 * A storage or link profile that cannot be used. The message is one line
 * naming the field; a command line prints it without a stack trace.
 *
 * @example
 * ```ts
 * import { TransferError } from "./transfer_error.ts";
 * const e = new TransferError("storage.queueDepth", "must be an integer, got 1.5");
 * if (e.message !== "Transfer parameter storage.queueDepth: must be an integer, got 1.5") {
 *   throw new Error(e.message);
 * }
 * ```
 */
export class TransferError extends Error {
  /** The field at fault, e.g. `storage.queueDepth` or `link`. */
  readonly field: string;
  /** What is wrong with it, one line. */
  readonly problem: string;

  /**
   * Creates the error; the message is `Transfer parameter FIELD: PROBLEM`.
   * @param field the field at fault
   * @param problem what is wrong with it, one line
   */
  constructor(field: string, problem: string) {
    super(`Transfer parameter ${field}: ${problem}`);
    this.name = "TransferError";
    this.field = field;
    this.problem = problem;
  }
}
