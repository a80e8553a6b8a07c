import assert from "node:assert/strict";
import fc from "fast-check";
import { MeasurementCache } from "../../../core/workload/measurement_cache.ts";

Deno.test("the cache agrees with a reference that remembers the last `capacity` keys measured", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 60 }),
      (capacity, keys) => {
        const cache = new MeasurementCache<string>(capacity);
        const held: string[] = []; // reference: keys in the order they were measured
        let measures = 0;
        for (const k of keys) {
          const key = String(k);
          const expectHit = held.includes(key);
          const before = measures;
          const value = cache.get(key, () => {
            measures++;
            return `v${key}`;
          });
          assert.equal(value, `v${key}`);
          assert.equal(measures === before, expectHit);
          if (!expectHit) {
            if (held.length === capacity) held.shift();
            held.push(key);
          }
          assert.equal(cache.size, held.length);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("a cache needs room for one result", () => {
  assert.throws(() => new MeasurementCache(0), RangeError);
});
