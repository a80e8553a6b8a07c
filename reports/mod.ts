/**
 * Report rendering: self-contained HTML pages with server-rendered Observable
 * Plot figures, tables and provenance, plus CSV. Nothing here fetches from the
 * network or touches the file system; the experiment runner writes the files.
 *
 * @example Render a one-experiment index page
 * ```ts
 * import { renderIndexPage } from "./mod.ts";
 * const page = renderIndexPage([], "0.1.0");
 * if (!page.startsWith("<!doctype html>")) throw new Error();
 * ```
 *
 * @module
 */

export { escapeHtml, html, type HtmlValue, SafeHtml } from "./html.ts";
export { columnsOf, csvField, toCsv } from "./csv.ts";
export { formatNumber } from "./number_format.ts";
export { renderPlot } from "./plot_svg.ts";
export { renderPage } from "./page.ts";
export { renderTable, type TableOptions } from "./table_html.ts";
export { type ExperimentReport, type Provenance, renderExperimentPage } from "./experiment_page.ts";
export { type IndexEntry, renderIndexPage } from "./index_page.ts";
export type {
  PlotSection,
  ReportSection,
  Row,
  TableColumn,
  TableSection,
  TextSection,
  Value,
} from "./report_section.ts";
export { REPORT_CSS } from "./style.ts";
