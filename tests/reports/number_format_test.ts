import assert from "node:assert/strict";
import { formatNumber } from "../../reports/number_format.ts";

Deno.test("formatNumber() groups integers and keeps three significant digits otherwise", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-1234, "-1,234"],
    [1234567, "1,234,567"],
    [3.14159, "3.14"],
    [123.456, "123"],
    [0.012345, "0.0123"],
    [1234.5, "1,235"],
    [0.00001234, "1.23e-5"],
    [-0.5, "-0.5"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ];
  for (const [value, text] of cases) assert.equal(formatNumber(value), text, String(value));
});

Deno.test("formatNumber() uses fixed decimals when asked", () => {
  assert.equal(formatNumber(2.5, 2), "2.50");
  assert.equal(formatNumber(12345.678, 1), "12,345.7");
  assert.equal(formatNumber(7, 2), "7");
});
