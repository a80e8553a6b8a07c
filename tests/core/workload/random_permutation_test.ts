import assert from "node:assert/strict";
import fc from "fast-check";
import { RandomPermutation } from "../../../core/workload/random_permutation.ts";

/** Maps every index and checks the images are exactly [0, size): the definition of a permutation. */
function assertBijection(p: RandomPermutation): void {
  const seen = new Uint8Array(p.size);
  for (let i = 0; i < p.size; i++) {
    const y = p.map(i);
    assert.ok(Number.isInteger(y) && y >= 0 && y < p.size, `map(${i}) = ${y} of ${p.size}`);
    assert.equal(seen[y], 0, `map hits ${y} twice`);
    seen[y] = 1;
  }
}

Deno.test("RandomPermutation is a bijection for every size up to 300", () => {
  for (let size = 1; size <= 300; size++) assertBijection(new RandomPermutation(size, size * 7));
});

Deno.test("RandomPermutation is a bijection for random sizes and seeds", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20_000 }), fc.maxSafeInteger(), (size, seed) => {
      assertBijection(new RandomPermutation(size, seed));
    }),
    { numRuns: 60 },
  );
});

Deno.test("RandomPermutation depends on the seed only, and differs between seeds", () => {
  const a = Array.from({ length: 64 }, (_, i) => new RandomPermutation(1000, 1).map(i));
  const b = Array.from({ length: 64 }, (_, i) => new RandomPermutation(1000, 1).map(i));
  const c = Array.from({ length: 64 }, (_, i) => new RandomPermutation(1000, 2).map(i));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("RandomPermutation scatters consecutive indices (few stay close)", () => {
  const p = new RandomPermutation(1 << 20, 3);
  let close = 0;
  for (let i = 0; i < 10_000; i++) {
    if (Math.abs(p.map(i + 1) - p.map(i)) < 1024) close++;
  }
  // A random pair is within 1024 with probability about 2^-9: some 20 in 10,000.
  assert.ok(close < 60, `${close} consecutive pairs landed close together`);
});

Deno.test("RandomPermutation maps into range for sizes up to 2^52", () => {
  for (const size of [2 ** 34 + 3, 2 ** 45 - 1, 2 ** 52]) {
    const p = new RandomPermutation(size, 11);
    for (let i = 0; i < 1000; i++) {
      const x = Math.floor((i / 1000) * size);
      const y = p.map(x);
      assert.ok(Number.isInteger(y) && y >= 0 && y < size, `size ${size}: map(${x}) = ${y}`);
    }
  }
});

Deno.test("RandomPermutation rejects sizes outside 1 to 2^52", () => {
  for (const size of [0, -1, 1.5, 2 ** 52 + 2, NaN]) {
    assert.throws(() => new RandomPermutation(size, 1), RangeError, `size ${size}`);
  }
});
