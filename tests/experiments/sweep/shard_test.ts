import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatShard,
  inShard,
  parseShard,
  resolveShard,
  SHARD_COUNT_VARIABLE,
} from "../../../experiments/sweep/shard.ts";
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

/** An environment of the given variables only. */
const envOf = (vars: Record<string, string>) => (name: string) =>
  Object.hasOwn(vars, name) ? vars[name] : undefined;

/** The variables SLURM sets in task `id` of `sbatch --array=MIN-MAX:STEP`. */
function slurm(id: number, min: number, max: number, step = 1): Record<string, string> {
  return {
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(Math.floor((max - min) / step) + 1),
  };
}

Deno.test("resolveShard('auto') maps every task of a SLURM array to its own shard", () => {
  for (const [min, max, step] of [[0, 7, 1], [1, 8, 1], [1, 7, 2], [10, 40, 10], [3, 3, 1]]) {
    const count = Math.floor((max - min) / step) + 1;
    const seen: number[] = [];
    for (let id = min; id <= max; id += step) {
      const shard = resolveShard("auto", envOf(slurm(id, min, max, step)));
      assert.equal(shard.count, count);
      seen.push(shard.index);
    }
    assert.deepEqual(seen, Array.from({ length: count }, (_, i) => i + 1));
  }
  // Without _STEP and _MAX (older SLURM): step 1, the count from _COUNT.
  const sparse = {
    SLURM_ARRAY_TASK_ID: "4",
    SLURM_ARRAY_TASK_MIN: "2",
    SLURM_ARRAY_TASK_COUNT: "5",
  };
  assert.deepEqual(resolveShard("auto", envOf(sparse)), { index: 3, count: 5 });
  assert.deepEqual(resolveShard("auto/4", envOf(slurm(2, 1, 4))), { index: 2, count: 4 });
});

Deno.test("resolveShard('auto') maps a Kubernetes completion index, counted from 0", () => {
  assert.deepEqual(resolveShard("auto/4", envOf({ JOB_COMPLETION_INDEX: "0" })), {
    index: 1,
    count: 4,
  });
  assert.deepEqual(
    resolveShard("auto", envOf({ JOB_COMPLETION_INDEX: "3", [SHARD_COUNT_VARIABLE]: "4" })),
    { index: 4, count: 4 },
  );
});

Deno.test("resolveShard('auto') refuses a missing or inconsistent environment in one line", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["auto", {}, /neither a SLURM array job .* nor a Kubernetes Indexed Job/],
    ["auto", { ...slurm(1, 1, 4), SLURM_ARRAY_TASK_COUNT: "3" }, /disagree: the range has 4 tasks/],
    ["auto", slurm(2, 1, 7, 2), /SLURM_ARRAY_TASK_ID=2 is not one of the array's tasks/],
    ["auto", slurm(9, 1, 8), /SLURM_ARRAY_TASK_ID=9 is not one of the array's tasks/],
    [
      "auto",
      { ...slurm(1, 1, 8), SLURM_ARRAY_TASK_MAX: "8", SLURM_ARRAY_TASK_STEP: "3" },
      /not a range/,
    ],
    ["auto", { SLURM_ARRAY_TASK_ID: "1" }, /is set but not SLURM_ARRAY_TASK_MIN/],
    [
      "auto",
      { ...slurm(1, 1, 4), SLURM_ARRAY_TASK_MIN: "x" },
      /SLURM_ARRAY_TASK_MIN must be an integer/,
    ],
    ["auto/3", slurm(1, 1, 4), /--shard auto\/3: the SLURM array has 4 tasks/],
    ["auto", { JOB_COMPLETION_INDEX: "2" }, /write --shard auto\/N or set VMLAB_SHARD_COUNT/],
    ["auto/2", { JOB_COMPLETION_INDEX: "2" }, /JOB_COMPLETION_INDEX=2 is not below the 2 shards/],
    [
      "auto/2",
      { JOB_COMPLETION_INDEX: "0", VMLAB_SHARD_COUNT: "3" },
      /VMLAB_SHARD_COUNT=3 says otherwise/,
    ],
    [
      "auto",
      { ...slurm(1, 1, 4), JOB_COMPLETION_INDEX: "0" },
      /both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX/,
    ],
    ["auto/0", slurm(1, 1, 4), /expected auto\/N with N >= 1/],
    ["automatic", {}, /expected K\/N .* or auto/],
  ];
  for (const [text, vars, pattern] of cases) {
    assert.throws(() => resolveShard(text, envOf(vars)), (error: Error) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    }, `${text} ${JSON.stringify(vars)}`);
  }
});
