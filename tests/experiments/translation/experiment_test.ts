import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../../core/cost/profiles.ts";
import type { Point, Row } from "../../../experiments/experiment.ts";
import { writeExperimentReport } from "../../../experiments/sweep/report_writer.ts";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";

const cost = getProfile(DEFAULT_PROFILE);

/** The cold-walk points of the quick grid (walk caches, nested TLB and PTE cache off). */
const coldPoints = TRANSLATION.grids.quick.filter((p) => p.caches === "off");

/** Slow reference: walk references with every cache empty, counted level by level. */
function referenceColdRefs(point: Point): number {
  const levels = Number(point.levels);
  const walked = (page: unknown): number => levels - ["4k", "2m", "1g"].indexOf(String(page));
  const guest = walked(point.guest_page);
  if (point.mode === "native") return guest;
  const host = walked(point.host_page);
  let refs = 0;
  for (let level = 0; level < guest; level++) refs += host + 1; // host walk of the entry's address, then the entry
  return refs + host; // host walk of the final guest-physical address
}

Deno.test("translation covers every page-size pair and both depths in its cold-walk check", () => {
  assert.equal(coldPoints.length, (3 + 9) * 2);
  assert.deepEqual(
    TRANSLATION.grids.full.filter((p) => p.caches === "off"),
    coldPoints,
  );
});

Deno.test("translation measures the published cold 2-D walk reference counts", async (t) => {
  const published: [Partial<Point>, number][] = [
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
      const point = coldPoints.find((p) => Object.entries(where).every(([k, v]) => p[k] === v));
      assert.ok(point);
      const row = await TRANSLATION.run(point, { seed: 1, cost });
      assert.ok(Number(row.walks) > 0);
      assert.equal(row.refs_per_walk, refs);
      assert.equal(row.cold_refs_per_walk, refs);
    });
  }
});

Deno.test("translation's expected and measured cold walks equal a level-by-level count at every point", async () => {
  for (const point of coldPoints) {
    const row = await TRANSLATION.run({ ...point, accesses: 256 }, { seed: 3, cost });
    const expected = referenceColdRefs(point);
    assert.equal(row.cold_refs_per_walk, expected, JSON.stringify(point));
    assert.equal(row.refs_per_walk, expected, JSON.stringify(point));
  }
});

Deno.test("translation rows are deterministic for a seed", async () => {
  const point = TRANSLATION.grids.quick.find((p) =>
    p.caches === "on" && p.mode === "nested" && p.workload === "zipf" && p.footprint_mib === 64
  );
  assert.ok(point);
  const small = { ...point, accesses: 2048, warmup_accesses: 1000 };
  assert.deepEqual(
    await TRANSLATION.run(small, { seed: 5, cost }),
    await TRANSLATION.run(small, { seed: 5, cost }),
  );
});

Deno.test("translation's report renders every section from a small sweep", async () => {
  // The quick grid's points with far fewer accesses: enough to exercise every section.
  const points = TRANSLATION.grids.quick.filter((p) =>
    p.caches === "off" || (p.levels === 4 && p.footprint_mib !== 4096 && p.guest_page !== "1g")
  ).map((
    p,
  ) => (p.caches === "on"
    ? { ...p, accesses: 512, warmup_accesses: 256 }
    : { ...p, accesses: 256 })
  );
  const rows: Row[] = [];
  for (const point of points) {
    rows.push({ ...point, ...(await TRANSLATION.run(point, { seed: 1, cost })) });
  }
  const dir = await Deno.makeTempDir();
  const record = await writeExperimentReport(dir, TRANSLATION, {
    size: "quick",
    seed: 1,
    cost,
    version: "0.0.0",
    points: rows.length,
    rows,
  });
  assert.match(record.headline, /Random accesses over 64 GiB: nested 4K\/4K paging spends/);
  assert.match(record.headline, /Cold 2-D walks take 24 references/);
  const page = await Deno.readTextFile(`${dir}/translation.html`);
  assert.equal(page.includes("could not be drawn"), false);
  assert.equal((page.match(/<figure class="plot">/g) ?? []).length, 3);
  assert.match(page, /every measured walk took exactly the cold reference count/);
});
