/**
 * The report of the `replication` experiment.
 *
 * @module
 */
import type { ReportSection } from "../experiment.ts";
import type { Row } from "../experiment.ts";
/** The sections of the `replication` report. */
export const REPLICATION_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Reading", text: (rows: readonly Row[]) => `${rows.length}` },
];
/** Headline. */
export function replicationHeadline(rows: readonly Row[]): string {
  return `${rows.length} rows.`;
}
