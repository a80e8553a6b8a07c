/**
 * The error for a trace that cannot be read or parsed.
 *
 * @module
 */

/**
 * Thrown when a trace file cannot be opened or read, or holds a malformed or
 * truncated record. The message is one line, names the trace and (when it
 * applies) the line, e.g.
 * `Cannot parse trace "ls.lackey": line 12: expected "," after the address in " L 7ff0 8"`,
 * so a command line can print it as is instead of a stack trace.
 *
 * @example Tell a bad trace from a bug
 * ```ts
 * import { TraceError } from "./trace_error.ts";
 * try {
 *   throw new TraceError('Cannot parse trace "t.txt": line 3: truncated record');
 * } catch (e) {
 *   if (!(e instanceof TraceError)) throw e;
 * }
 * ```
 */
export class TraceError extends Error {
  /**
   * Makes the error.
   *
   * @param message one line naming the trace, the line if any, and the problem.
   */
  constructor(message: string) {
    super(message);
    this.name = "TraceError";
  }
}
