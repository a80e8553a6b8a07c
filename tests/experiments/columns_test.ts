// Every column of every experiment's rows is in the data dictionary
// (experiments/columns.ts), and the dictionary lists exactly the columns the
// rows have: a new column without an entry, or an entry for a column no row
// has any more, fails here. The rows come from a cover of each quick grid:
// points chosen until every value of every parameter has run once.
import assert from "node:assert/strict";
import {
  columnDoc,
  EXPERIMENT_COLUMNS,
  FORMER_COLUMN_NAMES,
  PROVENANCE_COLUMNS,
  RESULT_COLUMNS,
} from "../../experiments/columns.ts";
import type { Point } from "../../experiments/experiment.ts";
import { EXPERIMENTS } from "../../experiments/registry.ts";
import { PROVENANCE_KEYS } from "../../experiments/sweep/run_sweep.ts";
import { COST } from "./fixtures/small_sweep.ts";

/**
 * Columns only some outcomes write, and a point of the quick grid that has
 * them (a value-by-value cover does not reach them).
 */
const ALSO: Readonly<Record<string, (p: Point) => boolean>> = {
  // Promotion reaches 90 % of memory on large pages only once the tenants exit.
  "large-pages": (p) =>
    p.tenants === "exit" && p.fragmentation === 1 && p.guest_large_fraction === 1,
};

/** A rough size of a point, to prefer small ones: the larger its numbers, the longer it runs. */
function size(p: Point): number {
  return Object.values(p).reduce<number>(
    (sum, v) => sum + (typeof v === "number" ? Math.log1p(Math.abs(v)) : 0),
    0,
  );
}

/** Points of `grid`, greedily, until every parameter value of the grid is in one of them. */
function cover(grid: readonly Point[]): Point[] {
  const pairs = (p: Point) => Object.entries(p).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const missing = new Set(grid.flatMap(pairs));
  const chosen: Point[] = [];
  while (missing.size > 0) {
    let best = grid[0];
    let gain = -1;
    for (const p of grid) {
      const g = pairs(p).filter((x) => missing.has(x)).length;
      if (g > gain || (g === gain && size(p) < size(best))) [best, gain] = [p, g];
    }
    chosen.push(best);
    for (const x of pairs(best)) missing.delete(x);
  }
  return chosen;
}

Deno.test("the provenance columns the sweep adds are the dictionary's", () => {
  assert.deepEqual([...PROVENANCE_KEYS].sort(), Object.keys(PROVENANCE_COLUMNS).sort());
});

Deno.test("every dictionary entry has a meaning, and no current name is a former one", () => {
  for (const [name, doc] of Object.entries(RESULT_COLUMNS)) {
    assert.ok(doc.meaning.length > 10, name);
    assert.match(name, /^[a-z][a-z0-9_]*$/, "snake_case");
  }
  for (const [old, { now, experiments }] of Object.entries(FORMER_COLUMN_NAMES)) {
    assert.equal(columnDoc(old), undefined, `${old} is a former name`);
    assert.ok(columnDoc(now), `${old} → ${now}, which the dictionary holds`);
    for (const id of experiments) {
      assert.ok(EXPERIMENT_COLUMNS[id].includes(now), `${id} had ${old}, now has ${now}`);
    }
  }
  for (const [id, names] of Object.entries(EXPERIMENT_COLUMNS)) {
    assert.ok(id in EXPERIMENTS, id);
    for (const name of names) assert.ok(columnDoc(name), `${id}: ${name} has an entry`);
    assert.equal(new Set(names).size, names.length, `${id} lists a column twice`);
  }
});

for (const [id, experiment] of Object.entries(EXPERIMENTS)) {
  Deno.test(`${id}: its rows have exactly the columns the dictionary lists for it`, async () => {
    const points = cover(experiment.grids.quick);
    const also = ALSO[id] && experiment.grids.quick.find(ALSO[id]);
    if (also) points.push(also);
    const seen = new Set<string>();
    for (const point of points) {
      const row = await experiment.run(point, { seed: 1, cost: COST });
      for (const key of Object.keys(row)) seen.add(key);
    }
    const listed = EXPERIMENT_COLUMNS[id] ?? [];
    const unlisted = [...seen].filter((k) => !listed.includes(k));
    assert.deepEqual(
      unlisted,
      [],
      `${id} writes columns experiments/columns.ts does not list for it (add them, with a meaning and unit)`,
    );
    const unseen = listed.filter((k) => !seen.has(k));
    assert.deepEqual(unseen, [], `${id}: listed, but no row of ${points.length} points has them`);
    for (const key of seen) assert.ok(columnDoc(key), `${id}: ${key} has an entry`);
    for (const key of Object.keys(experiment.parameters)) {
      assert.equal(listed.includes(key), false, `${id}: ${key} is a parameter, not a result`);
    }
  });
}
