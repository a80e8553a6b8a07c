import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { PointerChaseGenerator } from "../../../core/workload/pointer_chase.ts";
import { assertWellFormed, collect } from "./_collect.ts";

Deno.test("PointerChaseGenerator visits every node once per lap, and laps repeat", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 4096, max: 1 << 16 }),
      fc.constantFrom(8, 64, 100, 4096),
      fc.integer(),
      fc.integer({ min: 1, max: 700 }),
      (footprintBytes, nodeBytes, seed, capacity) => {
        const nodes = Math.floor(footprintBytes / nodeBytes);
        const options = {
          accesses: 2 * nodes + 3,
          footprintBytes,
          seed,
          accessBytes: 8,
          baseVpn: 0,
        };
        const got = assertWellFormed(
          (o) => new PointerChaseGenerator({ ...o, nodeBytes }),
          options,
          capacity,
        );
        const lap = got.byte.slice(0, nodes);
        assert.ok(lap.every((b) => b % nodeBytes === 0));
        assert.deepEqual(
          lap.map((b) => b / nodeBytes).sort((x, y) => x - y),
          Array.from({ length: nodes }, (_, i) => i),
        );
        for (let i = nodes; i < got.byte.length; i++) assert.equal(got.byte[i], lap[i % nodes]);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("PointerChaseGenerator only loads by default, and follows writeFraction when given", () => {
  const loads = collect(
    new PointerChaseGenerator({ accesses: 1000, footprintBytes: 1 << 20, seed: 1 }),
    0x10000,
  );
  assert.ok(loads.kind.every((k) => k === AccessKind.LOAD));
  const mixed = collect(
    new PointerChaseGenerator({
      accesses: 1000,
      footprintBytes: 1 << 20,
      seed: 1,
      writeFraction: 0.5,
    }),
    0x10000,
  );
  const stores = mixed.kind.filter((k) => k === AccessKind.STORE).length;
  assert.ok(stores > 400 && stores < 600, `${stores} stores`);
  assert.deepEqual(mixed.byte, loads.byte);
});

Deno.test("PointerChaseGenerator lays out different cycles for different seeds", () => {
  const a = collect(
    new PointerChaseGenerator({ accesses: 64, footprintBytes: 1 << 20, seed: 1 }),
    0,
  );
  const b = collect(
    new PointerChaseGenerator({ accesses: 64, footprintBytes: 1 << 20, seed: 2 }),
    0,
  );
  assert.notDeepEqual(a.byte, b.byte);
});

Deno.test("PointerChaseGenerator rarely stays on a page over a huge footprint", () => {
  const got = collect(
    new PointerChaseGenerator({ accesses: 5000, footprintBytes: 256 * 2 ** 30, seed: 6 }),
    0x10000,
  );
  let samePage = 0;
  for (let i = 1; i < got.vpn.length; i++) if (got.vpn[i] === got.vpn[i - 1]) samePage++;
  assert.ok(samePage < 5, `${samePage} consecutive accesses on one page`);
  assert.ok(got.byte.every((b) => b >= 0 && b + 8 <= 256 * 2 ** 30));
});
