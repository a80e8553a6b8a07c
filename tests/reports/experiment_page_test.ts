import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { type ExperimentReport, renderExperimentPage } from "../../reports/experiment_page.ts";
import { renderIndexPage } from "../../reports/index_page.ts";

const EVIL = `<script>alert("pwned")</script><img src="http://evil.example/x.png">`;

function report(overrides: Partial<ExperimentReport> = {}): ExperimentReport {
  return {
    id: "demo",
    title: `Title ${EVIL}`,
    question: `Question ${EVIL}`,
    headline: `Headline ${EVIL}`,
    sections: [
      {
        kind: "text",
        title: `Text ${EVIL}`,
        text: () => `Reading ${EVIL}\n\nwith \`code ${EVIL}\``,
      },
      {
        kind: "plot",
        title: `Plot ${EVIL}`,
        caption: `Caption ${EVIL}`,
        plot: (rows) => ({
          x: { label: `x ${EVIL}` },
          color: { legend: true },
          marks: [Plot.dot(rows, { x: "x", y: "y", fill: "label" })],
        }),
      },
      {
        kind: "table",
        title: `Table ${EVIL}`,
        columns: [{ key: "label", label: `Label ${EVIL}`, unit: `unit ${EVIL}` }, { key: "y" }],
        rows: (rows) => rows,
      },
    ],
    rows: [{ label: EVIL, x: 1, y: 2 }, { label: "plain", x: 2, y: 3 }],
    parameters: { label: `a label ${EVIL}`, x: "x" },
    resultKeys: ["y"],
    profile: { name: `profile ${EVIL}`, description: `described ${EVIL}`, nested: { deep: EVIL } },
    provenance: {
      seed: 1,
      size: "quick",
      version: "0.1.0",
      commit: "abc",
      generated: "2025-01-01 00:00 UTC",
      points: 2,
      missing: 0,
      command: `deno task experiment demo --profile ${EVIL}`,
    },
    ...overrides,
  };
}

interface Node {
  tagName: string;
  attributes: Iterable<{ name: string; value: string }>;
  textContent: string | null;
}

/** Every URL a browser would fetch or follow from the page, read from the parsed document. */
function fetchedUrls(page: string): string[] {
  const { document } = parseHTML(page) as unknown as {
    document: { querySelectorAll(selector: string): Iterable<Node> };
  };
  const urls: string[] = [];
  for (const element of document.querySelectorAll("*")) {
    for (const { name, value } of element.attributes) {
      if (/^(src|href|xlink:href|srcset|poster|action|data|formaction|background)$/i.test(name)) {
        urls.push(value);
      }
      if (name.toLowerCase() === "style") {
        for (const m of value.matchAll(/url\(([^)]*)\)/gi)) urls.push(m[1]);
      }
    }
    if (element.tagName.toLowerCase() === "style") {
      for (const m of (element.textContent ?? "").matchAll(/url\(([^)]*)\)|@import\s+([^;]+)/gi)) {
        urls.push(m[1] ?? m[2]);
      }
    }
  }
  return urls;
}

/** Elements that load or run something. */
function activeElements(page: string): string[] {
  const { document } = parseHTML(page) as unknown as {
    document: { querySelectorAll(selector: string): Iterable<Node> };
  };
  return [
    ...document.querySelectorAll(
      "script, link, iframe, object, embed, img, audio, video, source, base",
    ),
  ]
    .map((e) => e.tagName.toLowerCase());
}

Deno.test("renderExperimentPage() escapes every user-supplied string", () => {
  const page = renderExperimentPage(report());
  assert.equal(page.includes("<script"), false, "a raw <script> tag");
  assert.equal(page.includes("<img"), false, "a raw <img> tag");
  const escaped = page.split("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;").length - 1;
  // Title (twice: <title> and <h1>), question, headline, text, code span, plot title, caption,
  // table title, column label, unit, rows table cell, table section cell, parameter description,
  // parameter values, profile name, description, nested field, command.
  assert.ok(escaped >= 18, `only ${escaped} escaped copies`);
});

Deno.test("renderExperimentPage() escapes strings drawn inside plots", () => {
  const page = renderExperimentPage(report());
  const svg = page.slice(
    page.indexOf('<figure class="plot">'),
    page.indexOf("</figure>", page.indexOf('<figure class="plot">')),
  );
  assert.ok(svg.includes("&lt;script&gt;"), "legend label escaped");
  assert.equal(svg.includes("<script"), false);
});

Deno.test("renderExperimentPage() fetches nothing: no external URL in src or href, no script", () => {
  const page = renderExperimentPage(report());
  assert.deepEqual(activeElements(page), []);
  for (const url of fetchedUrls(page)) {
    assert.equal(/^\s*(https?:)?\/\//i.test(url), false, `external URL ${url}`);
  }
  assert.deepEqual(fetchedUrls(page).filter((u) => !u.startsWith("#")), [
    "index.html",
    "demo.csv",
    "demo.json",
  ]);
});

Deno.test("renderExperimentPage() sets xmlns on every inline svg", () => {
  const page = renderExperimentPage(report());
  const svgs = [...page.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0]);
  assert.ok(svgs.length >= 2, "the legend swatches and the plot");
  for (const svg of svgs) assert.match(svg, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});

Deno.test("renderExperimentPage() replaces a section that throws with a note", () => {
  const page = renderExperimentPage(report({
    sections: [{
      kind: "text",
      title: "Broken",
      text: () => {
        throw new Error(`bad ${EVIL}`);
      },
    }],
  }));
  assert.match(page, /This section could not be drawn from these rows: bad &lt;script&gt;/);
});

Deno.test("renderExperimentPage() says when the report is partial", async (t) => {
  const banner = (page: string): string | undefined =>
    /<p class="partial" role="status">(.*?)<\/p>/s.exec(page)?.[1].replaceAll("&#39;", "'");
  await t.step("an unfinished sweep, no shard", () => {
    const page = renderExperimentPage(report({
      provenance: { ...report().provenance, points: 5, missing: 3 },
    }));
    assert.match(banner(page) ?? "", /^Partial report: 3 of 5 points have no row yet\./);
  });
  await t.step("one finished shard: which, and how many of the grid's points", () => {
    const page = renderExperimentPage(report({
      provenance: { ...report().provenance, points: 25, missing: 0, shard: "2/4", gridPoints: 100 },
    }));
    const text = banner(page) ?? "";
    assert.match(text, /^Partial report: shard 2\/4 only, 25 of the grid's 100 points\./);
    assert.match(text, /<code>deno task experiment merge DIR\.\.\.<\/code>/);
    // At the top: before the title.
    assert.ok(page.indexOf('class="partial"') < page.indexOf("<h1>"));
  });
  await t.step("an unfinished shard also says how many of its own runs are missing", () => {
    const page = renderExperimentPage(report({
      provenance: {
        ...report().provenance,
        seeds: 2,
        points: 50,
        missing: 10,
        shard: "1/2",
        gridPoints: 100,
      },
    }));
    assert.match(
      banner(page) ?? "",
      /^Partial report: shard 1\/2 only, 40 of the grid's 100 runs, and 10 of its 50 have no row yet\./,
    );
  });
  await t.step("a whole finished grid has no banner", () => {
    assert.equal(banner(renderExperimentPage(report())), undefined);
  });
});

Deno.test("renderExperimentPage() leaves out a table section without rows, and its link", () => {
  const page = renderExperimentPage(report({
    sections: [
      { kind: "table", title: "Empty one", columns: [{ key: "y" }], rows: () => [] },
      { kind: "table", title: "Full one", columns: [{ key: "y" }], rows: (rows) => rows },
    ],
  }));
  assert.ok(!page.includes("Empty one"), "the empty table's heading and link are gone");
  assert.match(page, /<h2>Full one<\/h2>/);
  assert.match(page, /<a href="#s1-full-one">Full one<\/a>/);
});

Deno.test("renderExperimentPage() formats every cell of a table column one way", () => {
  const page = renderExperimentPage(report({
    sections: [{
      kind: "table",
      title: "T",
      columns: [{ key: "y", digits: 2 }, { key: "x" }],
      rows: () => [{ y: 1, x: 3 }, { y: -0.001, x: 4 }, { y: 16.5, x: 5 }],
    }],
  }));
  const section = page.slice(page.indexOf("<h2>T</h2>"), page.indexOf('id="rows"'));
  const cells = [...section.matchAll(/<td class="num ">([^<]*)<\/td>/g)].map((m) => m[1]);
  assert.deepEqual(cells, ["1.00", "3", "0.00", "4", "16.50", "5"]);
});

Deno.test("renderExperimentPage() right-aligns numeric columns and formats numbers", () => {
  const page = renderExperimentPage(report({ rows: [{ label: "a", x: 1234567, y: 0.123456 }] }));
  assert.ok(page.includes('<td class="num param">1,234,567</td>'));
  assert.ok(page.includes('<td class="num ">0.123</td>'));
});

Deno.test("renderIndexPage() escapes entries and links each report", () => {
  const page = renderIndexPage([{
    id: "demo",
    title: EVIL,
    question: EVIL,
    headline: EVIL,
    rows: 3,
    missing: 1,
    size: "quick",
    profile: EVIL,
    generated: "2025-01-01 00:00 UTC",
  }], "0.1.0");
  assert.deepEqual(activeElements(page), []);
  assert.ok(page.includes('href="demo.html"'));
  assert.ok(page.includes("1 points missing"));
  for (const url of fetchedUrls(page)) assert.equal(/^\s*(https?:)?\/\//i.test(url), false, url);
});

Deno.test("renderExperimentPage() shows each profile field's unit and meaning when it is given them", () => {
  const page = renderExperimentPage(report({
    profile: { name: "p", vmExitCycles: 2000, tlb: { l2: { ways: 12 } } },
    profileFields: {
      vmExitCycles: { unit: "cycles", description: `one exit round trip ${EVIL}` },
      "tlb.l2.ways": { unit: "", description: "associativity" },
    },
  }));
  const profile = page.slice(page.indexOf('<section id="profile">'));
  const rows = profile.split("<tr>").map((tr) => tr.replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));
  assert.ok(
    rows.some((r) => /vmExitCycles 2,000 cycles one exit round trip &lt;script&gt;/.test(r)),
  );
  assert.ok(rows.some((r) => /tlb\.l2\.ways 12 associativity/.test(r)));
  assert.ok(!page.includes("<script>alert"), "descriptions are escaped");
});
