import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { Prng } from "../../../core/base/prng.ts";
import { UniformRandomGenerator } from "../../../core/workload/uniform_random.ts";
import { writeThreshold } from "../../../core/workload/workload_options.ts";
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

/** The stream drawn the obvious way, through Prng's own methods: the reference for the fast fill. */
function referenceStream(
  options: { accesses: number; footprintBytes: number; seed: number; accessBytes: number },
): { byte: number[]; kind: number[] } {
  const rng = new Prng(options.seed);
  const slots = Math.floor(options.footprintBytes / options.accessBytes);
  const threshold = writeThreshold(0.3);
  const byte: number[] = [];
  const kind: number[] = [];
  for (let i = 0; i < options.accesses; i++) {
    byte.push(rng.below(slots) * options.accessBytes);
    kind.push(rng.nextU32() < threshold ? AccessKind.STORE : AccessKind.LOAD);
  }
  return { byte, kind };
}

Deno.test("UniformRandomGenerator draws the same stream as Prng.below and Prng.nextU32", () => {
  fc.assert(
    fc.property(smallOptions(), fc.integer({ min: 1, max: 600 }), (options, capacity) => {
      const got = collect(new UniformRandomGenerator(options), options.baseVpn, capacity);
      const want = referenceStream(options);
      assert.deepEqual(got.byte, want.byte);
      assert.deepEqual(got.kind, want.kind);
    }),
    { numRuns: 80 },
  );
  // Footprints of 2^32 slots (no shift) and above (two words a draw).
  for (const footprintBytes of [2 ** 35, 2 ** 36]) {
    const options = { accesses: 500, footprintBytes, seed: 5, accessBytes: 8 };
    const got = collect(new UniformRandomGenerator(options), 0x10000);
    assert.deepEqual(got.byte, referenceStream(options).byte, `footprint ${footprintBytes}`);
    assert.deepEqual(got.kind, referenceStream(options).kind, `footprint ${footprintBytes}`);
  }
});
