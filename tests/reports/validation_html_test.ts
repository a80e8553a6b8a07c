import assert from "node:assert/strict";
import { agrees, renderValidation, validationRatio } from "../../reports/validation_html.ts";
import { renderExperimentPage } from "../../reports/experiment_page.ts";
import type { ValidationCase } from "../../reports/report_section.ts";

const CASE: ValidationCase = {
  case: "translation share, 4K, native",
  lab: 30,
  published: [20, 50],
  unit: "%",
  citation: "Pham, PhD thesis, Rutgers, 2016",
  note: "random accesses over 8 GiB",
};

Deno.test("validationRatio() compares with a figure or the nearer end of a range", () => {
  assert.equal(validationRatio(10, 5), 2);
  assert.equal(validationRatio(35, [20, 50]), 1);
  assert.equal(validationRatio(100, [20, 50]), 2);
  assert.equal(validationRatio(5, [20, 50]), 0.25);
  assert.ok(Number.isNaN(validationRatio(3, 0)));
  assert.equal(validationRatio(0, 0), 1);
});

Deno.test("agrees() holds within 2× either way and not beyond", () => {
  assert.ok(agrees(2) && agrees(0.5) && agrees(1));
  assert.ok(!agrees(2.01) && !agrees(0.49) && !agrees(Number.NaN));
});

Deno.test("renderValidation() shows the figures, the ratio and the source, and explains every disagreement", () => {
  const far: ValidationCase = {
    ...CASE,
    case: "snapshot pause",
    lab: 900,
    published: 300,
    unit: "ms",
    note: "the lab's guest dirties <every> page",
  };
  const out = renderValidation([CASE, far]).value;
  assert.ok(out.includes("within the published range"));
  assert.ok(out.includes("20–50"));
  assert.ok(out.includes("Pham, PhD thesis"));
  assert.ok(out.includes("lab 3× higher"));
  assert.ok(out.includes("more than 2×, and why"));
  assert.ok(out.includes("the lab&#39;s guest dirties &lt;every&gt; page"));
  assert.ok(renderValidation([CASE]).value.includes("Every case is within 2×"));
  assert.match(renderValidation([]).value, /No case of these rows/);
});

Deno.test("an experiment page renders a validation section from its rows", () => {
  const page = renderExperimentPage({
    id: "demo",
    title: "Demo",
    question: "Q?",
    headline: "H.",
    sections: [{
      kind: "validation",
      title: "Validation",
      intro: "Closest cases.",
      cases: (rows) => [{ ...CASE, lab: Number(rows[0].y) }],
    }],
    rows: [{ y: 150 }],
    parameters: {},
    resultKeys: ["y"],
    profile: { name: "p" },
    provenance: { seed: 1, size: "quick", version: "0", generated: "now", points: 1, missing: 0 },
  });
  assert.ok(page.includes("<h2>Validation</h2>"));
  assert.ok(page.includes("Closest cases."));
  assert.ok(page.includes("lab 3× higher"));
});
