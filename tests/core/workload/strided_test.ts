import assert from "node:assert/strict";
import fc from "fast-check";
import { StridedGenerator } from "../../../core/workload/strided.ts";
import { assertWellFormed, collect } from "./_collect.ts";

/** The column-wise walk as nested loops: lanes from 0 by the access size, sweeps by the stride. */
function referenceOffsets(
  footprint: number,
  accessBytes: number,
  stride: number,
  count: number,
): number[] {
  const out: number[] = [];
  const last = footprint - accessBytes;
  while (out.length < count) {
    for (let lane = 0; lane < stride && lane <= last; lane += accessBytes) {
      for (let p = lane; p <= last; p += stride) {
        out.push(p);
        if (out.length === count) return out;
      }
    }
  }
  return out;
}

Deno.test("StridedGenerator agrees with a nested-loop reference for any stride and chunk size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 4096, max: 1 << 18 }),
      fc.constantFrom(1, 8, 64, 200),
      fc.oneof(fc.integer({ min: 1, max: 9000 }), fc.constantFrom(64, 4096, 4097, 8192)),
      fc.integer({ min: 1, max: 500 }),
      (accesses, footprintBytes, accessBytes, anyStride, capacity) => {
        const strideBytes = Math.min(anyStride, footprintBytes);
        const options = { accesses, footprintBytes, seed: 5, accessBytes, baseVpn: 100 };
        const got = assertWellFormed(
          (o) => new StridedGenerator({ ...o, strideBytes }),
          options,
          capacity,
        );
        assert.deepEqual(
          got.byte,
          referenceOffsets(footprintBytes, accessBytes, strideBytes, accesses),
        );
      },
    ),
    { numRuns: 80 },
  );
});

Deno.test("StridedGenerator with the default stride touches a new page on every access of a sweep", () => {
  const got = collect(
    new StridedGenerator({ accesses: 64, footprintBytes: 64 * 4096, seed: 1 }),
    0x10000,
  );
  assert.equal(new Set(got.vpn).size, 64);
});

Deno.test("StridedGenerator with an odd stride may straddle pages, and stays inside the footprint", () => {
  const got = collect(
    new StridedGenerator({ accesses: 2000, footprintBytes: 16384, seed: 1, strideBytes: 4093 }),
    0x10000,
  );
  assert.ok(got.offset.some((o) => o + 8 > 4096), "some access should cross a page boundary");
  assert.ok(got.byte.every((b) => b + 8 <= 16384));
});
