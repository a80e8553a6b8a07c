/**
 * The error for a user mistake on the command line or in an input file. The
 * CLI prints its message as one line, without a stack trace, and exits 2.
 *
 * @module
 */

/**
 * A one-line, user-facing error: an unknown option or experiment, a bad
 * value, an unreadable input file.
 *
 * @example
 * ```ts
 * import { UsageError } from "./usage_error.ts";
 * const error = new UsageError('Unknown experiment "nope"');
 * if (!(error instanceof Error) || error.name !== "UsageError") throw new Error();
 * ```
 */
export class UsageError extends Error {
  /** Creates the error with its one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
