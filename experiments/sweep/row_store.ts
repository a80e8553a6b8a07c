/**
 * The rows of a sweep on disk: one JSON object per line, appended as each
 * point finishes, so an interrupted sweep keeps every finished point. A
 * process killed mid-write leaves a torn last line; reading drops it (that
 * point simply runs again) and cuts the file back to its last full line so
 * that later appends start on a fresh line.
 *
 * @module
 */

import type { Row } from "../experiment.ts";
import { UsageError } from "../cli/usage_error.ts";

/** Field of every stored row that holds its point id. */
export const POINT_ID_KEY = "point_id";

/** Options of {@linkcode loadRows}. */
export interface LoadRowsOptions {
  /** Cut a torn last line off the file (needs write permission). Default true. */
  repair?: boolean;
}

/**
 * Reads the rows of a JSON Lines file; a missing file has none. When two
 * rows share a point id the first is kept.
 *
 * @example
 * ```ts ignore
 * import { loadRows } from "./row_store.ts";
 * const rows = await loadRows("reports/out/translation.jsonl");
 * ```
 * @throws {UsageError} naming the file and line when a complete line is not a row.
 */
export async function loadRows(path: string, options: LoadRowsOptions = {}): Promise<Row[]> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new UsageError(`Cannot read rows "${path}": ${(error as Error).message}`);
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length && (options.repair ?? true)) await Deno.truncate(path, end);
  const lines = new TextDecoder().decode(bytes.subarray(0, end)).split("\n");
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = undefined;
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new UsageError(`Cannot read rows "${path}": line ${i + 1}: not a JSON object`);
    }
    const id = (row as Row)[POINT_ID_KEY];
    if (typeof id !== "string") {
      throw new UsageError(`Cannot read rows "${path}": line ${i + 1}: no "${POINT_ID_KEY}" field`);
    }
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push(row as Row);
  }
  return rows;
}

/**
 * Appends one row as one line, in a single synchronous write, so that a row
 * is on disk before the next one is accepted.
 *
 * @example
 * ```ts ignore
 * import { appendRow } from "./row_store.ts";
 * appendRow("reports/out/demo.jsonl", { point_id: "00ff", x: 1 });
 * ```
 */
export function appendRow(path: string, row: Row): void {
  Deno.writeTextFileSync(path, JSON.stringify(row) + "\n", { append: true });
}
