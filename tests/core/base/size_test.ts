import assert from "node:assert/strict";
import { formatSize, parseSize } from "../../../core/base/size.ts";

const VALID: [string, number][] = [
  ["4096", 4096],
  ["0", 0],
  ["128K", 128 * 1024],
  ["128k", 128 * 1024],
  ["64M", 64 * 2 ** 20],
  ["64MB", 64 * 2 ** 20],
  ["64mib", 64 * 2 ** 20],
  ["8G", 8 * 2 ** 30],
  ["8GiB", 8 * 2 ** 30],
  ["1T", 2 ** 40],
  ["2P", 2 ** 51],
  ["512B", 512],
  ["512b", 512],
  [" 2 M ", 2 * 2 ** 20],
];

for (const [text, bytes] of VALID) {
  Deno.test(`parseSize("${text}") is ${bytes}`, () => {
    assert.equal(parseSize(text), bytes);
  });
}

const INVALID = ["", "M", "1.5G", "-1", "8X", "8 GB extra", "0x100", "8iB", "1e6", "16P"];

for (const text of INVALID) {
  Deno.test(`parseSize("${text}") is not a size`, () => {
    assert.equal(parseSize(text), undefined);
  });
}

Deno.test("formatSize() writes what parseSize() reads, in the largest unit that divides", () => {
  for (const bytes of [1, 4096, 4097, 2 ** 20, 3 * 2 ** 30, 2 ** 52]) {
    assert.equal(parseSize(formatSize(bytes)), bytes);
  }
  assert.equal(formatSize(4096), "4K");
  assert.equal(formatSize(2 ** 40), "1T");
});
