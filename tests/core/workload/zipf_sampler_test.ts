import assert from "node:assert/strict";
import { Prng } from "../../../core/base/prng.ts";
import { ZipfSampler } from "../../../core/workload/zipf_sampler.ts";

/** The exact Zipf probability mass function, by direct summation. */
function zipfPmf(n: number, theta: number): number[] {
  const weights = Array.from({ length: n }, (_, k) => (k + 1) ** -theta);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

for (const theta of [0.5, 0.99, 1, 1.5, 3]) {
  Deno.test(`ZipfSampler with theta ${theta} matches the exact law on 40 ranks (chi-square)`, () => {
    const n = 40;
    const draws = 200_000;
    const sampler = new ZipfSampler(n, theta);
    const rng = new Prng(theta * 1000);
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) {
      const k = sampler.sample(rng);
      assert.ok(Number.isInteger(k) && k >= 1 && k <= n, `rank ${k}`);
      counts[k - 1]++;
    }
    const pmf = zipfPmf(n, theta);
    // Pool ranks whose expected count is small, as the chi-square test requires.
    let chi = 0;
    let pooledCount = 0;
    let pooledExpected = 0;
    let bins = 0;
    for (let k = 0; k < n; k++) {
      const expected = pmf[k] * draws;
      if (expected < 20) {
        pooledCount += counts[k];
        pooledExpected += expected;
      } else {
        chi += (counts[k] - expected) ** 2 / expected;
        bins++;
      }
    }
    if (pooledExpected > 0) {
      chi += (pooledCount - pooledExpected) ** 2 / pooledExpected;
      bins++;
    }
    // Far above the 99.9th percentile for at most 40 degrees of freedom (about 73),
    // far below what a wrong exponent or an off-by-one rank gives (thousands).
    assert.ok(chi < 100, `chi-square ${chi.toFixed(1)} over ${bins} bins`);
  });
}

Deno.test("ZipfSampler with one rank always returns 1", () => {
  const sampler = new ZipfSampler(1, 0.99);
  const rng = new Prng(1);
  for (let i = 0; i < 100; i++) assert.equal(sampler.sample(rng), 1);
});

Deno.test("ZipfSampler draws from 2^40 ranks without a table, in range", () => {
  const n = 2 ** 40;
  const sampler = new ZipfSampler(n, 0.99);
  const rng = new Prng(3);
  let top = 0;
  let beyondMillion = 0;
  for (let i = 0; i < 50_000; i++) {
    const k = sampler.sample(rng);
    assert.ok(Number.isInteger(k) && k >= 1 && k <= n);
    if (k === 1) top++;
    if (k > 1e6) beyondMillion++;
  }
  // With theta 0.99 over 2^40 ranks, rank 1 has about 3.1% and the ranks past
  // a million hold roughly half the mass: the tail must be reached.
  assert.ok(top > 1200 && top < 2400, `rank 1 drawn ${top} times`);
  assert.ok(beyondMillion > 15_000, `ranks past 10^6 drawn ${beyondMillion} times`);
});

Deno.test("ZipfSampler rejects a bad rank count or exponent", () => {
  assert.throws(() => new ZipfSampler(0, 1), RangeError);
  assert.throws(() => new ZipfSampler(10.5, 1), RangeError);
  assert.throws(() => new ZipfSampler(10, 0), RangeError);
  assert.throws(() => new ZipfSampler(10, NaN), RangeError);
  assert.throws(() => new ZipfSampler(10, Infinity), RangeError);
});
