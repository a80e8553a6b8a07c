import assert from "node:assert/strict";
import { SNAPSHOT } from "../../../experiments/snapshot/experiment.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { SMALL_POINTS } from "./_small_guest.ts";

Deno.test("snapshot rows carry the CSV columns, none clashing with a parameter, deterministically", async () => {
  for (const phase of ["snapshot", "restore"]) {
    const point = SMALL_POINTS.find((p) => p.phase === phase)!;
    const row = await SNAPSHOT.run(point, { seed: 3, cost: COST });
    for (const key of Object.keys(row)) assert.equal(key in point, false, key);
    const all = { ...point, ...row };
    for (
      const key of [
        "phase",
        "method",
        "batch_pages",
        "storage",
        "memory_gib",
        "pause_ms",
        "total_ms",
        "guest_slowdown",
        "exits",
        "image_bytes",
        "lost_pages",
        "first_instruction_ms",
        "stall_ms",
        "finished",
        "gave_up_reason",
      ]
    ) assert.ok(key in all, `${phase} row lacks ${key}`);
    assert.equal(row.lost_pages, 0);
    assert.equal(row.finished, true);
    assert.deepEqual(await SNAPSHOT.run(point, { seed: 3, cost: COST }), row);
  }
});
