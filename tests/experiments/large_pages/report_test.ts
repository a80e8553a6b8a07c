import assert from "node:assert/strict";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { cartesian } from "../../../experiments/cartesian.ts";
import { renderReport, runPoints } from "../fixtures/small_sweep.ts";

Deno.test("large-pages report draws every plot and both tables from a small sweep", async () => {
  const axes = {
    mode: ["nested", "shadow"],
    fragmentation: [0, 1],
    guest_large_fraction: [0, 1],
    workload: ["random"],
    footprint_mib: [64],
    accesses: [1024],
    warmup_accesses: [1024],
    promotion_seconds: [60],
  };
  const points = [
    ...cartesian({ ...axes, policy: HOST_POLICIES, tenants: ["stay"] }),
    ...cartesian({ ...axes, policy: ["opportunistic+promote"], tenants: ["exit"] }),
  ];
  const { record, page, plots } = await renderReport(
    LARGE_PAGES,
    await runPoints(LARGE_PAGES, points),
  );
  assert.match(record.headline, /opportunistic host large pages cut cycles per access/);
  assert.equal(plots, 6);
  assert.match(page, /the agent promoted 33 regions/);
  assert.match(page, /Promotion over time/);
  assert.doesNotMatch(page, /NaN/);
});
