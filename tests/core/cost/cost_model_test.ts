import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../../core/base/config_error.ts";
import { describeConfig } from "../../../core/base/config_fields.ts";
import { COST_MODEL_FIELDS, type CostModel, type Geometry } from "../../../core/cost/cost_model.ts";
import {
  DEFAULT_PROFILE,
  getProfile,
  profileNames,
  PROFILES,
} from "../../../core/cost/profiles.ts";
import { parseCostModel } from "../../../core/cost/profile_reader.ts";
import { EXIT_REASON_NAMES } from "../../../core/base/exit_reason.ts";

type Json = { [key: string]: unknown };

// The obviously-correct reference: a plain recursive merge of JSON objects.
function referenceMerge(base: unknown, override: unknown): unknown {
  if (
    typeof base !== "object" || base === null || typeof override !== "object" ||
    override === null
  ) {
    return override;
  }
  const out: Json = { ...(base as Json) };
  for (const [key, value] of Object.entries(override as Json)) {
    out[key] = key in out ? referenceMerge(out[key], value) : value;
  }
  return out;
}

function referenceParse(json: Json, source: string): unknown {
  const baseName = typeof json.base === "string" ? json.base : DEFAULT_PROFILE;
  const { base: _base, ...override } = json;
  const merged = referenceMerge(JSON.parse(JSON.stringify(PROFILES[baseName])), override) as Json;
  const changesSomething = Object.keys(override).some((key) => key !== "name");
  if (!("name" in override)) merged.name = changesSomething ? `${baseName}+${source}` : baseName;
  return merged;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, got none");
}

function geometries(model: CostModel): [string, Geometry][] {
  return [
    ["tlb.l1_4k", model.tlb.l1_4k],
    ["tlb.l1_2m", model.tlb.l1_2m],
    ["tlb.l1_1g", model.tlb.l1_1g],
    ["tlb.l2", model.tlb.l2],
    ["walkCache", model.walkCache],
    ["nestedTlb", model.nestedTlb],
    ["pteCache", model.pteCache],
    ["caches.l1d", model.caches.l1d],
    ["caches.l2", model.caches.l2],
    ["caches.llc", model.caches.llc],
  ];
}

Deno.test("PROFILES holds an Intel and an AMD profile, and the default is the Intel one", () => {
  assert.deepEqual(profileNames(), ["amd-zen3", "intel-skylake-sp"]);
  assert.equal(DEFAULT_PROFILE, "intel-skylake-sp");
  for (const name of profileNames()) assert.equal(PROFILES[name].name, name);
});

Deno.test("every named profile passes its own validation unchanged", () => {
  for (const name of profileNames()) {
    const asJson = JSON.parse(JSON.stringify(PROFILES[name]));
    assert.deepEqual(parseCostModel(asJson, `${name}.json`), PROFILES[name]);
    assert.deepEqual(parseCostModel({ ...asJson, base: name }, `${name}.json`), PROFILES[name]);
    assert.deepEqual(parseCostModel({ base: name }, "x.json"), PROFILES[name]);
  }
});

Deno.test("every named profile has sane geometry: ways divide entries", () => {
  for (const name of profileNames()) {
    for (const [path, g] of geometries(PROFILES[name])) {
      assert.ok(Number.isInteger(g.entries) && g.entries > 0, `${name} ${path}.entries`);
      assert.ok(Number.isInteger(g.ways) && g.ways > 0, `${name} ${path}.ways`);
      assert.equal(g.entries % g.ways, 0, `${name} ${path}`);
    }
  }
});

Deno.test("every exit reason has a non-negative handler cost in every profile", () => {
  for (const name of profileNames()) {
    const handlers = PROFILES[name].exitHandlerCycles;
    assert.deepEqual(Object.keys(handlers).sort(), [...EXIT_REASON_NAMES].sort(), name);
    for (const reason of EXIT_REASON_NAMES) {
      assert.ok(Number.isFinite(handlers[reason]) && handlers[reason] >= 0, `${name} ${reason}`);
    }
  }
});

Deno.test("the profiles carry the cited headline numbers", () => {
  const intel = PROFILES["intel-skylake-sp"];
  const amd = PROFILES["amd-zen3"];
  assert.deepEqual(intel.tlb.l2, { entries: 1536, ways: 12 });
  assert.deepEqual(intel.tlb.l1_4k, { entries: 64, ways: 4 });
  // One definition (the hardware round trip) and, for want of an Intel
  // measurement of that generation, one number (see the profiles' comments).
  assert.equal(intel.vmExitCycles, amd.vmExitCycles);
  assert.deepEqual(amd.tlb.l2.entries, 2048);
  assert.deepEqual(amd.tlb.l1_4k, { entries: 64, ways: 64 });
  assert.ok(amd.vmExitCycles >= 1340 && amd.vmExitCycles <= 1380);
  // 1.375 MiB a core of a 38.5 MiB L3 on Skylake-SP; 4 MiB a core of a 32 MiB L3 on Zen 3.
  assert.equal(intel.caches.llc.entries * 64, 38.5 * 2 ** 20);
  assert.equal(intel.caches.llcLinesPerVcpu * 64, 1.375 * 2 ** 20);
  assert.equal(amd.caches.llc.entries * 64, 32 * 2 ** 20);
  assert.equal(amd.caches.llcLinesPerVcpu * 64, 4 * 2 ** 20);
  for (const model of [intel, amd]) {
    assert.equal(model.pageCopyCycles, 500);
    const c = model.caches;
    assert.deepEqual(c.l1d, { entries: 512, ways: 8 }, "32 KiB 8-way");
    assert.ok(c.l1dHitCycles < c.l2HitCycles && c.l2HitCycles < c.llcHitCycles);
    assert.ok(c.llcHitCycles < c.dramCycles);
    assert.equal(c.dramCycles, model.pteMemoryCycles);
    assert.ok(c.memoryLevelParallelism >= 1);
    assert.ok(model.pteMemoryCycles > model.pteCacheHitCycles);
    assert.ok(model.pteCacheHitCycles > model.l1TlbHitCycles);
  }
});

Deno.test("PROFILES is frozen and getProfile() returns an independent copy", () => {
  assert.ok(Object.isFrozen(PROFILES));
  assert.ok(Object.isFrozen(PROFILES["amd-zen3"].tlb.l2));
  assert.ok(Object.isFrozen(PROFILES["amd-zen3"].exitHandlerCycles));
  const copy = getProfile("amd-zen3");
  assert.deepEqual(copy, PROFILES["amd-zen3"]);
  copy.tlb.l2.ways = 1;
  copy.exitHandlerCycles.ipi = 0;
  assert.equal(PROFILES["amd-zen3"].tlb.l2.ways, 8);
  assert.notEqual(PROFILES["amd-zen3"].exitHandlerCycles.ipi, 0);
});

Deno.test("getProfile() names the known profiles when the name is unknown", () => {
  for (const name of ["zen9", "constructor", "__proto__", "toString", ""]) {
    const error = errorOf(() => getProfile(name));
    assert.equal(
      error.message,
      `Cannot use cost profile "${name}": no such profile; known profiles: amd-zen3, intel-skylake-sp`,
    );
    assert.equal(error.component, `cost profile "${name}"`);
    assert.equal(error.field, undefined);
  }
});

Deno.test("parseCostModel() of {} is the default profile", () => {
  assert.deepEqual(parseCostModel({}, "empty.json"), PROFILES[DEFAULT_PROFILE]);
});

Deno.test("parseCostModel() merges a partial override field by field", async (t) => {
  await t.step("a nested TLB field keeps its sibling and the other TLBs", () => {
    const model = parseCostModel({ base: "amd-zen3", tlb: { l2: { ways: 16 } } }, "my.json");
    const expected = getProfile("amd-zen3");
    expected.tlb.l2.ways = 16;
    expected.name = "amd-zen3+my.json";
    assert.deepEqual(model, expected);
  });

  await t.step("one handler cost keeps the other reasons", () => {
    const model = parseCostModel({ exitHandlerCycles: { ipi: 9 } }, "h.json");
    for (const reason of EXIT_REASON_NAMES) {
      const want = reason === "ipi" ? 9 : PROFILES[DEFAULT_PROFILE].exitHandlerCycles[reason];
      assert.equal(model.exitHandlerCycles[reason], want, reason);
    }
  });

  await t.step("entries alone may change when the base's ways still divide them", () => {
    const model = parseCostModel(
      { tlb: { l2: { entries: 3072 } }, walkCache: { entries: 0 } },
      "g",
    );
    assert.deepEqual(model.tlb.l2, { entries: 3072, ways: 12 });
    assert.deepEqual(model.walkCache, { entries: 0, ways: 8 });
  });

  await t.step("a disabled structure may have any ways, even 0", () => {
    const model = parseCostModel({ nestedTlb: { entries: 0, ways: 0 } }, "off.json");
    assert.deepEqual(model.nestedTlb, { entries: 0, ways: 0 });
  });

  await t.step("an explicit name and description win; a name alone keeps the base numbers", () => {
    const model = parseCostModel({ name: "mine", description: "my box" }, "n.json");
    assert.equal(model.name, "mine");
    assert.equal(model.description, "my box");
    const named = parseCostModel({ base: "amd-zen3", name: "zen3-copy" }, "n.json");
    assert.deepEqual(named, { ...getProfile("amd-zen3"), name: "zen3-copy" });
  });

  await t.step("the result is a fresh object the caller may change", () => {
    const model = parseCostModel({}, "x.json");
    model.tlb.l2.entries = 1;
    model.exitHandlerCycles.io = 1;
    assert.equal(PROFILES[DEFAULT_PROFILE].tlb.l2.entries, 1536);
  });
});

const BAD_CASES: [string, unknown, string][] = [
  [
    "a negative way count",
    { tlb: { l2: { ways: -3 } } },
    `field "tlb.l2.ways": expected an integer from 0 to 2^24, got -3`,
  ],
  [
    "a fractional entry count",
    { tlb: { l1_4k: { entries: 1.5 } } },
    `field "tlb.l1_4k.entries": expected an integer from 0 to 2^24, got 1.5`,
  ],
  [
    "a string geometry",
    { pteCache: { entries: "16384" } },
    `field "pteCache.entries": expected an integer from 0 to 2^24, got "16384"`,
  ],
  [
    "ways that do not divide the base's entries",
    { tlb: { l2: { ways: 7 } } },
    `field "tlb.l2.ways": expected a number of ways dividing entries (1536), got 7`,
  ],
  [
    "entries that the base's ways do not divide",
    { tlb: { l2: { entries: 1000 } } },
    `field "tlb.l2.entries": expected a multiple of ways (12), got 1000`,
  ],
  [
    "both given and not dividing",
    { walkCache: { entries: 30, ways: 8 } },
    `field "walkCache.ways": expected a number of ways dividing entries (30), got 8`,
  ],
  [
    "zero ways on an enabled structure",
    { walkCache: { ways: 0 } },
    `field "walkCache.ways": expected a number of ways dividing entries (32), got 0`,
  ],
  [
    "an absurd entry count",
    { pteCache: { entries: 1e12, ways: 1 } },
    `field "pteCache.entries": expected an integer from 0 to 2^24, got 1000000000000`,
  ],
  [
    "a negative cycle count",
    { vmExitCycles: -1 },
    `field "vmExitCycles": expected a non-negative number, got -1`,
  ],
  [
    "a cycle count as a string",
    { vmExitCycles: "2000" },
    `field "vmExitCycles": expected a non-negative number, got "2000"`,
  ],
  [
    "a null cycle count",
    { pteMemoryCycles: null },
    `field "pteMemoryCycles": expected a non-negative number, got null`,
  ],
  [
    "a cycle count as a boolean",
    { l2TlbHitCycles: true },
    `field "l2TlbHitCycles": expected a non-negative number, got true`,
  ],
  ["a zero clock", { clockGhz: 0 }, `field "clockGhz": expected a positive number, got 0`],
  [
    "a negative handler cost",
    { exitHandlerCycles: { ipi: -5 } },
    `field "exitHandlerCycles.ipi": expected a non-negative number, got -5`,
  ],
  [
    "an unknown exit reason",
    { exitHandlerCycles: { vmcall: 5 } },
    `field "exitHandlerCycles.vmcall": unknown field; known fields: ${
      EXIT_REASON_NAMES.join(", ")
    }`,
  ],
  [
    "an unknown top-level field",
    { vmExitCycle: 1 },
    `field "vmExitCycle": unknown field; known fields: base, name, description, clockGhz, baseCyclesPerAccess, l1TlbHitCycles, l2TlbHitCycles, walkCacheHitCycles, pteCacheHitCycles, pteMemoryCycles, nestedTlbHitCycles, vmExitCycles, exitHandlerCycles, guestPageFaultCycles, pageCopyCycles, ipiRoundTripCycles, shadowResyncPageCycles, shadowPrefetchEntryCycles, shadowPropagatePageCycles, tlb, walkCache, nestedTlb, pteCache, caches, bus`,
  ],
  [
    "an unknown TLB",
    { tlb: { l3: {} } },
    `field "tlb.l3": unknown field; known fields: l1_4k, l1_2m, l1_1g, l2`,
  ],
  [
    "an unknown geometry field",
    { tlb: { l2: { entries: 8, ways: 4, sets: 2 } } },
    `field "tlb.l2.sets": unknown field; known fields: entries, ways`,
  ],
  [
    "an array where an object belongs",
    { tlb: [] },
    `field "tlb": expected an object, got an array`,
  ],
  [
    "a number where a geometry belongs",
    { nestedTlb: 16 },
    `field "nestedTlb": expected an object, got 16`,
  ],
  [
    "an unknown base",
    { base: "zen9" },
    `field "base": expected one of amd-zen3, intel-skylake-sp, got "zen9"`,
  ],
  [
    "a base that is an Object.prototype key",
    { base: "constructor" },
    `field "base": expected one of amd-zen3, intel-skylake-sp, got "constructor"`,
  ],
  [
    "a base that is not a string",
    { base: 3 },
    `field "base": expected one of amd-zen3, intel-skylake-sp, got 3`,
  ],
  ["an empty name", { name: "" }, `field "name": expected a non-empty string, got ""`],
  [
    "a __proto__ key from JSON.parse",
    JSON.parse('{"__proto__": {"clockGhz": 1}}'),
    `field "__proto__": unknown field; known fields: base, name, description, clockGhz, baseCyclesPerAccess, l1TlbHitCycles, l2TlbHitCycles, walkCacheHitCycles, pteCacheHitCycles, pteMemoryCycles, nestedTlbHitCycles, vmExitCycles, exitHandlerCycles, guestPageFaultCycles, pageCopyCycles, ipiRoundTripCycles, shadowResyncPageCycles, shadowPrefetchEntryCycles, shadowPropagatePageCycles, tlb, walkCache, nestedTlb, pteCache, caches, bus`,
  ],
  [
    "a vCPU's LLC share smaller than one set",
    { caches: { llcLinesPerVcpu: 10 } },
    `field "caches.llcLinesPerVcpu": a vCPU's share of the last-level cache (10 lines) must hold at least one set of llc.ways (11) lines`,
  ],
  [
    "a memory-level parallelism below 1",
    { caches: { memoryLevelParallelism: 0.5 } },
    `field "caches.memoryLevelParallelism": expected a number from 1 to 64, got 0.5`,
  ],
  [
    "LLC ways that divide no share",
    { caches: { llc: { entries: 630784, ways: 630784 } } },
    `field "caches.llc.ways": a vCPU's share of the last-level cache (22528 lines) must hold at least one set of llc.ways (630784) lines`,
  ],
  ["a top-level array", [], `expected a JSON object, got an array`],
  ["a top-level null", null, `expected a JSON object, got null`],
  ["a top-level string", "intel-skylake-sp", `expected a JSON object, got "intel-skylake-sp"`],
];

for (const [what, json, problem] of BAD_CASES) {
  Deno.test(`parseCostModel() rejects ${what} with a one-line message naming the field`, () => {
    const error = errorOf(() => parseCostModel(json, "my.json"));
    assert.equal(error.message, `Cannot use cost profile "my.json": ${problem}`);
    assert.equal(error.name, "ConfigError");
    assert.equal(error.component, 'cost profile "my.json"');
    assert.ok(!error.message.includes("\n"));
    const field = /^field "([^"]+)"/.exec(problem)?.[1];
    assert.equal(error.field, field);
  });
}

Deno.test("parseCostModel() shortens long string values in messages", () => {
  const error = errorOf(() => parseCostModel({ vmExitCycles: "x".repeat(500) }, "long.json"));
  assert.ok(error.message.length < 160, error.message);
  assert.ok(error.message.endsWith(`got "${"x".repeat(37)}..."`));
});

// A valid geometry override: entries are sets × ways, or 0 (disabled, any ways).
const geometryOverride: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ sets: fc.integer({ min: 1, max: 4096 }), ways: fc.integer({ min: 1, max: 32 }) })
    .map(({ sets, ways }) => ({ entries: sets * ways, ways })),
  fc.record({ entries: fc.constant(0), ways: fc.integer({ min: 0, max: 32 }) }),
);

const cycles: fc.Arbitrary<number> = fc.oneof(
  fc.nat({ max: 100_000 }),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);

const handlerOverride: fc.Arbitrary<Json> = fc.record(
  Object.fromEntries(EXIT_REASON_NAMES.map((reason) => [reason, cycles])),
  { requiredKeys: [] },
);

const override: fc.Arbitrary<Json> = fc.record({
  base: fc.constantFrom("intel-skylake-sp", "amd-zen3"),
  name: fc.string({ minLength: 1, maxLength: 12 }),
  description: fc.string({ minLength: 1, maxLength: 20 }),
  clockGhz: fc.double({ min: 0.1, max: 6, noNaN: true }),
  baseCyclesPerAccess: cycles,
  l1TlbHitCycles: cycles,
  l2TlbHitCycles: cycles,
  walkCacheHitCycles: cycles,
  pteCacheHitCycles: cycles,
  pteMemoryCycles: cycles,
  nestedTlbHitCycles: cycles,
  vmExitCycles: cycles,
  guestPageFaultCycles: cycles,
  pageCopyCycles: cycles,
  exitHandlerCycles: handlerOverride,
  tlb: fc.record(
    {
      l1_4k: geometryOverride,
      l1_2m: geometryOverride,
      l1_1g: geometryOverride,
      l2: geometryOverride,
    },
    { requiredKeys: [] },
  ),
  walkCache: geometryOverride,
  nestedTlb: geometryOverride,
  pteCache: geometryOverride,
}, { requiredKeys: [] });

Deno.test("parseCostModel() of any valid override equals the reference merge over its base", () => {
  fc.assert(
    fc.property(override, (json) => {
      assert.deepEqual(parseCostModel(json, "p.json"), referenceParse(json, "p.json"));
    }),
    { numRuns: 500 },
  );
});

Deno.test("parseCostModel() round-trips its own output through JSON", () => {
  fc.assert(
    fc.property(override, fc.string({ minLength: 1, maxLength: 10 }), (json, source) => {
      const model = parseCostModel(json, source);
      const again = parseCostModel(JSON.parse(JSON.stringify(model)), "again.json");
      assert.deepEqual(again, model);
    }),
    { numRuns: 300 },
  );
});

const CYCLE_PATHS: string[][] = [
  ["vmExitCycles"],
  ["pteMemoryCycles"],
  ["guestPageFaultCycles"],
  ...EXIT_REASON_NAMES.map((reason) => ["exitHandlerCycles", reason]),
];

Deno.test("parseCostModel() names the exact path of any negative cycle count", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...CYCLE_PATHS),
      fc.double({ max: -Number.MIN_VALUE, min: -1e9, noNaN: true }),
      (path, value) => {
        const json: Json = {};
        let node = json;
        for (const key of path.slice(0, -1)) node = (node[key] = {}) as Json;
        node[path[path.length - 1]] = value;
        const error = errorOf(() => parseCostModel(json, "neg.json"));
        assert.equal(error.field, path.join("."));
        assert.equal(
          error.message,
          `Cannot use cost profile "neg.json": field "${path.join(".")}": ` +
            `expected a non-negative number, got ${value}`,
        );
      },
    ),
  );
});

Deno.test("COST_MODEL_FIELDS documents every field of a profile with its unit", () => {
  const docs = describeConfig(COST_MODEL_FIELDS);
  const fields = docs.map((d) => d.field);
  assert.ok(fields.includes("tlb.l2.ways"));
  assert.ok(fields.includes("exitHandlerCycles.write_protect"));
  assert.equal(docs.find((d) => d.field === "vmExitCycles")?.unit, "cycles");
  assert.equal(docs.find((d) => d.field === "clockGhz")?.unit, "GHz");
  for (const doc of docs) assert.ok(doc.description.length > 0, doc.field);
});
