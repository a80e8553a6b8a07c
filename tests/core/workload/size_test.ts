import assert from "node:assert/strict";
import { parseSize, SizeError } from "../../../core/workload/size.ts";

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
  Deno.test(`parseSize("${text}") throws a one-line SizeError quoting the text`, () => {
    assert.throws(
      () => parseSize(text),
      (e: unknown) =>
        e instanceof SizeError &&
        e.message.startsWith(`Cannot parse size ${JSON.stringify(text)}: `) &&
        !e.message.includes("\n"),
    );
  });
}
