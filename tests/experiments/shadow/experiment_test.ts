import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../../core/cost/profiles.ts";
import { EXIT_REASON_NAMES } from "../../../core/base/exit_reason.ts";
import { SHADOW_STRATEGY_NAMES } from "../../../core/platforms/shadow/shadow_config.ts";
import type { Point, Row } from "../../../experiments/experiment.ts";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";

const cost = getProfile(DEFAULT_PROFILE);

Deno.test("shadow's quick grid covers baseline, each strategy alone, all, native and nested for every workload and vCPU count", () => {
  const grid = SHADOW.grids.quick;
  for (const workload of ["build", "server", "bigmem", "threads"]) {
    for (const vcpus of [1, 4]) {
      const at = grid.filter((p) => p.workload === workload && p.vcpus === vcpus);
      const labels = at.map((p) => p.mode === "shadow" ? p.strategy : p.mode).sort();
      assert.deepEqual(
        labels,
        ["all", "baseline", ...SHADOW_STRATEGY_NAMES, "native", "nested"].sort(),
      );
    }
  }
  const batches = SHADOW.grids.full.filter((p) => p.strategy === "batch").map((p) => p.batch);
  assert.deepEqual([...new Set(batches)].sort((a, b) => Number(a) - Number(b)), [1, 8, 64, 512]);
});

function point(workload: string, mode: string, strategy: string, extra: Point = {}): Point {
  const base = SHADOW.grids.quick.find((p) =>
    p.workload === workload && p.mode === mode && p.strategy === strategy && p.vcpus === 1
  );
  assert.ok(base);
  return { ...base, ...extra };
}

Deno.test("a shadow row has every column shadow.csv promises", async () => {
  const row = await SHADOW.run(point("threads", "shadow", "all", { accesses: 2000 }), {
    seed: 1,
    cost,
  });
  for (
    const key of [
      "cycles_per_access",
      "overhead_vs_native",
      "exits_per_kilo_access",
      ...EXIT_REASON_NAMES.map((r) => `exits_${r}`),
    ]
  ) {
    assert.equal(typeof row[key], "number", key);
  }
  const native = await SHADOW.run(point("threads", "native", "none", { accesses: 2000 }), {
    seed: 1,
    cost,
  });
  assert.equal(native.overhead_vs_native, 0);
  assert.equal(native.exits_per_kilo_access, 0);
  assert.equal(
    row.overhead_vs_native,
    Number(row.cycles_per_access) / Number(native.cycles_per_access) - 1,
  );
});

Deno.test("the model reproduces the published result: nested wins on build, shadow on bigmem", async () => {
  const cpa = async (p: Point): Promise<number> =>
    Number((await SHADOW.run(p, { seed: 1, cost }) as Row).cycles_per_access);
  const small = { accesses: 40_000 };
  assert.ok(
    await cpa(point("build", "nested", "none", small)) <
      await cpa(point("build", "shadow", "all", small)),
    "build: nested paging beats shadow paging with every strategy",
  );
  const bigmem = { accesses: 100_000, footprint_mib: 64 };
  assert.ok(
    await cpa(point("bigmem", "shadow", "all", bigmem)) <
      await cpa(point("bigmem", "nested", "none", bigmem)),
    "bigmem: shadow paging beats nested paging",
  );
});

Deno.test("shadow's report sections render from rows of a tiny sweep", async () => {
  const rows: Row[] = [];
  for (const p of SHADOW.grids.quick.filter((p) => p.workload === "threads")) {
    rows.push({ ...p, ...(await SHADOW.run({ ...p, accesses: 1500 }, { seed: 1, cost })) });
  }
  assert.match(SHADOW.headline(rows), /^With 4 vCPUs, nested paging beats/);
  for (const section of SHADOW.sections) {
    if (section.kind === "plot") assert.ok(section.plot(rows));
    else if (section.kind === "table") assert.ok(section.rows(rows).length > 0, section.title);
    else assert.ok(section.text(rows).includes("`threads`"));
  }
});
