import assert from "node:assert/strict";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { cartesian } from "../../../experiments/cartesian.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";

Deno.test("large-pages report draws every plot and both tables from a small sweep", async () => {
  const points = cartesian({
    mode: ["nested", "shadow"],
    policy: HOST_POLICIES,
    fragmentation: [0, 1],
    guest_large_fraction: [0, 1],
    workload: ["random"],
    footprint_mib: [64],
    accesses: [1024],
    warmup_accesses: [1024],
  });
  const { record, page, plots } = await renderReport(
    LARGE_PAGES,
    await runPoints(LARGE_PAGES, points),
  );
  assert.match(record.headline, /opportunistic host large pages cut cycles per access/);
  assert.equal(plots, 4);
  assert.match(page, /copies pay for themselves after/);
});
