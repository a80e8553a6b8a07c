/**
 * Test helper: drains a generator into plain arrays.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { type AccessGenerator, createAccessChunk } from "../../../core/base/access_chunk.ts";

/** Every access of a drained generator, column-wise. */
export interface Collected {
  /** Byte address relative to the footprint's base page. */
  byte: number[];
  /** Page number. */
  vpn: number[];
  /** Offset within the page. */
  offset: number[];
  /** Size in bytes. */
  size: number[];
  /** Access kind. */
  kind: number[];
  /** Address-space tag. */
  space: number[];
}

/** Drains `gen` through a chunk of `capacity` slots, pre-soiled so stale columns would show. */
export function collect(gen: AccessGenerator, baseVpn: number, capacity = 4096): Collected {
  const chunk = createAccessChunk(capacity);
  const out: Collected = { byte: [], vpn: [], offset: [], size: [], kind: [], space: [] };
  for (;;) {
    chunk.vpn.fill(-1);
    chunk.offset.fill(9999);
    chunk.size.fill(77);
    chunk.kind.fill(9);
    chunk.space.fill(5);
    const n = gen.fill(chunk);
    if (n !== chunk.length) throw new Error(`fill returned ${n} but set length ${chunk.length}`);
    if (n === 0) return out;
    for (let i = 0; i < n; i++) {
      out.byte.push((chunk.vpn[i] - baseVpn) * 4096 + chunk.offset[i]);
      out.vpn.push(chunk.vpn[i]);
      out.offset.push(chunk.offset[i]);
      out.size.push(chunk.size[i]);
      out.kind.push(chunk.kind[i]);
      out.space.push(chunk.space[i]);
    }
  }
}

/** Options every generator test draws: small enough to drain quickly. */
export interface SmallOptions {
  accesses: number;
  footprintBytes: number;
  seed: number;
  accessBytes: number;
  baseVpn: number;
}

/** A fast-check arbitrary of {@linkcode SmallOptions}. */
export function smallOptions(): fc.Arbitrary<SmallOptions> {
  return fc.record({
    accesses: fc.integer({ min: 1, max: 3000 }),
    footprintBytes: fc.integer({ min: 4096, max: 1 << 22 }),
    seed: fc.integer(),
    accessBytes: fc.constantFrom(1, 4, 8, 16, 64, 255),
    baseVpn: fc.integer({ min: 0, max: 2 ** 36 }),
  });
}

/**
 * Asserts what every generator promises: exactly `accesses` accesses, each
 * inside the footprint, of the right size, in address space 0, and the same
 * stream whatever the chunk capacity.
 */
export function assertWellFormed(
  create: (options: SmallOptions) => AccessGenerator,
  options: SmallOptions,
  capacity: number,
): Collected {
  const got = collect(create(options), options.baseVpn, capacity);
  assert.equal(got.byte.length, options.accesses);
  for (let i = 0; i < got.byte.length; i++) {
    assert.ok(
      got.byte[i] >= 0 && got.byte[i] + got.size[i] <= options.footprintBytes,
      `access ${i} at byte ${got.byte[i]} leaves the footprint of ${options.footprintBytes}`,
    );
    assert.ok(got.offset[i] < 4096);
    assert.equal(got.size[i], options.accessBytes);
    assert.equal(got.space[i], 0);
    assert.ok(got.kind[i] <= 3);
  }
  assert.deepEqual(collect(create(options), options.baseVpn, 4096), got);
  return got;
}
