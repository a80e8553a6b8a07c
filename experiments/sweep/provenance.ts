/**
 * Where a row comes from: the vmlab version (from deno.json) and the git
 * commit of the source, when it runs from a checkout.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };

/** The vmlab version, as published. */
export const VMLAB_VERSION: string = denoJson.version;

/**
 * The commit the vmlab source is checked out at (`git rev-parse HEAD` in the
 * source folder), or `undefined` when there is no git, no checkout, or no
 * permission to run git.
 *
 * @example
 * ```ts ignore
 * import { gitCommit } from "./provenance.ts";
 * console.log((await gitCommit()) ?? "not a checkout");
 * ```
 */
export async function gitCommit(): Promise<string | undefined> {
  const here = new URL(".", import.meta.url);
  if (here.protocol !== "file:") return undefined;
  try {
    const output = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd: here,
      stdout: "piped",
      stderr: "null",
    }).output();
    const commit = new TextDecoder().decode(output.stdout).trim();
    return output.success && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}
