/**
 * What every `deno task` command does with a mistake: one line on stderr,
 * prefixed with the command's name, and exit code 2; never a stack trace.
 * A failure that is not the user's propagates, since it is a bug to see.
 *
 * @module
 */

import { ConfigError } from "../../core/base/config_error.ts";
import { UsageError } from "./usage_error.ts";

/** An error class a command counts as the user's mistake besides the common ones. */
// deno-lint-ignore no-explicit-any -- any constructor of an Error will do
export type UserErrorClass = abstract new (...args: any[]) => Error;

/** Whether `error` is `parseArgs` rejecting the command line. */
function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && "code" in error &&
    String((error as { code: unknown }).code).startsWith("ERR_PARSE_ARGS");
}

/**
 * Runs a command's body and returns its exit code: 0 when it completes, 2
 * after printing `NAME: message` on one line when it fails with a
 * {@linkcode UsageError}, a {@linkcode ConfigError}, a `parseArgs` error or
 * one of `userErrors`.
 *
 * @param name the command, as the message starts
 * @param body the command's work
 * @param userErrors further error classes that are the user's mistake (a bad trace line)
 *
 * @example
 * ```ts
 * import { runCommand } from "./command.ts";
 * import { UsageError } from "./usage_error.ts";
 * const code = await runCommand("demo", () => Promise.reject(new UsageError("no such phase")));
 * if (code !== 2) throw new Error();
 * ```
 */
export async function runCommand(
  name: string,
  body: () => Promise<void>,
  userErrors: readonly UserErrorClass[] = [],
): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    const userError = error instanceof UsageError || error instanceof ConfigError ||
      isParseArgsError(error) || userErrors.some((kind) => error instanceof kind);
    if (!userError) throw error;
    // parseArgs explains some mistakes over several lines; a user error stays one line.
    console.error(`${name}: ${(error as Error).message.replace(/\s*\n\s*/g, " ")}`);
    return 2;
  }
}
