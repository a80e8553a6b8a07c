import assert from "node:assert/strict";
import {
  COW_RULE_NAMES,
  RESTORE_METHODS,
  SNAPSHOT_METHODS,
  SNAPSHOT_OPTIONS_FIELDS,
} from "../../../core/snapshot/state_params.ts";
import { describeParameter } from "../../../experiments/experiment.ts";
import { STORAGE_PROFILE_NAMES } from "../../../core/transfer/storage_profile.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";
import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";

Deno.test("snapshot is registered and its quick grid covers every method, storage and phase", () => {
  assert.equal(EXPERIMENTS.snapshot, SNAPSHOT);
  const quick = SNAPSHOT.grids.quick;
  for (const method of SNAPSHOT_METHODS) {
    assert.ok(quick.some((p) => p.phase === "snapshot" && p.method === method), method);
  }
  for (const method of RESTORE_METHODS) {
    assert.ok(quick.some((p) => p.phase === "restore" && p.method === method), method);
  }
  for (const storage of STORAGE_PROFILE_NAMES) assert.ok(quick.some((p) => p.storage === storage));
  for (const rule of COW_RULE_NAMES) {
    assert.ok(quick.some((p) => p.method === "concurrent-cow" && p.cow_rule === rule), rule);
  }
  assert.ok(quick.every((p) => (p.method === "concurrent-cow") === (p.cow_rule !== "none")));
  const batches = new Set(SNAPSHOT.grids.full.map((p) => p.batch_pages));
  assert.ok(batches.has(1) && batches.has(1024), "the full grid spans batch sizes 1 to 1024");
  assert.ok(new Set(SNAPSHOT.grids.full.map((p) => p.write_fraction)).size > 1);
  assert.ok(new Set(SNAPSHOT.grids.full.map((p) => p.memory_gib)).size > 1);
});

Deno.test("snapshot's parameters it shares with the options are described as the options declare them", () => {
  assert.equal(
    SNAPSHOT.parameters.batch_pages,
    describeParameter(SNAPSHOT_OPTIONS_FIELDS, "batchPages"),
  );
  assert.equal(
    SNAPSHOT.parameters.write_fraction,
    SNAPSHOT_OPTIONS_FIELDS.writeFraction.description,
  );
  assert.match(SNAPSHOT.parameters.memory_gib, /, in GiB$/);
});
