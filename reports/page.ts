/**
 * The shell of a report page: a complete, self-contained HTML document with
 * the stylesheet inlined, so the file opens offline from any folder.
 *
 * @module
 */

import { html, SafeHtml } from "./html.ts";
import { REPORT_CSS } from "./style.ts";

/**
 * Wraps a page body in a complete HTML document.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * import { renderPage } from "./page.ts";
 * const page = renderPage("A <title>", html`<p>Hello</p>`);
 * if (!page.includes("<title>A &lt;title&gt; · vmlab</title>")) throw new Error(page);
 * ```
 */
export function renderPage(title: string, body: SafeHtml): string {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="vmlab">
        <title>${title} · vmlab</title>
        <style>${new SafeHtml(REPORT_CSS)}</style>
      </head>
      <body>
        <div class="page">
    ${body}
        </div>
      </body>
    </html>
  `.value.trimStart();
}
