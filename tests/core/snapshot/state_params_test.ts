import assert from "node:assert/strict";
import { StateParamError } from "../../../core/snapshot/state_error.ts";
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
  ["batchPages", { batchPages: 0 }, /batchPages: must be an integer from 1 to 1024, got 0$/],
  ["batchPages", { batchPages: 2048 }, /got 2048$/],
  ["batchPages", { batchPages: 1.5 }, /integer/],
  ["memoryGib", { memoryGib: 0 }, /memoryGib: must be a number above 0 up to 1024, got 0$/],
  ["memoryGib", { memoryGib: 1e-9 }, /memoryGib: is below one page/],
  ["memoryGib", { memoryGib: "1" }, /got "1"$/],
  ["storage", { storage: "tape" }, /storage: unknown storage profile "tape"/],
  ["storage.queueDepth", { storage: { name: "x", queueDepth: 0 } }, /storage\./],
  ["writeFraction", { writeFraction: 1.5 }, /writeFraction: must be a number from 0 to 1/],
  ["workingSetFraction", { workingSetFraction: 0 }, /above 0/],
  ["vcpus", { vcpus: 0 }, /vcpus/],
  ["ioDepth", { ioDepth: -1 }, /ioDepth/],
  ["jobMs", { jobMs: NaN }, /jobMs: must be a number from 0 to 10000000, got null$/],
  ["simTimeLimitS", { simTimeLimitS: 0 }, /simTimeLimitS: must be a number above 0/],
];

Deno.test("bad shared options give a one-line StateParamError naming the field", async (t) => {
  for (const [field, options, message] of BAD) {
    await t.step(`${JSON.stringify(options)} → ${field}`, () => {
      assert.throws(() => resolveStateOptions(options), (e: unknown) => {
        assert.ok(e instanceof StateParamError);
        assert.ok(e.field.startsWith(field.split(".")[0]), e.field);
        assert.match(e.message, message);
        assert.equal(e.message.includes("\n"), false);
        return true;
      });
    });
  }
});

Deno.test("bad snapshot and restore options name the field", () => {
  assert.throws(
    () => runSnapshot({ method: "hibernate" }, TEST_PROFILE, 1),
    /method: unknown value "hibernate"; expected one of stop-and-copy, concurrent-cow, dirty-precopy$/,
  );
  assert.throws(() => runSnapshot({ saverShare: 0 }, TEST_PROFILE, 1), /saverShare: .*above 0/);
  assert.throws(() => runSnapshot({ saveOrder: "random" }, TEST_PROFILE, 1), /saveOrder/);
  assert.throws(() => runSnapshot({ cowWait: "never" }, TEST_PROFILE, 1), /cowWait/);
  assert.throws(() => runSnapshot({ maxRounds: 0 }, TEST_PROFILE, 1), /maxRounds/);
  assert.throws(
    () => runSnapshot({ brokenSkipCopyBeforeWrite: 1 as unknown as boolean }, TEST_PROFILE, 1),
    /brokenSkipCopyBeforeWrite: must be true or false, got 1$/,
  );
  assert.throws(() => runRestore({ method: "eager" }, TEST_PROFILE, 1), /method: unknown value/);
  assert.throws(() => runRestore({ sweepShare: 2 }, TEST_PROFILE, 1), /sweepShare/);
  assert.throws(
    () => resolveStateOptions(null as unknown as object),
    /Snapshot\/restore parameter options: must be an object/,
  );
});
