import assert from "node:assert/strict";
import { formatSize } from "../../reports/size_format.ts";
import { renderTable } from "../../reports/table_html.ts";

Deno.test("formatSize() writes a size in the largest unit it reaches", () => {
  const cases: [number, Parameters<typeof formatSize>[1], string][] = [
    [0.0625, "GiB", "64 MiB"],
    [64, "GiB", "64 GiB"],
    [1280, "MiB", "1.25 GiB"],
    [0.5, "MiB", "512 KiB"],
    [1023, "KiB", "1023 KiB"],
    [1024, "KiB", "1 MiB"],
    [4096, "B", "4 KiB"],
    [0, "B", "0 B"],
    [-0, "MiB", "0 B"],
    [2 ** 41, "B", "2 TiB"],
  ];
  for (const [value, unit, text] of cases) assert.equal(formatSize(value, unit), text);
});

Deno.test("renderTable() shows a size column's cells in the unit that reads best", () => {
  const table = renderTable([{ memory: 0.0625 }, { memory: 2 }], [{ key: "memory", size: "GiB" }])
    .value;
  assert.match(table, />64 MiB</);
  assert.match(table, />2 GiB</);
});
