import assert from "node:assert/strict";
import { renderTable } from "../../reports/table_html.ts";

function cells(table: string): string[] {
  return [...table.matchAll(/<td class="[^"]*">([^<]*)<\/td>/g)].map((m) => m[1]);
}

Deno.test("renderTable() gives every number of a column the same decimals", () => {
  const table = renderTable(
    [{ a: 16550, b: 0 }, { a: 2214.04, b: 0.14 }, { a: 422, b: -0.001 }],
    [{ key: "a", digits: 1 }, { key: "b", digits: 2 }],
  ).value;
  // Column a holds a value below 1,000 with decimals, so it keeps one decimal throughout.
  assert.deepEqual(cells(table), ["16,550.0", "0.00", "2,214.0", "0.14", "422.0", "0.00"]);
});

Deno.test("renderTable() shows NaN as a missing value, not as NaN", () => {
  const table = renderTable([{ x: Number.NaN }, { x: 1.5 }], [{ key: "x" }]).value;
  assert.ok(!table.includes("NaN"));
  assert.match(table, /muted">—</);
});
