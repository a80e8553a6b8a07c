/**
 * The `--out DIR` option checked before any work starts: a sweep that runs
 * for minutes must not die at its first row because the folder cannot be
 * written.
 *
 * @module
 */

import { UsageError } from "./usage_error.ts";

/** Why a file-system call failed, in a few words, without the path it repeats or a stack. */
export function fileProblem(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or folder";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotCapable) {
    return "access not granted to this command (Deno permissions)";
  }
  if (error instanceof Deno.errors.AlreadyExists) return "a file of that name exists";
  if (error instanceof Deno.errors.NotADirectory) return "a part of the path is a file";
  if (error instanceof Deno.errors.IsADirectory) return "is a folder";
  const message = error instanceof Error ? error.message : String(error);
  // Deno appends the call and the path: `Read-only file system (os error 30): mkdir '/x'`.
  return message.split("\n")[0].replace(/:\s*\w+ '.*'$/, "").replace(/ \(os error \d+\)/, "");
}

/**
 * Makes sure `dir` is a folder this process can write: creates it (and its
 * parents) when absent, then writes and removes a probe file in it.
 *
 * @param dir the folder
 * @param option the option that named it, for the message (`--out`)
 * @throws {UsageError} `--out "DIR": cannot write there (why)` in one line
 *
 * @example
 * ```ts
 * import { checkOutDir } from "./out_dir.ts";
 * import assert from "node:assert/strict";
 * const file = await Deno.makeTempFile();
 * await assert.rejects(() => checkOutDir(file), { message: /^--out ".*": not a folder$/ });
 * const dir = await Deno.makeTempDir();
 * await checkOutDir(`${dir}/new/folder`);
 * assert.ok((await Deno.stat(`${dir}/new/folder`)).isDirectory);
 * await Deno.remove(dir, { recursive: true });
 * await Deno.remove(file);
 * ```
 */
export async function checkOutDir(dir: string, option = "--out"): Promise<void> {
  const named = `${option} ${JSON.stringify(dir)}`;
  const info = await Deno.stat(dir).catch((error) => error as Error);
  if (!(info instanceof Error) && !info.isDirectory) throw new UsageError(`${named}: not a folder`);
  if (info instanceof Error && !(info instanceof Deno.errors.NotFound)) {
    throw new UsageError(`${named}: cannot use it (${fileProblem(info)})`);
  }
  if (info instanceof Error) {
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(`${named}: cannot create the folder (${fileProblem(error)})`);
    }
  }
  try {
    const probe = await Deno.makeTempFile({ dir, prefix: ".vmlab-write-check-" });
    await Deno.remove(probe);
  } catch (error) {
    throw new UsageError(`${named}: cannot write in the folder (${fileProblem(error)})`);
  }
}
