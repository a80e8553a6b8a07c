import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { UniformRandomGenerator } from "../../../core/workload/uniform_random.ts";
import { assertWellFormed, collect, smallOptions } from "./_collect.ts";

Deno.test("UniformRandomGenerator emits aligned in-range accesses for any options and chunk size", () => {
  fc.assert(
    fc.property(smallOptions(), fc.integer({ min: 1, max: 600 }), (options, capacity) => {
      const got = assertWellFormed((o) => new UniformRandomGenerator(o), options, capacity);
      assert.ok(got.byte.every((b) => b % options.accessBytes === 0));
    }),
    { numRuns: 60 },
  );
});

Deno.test("UniformRandomGenerator spreads accesses evenly over pages", () => {
  const pages = 64;
  const got = collect(
    new UniformRandomGenerator({ accesses: 64_000, footprintBytes: pages * 4096, seed: 8 }),
    0x10000,
  );
  const counts = new Array<number>(pages).fill(0);
  for (const vpn of got.vpn) counts[vpn - 0x10000]++;
  const expected = 1000;
  const chi = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
  assert.ok(chi < 120, `chi-square ${chi} over ${pages} pages`);
});

Deno.test("UniformRandomGenerator is deterministic per seed", () => {
  const options = { accesses: 300, footprintBytes: 1 << 30, seed: 12 };
  const a = collect(new UniformRandomGenerator(options), 0x10000);
  assert.deepEqual(collect(new UniformRandomGenerator(options), 0x10000), a);
  assert.notDeepEqual(collect(new UniformRandomGenerator({ ...options, seed: 13 }), 0x10000), a);
  const stores = a.kind.filter((k) => k === AccessKind.STORE).length;
  assert.ok(stores > 50 && stores < 130, `${stores} stores of 300 at writeFraction 0.3`);
});

Deno.test("UniformRandomGenerator reaches the top of a 64 GiB footprint", () => {
  const footprintBytes = 64 * 2 ** 30;
  const got = collect(
    new UniformRandomGenerator({ accesses: 20_000, footprintBytes, seed: 1 }),
    0x10000,
  );
  assert.ok(got.byte.every((b) => b >= 0 && b + 8 <= footprintBytes && b % 8 === 0));
  assert.ok(got.byte.some((b) => b > footprintBytes * 0.99));
});
