/**
 * The validation section of a report: each of the lab's figures beside the
 * closest published one, the ratio between them, and, for every case that
 * disagrees by more than 2×, the reason in words.
 *
 * @module
 */

import { html, type SafeHtml } from "./html.ts";
import { columnFormat, formatNumber } from "./number_format.ts";
import type { ValidationCase } from "./report_section.ts";

/** Ratios beyond this factor either way are called disagreements. */
export const DISAGREEMENT_FACTOR = 2;

/**
 * The lab's figure over the published one; for a published range, over the
 * nearer end (1 inside the range). `NaN` when the published figure is 0 and
 * the lab's is not.
 *
 * @example
 * ```ts
 * import { validationRatio } from "./validation_html.ts";
 * if (validationRatio(30, 15) !== 2) throw new Error();
 * if (validationRatio(30, [20, 50]) !== 1) throw new Error();
 * if (validationRatio(10, [20, 50]) !== 0.5) throw new Error();
 * ```
 */
export function validationRatio(
  lab: number,
  published: number | readonly [number, number],
): number {
  const [low, high] = typeof published === "number" ? [published, published] : published;
  if (lab >= low && lab <= high) return 1;
  const nearer = lab < low ? low : high;
  if (nearer === 0) return lab === 0 ? 1 : NaN;
  return lab / nearer;
}

/**
 * Whether a ratio is within {@linkcode DISAGREEMENT_FACTOR} of 1 either way.
 *
 * @example
 * ```ts
 * import { agrees } from "./validation_html.ts";
 * if (!agrees(1.9) || agrees(0.4) || agrees(Number.NaN)) throw new Error();
 * ```
 */
export function agrees(ratio: number): boolean {
  return ratio <= DISAGREEMENT_FACTOR && ratio >= 1 / DISAGREEMENT_FACTOR;
}

function publishedText(published: number | readonly [number, number]): string {
  return typeof published === "number"
    ? formatNumber(published)
    : `${formatNumber(published[0])}–${formatNumber(published[1])}`;
}

function verdict(ratio: number): string {
  if (!Number.isFinite(ratio)) return "not comparable";
  if (ratio === 1) return "within the published range";
  if (agrees(ratio)) return "within 2×";
  return ratio > 1 ? `lab ${formatNumber(ratio)}× higher` : `lab ${formatNumber(1 / ratio)}× lower`;
}

/**
 * Renders the comparisons as a table (case, lab, published, unit, ratio,
 * verdict; under each case its source and note) followed by a list of the disagreements beyond 2×
 * with their reasons, or a sentence saying there are none.
 *
 * @example
 * ```ts
 * import { renderValidation } from "./validation_html.ts";
 * const out = renderValidation([{
 *   case: "2-D walk references, 4K/4K", lab: 24, published: 24, unit: "refs",
 *   citation: "Bhargava et al., ASPLOS 2008", note: "exact",
 * }]).value;
 * if (!out.includes("Bhargava") || !out.includes("within the published range")) throw new Error(out);
 * ```
 */
export function renderValidation(cases: readonly ValidationCase[]): SafeHtml {
  if (cases.length === 0) {
    return html`<p class="error">No case of these rows can be set beside a published figure.</p>`;
  }
  const ratios = cases.map((c) => validationRatio(c.lab, c.published));
  // One format for the ratio column: "1.00" beside "1.37", not "1".
  const formatRatio = columnFormat(ratios.filter(Number.isFinite), 2);
  const body = cases.map((c, i) => {
    const ratio = ratios[i];
    const stripe = i % 2 === 1 ? "odd" : "";
    return html`
      <tr class="case ${stripe}">
        <td>${c.case}</td>
        <td class="num">${formatNumber(c.lab)}</td>
        <td class="num">${publishedText(c.published)}</td>
        <td>${c.unit}</td>
        <td class="num">${Number.isFinite(ratio) ? formatRatio(ratio) : "—"}</td>
        <td class="${agrees(ratio) ? "yes" : "no"}">${verdict(ratio)}</td>
      </tr>
      <tr class="detail ${stripe}">
        <td
          colspan="6"><span class="label">Source</span> ${c
            .citation}<br><span class="label">Note</span> ${c.note}</td>
      </tr>
    `;
  });
  const disagreements = cases.filter((c) => !agrees(validationRatio(c.lab, c.published)));
  const summary = disagreements.length === 0
    ? html`<p>Every case is within 2× of the published figure.</p>`
    : html`
      <p>Where the lab and the papers disagree by more than 2×, and why:</p>
      <ul class="prose">${disagreements.map((c) =>
        html`<li><strong>${c.case}</strong> (${
          verdict(validationRatio(c.lab, c.published))
        }): ${c.note}</li>`
      )}</ul>
    `;
  return html`
    <div class="table-wrap validation">
      <table>
        <thead>
          <tr>
            <th scope="col">case</th>
            <th scope="col" class="num">lab</th>
            <th scope="col" class="num">published</th>
            <th scope="col">unit</th>
            <th scope="col" class="num">lab / published</th>
            <th scope="col">verdict</th>
          </tr>
        </thead>
        <tbody>${body}</tbody>
      </table>
    </div>${summary}
  `;
}
