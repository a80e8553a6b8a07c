import assert from "node:assert/strict";
import fc from "fast-check";
import { groupDigits } from "../../../core/base/digits.ts";

Deno.test("groupDigits groups a non-negative integer as Intl's en-US does", () => {
  fc.assert(
    fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (n) => {
      assert.equal(groupDigits(String(n)), n.toLocaleString("en-US"));
    }),
    { numRuns: 500 },
  );
});
