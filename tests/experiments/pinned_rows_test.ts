// Rows of the translation, shadow and large-pages experiments, pinned as the
// code before the one-machine rework computed them (fixtures/pinned_rows.json,
// from the quick grids at commit dd058e3): the machine model may be
// restructured, but the numbers of these points must not move unless a
// change means them to, and says so. Re-pinned once for issue #12, whose
// changes mean to move them: every data access and walk reference charged
// through L1D, L2, the LLC and DRAM (translation counters unchanged); page-
// table pages from pageblocks of their own and promotion at khugepaged's rate
// (large-pages); OS workloads at published event rates and make -jN builds
// (shadow); tables populated before a warm-up (translation). Names re-pinned
// for issue #17 (one name per quantity, experiments/columns.ts), values
// unchanged but page_table_kib, now page_table_bytes (× 1,024).
import assert from "node:assert/strict";
import { getProfile } from "../../core/cost/profiles.ts";
import type { Point } from "../../experiments/experiment.ts";
import { EXPERIMENTS } from "../../experiments/registry.ts";

interface Pinned {
  experiment: string;
  row: Record<string, string | number | boolean>;
}

const pinned: Pinned[] = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/pinned_rows.json", import.meta.url)),
);

for (const { experiment: id, row } of pinned) {
  const experiment = EXPERIMENTS[id];
  const point: Record<string, string | number | boolean> = {};
  for (const key of Object.keys(experiment.parameters)) point[key] = row[key];
  const name = Object.entries(point).map(([k, v]) => `${k}=${v}`).join(" ");
  Deno.test(`${id} row unchanged: ${name}`, async () => {
    const measured = await experiment.run(point as Point, {
      seed: Number(row.seed),
      cost: getProfile(String(row.profile)),
    });
    for (const [key, value] of Object.entries(measured)) {
      assert.equal(value, row[key], `${key} of ${name}`);
    }
    const expected = Object.keys(row).filter((k) =>
      !(k in point) && k !== "seed" && k !== "profile"
    );
    assert.deepEqual(Object.keys(measured).sort(), expected.sort(), "the same columns");
  });
}
