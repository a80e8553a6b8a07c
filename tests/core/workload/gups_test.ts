import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { GupsGenerator } from "../../../core/workload/gups.ts";
import { assertWellFormed, collect, smallOptions } from "./_collect.ts";

Deno.test("GupsGenerator emits one aligned MODIFY per update for any options and chunk size", () => {
  fc.assert(
    fc.property(smallOptions(), fc.integer({ min: 1, max: 600 }), (options, capacity) => {
      const got = assertWellFormed((o) => new GupsGenerator(o), options, capacity);
      assert.ok(got.kind.every((k) => k === AccessKind.MODIFY));
      assert.ok(got.byte.every((b) => b % options.accessBytes === 0));
    }),
    { numRuns: 60 },
  );
});

Deno.test("GupsGenerator ignores writeFraction and is deterministic per seed", () => {
  const a = collect(
    new GupsGenerator({ accesses: 200, footprintBytes: 1 << 24, seed: 3, writeFraction: 0 }),
    0x10000,
  );
  const b = collect(
    new GupsGenerator({ accesses: 200, footprintBytes: 1 << 24, seed: 3 }),
    0x10000,
  );
  const c = collect(
    new GupsGenerator({ accesses: 200, footprintBytes: 1 << 24, seed: 4 }),
    0x10000,
  );
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.byte, c.byte);
});
