import assert from "node:assert/strict";
import fc from "fast-check";
import { Prng } from "../../../core/base/prng.ts";

const M32 = 0xffffffffn;

/** splitmix32 written with BigInt arithmetic modulo 2^32: slow and plainly correct. */
function splitmixRef(x: bigint): bigint {
  let z = (x + 0x9e3779b9n) & M32;
  z = ((z ^ (z >> 16n)) * 0x21f0aaadn) & M32;
  z = ((z ^ (z >> 15n)) * 0x735a2d97n) & M32;
  return z ^ (z >> 15n);
}

function rotlRef(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (32n - k))) & M32;
}

/** xoshiro128** as published, seeded as Prng documents, with BigInt words. */
function referenceOutputs(seed: number, stream: number, count: number): number[] {
  const big = BigInt(seed);
  const lo = big & M32;
  const hi = (big >> 32n) & M32; // arithmetic shift: floor division, as Prng does
  let h = splitmixRef(lo);
  h = splitmixRef(h ^ hi);
  h = splitmixRef(h ^ (BigInt(stream) & M32));
  const s: bigint[] = [];
  for (let i = 0; i < 4; i++) s.push(h = splitmixRef(h));
  if (!s.some((w) => w !== 0n)) s[0] = 1n;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotlRef((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotlRef(s[3], 11n);
  }
  return out;
}

Deno.test("Prng.nextU32() agrees with a BigInt reference of xoshiro128** for any seed", () => {
  fc.assert(
    fc.property(
      fc.maxSafeInteger(),
      fc.integer({ min: 0, max: 0xffffffff }),
      (seed, stream) => {
        const rng = new Prng(seed, stream);
        const actual = Array.from({ length: 16 }, () => rng.nextU32());
        assert.deepEqual(actual, referenceOutputs(seed, stream, 16));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("Prng gives the same sequence for the same seed and different ones otherwise", () => {
  const a = new Prng(123);
  const b = new Prng(123);
  const c = new Prng(124);
  const d = new Prng(123, 1);
  const sa = Array.from({ length: 8 }, () => a.nextU32());
  assert.deepEqual(sa, Array.from({ length: 8 }, () => b.nextU32()));
  assert.notDeepEqual(sa, Array.from({ length: 8 }, () => c.nextU32()));
  assert.notDeepEqual(sa, Array.from({ length: 8 }, () => d.nextU32()));
});

Deno.test("Prng seeds that differ only above bit 32 give different sequences", () => {
  assert.notEqual(new Prng(5).nextU32(), new Prng(5 + 2 ** 32).nextU32());
  assert.notEqual(new Prng(-1).nextU32(), new Prng(2 ** 32 - 1).nextU32());
});

Deno.test("Prng rejects a seed that is not a safe integer", () => {
  assert.throws(() => new Prng(1.5), RangeError);
  assert.throws(() => new Prng(2 ** 60), RangeError);
  assert.throws(() => new Prng(NaN), RangeError);
});

Deno.test("Prng.next() stays in [0, 1) with mean and quartiles near uniform", () => {
  const rng = new Prng(2024);
  const n = 100_000;
  let sum = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    if (u < 0.25) below++;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.005, `mean ${sum / n}`);
  assert.ok(Math.abs(below / n - 0.25) < 0.005, `first quartile ${below / n}`);
});

/** Pearson's chi-square statistic of counts against equal expectations. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
}

Deno.test("Prng.below() is uniform on small ranges (chi-square)", () => {
  const rng = new Prng(77);
  for (const n of [2, 3, 10, 37, 100]) {
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < 2000 * n; i++) counts[rng.below(n)]++;
    // 99.99th percentile of chi-square with n - 1 degrees of freedom stays under 2n + 20 here.
    assert.ok(chiSquare(counts) < 2 * n + 20, `n=${n}: chi-square ${chiSquare(counts)}`);
  }
});

Deno.test("Prng.below() covers large ranges evenly, in range and integral", () => {
  const rng = new Prng(5);
  for (const n of [2 ** 32, 2 ** 32 + 1, 3 * 2 ** 40, 2 ** 52, 2 ** 53]) {
    const buckets = new Array<number>(8).fill(0);
    for (let i = 0; i < 40_000; i++) {
      const x = rng.below(n);
      assert.ok(Number.isInteger(x) && x >= 0 && x < n, `n=${n}: ${x}`);
      buckets[Math.floor((x / n) * 8)]++;
    }
    assert.ok(chiSquare(buckets) < 30, `n=${n}: buckets ${buckets}`);
  }
});

Deno.test("Prng.below(1) is always 0 and below(2 ** k) uses every bit", () => {
  const rng = new Prng(9);
  for (let i = 0; i < 100; i++) assert.equal(rng.below(1), 0);
  let orBits = 0;
  for (let i = 0; i < 200; i++) orBits |= rng.below(2 ** 20);
  assert.equal(orBits, 2 ** 20 - 1);
});
