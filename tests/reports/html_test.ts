import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeHtml, html, SafeHtml } from "../../reports/html.ts";

Deno.test("escapeHtml() escapes the five characters that can end text or an attribute", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
  );
});

Deno.test("escapeHtml() output never contains a raw markup character", () => {
  fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => !/[<>"']/.test(escapeHtml(text))));
});

Deno.test("escapeHtml() is undone by decoding the five entities", () => {
  const decode = (s: string): string =>
    s.replace(
      /&(lt|gt|quot|#39|amp);/g,
      (_, e) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e as "lt"],
    );
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => decode(escapeHtml(text)) === text),
  );
});

Deno.test("html`` escapes interpolated strings and numbers but not SafeHtml", () => {
  const user = "<img src=x onerror=alert(1)>";
  const out = html`<p title="${user}">${user}${new SafeHtml("<br>")}${42}</p>`.value;
  assert.equal(
    out,
    '<p title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;<br>42</p>',
  );
});

Deno.test("html`` joins arrays and drops null, undefined and false", () => {
  const items = ["<a>", html`<b>`, null, undefined, false, ["<c>"]];
  assert.equal(html`${items}`.value, "&lt;a&gt;<b>&lt;c&gt;");
});
