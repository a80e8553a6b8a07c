/**
 * Rows to an HTML table: numbers right-aligned in tabular figures, each
 * column formatted one way by {@linkcode columnFormat}, booleans as check marks, units under
 * the headings, parameter columns set apart from measurements.
 *
 * @module
 */

import { html, type SafeHtml } from "./html.ts";
import { columnFormat } from "./number_format.ts";
import { formatSize } from "./size_format.ts";
import type { Row, TableColumn, Value } from "./report_section.ts";

/** Options of {@linkcode renderTable}. */
export interface TableOptions {
  /** Keys of columns that are sweep parameters, shaded apart. Default none. */
  parameterKeys?: ReadonlySet<string>;
  /** Cap the height and scroll inside the table (for long tables). Default false. */
  tall?: boolean;
}

function cell(
  value: Value | undefined,
  format: (value: number) => string,
  className: string,
  numeric: boolean,
): SafeHtml {
  // NaN is a measure that could not be computed: shown like a missing one, not as "NaN".
  if (value === undefined || Number.isNaN(value)) {
    return html`<td class="${numeric ? "num " : ""}${className} muted">—</td>`;
  }
  if (typeof value === "number") {
    return html`<td class="num ${className}">${format(value)}</td>`;
  }
  if (typeof value === "boolean") {
    return value
      ? html`<td class="yes ${className}">✓ yes</td>`
      : html`<td class="no ${className}">✗ no</td>`;
  }
  return html`<td class="${className}">${value}</td>`;
}

/**
 * Renders rows as a table with the given columns.
 *
 * @example
 * ```ts
 * import { renderTable } from "./table_html.ts";
 * const table = renderTable([{ size: "4k", refs: 24 }], [
 *   { key: "size", label: "page size" },
 *   { key: "refs", label: "references", unit: "per walk" },
 * ]).value;
 * if (!table.includes('<td class="num ">24</td>')) throw new Error(table);
 * ```
 */
export function renderTable(
  rows: readonly Row[],
  columns: readonly TableColumn[],
  options: TableOptions = {},
): SafeHtml {
  const parameterKeys = options.parameterKeys ?? new Set<string>();
  const numeric = columns.map((c) =>
    rows.some((r) => typeof r[c.key] === "number") &&
    rows.every((r) => r[c.key] === undefined || typeof r[c.key] === "number")
  );
  const formats = columns.map((c) =>
    c.size !== undefined ? (value: number) => formatSize(value, c.size) : columnFormat(
      rows.map((r) => r[c.key]).filter((v): v is number => typeof v === "number"),
      c.digits,
    )
  );
  const classes = columns.map((c) =>
    [parameterKeys.has(c.key) ? "param" : "", c.wrap ? "prose" : ""].filter((x) => x).join(" ")
  );
  const head = columns.map((c, i) =>
    html`<th scope="col" class="${numeric[i] ? "num " : ""}${classes[i]}">${c.label ?? c.key}${
      c.unit ? html`<span class="unit">${c.unit}</span>` : ""
    }</th>`
  );
  const body = rows.map((r) =>
    html`<tr>${
      columns.map((c, i) =>
        cell(Object.hasOwn(r, c.key) ? r[c.key] : undefined, formats[i], classes[i], numeric[i])
      )
    }</tr>\n`
  );
  return html`
    <div class="table-wrap${options.tall ? " tall" : ""}">
      <table>
        <thead>
          <tr>${head}</tr>
        </thead>
        <tbody>
    ${body}</tbody>
      </table>
    </div>
  `;
}
