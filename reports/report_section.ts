/**
 * What a report is made of: result rows, and the sections an experiment
 * declares to present them (plots, tables, a written reading). Sections are
 * functions of the rows, so a merged or resumed sweep renders exactly like a
 * sweep run in one go.
 *
 * @module
 */

import type { SizeUnit } from "./size_format.ts";

/** One cell of a result row. */
export type Value = number | string | boolean;

/** A flat, JSON-serialisable result record: parameters, measurements and provenance. */
export type Row = Record<string, Value>;

/**
 * A plot. `plot` returns Observable Plot options (a `PlotOptions` object of
 * `@observablehq/plot`; the renderer injects the `document`) or ready SVG
 * markup, which is inserted verbatim and so must come from experiment code,
 * never from user input. The options are typed `object` here so that Plot's
 * large option types stay out of this package's public API.
 */
export interface PlotSection {
  /** Discriminant. */
  kind: "plot";
  /** Heading above the plot. */
  title: string;
  /** A sentence under the plot saying how to read it. */
  caption?: string;
  /** Builds the figure from the rows the report shows. */
  plot(rows: readonly Row[]): object | string;
}

/** A column of a {@linkcode TableSection}. */
export interface TableColumn {
  /** Field of the row shown in this column. */
  key: string;
  /** Column heading; defaults to `key`. */
  label?: string;
  /** Unit shown under the heading, e.g. `cycles` or `refs/walk`. */
  unit?: string;
  /**
   * Digits after the decimal point of every cell when the column holds a
   * non-integer below 1,000; default three significant digits of the
   * smallest non-zero magnitude. A column of integers shows none.
   */
  digits?: number;
  /**
   * The column's numbers are memory sizes in this unit: each cell is shown
   * in the unit that reads best (`64 MiB`, not `0.0625 GiB`), so give the
   * column no `unit`. Default: plain numbers.
   */
  size?: SizeUnit;
  /** Text that wraps (a sentence of prose) instead of one line per cell. Default false. */
  wrap?: boolean;
}

/** A table computed from the rows. */
export interface TableSection {
  /** Discriminant. */
  kind: "table";
  /** Heading above the table. */
  title: string;
  /** A sentence under the table. */
  caption?: string;
  /** Columns in order. */
  columns: readonly TableColumn[];
  /** The table's rows, derived from the report's rows. */
  rows(rows: readonly Row[]): readonly Row[];
}

/**
 * Prose computed from the rows. Paragraphs are separated by blank lines;
 * text between backticks is set as code. Everything is escaped.
 */
export interface TextSection {
  /** Discriminant. */
  kind: "text";
  /** Heading above the text. */
  title: string;
  /** Writes the text from the rows. */
  text(rows: readonly Row[]): string;
}

/**
 * One comparison of a lab figure with a published one: the closest case the
 * lab can set beside a paper's figure.
 */
export interface ValidationCase {
  /** What is compared, e.g. "translation share of run time, 4K pages, native". */
  case: string;
  /** The lab's figure, computed from the rows. */
  lab: number;
  /** The published figure, or a published range `[low, high]`. */
  published: number | readonly [number, number];
  /** Unit of both figures, e.g. `%`, `cycles`, `ms`. */
  unit: string;
  /** Where the published figure comes from: authors, title, venue, year, and where in it. */
  citation: string;
  /**
   * How the lab's case differs from the published one, and, where they
   * disagree by more than 2×, why. Shown beside the comparison.
   */
  note: string;
}

/**
 * The lab's figures beside published ones, with the ratio; cases that
 * disagree by more than 2× are called out with their explanation.
 */
export interface ValidationSection {
  /** Discriminant. */
  kind: "validation";
  /** Heading above the comparison. */
  title: string;
  /** A sentence before the table: what the lab's cases are and how they differ from the papers'. */
  intro?: string;
  /** The comparisons, computed from the rows. */
  cases(rows: readonly Row[]): readonly ValidationCase[];
}

/** Any section of an experiment's report. */
export type ReportSection = PlotSection | TableSection | TextSection | ValidationSection;
