import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";

Deno.test("translation's report renders every section from a small sweep", async () => {
  // The quick grid's points with far fewer accesses: enough to exercise every section.
  const points = TRANSLATION.grids.quick.filter((p) =>
    p.translation_caches === "off" ||
    (p.levels === 4 && p.footprint_mib !== 4096 && p.guest_page !== "1g")
  ).map((p) =>
    p.translation_caches === "on" && p.populate === "on"
      ? { ...p, accesses: 512, warmup_accesses: 256 }
      : { ...p, accesses: 256 }
  );
  const { record, page, plots } = await renderReport(
    TRANSLATION,
    await runPoints(TRANSLATION, points),
  );
  assert.match(
    record.headline,
    /In steady state \(tables populated, 256 accesses of warm-up\), random accesses over 16 GiB: nested 4K\/4K paging spends/,
  );
  assert.match(record.headline, /Measured on cold tables without warm-up, .* reads [\d.]+×/);
  assert.match(record.headline, /Cold 2-D walks take 24 references/);
  assert.equal(plots, 3);
  assert.match(page, /every measured walk took exactly the cold reference count/);
  assert.match(page, /Steady state against cold tables/);
  // One command per row.
  assert.equal((page.match(/deno task sim --workload/g) ?? []).length, points.length);
});
