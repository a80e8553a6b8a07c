/**
 * Running the command-line programs from their tests: a `main()` in this
 * process with the console captured, or a script as a separate process, the
 * way a user runs it; and the check that an error is one line.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type CliOptions, runCli } from "../../../experiments/cli/experiment_cli.ts";
import type { ProgressStream } from "../../../experiments/sweep/progress.ts";

/** What a command printed, and its exit code. */
export interface Output {
  /** Exit code. */
  code: number;
  /** Standard output (in-process: the `console.log` lines joined by newlines). */
  out: string;
  /** Standard error (in-process: the `console.error` lines joined by newlines). */
  err: string;
}

/** Runs `main(args)` with `console.log` and `console.error` captured. */
export async function captureMain(
  main: (args: string[]) => Promise<number>,
  args: string[],
): Promise<Output> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...x: unknown[]) => void out.push(x.join(" "));
  console.error = (...x: unknown[]) => void err.push(x.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Options of {@linkcode runScript}. */
export interface RunScriptOptions {
  /** Text written to the process's standard input; default: none. */
  stdin?: string;
  /** Permission flags; default `--allow-read --allow-env`. */
  permissions?: string[];
}

/** Runs a script as `deno run` in a separate process, as a user would, with `NO_COLOR` set. */
export async function runScript(
  script: URL,
  args: string[],
  options: RunScriptOptions = {},
): Promise<Output> {
  const permissions = options.permissions ?? ["--allow-read", "--allow-env"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, script.pathname, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, out: decoder.decode(stdout), err: decoder.decode(stderr) };
}

/** The error output's only line; fails if there are more lines or a stack trace. */
export function oneLine(err: string): string {
  const lines = err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${err}`);
  assert.doesNotMatch(err, /\bat .*\.ts:\d+/, "no stack trace");
  return lines[0];
}

/** What {@linkcode experimentCli} gives: the exit code, the printed lines and the progress text. */
export interface ExperimentOutput {
  /** Exit code. */
  code: number;
  /** Lines printed to standard output. */
  out: string[];
  /** Everything written to standard error (progress and errors), as text. */
  err: string;
}

/**
 * Runs the experiment command in this process (`runCli`), its output and
 * its stderr (not a terminal) captured; `options` may give a registry.
 */
export async function experimentCli(
  args: string[],
  options: Pick<CliOptions, "registry" | "registryUrl"> = {},
): Promise<ExperimentOutput> {
  const out: string[] = [];
  let err = "";
  const stderr: ProgressStream = {
    writeSync(bytes: Uint8Array): number {
      err += new TextDecoder().decode(bytes);
      return bytes.length;
    },
    isTerminal: () => false,
  };
  const code = await runCli(args, {
    ...options,
    print: (line) => out.push(line),
    stderr,
    signal: new AbortController().signal,
  });
  return { code, out, err };
}
