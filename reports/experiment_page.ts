/**
 * The report page of one experiment: its question and headline finding, the
 * written reading, plots and tables declared by the experiment, every row,
 * the parameter grid, the cost profile and the provenance of the numbers.
 *
 * @module
 */

import { html, SafeHtml } from "./html.ts";
import { formatNumber } from "./number_format.ts";
import { renderPage } from "./page.ts";
import { renderPlot } from "./plot_svg.ts";
import type { ReportSection, Row, Value } from "./report_section.ts";
import { renderTable } from "./table_html.ts";
import { renderValidation } from "./validation_html.ts";

/** Where the numbers of a report come from. */
export interface Provenance {
  /** Seed of every point's first run. */
  seed: number;
  /** Runs of every point, seeds `seed`, `seed + 1`, …; default 1. */
  seeds?: number;
  /** Grid size the sweep ran at (`quick` or `full`). */
  size: string;
  /** vmlab version that produced the rows. */
  version: string;
  /** Git commit of the vmlab source, when it ran from a checkout. */
  commit?: string;
  /** When the report was written, ISO 8601. */
  generated: string;
  /** Runs the report covers: points of the grid × seeds. */
  points: number;
  /** Runs without a row (an unfinished or partial sweep). */
  missing: number;
  /** `K/N` when the report covers one shard of the grid only. */
  shard?: string;
  /** Runs of the whole grid (points × seeds) when `shard` is set; default `points`. */
  gridPoints?: number;
  /** The command that reproduces the rows. */
  command?: string;
}

/** What the report says about one cost-profile field beside its value. */
export interface ProfileFieldDoc {
  /** Unit of the value, or `""`. */
  unit: string;
  /** What the field sets. */
  description: string;
}

/** Everything {@linkcode renderExperimentPage} shows. */
export interface ExperimentReport {
  /** Experiment id, also the base name of its files. */
  id: string;
  /** Title. */
  title: string;
  /** The question the experiment answers. */
  question: string;
  /** One-sentence finding, also shown on the index. */
  headline: string;
  /** Sections in order. */
  sections: readonly ReportSection[];
  /** Result rows in grid order: every run's, shown in the table of all rows. */
  rows: readonly Row[];
  /**
   * What the sections see: one row per point, summarised over seeds (mean,
   * and `KEY_min`/`KEY_max` for the spread). Default `rows`.
   */
  summary?: readonly Row[];
  /** Parameter names, each with a description that states its unit. */
  parameters: Readonly<Record<string, string>>;
  /** Measurement columns shown in the rows table, in order. */
  resultKeys: readonly string[];
  /** The cost profile as JSON (nested objects are flattened for display). */
  profile: Readonly<Record<string, unknown>>;
  /**
   * Unit and meaning of each profile field, by dotted path, from the profile's
   * declaration; fields not listed show their value alone.
   */
  profileFields?: Readonly<Record<string, ProfileFieldDoc>>;
  /** Where the numbers come from. */
  provenance: Provenance;
  /**
   * The modelling assumptions every figure rests on (cache hierarchy,
   * memory-level parallelism, …), as prose shown under the finding.
   */
  assumptions?: string;
}

/** Text with `code` between backticks. */
function renderInlineCode(text: string): SafeHtml {
  const parts = text.split("`");
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

/** Paragraphs split on blank lines; `code` between backticks. */
function renderProse(text: string): SafeHtml {
  const paragraphs = text.trim().split(/\n\s*\n/).map((p) => {
    const parts = p.trim().split("`");
    return html`<p>${
      parts.map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))
    }</p>`;
  });
  return html`<div class="prose">${paragraphs}</div>`;
}

function sectionError(error: unknown): SafeHtml {
  const message = error instanceof Error ? error.message : String(error);
  return html`<p class="error">This section could not be drawn from these rows: ${message}</p>`;
}

function slug(text: string, index: number): string {
  return `s${index}-` + text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * A section's content, or `undefined` for a table without rows: a heading
 * over an empty table only tells the reader something is missing (a traces
 * table when no trace was given, failures when every run finished).
 */
function renderSection(section: ReportSection, rows: readonly Row[]): SafeHtml | undefined {
  try {
    if (section.kind === "text") return renderProse(section.text(rows));
    if (section.kind === "plot") {
      const figure = section.plot(rows);
      const svg = typeof figure === "string" ? new SafeHtml(figure) : renderPlot(figure);
      return html`<figure class="plot">${svg}${
        section.caption ? html`<figcaption>${section.caption}</figcaption>` : ""
      }</figure>`;
    }
    if (section.kind === "validation") {
      return html`${section.intro ? renderProse(section.intro) : ""}${
        renderValidation(section.cases(rows))
      }`;
    }
    const tableRows = section.rows(rows);
    if (tableRows.length === 0) return undefined;
    return html`${renderTable(tableRows, section.columns)}${
      section.caption ? html`<p class="caption">${section.caption}</p>` : ""
    }`;
  } catch (error) {
    return sectionError(error);
  }
}

/**
 * The sentence at the top of a report that covers less than the whole
 * grid: which shard, how many runs of how many, and how to finish.
 */
export function partialNotice(provenance: Provenance, seeds: number): string | undefined {
  const unit = seeds > 1 ? "runs" : "points";
  const done = provenance.points - provenance.missing;
  if (provenance.shard) {
    const total = provenance.gridPoints ?? provenance.points;
    const unfinished = provenance.missing > 0
      ? `, and ${formatNumber(provenance.missing)} of its ${
        formatNumber(provenance.points)
      } have no row yet`
      : "";
    return `Partial report: shard ${provenance.shard} only, ${formatNumber(done)} of the grid's ${
      formatNumber(total)
    } ${unit}${unfinished}. Plots, tables and the finding show this shard's ${unit} alone; merge every shard's folder (\`deno task experiment merge DIR...\`) for the full report.`;
  }
  if (provenance.missing === 0) return undefined;
  return `Partial report: ${formatNumber(provenance.missing)} of ${
    formatNumber(provenance.points)
  } ${unit} have no row yet. Run the same command again to finish the sweep (finished points are kept), or merge the folders of the missing shards.`;
}

function displayValue(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  return String(value);
}

/** Flattens nested JSON objects to dotted keys. */
function flatten(value: unknown, prefix: string, out: Row): Row {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      flatten(inner, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (typeof value === "number" || typeof value === "boolean") {
    out[prefix] = value;
  } else {
    out[prefix] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

function distinctValues(rows: readonly Row[], key: string): Value[] {
  const seen = new Set<Value>();
  for (const row of rows) if (Object.hasOwn(row, key)) seen.add(row[key]);
  return [...seen];
}

/**
 * Renders the report page of one experiment as a complete HTML document.
 * Every string from the report is escaped; a section whose function throws
 * is replaced by a one-line note instead of failing the page.
 *
 * @example
 * ```ts
 * import { renderExperimentPage } from "./experiment_page.ts";
 * const page = renderExperimentPage({
 *   id: "demo",
 *   title: "Demo",
 *   question: "Does <this> work?",
 *   headline: "It does.",
 *   sections: [{ kind: "text", title: "Reading", text: (rows) => `${rows.length} rows.` }],
 *   rows: [{ n: 1, y: 2 }],
 *   parameters: { n: "a count" },
 *   resultKeys: ["y"],
 *   profile: { name: "p" },
 *   provenance: { seed: 1, size: "quick", version: "0.1.0", generated: "2025-01-01", points: 1, missing: 0 },
 * });
 * if (!page.includes("Does &lt;this&gt; work?")) throw new Error();
 * ```
 */
export function renderExperimentPage(report: ExperimentReport): string {
  const { rows, provenance } = report;
  const summary = report.summary ?? rows;
  const seeds = provenance.seeds ?? 1;
  const parameterKeys = Object.keys(report.parameters);
  const rowKeys = seeds > 1 ? [...parameterKeys, "seed"] : parameterKeys;
  const rendered = report.sections.map((section, i) => ({
    section,
    id: slug(section.title, i),
    content: renderSection(section, summary),
  })).filter((r) => r.content !== undefined);
  const profile = flatten(report.profile, "", {});
  const docs = report.profileFields ?? {};
  const profileRows = Object.entries(profile).map(([field, value]) => ({
    field,
    value,
    unit: docs[field]?.unit ?? "",
    description: docs[field]?.description ?? "",
  }));
  const profileColumns = report.profileFields === undefined
    ? [{ key: "field" }, { key: "value" }]
    : [{ key: "field" }, { key: "value" }, { key: "unit" }, { key: "description", wrap: true }];
  const toc = [
    ...rendered.map((r) => html`<a href="#${r.id}">${r.section.title}</a>`),
    html`<a href="#rows">All rows</a>`,
    html`<a href="#parameters">Parameters</a>`,
    html`<a href="#profile">Cost profile</a>`,
    html`<a href="#provenance">Provenance</a>`,
  ];
  const notice = partialNotice(provenance, seeds);
  const partial = notice
    ? html`<p class="partial" role="status">${renderInlineCode(notice)}</p>`
    : "";
  const body = html`<nav class="crumbs"><a href="index.html">← All experiments</a></nav>
<header>
${partial}
<p class="eyebrow">vmlab experiment · <code>${report.id}</code></p>
<h1>${report.title}</h1>
<p class="question">${report.question}</p>
<div class="finding"><strong>Finding</strong>${report.headline}</div>
${
    report.assumptions
      ? html`
        <details class="assumptions"
          open><summary>Model assumptions behind every figure</summary>${renderProse(
            report.assumptions,
          )}</details>
      `
      : ""
  }
<nav class="toc">${toc}</nav>
</header>
<main>
${
    rendered.map((r) =>
      html`<section id="${r.id}"><h2>${r.section.title}</h2>${r.content}</section>\n`
    )
  }
<section id="rows"><h2>All rows</h2>
<p class="downloads">${formatNumber(rows.length)} rows${
    seeds > 1 ? ` (${seeds} seeds per point; the sections above show the mean over seeds)` : ""
  } · download <a href="${report.id}.csv">${report.id}.csv</a><a href="${report.id}.json">${report.id}.json</a></p>
${
    renderTable(
      rows,
      [...rowKeys, ...report.resultKeys].map((key) => ({ key })),
      { parameterKeys: new Set(parameterKeys), tall: true },
    )
  }
</section>
<section id="parameters"><h2>Parameters</h2>
${
    renderTable(
      parameterKeys.map((key) => ({
        parameter: key,
        description: report.parameters[key],
        values: distinctValues(rows, key).map(displayValue).join(", "),
      })),
      [{ key: "parameter" }, { key: "description", wrap: true }, {
        key: "values",
        label: "values in this sweep",
      }],
    )
  }
</section>
<section id="profile"><h2>Cost profile</h2>
<p><code>${String(report.profile.name ?? "unnamed")}</code> — ${
    String(report.profile.description ?? "")
  }</p>
<details><summary>All ${profileRows.length} fields</summary>
${renderTable(profileRows, profileColumns)}
</details>
</section>
<section id="provenance"><h2>Provenance</h2>
<dl class="meta">
<dt>${seeds > 1 ? "Seeds" : "Seed"}</dt><dd>${
    seeds > 1
      ? `${provenance.seed} to ${
        provenance.seed + seeds - 1
      } (each point runs ${seeds} times; plots and tables show the mean, and the spread where drawn)`
      : provenance.seed
  }</dd>
<dt>Grid size</dt><dd>${provenance.size}${
    provenance.shard ? ` (shard ${provenance.shard})` : ""
  }, ${formatNumber(provenance.points)} ${seeds > 1 ? "runs" : "points"}</dd>
<dt>vmlab version</dt><dd>${provenance.version}</dd>
<dt>Git commit</dt><dd>${
    provenance.commit ? html`<code>${provenance.commit}</code>` : "not from a git checkout"
  }</dd>
<dt>Generated</dt><dd>${provenance.generated}</dd>
${
    provenance.command
      ? html`
        <dt>Reproduce</dt>
        <dd><code>${provenance.command}</code></dd>
      `
      : ""
  }
</dl>
</section>
</main>
<footer>Generated by vmlab ${provenance.version}. Modelled cycles are counts from the cost profile, not wall-clock measurements.</footer>`;
  return renderPage(report.title, body);
}
