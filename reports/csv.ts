/**
 * Rows to CSV (RFC 4180): a header row, one line per row, CRLF line ends,
 * fields quoted when they hold a comma, a quote, a line break or edge spaces.
 *
 * @module
 */

import type { Row } from "./report_section.ts";

/**
 * Quotes one CSV field when it needs it; inner quotes are doubled.
 *
 * @example
 * ```ts
 * import { csvField } from "./csv.ts";
 * if (csvField('say "hi", twice') !== '"say ""hi"", twice"') throw new Error();
 * if (csvField("plain") !== "plain") throw new Error();
 * ```
 */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The columns of a set of rows: every key once. A key first met in a later
 * row goes right after the key that precedes it in that row (at the end when
 * nothing precedes it), so optional fields keep their place among the others.
 *
 * @example
 * ```ts
 * import { columnsOf } from "./csv.ts";
 * const columns = columnsOf([{ a: 1, c: 3 }, { a: 2, b: "x", c: 4 }]);
 * if (columns.join() !== "a,b,c") throw new Error(columns.join());
 * ```
 */
export function columnsOf(rows: readonly Row[]): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    let previous = -1;
    for (const key of Object.keys(row)) {
      if (seen.has(key)) {
        previous = columns.indexOf(key);
        continue;
      }
      seen.add(key);
      previous = previous < 0 ? columns.length : previous + 1;
      columns.splice(previous, 0, key);
    }
  }
  return columns;
}

/**
 * Formats rows as CSV. Columns default to {@linkcode columnsOf}; a row
 * lacking a column gets an empty field. Numbers are written in full
 * precision, booleans as `true`/`false`.
 *
 * @example
 * ```ts
 * import { toCsv } from "./csv.ts";
 * const csv = toCsv([{ name: "a,b", n: 1 }, { name: "c", n: 2.5 }]);
 * if (csv !== 'name,n\r\n"a,b",1\r\nc,2.5\r\n') throw new Error(csv);
 * ```
 */
export function toCsv(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    lines.push(
      columns.map((c) => (Object.hasOwn(row, c) ? csvField(String(row[c])) : "")).join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
