import assert from "node:assert/strict";
import fc from "fast-check";
import { ZipfGenerator } from "../../../core/workload/zipf.ts";
import { assertWellFormed, collect, smallOptions } from "./_collect.ts";

Deno.test("ZipfGenerator emits aligned in-range accesses for any options and chunk size", () => {
  fc.assert(
    fc.property(
      smallOptions(),
      fc.integer({ min: 1, max: 600 }),
      fc.boolean(),
      (options, capacity, scramble) => {
        const got = assertWellFormed(
          (o) => new ZipfGenerator({ ...o, scramble }),
          options,
          capacity,
        );
        assert.ok(got.byte.every((b) => b % options.accessBytes === 0));
      },
    ),
    { numRuns: 60 },
  );
});

/** Counts of each item index (slot), in slot order. */
function slotCounts(bytes: number[], accessBytes: number, items: number): number[] {
  const counts = new Array<number>(items).fill(0);
  for (const b of bytes) counts[b / accessBytes]++;
  return counts;
}

Deno.test("ZipfGenerator without scrambling puts rank k at slot k - 1 with Zipf's frequencies", () => {
  const items = 1000;
  const accesses = 200_000;
  const got = collect(
    new ZipfGenerator({ accesses, footprintBytes: items * 8, seed: 21, scramble: false }),
    0x10000,
  );
  const counts = slotCounts(got.byte, 8, items);
  let harmonic = 0;
  for (let k = 1; k <= items; k++) harmonic += k ** -0.99;
  for (let k = 1; k <= 10; k++) {
    const expected = (accesses * k ** -0.99) / harmonic;
    // 10% of the expectation is over 3.5 standard deviations even at rank 10.
    assert.ok(
      Math.abs(counts[k - 1] - expected) < 0.1 * expected,
      `rank ${k}: ${counts[k - 1]} drawn, ${expected.toFixed(0)} expected`,
    );
  }
  for (let k = 1; k < 6; k++) assert.ok(counts[k - 1] > counts[k], `rank ${k} vs ${k + 1}`);
});

Deno.test("ZipfGenerator scrambling permutes which slot is hot but not how hot", () => {
  const options = { accesses: 20_000, footprintBytes: 4096, seed: 9 };
  const packed = collect(new ZipfGenerator({ ...options, scramble: false }), 0x10000);
  const scattered = collect(new ZipfGenerator(options), 0x10000);
  const a = slotCounts(packed.byte, 8, 512);
  const b = slotCounts(scattered.byte, 8, 512);
  assert.notDeepEqual(a, b);
  assert.deepEqual([...a].sort((x, y) => x - y), [...b].sort((x, y) => x - y));
  assert.deepEqual(packed.kind, scattered.kind);
});

Deno.test("ZipfGenerator with a higher theta concentrates more accesses on the top item", () => {
  const top = (theta: number): number => {
    const got = collect(
      new ZipfGenerator({
        accesses: 20_000,
        footprintBytes: 1 << 20,
        seed: 2,
        theta,
        scramble: false,
      }),
      0x10000,
    );
    return got.byte.filter((b) => b === 0).length;
  };
  assert.ok(top(0.5) < top(0.99) && top(0.99) < top(1.5));
});
