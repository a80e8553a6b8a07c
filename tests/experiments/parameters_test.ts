import assert from "node:assert/strict";
import {
  describeParameters,
  type ParameterSpecs,
  parsePoint,
  PointError,
} from "../../experiments/parameters.ts";
import type { Point } from "../../experiments/experiment.ts";

const SPECS = {
  mode: { kind: "choice", values: ["native", "nested"], description: "paging mode" },
  levels: { kind: "choice", values: [4, 5], description: "radix levels" },
  workload: { kind: "string", description: "workload name or lackey:PATH" },
  share: { kind: "number", min: 0, max: 1, description: "a share (0–1)" },
  accesses: { kind: "integer", min: 1, description: "accesses measured" },
  scale: { kind: "number", description: "any finite number" },
} as const satisfies ParameterSpecs;

const GOOD = {
  mode: "nested",
  levels: 4,
  workload: "random",
  share: 0.5,
  accesses: 100,
  scale: -2.5,
} as const;

Deno.test("parsePoint() returns a point that fits its parameters unchanged", () => {
  const point: Point = JSON.parse(JSON.stringify(GOOD));
  const parsed = parsePoint("demo", SPECS, point);
  assert.equal(parsed, point, "the same object, not a converted copy");
  const levels: 4 | 5 = parsed.levels;
  assert.equal(levels, 4);
});

Deno.test("parsePoint() refuses a malformed point in one line naming the experiment and the parameter", async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ mode: "paravirt" }, 'parameter "mode" must be one of native, nested, got "paravirt"'],
    [{ levels: 6 }, 'parameter "levels" must be one of 4, 5, got 6'],
    [{ levels: "4" }, 'parameter "levels" must be one of 4, 5, got "4"'],
    [{ workload: 3 }, 'parameter "workload" must be a string, got 3'],
    [{ share: 1.5 }, 'parameter "share" must be a number from 0 to 1, got 1.5'],
    [{ share: "0.5" }, 'parameter "share" must be a number from 0 to 1, got "0.5"'],
    [{ accesses: 0 }, 'parameter "accesses" must be an integer >= 1, got 0'],
    [{ accesses: 2.5 }, 'parameter "accesses" must be an integer >= 1, got 2.5'],
    [{ scale: Number.NaN }, 'parameter "scale" must be a number, got NaN'],
    [{ scale: null }, 'parameter "scale" must be a number, got null'],
    [
      { level: 4 },
      'unknown parameter "level" (parameters: mode, levels, workload, share, accesses, scale)',
    ],
    // A value with a line break is quoted, so the message stays on one line.
    [{ mode: "a\nb" }, 'parameter "mode" must be one of native, nested, got "a\\nb"'],
  ];
  for (const [change, message] of cases) {
    await t.step(JSON.stringify(change), () => {
      const point = { ...GOOD, ...change } as Point;
      assert.throws(() => parsePoint("demo", SPECS, point), (error: Error) => {
        assert.ok(error instanceof PointError);
        assert.ok(error.message.startsWith('experiment "demo": '), error.message);
        assert.ok(!error.message.includes("\n"), "one line");
        return true;
      });
      assert.throws(() => parsePoint("demo", SPECS, point), {
        message: `experiment "demo": ${message}`,
      });
    });
  }
});

Deno.test("parsePoint() names a missing parameter", () => {
  const { share: _share, ...partial } = GOOD;
  assert.throws(() => parsePoint("demo", SPECS, partial), {
    name: "PointError",
    message: 'experiment "demo": parameter "share" is missing',
  });
});

Deno.test("parsePoint() refuses something that is not an object", () => {
  for (const bad of [null, [1, 2], "x"]) {
    assert.throws(() => parsePoint("demo", SPECS, bad as unknown as Point), PointError);
  }
});

Deno.test("describeParameters() keeps each description, in declaration order", () => {
  assert.deepEqual(Object.entries(describeParameters(SPECS)), [
    ["mode", "paging mode"],
    ["levels", "radix levels"],
    ["workload", "workload name or lackey:PATH"],
    ["share", "a share (0–1)"],
    ["accesses", "accesses measured"],
    ["scale", "any finite number"],
  ]);
});

Deno.test("parsePoint() lets a point leave out an optional parameter, and still checks it when given", () => {
  const specs = {
    workload: { kind: "string", description: "workload" },
    accesses: { kind: "integer", min: 1, optional: true, description: "accesses measured" },
  } as const satisfies ParameterSpecs;
  const parsed = parsePoint("demo", specs, { workload: "lackey:t" });
  const accesses: number | undefined = parsed.accesses;
  assert.equal(accesses, undefined);
  assert.equal(parsePoint("demo", specs, { workload: "w", accesses: 5 }).accesses, 5);
  assert.throws(
    () => parsePoint("demo", specs, { workload: "w", accesses: 0 }),
    { message: 'experiment "demo": parameter "accesses" must be an integer >= 1, got 0' },
  );
  const { accesses: _, ...withoutAccesses } = GOOD;
  assert.throws(
    () => parsePoint("demo", SPECS, withoutAccesses),
    { message: 'experiment "demo": parameter "accesses" is missing' },
    "a parameter not declared optional is still required",
  );
});
