import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../../core/base/config_error.ts";
import {
  type ConfigFields,
  describeConfig,
  describeField,
  describeValue,
  expectation,
  fieldAt,
  type ObjectCheck,
  type ResolvedSoFar,
  validateConfig,
} from "../../../core/base/config_fields.ts";
import { COST_MODEL_FIELDS } from "../../../core/cost/cost_model.ts";
import { PROFILES } from "../../../core/cost/profiles.ts";
import { DIRTY_LOG_FIELDS, MACHINE_CONFIG_FIELDS } from "../../../core/machine/machine_config.ts";
import { MEMORY_CONFIG_FIELDS } from "../../../core/mapping/memory_config.ts";
import { HOST_MEMORY_FIELDS } from "../../../core/mem/host_memory.ts";
import { OS_WORKLOAD_OPTIONS_FIELDS } from "../../../core/os/os_workloads.ts";
import { SHADOW_CONFIG_FIELDS } from "../../../core/platforms/shadow/shadow_config.ts";
import {
  RESTORE_OPTIONS_FIELDS,
  SNAPSHOT_OPTIONS_FIELDS,
  STATE_OPTIONS_FIELDS,
} from "../../../core/snapshot/state_params.ts";
import { LINK_PROFILE_FIELDS, LINK_PROFILES } from "../../../core/transfer/link_profile.ts";
import {
  STORAGE_PROFILE_FIELDS,
  STORAGE_PROFILES,
} from "../../../core/transfer/storage_profile.ts";
import { WORKLOAD_OPTIONS_FIELDS } from "../../../core/workload/workload_options.ts";

const PLACE = { component: "test config" };

const sameAsEntries: ObjectCheck = (values, _given, fail) => {
  if ((values.ways as number) > (values.entries as number)) {
    fail("ways", `expected at most entries (${values.entries}), got ${values.ways}`);
  }
};

const FIELDS = {
  count: { kind: "integer", min: 1, max: 64, default: 1, description: "a count" },
  share: { kind: "number", min: 0, max: 1, default: 0.5, description: "a share" },
  clock: { kind: "number", above: 0, unit: "GHz", description: "a clock" },
  bytes: { kind: "size", min: 4096, max: 2 ** 40, default: 2 ** 20, description: "a size" },
  on: { kind: "boolean", default: true, description: "a switch" },
  name: { kind: "string", required: true, description: "a name" },
  page: { kind: "enum", values: ["4k", "2m"], default: "4k", description: "a page size" },
  levels: { kind: "enum", values: [4, 5], default: 4, description: "levels" },
  double: {
    kind: "integer",
    default: (values: ResolvedSoFar): number => 2 * (values.count as number),
    defaultText: "twice count",
    description: "derived",
  },
  cache: {
    kind: "object",
    fields: {
      entries: { kind: "integer", min: 0, default: 16, description: "entries" },
      ways: { kind: "integer", min: 1, default: 4, description: "ways" },
    },
    check: sameAsEntries,
    default: {},
    description: "a cache",
  },
  extra: {
    kind: "object",
    fields: { n: { kind: "integer", default: 3, description: "n" } },
    description: "absent unless given",
  },
  disk: {
    kind: "preset",
    presets: { fast: { speed: 10 }, slow: { speed: 1 } },
    fields: { speed: { kind: "number", above: 0, required: true, description: "speed" } },
    default: "fast",
    description: "a disk",
  },
} as const satisfies ConfigFields;

function problemOf(input: unknown, options = {}): ConfigError {
  try {
    validateConfig(FIELDS, input, { ...PLACE, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, got none");
}

Deno.test("validateConfig() fills every default: constant, derived and nested", () => {
  const values = validateConfig(FIELDS, { name: "x", count: 3 }, PLACE);
  assert.deepEqual(values, {
    count: 3,
    share: 0.5,
    clock: undefined,
    bytes: 2 ** 20,
    on: true,
    name: "x",
    page: "4k",
    levels: 4,
    double: 6,
    cache: { entries: 16, ways: 4 },
    extra: undefined,
    disk: { speed: 10 },
  });
});

Deno.test("validateConfig() reads sizes as text, presets by name or as data", () => {
  const values = validateConfig(
    FIELDS,
    { name: "x", bytes: "64M", disk: { speed: 2.5 }, extra: {} },
    PLACE,
  );
  assert.equal(values.bytes, 64 * 2 ** 20);
  assert.deepEqual(values.disk, { speed: 2.5 });
  assert.deepEqual(values.extra, { n: 3 });
  assert.deepEqual(validateConfig(FIELDS, { name: "x", disk: "slow" }, PLACE).disk, { speed: 1 });
});

Deno.test("validateConfig() takes run-time defaults over declared ones, nested objects field by field", () => {
  const values = validateConfig(FIELDS, { name: "x", cache: { ways: 8 } }, {
    ...PLACE,
    defaults: { share: 0.25, cache: { entries: 64, ways: 2 } },
  });
  assert.equal(values.share, 0.25);
  assert.deepEqual(values.cache, { entries: 64, ways: 8 });
});

const BAD: [string, unknown, string][] = [
  ["a non-object", [], "expected an object, got an array"],
  [
    "an unknown field",
    { name: "x", cont: 1 },
    `field "cont": unknown field; known fields: count, share, clock, bytes, on, name, page, levels, double, cache, extra, disk`,
  ],
  ["a missing required field", {}, 'field "name": expected a non-empty string, got nothing'],
  [
    "an integer out of range",
    { name: "x", count: 65 },
    'field "count": expected an integer from 1 to 64, got 65',
  ],
  [
    "a fraction for an integer",
    { name: "x", count: 1.5 },
    'field "count": expected an integer from 1 to 64, got 1.5',
  ],
  [
    "text for a number",
    { name: "x", share: "half" },
    'field "share": expected a number from 0 to 1, got "half"',
  ],
  ["NaN", { name: "x", share: NaN }, 'field "share": expected a number from 0 to 1, got NaN'],
  [
    "an exclusive bound",
    { name: "x", clock: 0 },
    'field "clock": expected a positive number, got 0',
  ],
  [
    "a size that is no size",
    { name: "x", bytes: "lots" },
    'field "bytes": expected a size from 4K to 1T (bytes, or with a unit K, M, G, T or P: 64M, 8GiB), got "lots"',
  ],
  [
    "a size too small",
    { name: "x", bytes: "1K" },
    'field "bytes": expected a size from 4K to 1T (bytes, or with a unit K, M, G, T or P: 64M, 8GiB), got "1K"',
  ],
  ["a number for a switch", { name: "x", on: 1 }, 'field "on": expected true or false, got 1'],
  ["an empty string", { name: "" }, 'field "name": expected a non-empty string, got ""'],
  ["an unknown name", { name: "x", page: "4m" }, 'field "page": expected one of 4k, 2m, got "4m"'],
  ["a number not listed", { name: "x", levels: 6 }, 'field "levels": expected one of 4, 5, got 6'],
  [
    "a bad derived default",
    { name: "x", count: 64, double: "x" },
    'field "double": expected an integer, got "x"',
  ],
  [
    "a nested unknown field",
    { name: "x", cache: { sets: 1 } },
    'field "cache.sets": unknown field; known fields: entries, ways',
  ],
  [
    "a nested bad value",
    { name: "x", cache: { entries: -1 } },
    'field "cache.entries": expected a non-negative integer, got -1',
  ],
  [
    "a nested rule",
    { name: "x", cache: { entries: 2 } },
    'field "cache.ways": expected at most entries (2), got 4',
  ],
  [
    "an unknown preset",
    { name: "x", disk: "tape" },
    'field "disk": expected one of fast, slow, or a profile given as an object, got "tape"',
  ],
  [
    "a preset given as bad data",
    { name: "x", disk: { speed: 0 } },
    'field "disk.speed": expected a positive number, got 0',
  ],
];

for (const [what, input, problem] of BAD) {
  Deno.test(`validateConfig() rejects ${what} in one line naming component and field`, () => {
    const error = problemOf(input);
    assert.equal(error.message, `Cannot use test config: ${problem}`);
    assert.equal(error.field, /^field "([^"]+)"/.exec(problem)?.[1]);
    assert.equal(error.component, "test config");
    assert.ok(!error.message.includes("\n"));
  });
}

Deno.test("validateConfig() names fields inside a place's path and runs its rule last", () => {
  const error = problemOf({ name: "x", count: 0 }, { path: "outer" });
  assert.equal(error.field, "outer.count");
  const rule: ObjectCheck = (values, given, fail) => {
    if (values.on === false && given.page !== undefined) fail("page", "needs on");
  };
  assert.throws(
    () => validateConfig(FIELDS, { name: "x", on: false, page: "2m" }, { ...PLACE, check: rule }),
    { message: 'Cannot use test config: field "page": needs on' },
  );
  // A default is not a value the user chose: the rule sees it is not given.
  validateConfig(FIELDS, { name: "x", on: false }, { ...PLACE, check: rule });
});

Deno.test("validateConfig() accepts exactly the integers inside a field's bounds", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.double(), fc.string()),
      (min, span, value) => {
        const fields = { n: { kind: "integer", min, max: min + span, description: "n" } } as const;
        const inside = Number.isInteger(value) && (value as number) >= min &&
          (value as number) <= min + span;
        try {
          assert.equal(validateConfig(fields, { n: value }, PLACE).n, value);
          return inside;
        } catch (error) {
          assert.ok(error instanceof ConfigError);
          assert.equal(
            error.problem,
            `expected ${expectation(fields.n)}, got ${describeValue(value)}`,
          );
          return !inside;
        }
      },
    ),
  );
});

Deno.test("describeConfig() and describeField() document what the validator enforces", () => {
  const docs = describeConfig(FIELDS);
  assert.deepEqual(docs.map((d) => d.field), [
    "count",
    "share",
    "clock",
    "bytes",
    "on",
    "name",
    "page",
    "levels",
    "double",
    "cache.entries",
    "cache.ways",
    "extra.n",
    "disk",
  ]);
  assert.deepEqual(describeField(FIELDS, "double"), {
    field: "double",
    expected: "an integer",
    default: "twice count",
    unit: "",
    description: "derived",
  });
  assert.equal(describeField(FIELDS, "bytes").default, "1M");
  assert.equal(describeField(FIELDS, "clock").unit, "GHz");
  assert.equal(describeField(FIELDS, "cache.ways").expected, "a positive integer");
  assert.equal(describeField(FIELDS, "disk").default, "fast");
  assert.throws(() => fieldAt(FIELDS, "cache.sets"), RangeError);
  assert.throws(() => fieldAt(FIELDS, "count.x"), RangeError);
});

/** Every declaration of the library, with an input its required fields need. */
const DECLARATIONS: [string, ConfigFields, Record<string, unknown>][] = [
  ["machine config", MACHINE_CONFIG_FIELDS, {}],
  ["memory config", MEMORY_CONFIG_FIELDS, {}],
  ["shadow config", SHADOW_CONFIG_FIELDS, {}],
  ["dirty log", DIRTY_LOG_FIELDS, {}],
  ["host memory", HOST_MEMORY_FIELDS, {}],
  ["state options", STATE_OPTIONS_FIELDS, {}],
  ["snapshot options", SNAPSHOT_OPTIONS_FIELDS, {}],
  ["restore options", RESTORE_OPTIONS_FIELDS, {}],
  ["workload options", WORKLOAD_OPTIONS_FIELDS, { accesses: 1, footprintBytes: 4096, seed: 1 }],
  ["OS workload options", OS_WORKLOAD_OPTIONS_FIELDS, {
    accesses: 1,
    footprintBytes: 65536,
    seed: 1,
  }],
];

Deno.test("every declared default is valid, and every field says what it sets", async (t) => {
  for (const [name, fields, input] of DECLARATIONS) {
    await t.step(name, () => {
      validateConfig(fields, input, {
        component: name,
        defaults: { tlb: PROFILES["amd-zen3"].tlb },
      });
      for (const doc of describeConfig(fields)) assert.ok(doc.description.length > 0, doc.field);
    });
  }
});

Deno.test("every named profile validates against its declaration, unchanged", () => {
  const cases: [ConfigFields, Readonly<Record<string, object>>][] = [
    [COST_MODEL_FIELDS, PROFILES],
    [STORAGE_PROFILE_FIELDS, STORAGE_PROFILES],
    [LINK_PROFILE_FIELDS, LINK_PROFILES],
  ];
  for (const [fields, presets] of cases) {
    for (const [name, preset] of Object.entries(presets)) {
      assert.deepEqual(validateConfig(fields, preset, { component: name }), preset, name);
    }
  }
});
