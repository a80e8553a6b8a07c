import assert from "node:assert/strict";
import fc from "fast-check";
import { spanOffset } from "../../../core/base/page_size.ts";

Deno.test("spanOffset is the remainder of an exact integer division by a power of two", () => {
  // The reference divides as integers, with BigInt: no float in the way.
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }),
      fc.integer({ min: 0, max: 52 }),
      (x, shift) => {
        const span = 2 ** shift;
        assert.equal(spanOffset(Number(x), span), Number(x % BigInt(span)));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("spanOffset of a negative integer is zero exactly when % is", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 40), max: -1 }),
      fc.constantFrom(1, 2, 8, 512, 262144),
      (x, span) => {
        assert.equal(spanOffset(x, span) === 0, x % span === 0);
      },
    ),
  );
});

Deno.test("spanOffset at the page spans' edges", () => {
  assert.equal(spanOffset(0, 1), 0);
  assert.equal(spanOffset(2 ** 45 + 1, 1), 0);
  assert.equal(spanOffset(511, 512), 511);
  assert.equal(spanOffset(512, 512), 0);
  assert.equal(spanOffset(2 ** 45 + 513, 512), 1);
  assert.equal(spanOffset(2 ** 52 - 1, 262144), 262143);
});
