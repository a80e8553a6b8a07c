import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { SequentialGenerator } from "../../../core/workload/sequential.ts";
import { assertWellFormed, collect, smallOptions } from "./_collect.ts";

Deno.test("SequentialGenerator scans slot after slot and wraps, for any options and chunk size", () => {
  fc.assert(
    fc.property(smallOptions(), fc.integer({ min: 1, max: 600 }), (options, capacity) => {
      const got = assertWellFormed((o) => new SequentialGenerator(o), options, capacity);
      const slots = Math.floor(options.footprintBytes / options.accessBytes);
      for (let i = 0; i < got.byte.length; i++) {
        assert.equal(got.byte[i], (i % slots) * options.accessBytes);
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("SequentialGenerator makes about writeFraction of its accesses stores", () => {
  for (const writeFraction of [0, 0.3, 0.75, 1]) {
    const got = collect(
      new SequentialGenerator({
        accesses: 20_000,
        footprintBytes: 1 << 20,
        seed: 4,
        writeFraction,
      }),
      0x10000,
    );
    const stores = got.kind.filter((k) => k === AccessKind.STORE).length;
    assert.equal(got.kind.filter((k) => k !== AccessKind.STORE && k !== AccessKind.LOAD).length, 0);
    assert.ok(Math.abs(stores / 20_000 - writeFraction) < 0.015, `${writeFraction}: ${stores}`);
  }
});

Deno.test("SequentialGenerator's kinds depend on the seed, its addresses do not", () => {
  const a = collect(
    new SequentialGenerator({ accesses: 500, footprintBytes: 8192, seed: 1 }),
    0x10000,
  );
  const b = collect(
    new SequentialGenerator({ accesses: 500, footprintBytes: 8192, seed: 2 }),
    0x10000,
  );
  assert.deepEqual(a.byte, b.byte);
  assert.notDeepEqual(a.kind, b.kind);
});

Deno.test("SequentialGenerator starts at the default base page 0x10000", () => {
  const got = collect(new SequentialGenerator({ accesses: 1, footprintBytes: 4096, seed: 0 }), 0);
  assert.equal(got.vpn[0], 0x10000);
});
