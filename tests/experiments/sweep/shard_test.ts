import assert from "node:assert/strict";
import fc from "fast-check";
import { formatShard, inShard, parseShard } from "../../../experiments/sweep/shard.ts";
import { UsageError } from "../../../experiments/cli/usage_error.ts";

Deno.test("parseShard() reads K/N and rejects anything else", () => {
  assert.deepEqual(parseShard("3/8"), { index: 3, count: 8 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  for (const bad of ["0/4", "5/4", "3", "a/b", "1/0", "-1/4", "1.5/4", ""]) {
    assert.throws(() => parseShard(bad), UsageError, bad);
  }
});

Deno.test("formatShard() inverts parseShard()", () => {
  assert.equal(formatShard(parseShard("2/7")), "2/7");
});

Deno.test("inShard() deals every point to exactly one shard, and shards differ in size by at most one", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 1, max: 20 }),
      (points, count) => {
        const sizes = new Array(count).fill(0);
        for (let i = 0; i < points; i++) {
          const owners = sizes.map((_, k) => k).filter((k) => inShard(i, { index: k + 1, count }));
          assert.equal(owners.length, 1);
          sizes[owners[0]]++;
        }
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
      },
    ),
  );
});
