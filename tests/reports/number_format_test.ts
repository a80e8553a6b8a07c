import assert from "node:assert/strict";
import fc from "fast-check";
import {
  columnDecimals,
  columnFormat,
  formatNumber,
  MAX_COLUMN_DECIMALS,
} from "../../reports/number_format.ts";

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

Deno.test("formatNumber() never prints minus zero", () => {
  assert.equal(formatNumber(-0), "0");
  assert.equal(formatNumber(-0.001, 2), "0.00");
  assert.equal(formatNumber(-0.005, 1), "0.0");
});

Deno.test("columnDecimals() picks one number of decimals for a column", () => {
  const cases: [number[], number | undefined, number][] = [
    [[1, 2, 3], undefined, 0],
    [[1, 2, 3], 2, 0], // integers only: no decimals, whatever was asked
    [[1, 1.37], 2, 2],
    [[0, 0.14, 558.56], undefined, 3], // three significant digits of the smallest non-zero
    [[34.43, 209.32, 558.56], undefined, 1],
    [[16550.04, 2214], 1, 0], // beyond 1,000 decimals are noise
    [[16550.04, 2.5], 1, 1],
    [[1e-12, 1], undefined, MAX_COLUMN_DECIMALS],
    [[Number.NaN, 2.5], undefined, 2],
  ];
  for (const [values, digits, decimals] of cases) {
    assert.equal(columnDecimals(values, digits), decimals, `${values} digits=${digits}`);
  }
});

Deno.test("columnFormat() gives every cell of a column the same decimals, never -0", () => {
  const values = fc.array(
    fc.oneof(
      fc.integer({ min: -2_000_000, max: 2_000_000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(0, -0, 1, -1e-9, 0.5),
    ),
    { minLength: 1, maxLength: 12 },
  );
  const digits = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });
  fc.assert(
    fc.property(values, digits, (column, d) => {
      const format = columnFormat(column, d);
      const cells = column.map(format);
      const decimals = cells.map((c) => c.includes(".") ? c.length - c.indexOf(".") - 1 : 0);
      assert.equal(new Set(decimals).size, 1, `one format per column: ${cells}`);
      for (const c of cells) {
        assert.ok(!/^-[0.,]*$/.test(c), `no minus zero: ${c}`);
        assert.match(c, /^-?\d{1,3}(,\d{3})*(\.\d+)?$/, "grouped digits");
      }
      if (column.every((v) => Number.isInteger(v))) {
        assert.equal(decimals[0], 0, `integers only: no decimals: ${cells}`);
      }
      // Each cell rounds its value: within half a unit in the last place.
      for (let i = 0; i < column.length; i++) {
        const back = Number(cells[i].replaceAll(",", ""));
        assert.ok(Math.abs(back - column[i]) <= 0.5 * 10 ** -decimals[0] * (1 + 1e-9));
      }
    }),
  );
});
