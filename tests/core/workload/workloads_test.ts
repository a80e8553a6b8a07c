import assert from "node:assert/strict";
import { ConfigError } from "../../../core/base/config_error.ts";
import { createWorkload, WORKLOADS } from "../../../core/workload/workloads.ts";
import type { WorkloadOptions } from "../../../core/workload/workload_options.ts";
import { collect } from "./_collect.ts";

const NAMES = ["sequential", "strided", "random", "zipf", "pointer-chase", "gups"];

Deno.test("WORKLOADS lists the six synthetic workloads", () => {
  assert.deepEqual(Object.keys(WORKLOADS), NAMES);
});

for (const name of NAMES) {
  Deno.test(`createWorkload("${name}") emits exactly the requested accesses inside the footprint`, () => {
    const options = { accesses: 10_001, footprintBytes: 3 << 20, seed: 17, baseVpn: 0x400 };
    const got = collect(createWorkload(name, options), 0x400, 1000);
    assert.equal(got.byte.length, 10_001);
    assert.ok(got.byte.every((b, i) => b >= 0 && b + got.size[i] <= 3 << 20));
    assert.deepEqual(collect(createWorkload(name, options), 0x400, 1000), got);
  });
}

Deno.test("createWorkload() names the known workloads when the name is unknown", () => {
  assert.throws(
    () => createWorkload("zipfian", { accesses: 1, footprintBytes: 4096, seed: 1 }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Cannot use workload "zipfian": no such workload; known workloads: sequential, strided, random, zipf, pointer-chase, gups',
  );
  // Inherited properties of plain objects are not workloads.
  assert.throws(
    () => createWorkload("toString", { accesses: 1, footprintBytes: 4096, seed: 1 }),
    ConfigError,
  );
});

const VALID: WorkloadOptions = { accesses: 100, footprintBytes: 1 << 20, seed: 1 };

const BAD_OPTIONS: [string, Record<string, unknown>, string][] = [
  ["random", { accesses: 0 }, "accesses"],
  ["random", { accesses: 1.5 }, "accesses"],
  ["random", { accesses: "10" }, "accesses"],
  ["random", { accesses: undefined }, "accesses"],
  ["random", { footprintBytes: 4095 }, "footprintBytes"],
  ["random", { footprintBytes: 2 ** 53 }, "footprintBytes"],
  ["random", { seed: 0.5 }, "seed"],
  ["random", { baseVpn: -1 }, "baseVpn"],
  ["random", { baseVpn: 2 ** 45 - 10 }, "baseVpn"],
  ["random", { writeFraction: 1.1 }, "writeFraction"],
  ["random", { writeFraction: NaN }, "writeFraction"],
  ["random", { accessBytes: 0 }, "accessBytes"],
  ["random", { accessBytes: 256 }, "accessBytes"],
  ["strided", { strideBytes: 0 }, "strideBytes"],
  ["strided", { strideBytes: 2 << 20 }, "strideBytes"],
  ["zipf", { theta: 0 }, "theta"],
  ["zipf", { theta: -1 }, "theta"],
  ["zipf", { scramble: "yes" }, "scramble"],
  ["pointer-chase", { nodeBytes: 4 }, "nodeBytes"],
  ["pointer-chase", { nodeBytes: 2 << 20 }, "nodeBytes"],
];

for (const [name, change, field] of BAD_OPTIONS) {
  Deno.test(`createWorkload("${name}") rejects ${JSON.stringify(change)} naming "${field}"`, () => {
    const options = { ...VALID, ...change } as unknown as WorkloadOptions;
    assert.throws(
      () => createWorkload(name, options),
      (e: unknown) =>
        e instanceof ConfigError && e.field === field &&
        e.message.startsWith(
          `Cannot use options of workload "${name}": field "${field}": expected `,
        ) &&
        !e.message.includes("\n"),
    );
  });
}

Deno.test("createWorkload() rejects an unknown option, naming it", () => {
  const options = { ...VALID, footprint: 4096 } as unknown as WorkloadOptions;
  assert.throws(
    () => createWorkload("sequential", options),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message.startsWith(
        'Cannot use options of workload "sequential": field "footprint": unknown field; known fields: accesses, footprintBytes, seed, ',
      ),
  );
});

Deno.test("createWorkload() accepts a large accessBytes without a nodeBytes", () => {
  const got = collect(createWorkload("pointer-chase", { ...VALID, accessBytes: 128 }), 0x10000);
  assert.ok(got.byte.every((b) => b % 128 === 0));
});
