/**
 * Escaped HTML building: a tagged template whose interpolations are escaped
 * unless they are already {@linkcode SafeHtml}. Every string a user can
 * influence (trace names, labels, profile names, parameter values) reaches a
 * page through it, so escaping is the default rather than a step to remember.
 *
 * @module
 */

/** A fragment of HTML that is already safe to insert verbatim. */
export class SafeHtml {
  /** The markup. */
  readonly value: string;

  /**
   * Wraps markup that is known to be safe. Prefer {@linkcode html}, which
   * escapes what it interpolates.
   *
   * @example
   * ```ts
   * import { SafeHtml } from "./html.ts";
   * const fragment = new SafeHtml("<br>");
   * if (String(fragment) !== "<br>") throw new Error();
   * ```
   */
  constructor(value: string) {
    this.value = value;
  }

  /** The markup, so that a fragment can be used where a string is expected. */
  toString(): string {
    return this.value;
  }
}

/** What {@linkcode html} accepts in an interpolation. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for use in HTML element content and in quoted attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * if (escapeHtml(`<a href="x">`) !== "&lt;a href=&quot;x&quot;&gt;") throw new Error();
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function renderValue(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join("");
  return escapeHtml(String(value));
}

/**
 * Builds HTML from a template, escaping every interpolated value that is not
 * {@linkcode SafeHtml}. Arrays are joined; `null`, `undefined` and `false`
 * render as nothing.
 *
 * @example Escape a user-supplied label
 * ```ts
 * import { html } from "./html.ts";
 * const label = "<script>alert(1)</script>";
 * const out = html`<td>${label}</td>`.value;
 * if (out !== "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>") throw new Error(out);
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    out += renderValue(values[i]) + strings[i + 1];
  }
  return new SafeHtml(out);
}
