/**
 * The one error of an invalid machine configuration, shared by every layer
 * that validates part of one (machine, memory, platform, shadow strategies).
 *
 * @module
 */

/**
 * Thrown for an invalid machine configuration; the message is one line naming
 * the field.
 *
 * @example
 * ```ts
 * import { MachineConfigError } from "./config_error.ts";
 * const error = new MachineConfigError('field "vcpus": expected an integer from 1 to 64, got 0');
 * if (error.name !== "MachineConfigError") throw new Error();
 * ```
 */
export class MachineConfigError extends Error {
  /**
   * Creates the error.
   * @param message one line naming the field and the problem
   */
  constructor(message: string) {
    super(message);
    this.name = "MachineConfigError";
  }
}
