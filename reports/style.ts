/**
 * The stylesheet inlined into every report page: system fonts only (nothing
 * fetched), a readable measure for prose, tables with tabular figures and
 * right-aligned numbers, and a layout that narrows to a phone screen.
 *
 * @module
 */

/** CSS for report pages. */
export const REPORT_CSS: string = `
:root {
  --fg: #1c2024; --muted: #5d6772; --rule: #e2e5e9; --soft: #f5f6f8;
  --accent: #2f5fd0; --accent-soft: #eef2fc; --good: #1a7f37; --bad: #c62828;
  --mono: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 78rem; margin: 0 auto; padding: 1.5rem clamp(1rem, 4vw, 3rem) 4rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
nav.crumbs { font-size: .9rem; margin-bottom: 1.5rem; }
.eyebrow { margin: 0; font-size: .78rem; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.eyebrow code { text-transform: none; letter-spacing: 0; }
h1 { font-size: clamp(1.7rem, 3.2vw, 2.35rem); line-height: 1.2; letter-spacing: -.01em; margin: .25rem 0 .75rem; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 2.75rem 0 .9rem; padding-top: 1rem; border-top: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 2rem 0 .6rem; }
p { margin: 0 0 .9rem; }
.question { font-size: 1.15rem; color: #30363d; max-width: 48rem; }
.finding {
  max-width: 52rem; margin: 1.25rem 0; padding: .85rem 1.1rem;
  background: var(--accent-soft); border-left: 4px solid var(--accent); border-radius: 0 6px 6px 0;
}
.assumptions { margin: .9rem 0 0; max-width: 60rem; font-size: .9rem; }
.assumptions summary { cursor: pointer; font-weight: 600; }
.finding strong { display: block; font-size: .78rem; letter-spacing: .08em; text-transform: uppercase; color: var(--accent); }
.prose { max-width: 46rem; }
.muted, figcaption, .caption { color: var(--muted); }
figcaption, .caption { font-size: .92rem; max-width: 48rem; margin-top: .5rem; }
code { font-family: var(--mono); font-size: .88em; background: var(--soft); padding: .08em .32em; border-radius: 4px; }
nav.toc { display: flex; flex-wrap: wrap; gap: .35rem 1.1rem; font-size: .92rem; margin: 1rem 0 0; }
figure.plot { margin: 1rem 0 0; }
figure.plot svg { max-width: 100%; height: auto; overflow: visible; }
figure.plot figure { margin: 0; }
figure.plot div[class*="-swatches"] { font-size: .8rem; margin-bottom: .6rem; }
figure.plot span[class$="-swatch"] { margin-right: 1.1rem; }
.table-wrap {
  display: inline-block; vertical-align: top; max-width: 100%;
  overflow: auto; border: 1px solid var(--rule); border-radius: 6px;
}
.table-wrap.tall { max-height: 36rem; }
table { border-collapse: collapse; font-size: .88rem; }
th, td { padding: .42rem .8rem; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; vertical-align: top; }
thead th {
  position: sticky; top: 0; z-index: 1; background: var(--soft);
  font-weight: 600; vertical-align: bottom; box-shadow: inset 0 -1px 0 var(--rule);
}
/* Headings wrap only when the table would not fit otherwise (auto layout keeps them on one line when it can). */
thead th { white-space: normal; }
th .unit { display: block; font-weight: 400; font-size: .78rem; color: var(--muted); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.text { font-family: var(--mono); font-size: .84rem; }
td.prose { white-space: normal; min-width: 22rem; max-width: 44rem; }
.table-wrap.validation { display: block; }
.validation table { width: 100%; }
.validation tr.case td { border-bottom: none; }
/* The validation table fits its container: the case and the verdict wrap, so that a note below never needs a scroll to read. */
.validation tr.case td:first-child { white-space: normal; min-width: 12rem; }
.validation tr.case td:last-child { white-space: normal; min-width: 7rem; }
.validation tr.detail td { white-space: normal; font-size: .82rem; color: var(--muted); padding-top: 0; }
.validation tr.odd td { background: #fafbfc; }
.validation .label { font-weight: 600; color: #30363d; margin-right: .25rem; }
th.param, td.param { background: #fbfbfc; }
thead th.param { background: #eceff3; }
tbody tr:nth-child(even) td { background-color: #fafbfc; }
tbody tr:hover td { background-color: #eef3fb; }
td.yes { color: var(--good); font-weight: 600; }
td.no { color: var(--bad); font-weight: 600; }
tbody tr:last-child td { border-bottom: 0; }
.downloads { margin: .5rem 0 1rem; font-size: .92rem; }
.downloads a { margin-right: 1rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.5rem; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.error-inline { color: var(--bad); }
.partial {
  margin: 0 0 1.25rem; padding: .75rem 1rem; border: 1px solid #e8b04a; border-left: 5px solid #d18a00;
  background: #fff8e6; color: #5c3d00; border-radius: 0 6px 6px 0; font-weight: 600; max-width: 60rem;
}
.partial code { font-weight: 400; }
.error { color: var(--bad); border: 1px solid #f3c4c4; background: #fff5f5; padding: .6rem .9rem; border-radius: 6px; }
.cards { list-style: none; padding: 0; margin: 1.5rem 0 0; display: grid; gap: 1rem; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 1.1rem 1.3rem; }
.card h2 { border: 0; margin: 0 0 .3rem; padding: 0; font-size: 1.2rem; }
.card .question { font-size: 1rem; }
.card .finding { margin: .75rem 0; }
.card .meta-line { font-size: .85rem; color: var(--muted); margin: 0; }
footer { margin-top: 3.5rem; padding-top: 1rem; border-top: 1px solid var(--rule); font-size: .85rem; color: var(--muted); }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  dl.meta { grid-template-columns: 1fr; gap: 0; }
  dl.meta dd { margin-bottom: .5rem; }
}
@media print {
  .table-wrap.tall { max-height: none; }
  thead th { position: static; }
}
`;
