import assert from "node:assert/strict";
import { BUS_OPTIONS_FIELDS } from "../../../core/bus/bus_params.ts";
import { describeParameter } from "../../../experiments/experiment.ts";
import { PARTITION_BUS } from "../../../experiments/partition_bus/experiment.ts";
import {
  CROSSOVER_SIZES,
  crossoverRate,
  inlineFits,
  METHODS,
  SATURATING_MSGS_S,
  SIGNAL_BYTES,
  SIGNALLINGS,
} from "../../../experiments/partition_bus/grid.ts";
import type { Row } from "../../../experiments/experiment.ts";
import {
  capacityRows,
  crossoverRows,
  signallingRows,
  vcpuRows,
} from "../../../experiments/partition_bus/_tables.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";

const { quick, full } = PARTITION_BUS.grids;
const distinct = <T>(
  grid: readonly Row[],
  f: (p: Row) => T,
) => [...new Set(grid.map(f))];

Deno.test("partition-bus is registered under its id; the quick grid is the default", () => {
  assert.equal(EXPERIMENTS["partition-bus"], PARTITION_BUS);
  assert.equal(PARTITION_BUS.id, "partition-bus");
  assert.equal(PARTITION_BUS.grids.default, "quick");
});

Deno.test("partition-bus's crossover slice: every method at 64 B to 1 MiB, inline only where it fits the ring", () => {
  for (const grid of [quick, full]) {
    const cross = crossoverRows(grid);
    for (const method of METHODS) {
      const sizes = distinct(cross.filter((p) => p.method === method), (p) => p.message_bytes)
        .sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(
        sizes,
        method === "inline" ? CROSSOVER_SIZES.filter(inlineFits) : [...CROSSOVER_SIZES],
        method,
      );
    }
    assert.ok(!inlineFits(1 << 20) && inlineFits(256 * 1024));
  }
  assert.deepEqual(distinct(quick, (p) => p.receiver_touches), [false]);
  assert.deepEqual(distinct(full, (p) => p.receiver_touches).sort(), [false, true]);
});

Deno.test("partition-bus's crossover rate offers 100,000 msgs/s or 2 GiB/s, whichever is less", () => {
  assert.equal(crossoverRate(64), 100000);
  assert.equal(crossoverRate(16384), 100000);
  assert.equal(crossoverRate(65536), 32768);
  assert.equal(crossoverRate(1 << 20), 2048);
});

Deno.test("partition-bus's signalling slice: every mode × rates × batches on small messages", () => {
  for (const [grid, rates, batches] of [[quick, 4, 2], [full, 7, 3]] as const) {
    const sig = signallingRows(grid);
    assert.deepEqual(distinct(sig, (p) => p.message_bytes), [SIGNAL_BYTES]);
    assert.deepEqual(distinct(sig, (p) => p.signalling).sort(), [...SIGNALLINGS].sort());
    assert.equal(distinct(sig, (p) => p.offered_msgs_s).length, rates);
    assert.equal(distinct(sig, (p) => p.batch).length, batches);
    assert.equal(sig.length, SIGNALLINGS.length * rates * batches);
    assert.ok(Math.max(...sig.map((p) => Number(p.offered_msgs_s))) >= 4e6);
  }
});

Deno.test("partition-bus's vCPU slice: copy and remap at 1 to 8 vCPUs", () => {
  for (const grid of [quick, full]) {
    const v = vcpuRows(grid);
    assert.deepEqual(distinct(v, (p) => p.vcpus).sort((a, b) => Number(a) - Number(b)), [
      1,
      2,
      4,
      8,
    ]);
    assert.deepEqual(distinct(v, (p) => p.method).sort(), ["remap", "transfer-pages"]);
  }
  assert.ok(distinct(vcpuRows(full), (r) => r.message_bytes).length >= 3);
});

Deno.test("partition-bus's grids stay small: the quick one under 130 points, the full one a superset", () => {
  assert.ok(quick.length <= 130, `${quick.length} points`);
  const keys = new Set(full.map((p) => JSON.stringify(p)));
  for (const p of quick) assert.ok(keys.has(JSON.stringify(p)), JSON.stringify(p));
});

Deno.test("partition-bus's parameters are described as the bus options declare them", () => {
  assert.equal(
    PARTITION_BUS.parameters.message_bytes,
    describeParameter(BUS_OPTIONS_FIELDS, "messageBytes"),
  );
  assert.match(PARTITION_BUS.parameters.offered_msgs_s, /msgs\/s/);
});

Deno.test("partition-bus's capacity slice offers every method at every size all at once, and no other slice takes its rows", () => {
  for (const grid of [quick, full]) {
    const capacity = capacityRows(grid);
    for (const method of METHODS) {
      const sizes = distinct(capacity.filter((p) => p.method === method), (p) => p.message_bytes)
        .sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(
        sizes,
        method === "inline" ? CROSSOVER_SIZES.filter(inlineFits) : [...CROSSOVER_SIZES],
      );
    }
    assert.ok(capacity.every((p) => p.offered_msgs_s === SATURATING_MSGS_S));
    for (const slice of [crossoverRows, signallingRows, vcpuRows]) {
      assert.ok(slice(grid).every((p) => p.offered_msgs_s !== SATURATING_MSGS_S));
    }
  }
});
