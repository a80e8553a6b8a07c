/**
 * The one command-line parser of the `deno task` commands: `node:util`'s
 * `parseArgs`, with the mistakes it reports in several lines or in its own
 * words (`argument is ambiguous`, an unbalanced quote) said as vmlab's one
 * line naming the option, and negative numbers taken as values. An option
 * given twice takes its last value, as in most command lines, so that a
 * script can append an override to a base command.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./usage_error.ts";

/** The options of a command, as `parseArgs` declares them. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** A value that reads as a negative number (`-5`, `-64M`, `-.5`, `-1e3`): a value, not an option. */
const NEGATIVE = /^-(\d|\.\d)/;

/** The option `--name` (or `-n`) names, if `options` has it. */
function optionOf(
  options: CommandOptions,
  arg: string,
): [string, CommandOptions[string]] | undefined {
  if (arg.startsWith("--")) {
    const name = arg.slice(2).split("=")[0];
    return Object.hasOwn(options, name) ? [name, options[name]] : undefined;
  }
  if (/^-[^-]$/.test(arg)) {
    const entry = Object.entries(options).find(([, o]) => o.short === arg[1]);
    return entry;
  }
  return undefined;
}

/**
 * `args` with every string option followed by a negative number written as
 * `--option=-5`, which is how `parseArgs` takes a value that starts with a
 * dash; everything after `--` is left alone.
 *
 * @example
 * ```ts
 * import { joinNegativeValues } from "./command_line.ts";
 * import assert from "node:assert/strict";
 * const options = { seed: { type: "string" }, json: { type: "boolean" } } as const;
 * assert.deepEqual(joinNegativeValues(["--seed", "-1", "--json"], options), ["--seed=-1", "--json"]);
 * ```
 */
export function joinNegativeValues(args: readonly string[], options: CommandOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const option = arg.includes("=") ? undefined : optionOf(options, arg);
    const next = args[i + 1];
    if (option?.[1].type === "string" && next !== undefined && NEGATIVE.test(next)) {
      out.push(`--${option[0]}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The option a `parseArgs` message quotes first: `'--accesses'` or `'--trace <value>'`. */
function quotedOption(message: string): string {
  return /'(-[^' ]+)/.exec(message)?.[1] ?? "an option";
}

/** A parseArgs error said as one line in vmlab's words. */
function rephrase(error: Error, args: readonly string[]): UsageError {
  const message = error.message;
  const option = quotedOption(message);
  if (/argument is ambiguous/.test(message)) {
    const at = args.indexOf(option);
    const next = at >= 0 ? args[at + 1] : undefined;
    return new UsageError(
      `${option}: expected a value, got the option ${JSON.stringify(next ?? "")}` +
        ` (write ${option}=VALUE for a value that starts with "-")`,
    );
  }
  if (/argument missing/.test(message)) {
    return new UsageError(`${option}: expected a value after it`);
  }
  if (/does not take an argument/.test(message)) {
    return new UsageError(`${option} takes no value`);
  }
  if (/^Unknown option/.test(message)) {
    return new UsageError(`unknown option ${JSON.stringify(option)} (see --help)`);
  }
  if (/positional/.test(message)) {
    return new UsageError(`unexpected argument (see --help)`);
  }
  return new UsageError(message.split("\n")[0]);
}

/**
 * Parses a command line strictly: unknown options, a string option without
 * its value and a value given to a flag are {@linkcode UsageError}s of one
 * line naming the option.
 * A negative number after a string option is its value (`--seed -1`).
 *
 * @param args the arguments after the command
 * @param options the command's options
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./command_line.ts";
 * import assert from "node:assert/strict";
 * const options = { seed: { type: "string" }, json: { type: "boolean" } } as const;
 * const { values, positionals } = parseCommandLine(["run", "--seed", "-1"], options);
 * assert.equal(values.seed, "-1");
 * assert.deepEqual(positionals, ["run"]);
 * assert.throws(() => parseCommandLine(["--bogus"], options), {
 *   message: 'unknown option "--bogus" (see --help)',
 * });
 * ```
 */
export function parseCommandLine<const O extends CommandOptions>(
  args: readonly string[],
  options: O,
) {
  const joined = joinNegativeValues(args, options);
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    if (error instanceof TypeError && "code" in error) throw rephrase(error, joined);
    throw error;
  }
}
