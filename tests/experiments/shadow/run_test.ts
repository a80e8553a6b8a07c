import assert from "node:assert/strict";
import { EXIT_REASON_NAMES } from "../../../core/base/exit_reason.ts";
import { SHADOW } from "../../../experiments/shadow/experiment.ts";
import type { ShadowPoint } from "../../../experiments/shadow/point.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { main as trace } from "../../../experiments/cli/trace_cli.ts";
import { captureMain } from "../cli/_cli.ts";

function point(
  workload: string,
  mode: ShadowPoint["mode"],
  strategy: ShadowPoint["strategy"],
  extra: Partial<ShadowPoint> = {},
): ShadowPoint {
  const base = SHADOW.grids.quick.find((p) =>
    p.workload === workload && p.mode === mode && p.strategy === strategy && p.vcpus === 1 &&
    p.rates === "published"
  );
  assert.ok(base);
  return { ...base, ...extra };
}

async function cyclesPerAccess(p: ShadowPoint): Promise<number> {
  return Number((await SHADOW.run(p, { seed: 1, cost: COST })).cycles_per_access);
}

Deno.test("a shadow row has every column shadow.csv promises, its overhead measured against native", async () => {
  const row = await SHADOW.run(point("threads", "shadow", "all", { accesses: 2000 }), {
    seed: 1,
    cost: COST,
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
    cost: COST,
  });
  assert.equal(native.overhead_vs_native, 0);
  assert.equal(native.exits_per_kilo_access, 0);
  assert.equal(row.native_cycles_per_access, native.cycles_per_access);
  assert.equal(
    row.overhead_vs_native,
    Number(row.cycles_per_access) / Number(native.cycles_per_access) - 1,
  );
});

Deno.test("a shadow row depends on its point alone, not on the points run before it", async () => {
  const p = point("build", "nested", "none", { accesses: 2000 });
  const first = await SHADOW.run(p, { seed: 2, cost: COST });
  // Other points of the same workload, and the same point under another seed, in between.
  await SHADOW.run(point("build", "native", "none", { accesses: 2000 }), { seed: 2, cost: COST });
  await SHADOW.run(p, { seed: 3, cost: COST });
  assert.deepEqual(await SHADOW.run(p, { seed: 2, cost: COST }), first);
});

Deno.test("the model reproduces the published result: nested wins under page-table churn, shadow on bigmem", async () => {
  const churn = { accesses: 40_000, rates: "stress" } as const;
  assert.ok(
    await cyclesPerAccess(point("build", "nested", "none", churn)) <
      await cyclesPerAccess(point("build", "shadow", "all", churn)),
    "build at the stress rates: nested paging beats shadow paging with every strategy",
  );
  const bigmem = { accesses: 100_000, footprint_mib: 64 };
  assert.ok(
    await cyclesPerAccess(point("bigmem", "shadow", "all", bigmem)) <
      await cyclesPerAccess(point("bigmem", "nested", "none", bigmem)),
    "bigmem: shadow paging beats nested paging",
  );
});

Deno.test("at the published rates a build's shadow overhead is a few percent, its exits rare", async () => {
  const p = point("build", "shadow", "all", { accesses: 400_000 });
  const row = await SHADOW.run(p, { seed: 1, cost: COST });
  assert.ok(Number(row.overhead_vs_native) > 0, "faults still exit");
  assert.ok(Number(row.overhead_vs_native) < 0.1, `overhead ${row.overhead_vs_native}`);
  assert.ok(Number(row.exits_per_kilo_access) < 1, `${row.exits_per_kilo_access} exits/1k`);
});

/** A lackey trace of 8-byte loads and stores over `pages` pages from `base`, each touched `times` times. */
function lackeyTrace(base: number, pages: number, times: number): string {
  let text = "";
  for (let t = 0; t < times; t++) {
    for (let p = 0; p < pages; p++) {
      text += ` ${t % 2 === 0 ? "L" : "S"} ${((base + p) * 4096 + 8 * t).toString(16)},8\n`;
    }
  }
  return text;
}

Deno.test("a shadow trace point replays each address space of a vmtrace as a process", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.lackey`, lackeyTrace(0x10000, 300, 4));
    await Deno.writeTextFile(`${dir}/b.lackey`, lackeyTrace(0x10000, 200, 4));
    const out = await captureMain(trace, [
      "convert",
      `${dir}/a.lackey`,
      `${dir}/b.lackey`,
      `${dir}/ab.vmtrace`,
    ]);
    assert.equal(out.code, 0, out.err);
    const base = SHADOW.grids.quick.find((p) => p.vcpus === 4 && p.strategy === "all")!;
    const [at] = SHADOW.withTraces!([{ ...base, vcpus: 2 }], [`${dir}/ab.vmtrace`]).slice(1);
    assert.equal(at.workload, `vmtrace:${dir}/ab.vmtrace`);
    const row = await SHADOW.run(at, { seed: 1, cost: COST });
    assert.equal(row.measured_accesses, 4 * (300 + 200));
    assert.equal(row.accesses, row.measured_accesses, "a trace row holds the accesses it ran");
    // Two address spaces over the same addresses: each page faults once in each.
    assert.equal(row.demand_faults, 300 + 200);
    // One process per vCPU: each vCPU loads its CR3 once.
    assert.equal(row.cr3_loads, 2);
    assert.ok(Number(row.overhead_vs_native) > 0, "shadow paging costs more than native");
    assert.deepEqual(
      await SHADOW.run(at, { seed: 2, cost: COST }),
      row,
      "a trace ignores the seed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
