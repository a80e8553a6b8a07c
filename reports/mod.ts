/**
 * Report rendering: self-contained HTML pages with server-rendered Observable
 * Plot figures, tables and provenance, plus CSV. Nothing here fetches from the
 * network or touches the file system; the experiment runner writes the files.
 * Rows are plain records of numbers, strings and booleans, so results from
 * any source render the same way.
 *
 * @example Rows to a CSV file's text and a page with a plot
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { html, renderPage, renderPlot, toCsv } from "./mod.ts";
 *
 * const rows = [
 *   { footprint_mib: 64, cycles_per_access: 3.1 },
 *   { footprint_mib: 1024, cycles_per_access: 9.8 },
 * ];
 * const csv = toCsv(rows);
 * if (csv.split("\r\n")[0] !== "footprint_mib,cycles_per_access") throw new Error(csv);
 *
 * const plot = renderPlot({ marks: [Plot.lineY(rows, { x: "footprint_mib", y: "cycles_per_access" })] });
 * const page = renderPage("Translation cost", html`<h1>Translation cost</h1>${plot}`);
 * if (!page.includes("<svg") || !page.startsWith("<!doctype html>")) throw new Error();
 * ```
 *
 * @example Render an index page that lists no experiments yet
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
export { columnDecimals, columnFormat, formatNumber } from "./number_format.ts";
export { formatSize, type SizeUnit } from "./size_format.ts";
export { renderPlot } from "./plot_svg.ts";
export { renderPage } from "./page.ts";
export { renderTable, type TableOptions } from "./table_html.ts";
export {
  type ExperimentReport,
  type ProfileFieldDoc,
  type Provenance,
  renderExperimentPage,
} from "./experiment_page.ts";
export { type IndexEntry, renderIndexPage } from "./index_page.ts";
export {
  type DictionaryEntry,
  type DictionarySection,
  renderDictionaryPage,
} from "./dictionary_page.ts";
export type {
  PlotSection,
  ReportSection,
  Row,
  TableColumn,
  TableSection,
  TextSection,
  ValidationCase,
  ValidationSection,
  Value,
} from "./report_section.ts";
export {
  agrees,
  DISAGREEMENT_FACTOR,
  renderValidation,
  validationRatio,
} from "./validation_html.ts";
export { REPORT_CSS } from "./style.ts";
