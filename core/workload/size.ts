/**
 * Parsing of byte sizes as users write them (`64M`, `8GiB`).
 *
 * @module
 */

/**
 * Thrown by {@linkcode parseSize} for text that is not a size; the message is
 * one line and quotes the text, so a command line can print it as is.
 *
 * @example
 * ```ts
 * import { parseSize, SizeError } from "./size.ts";
 * try {
 *   parseSize("lots");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e instanceof SizeError)) throw e;
 * }
 * ```
 */
export class SizeError extends Error {
  /**
   * Makes the error.
   *
   * @param message one line quoting the text and saying what was expected. */
  constructor(message: string) {
    super(message);
    this.name = "SizeError";
  }
}

const UNIT_SHIFT: Readonly<Record<string, number>> = { "": 0, k: 10, m: 20, g: 30, t: 40, p: 50 };

const SIZE_PATTERN = /^(\d+)\s*([kmgtp]?)(i?b)?$/i;

/**
 * Parses a byte size: a decimal integer with an optional binary unit `K`,
 * `M`, `G`, `T` or `P` (powers of 1024, case-insensitive), optionally
 * followed by `B` or `iB`. `B` alone is allowed; `iB` needs a unit.
 *
 * @throws {SizeError} with a one-line message naming the text, for anything
 *   else or a size beyond 2^53.
 *
 * @example
 * ```ts
 * import { parseSize } from "./size.ts";
 * if (parseSize("64M") !== 64 * 2 ** 20 || parseSize("8GiB") !== 8 * 2 ** 30) throw new Error();
 * if (parseSize("4096") !== 4096 || parseSize("128kb") !== 128 * 1024) throw new Error();
 * ```
 */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim());
  if (match === null || (match[3] !== undefined && match[3].length === 2 && match[2] === "")) {
    throw new SizeError(
      `Cannot parse size ${
        JSON.stringify(text)
      }: expected a whole number with an optional unit K, M, G, T or P (e.g. 64M, 8GiB)`,
    );
  }
  const value = Number(match[1]) * 2 ** UNIT_SHIFT[match[2].toLowerCase()];
  if (!Number.isSafeInteger(value)) {
    throw new SizeError(`Cannot parse size ${JSON.stringify(text)}: larger than 2^53 bytes`);
  }
  return value;
}
