import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";

Deno.test("translation's report renders every section from a small sweep", async () => {
  // The quick grid's points with far fewer accesses: enough to exercise every section.
  const points = TRANSLATION.grids.quick.filter((p) =>
    p.caches === "off" || (p.levels === 4 && p.footprint_mib !== 4096 && p.guest_page !== "1g")
  ).map((p) =>
    p.caches === "on" ? { ...p, accesses: 512, warmup_accesses: 256 } : { ...p, accesses: 256 }
  );
  const { record, page, plots } = await renderReport(
    TRANSLATION,
    await runPoints(TRANSLATION, points),
  );
  assert.match(record.headline, /Random accesses over 64 GiB: nested 4K\/4K paging spends/);
  assert.match(record.headline, /Cold 2-D walks take 24 references/);
  assert.equal(plots, 3);
  assert.match(page, /every measured walk took exactly the cold reference count/);
});
