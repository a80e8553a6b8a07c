/**
 * The error for a bad workload name or option.
 *
 * @module
 */

/**
 * Thrown when a workload name is unknown or an option is invalid. The
 * message is one line and names the workload or field, so a command line
 * can print it as is instead of a stack trace.
 *
 * @example Tell a user mistake from a bug
 * ```ts
 * import { WorkloadError } from "./workload_error.ts";
 * try {
 *   throw new WorkloadError('Invalid workload option "accesses": expected a positive integer, got -1');
 * } catch (e) {
 *   if (!(e instanceof WorkloadError)) throw e;
 * }
 * ```
 */
export class WorkloadError extends Error {
  /**
   * Makes the error.
   *
   * @param message one line naming the workload or field and the problem. */
  constructor(message: string) {
    super(message);
    this.name = "WorkloadError";
  }
}
