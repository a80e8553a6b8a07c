import assert from "node:assert/strict";
import { ConfigError } from "../../../core/base/config_error.ts";
import {
  resolveRestoreOptions,
  resolveSnapshotOptions,
  resolveStateOptions,
} from "../../../core/snapshot/state_params.ts";
import { runRestore, runSnapshot } from "../../../core/snapshot/mod.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

Deno.test("an empty options object is a valid snapshot and restore", () => {
  const s = resolveSnapshotOptions({});
  assert.equal(s.method, "concurrent-cow");
  assert.equal(s.pages, 262144);
  assert.equal(s.storage.name, "nvme-ssd");
  assert.equal(resolveRestoreOptions({}).method, "lazy-sweep");
  assert.equal(s.simTimeLimitS, 1200);
});

const BAD: [string, Record<string, unknown>, RegExp][] = [
  ["batchPages", { batchPages: 0 }, /"batchPages": expected an integer from 1 to 1024, got 0$/],
  ["batchPages", { batchPages: 2048 }, /got 2048$/],
  ["batchPages", { batchPages: 1.5 }, /integer/],
  [
    "memoryGib",
    { memoryGib: 0 },
    /"memoryGib": expected a number above 0 and at most 1024, got 0$/,
  ],
  ["memoryGib", { memoryGib: 1e-9 }, /"memoryGib": expected at least one 4 KiB page/],
  ["memoryGib", { memoryGib: "1" }, /got "1"$/],
  [
    "storage",
    { storage: "tape" },
    /"storage": expected one of nvme-ssd, sata-ssd, network-gp3, or a profile given as an object, got "tape"$/,
  ],
  ["storage.queueDepth", { storage: { name: "x", queueDepth: 0 } }, /"storage\./],
  ["writeFraction", { writeFraction: 1.5 }, /"writeFraction": expected a number from 0 to 1/],
  ["workingSetFraction", { workingSetFraction: 0 }, /above 0/],
  ["vcpus", { vcpus: 0 }, /vcpus/],
  ["ioDepth", { ioDepth: -1 }, /ioDepth/],
  ["jobMs", { jobMs: NaN }, /"jobMs": expected a number from 0 to 1e7, got NaN$/],
  ["simTimeLimitS", { simTimeLimitS: 0 }, /"simTimeLimitS": expected a number above 0/],
  ["unknown", { memoryGB: 1 }, /"memoryGB": unknown field; known fields: memoryGib, batchPages/],
];

Deno.test("bad shared options give a one-line ConfigError naming the field", async (t) => {
  for (const [field, options, message] of BAD) {
    await t.step(`${JSON.stringify(options)} → ${field}`, () => {
      assert.throws(() => resolveStateOptions(options), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.component, "snapshot/restore options");
        assert.ok(e.field?.startsWith(Object.keys(options)[0]), e.field);
        assert.match(e.message, message);
        assert.equal(e.message.includes("\n"), false);
        return true;
      });
    });
  }
});

Deno.test("bad snapshot and restore options name the field", () => {
  assert.throws(() => runSnapshot({ method: "hibernate" }, TEST_PROFILE, 1), {
    message:
      'Cannot use snapshot options: field "method": expected one of stop-and-copy, concurrent-cow, dirty-precopy, got "hibernate"',
  });
  assert.throws(() => runSnapshot({ saverShare: 0 }, TEST_PROFILE, 1), /"saverShare": .*above 0/);
  assert.throws(() => runSnapshot({ saveOrder: "random" }, TEST_PROFILE, 1), /saveOrder/);
  assert.throws(() => runSnapshot({ cowWait: "never" }, TEST_PROFILE, 1), /cowWait/);
  assert.throws(() => runSnapshot({ maxRounds: 0 }, TEST_PROFILE, 1), /maxRounds/);
  assert.throws(
    () => runSnapshot({ brokenSkipCopyBeforeWrite: 1 as unknown as boolean }, TEST_PROFILE, 1),
    /"brokenSkipCopyBeforeWrite": expected true or false, got 1$/,
  );
  assert.throws(
    () => runSnapshot({ dirtyLog: "pml" }, TEST_PROFILE, 1),
    /"dirtyLog": only dirty-precopy logs dirty pages, not concurrent-cow$/,
  );
  assert.throws(() => runRestore({ method: "eager" }, TEST_PROFILE, 1), {
    message:
      'Cannot use restore options: field "method": expected one of full, lazy, lazy-sweep, prefetch, got "eager"',
  });
  assert.throws(() => runRestore({ sweepShare: 2 }, TEST_PROFILE, 1), /sweepShare/);
  // A snapshot's own field means nothing to a restore: refused, not ignored.
  assert.throws(
    () => runRestore({ saveOrder: "sequential" } as never, TEST_PROFILE, 1),
    /"saveOrder": unknown field; known fields: method, memoryGib/,
  );
  assert.throws(() => resolveStateOptions(null as unknown as object), {
    message: "Cannot use snapshot/restore options: expected an object, got null",
  });
});
