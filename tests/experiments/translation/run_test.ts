import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";
import type { TranslationPoint } from "../../../experiments/translation/point.ts";
import { COST } from "../fixtures/small_sweep.ts";

/** The cold-walk points of the quick grid (walk caches, nested TLB and PTE cache off). */
const coldPoints = TRANSLATION.grids.quick.filter((p) => p.translation_caches === "off");

/** Slow reference: walk references with every cache empty, counted level by level. */
function referenceColdRefs(point: TranslationPoint): number {
  const walked = (page: string): number => point.levels - ["4k", "2m", "1g"].indexOf(page);
  const guest = walked(point.guest_page);
  if (point.mode === "native") return guest;
  const host = walked(point.host_page);
  let refs = 0;
  for (let level = 0; level < guest; level++) refs += host + 1; // host walk of the entry's address, then the entry
  return refs + host; // host walk of the final guest-physical address
}

Deno.test("translation measures the published cold 2-D walk reference counts", async (t) => {
  const published: [Partial<TranslationPoint>, number][] = [
    [{ mode: "nested", guest_page: "4k", host_page: "4k", levels: 4 }, 24],
    [{ mode: "nested", guest_page: "4k", host_page: "4k", levels: 5 }, 35],
    [{ mode: "nested", guest_page: "2m", host_page: "4k", levels: 4 }, 19],
    [{ mode: "nested", guest_page: "4k", host_page: "2m", levels: 4 }, 19],
    [{ mode: "nested", guest_page: "2m", host_page: "2m", levels: 4 }, 15],
    [{ mode: "nested", guest_page: "1g", host_page: "1g", levels: 4 }, 8],
    [{ mode: "native", guest_page: "4k", levels: 4 }, 4],
    [{ mode: "native", guest_page: "4k", levels: 5 }, 5],
  ];
  for (const [where, refs] of published) {
    await t.step(`${JSON.stringify(where)} → ${refs}`, async () => {
      const point = coldPoints.find((p) =>
        Object.entries(where).every(([k, v]) => p[k as keyof TranslationPoint] === v)
      );
      assert.ok(point);
      const row = await TRANSLATION.run(point, { seed: 1, cost: COST });
      assert.ok(Number(row.walks) > 0);
      assert.equal(row.walk_refs_per_walk, refs);
      assert.equal(row.cold_walk_refs_per_walk, refs);
    });
  }
});

Deno.test("translation's expected and measured cold walks equal a level-by-level count at every point", async () => {
  for (const point of coldPoints) {
    const row = await TRANSLATION.run({ ...point, accesses: 256 }, { seed: 3, cost: COST });
    const expected = referenceColdRefs(point);
    assert.equal(row.cold_walk_refs_per_walk, expected, JSON.stringify(point));
    assert.equal(row.walk_refs_per_walk, expected, JSON.stringify(point));
  }
});

Deno.test("translation rows are deterministic for a seed", async () => {
  const point = TRANSLATION.grids.quick.find((p) =>
    p.translation_caches === "on" && p.mode === "nested" && p.workload === "zipf" &&
    p.footprint_mib === 64
  );
  assert.ok(point);
  const small = { ...point, accesses: 2048, warmup_accesses: 1000 };
  assert.deepEqual(
    await TRANSLATION.run(small, { seed: 5, cost: COST }),
    await TRANSLATION.run(small, { seed: 5, cost: COST }),
  );
});

Deno.test("translation refuses a point whose host page does not match its mode, in one line", () => {
  const native = coldPoints.find((p) => p.mode === "native")!;
  assert.throws(
    () => TRANSLATION.run({ ...native, host_page: "2m" }, { seed: 1, cost: COST }),
    {
      message:
        'experiment "translation": parameter "host_page" is none exactly when mode is native, got 2m with native',
    },
  );
});
