import assert from "node:assert/strict";
import { DEFAULT_PROFILE, getProfile } from "../../../core/cost/profiles.ts";
import { HOST_POLICIES } from "../../../core/mapping/memory_config.ts";
import type { Point, Row } from "../../../experiments/experiment.ts";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";
import { writeExperimentReport } from "../../../experiments/sweep/report_writer.ts";

const cost = getProfile(DEFAULT_PROFILE);

/** A small point: 64 MiB touched, few accesses, so a test runs in milliseconds. */
function point(fields: Partial<Point>): Point {
  return {
    mode: "nested",
    policy: "opportunistic",
    fragmentation: 0,
    guest_large_fraction: 1,
    workload: "random",
    footprint_mib: 64,
    accesses: 4096,
    warmup_accesses: 1024,
    ...fields,
  };
}

function run(fields: Partial<Point>): Row {
  return LARGE_PAGES.run(point(fields), { seed: 1, cost }) as Row;
}

Deno.test("large-pages is registered and sweeps every policy, both modes and fragmentation 0 to 1", () => {
  assert.equal(EXPERIMENTS["large-pages"], LARGE_PAGES);
  for (const size of ["quick", "full"] as const) {
    const grid = LARGE_PAGES.grids[size];
    assert.deepEqual([...new Set(grid.map((p) => p.policy))], HOST_POLICIES);
    assert.deepEqual([...new Set(grid.map((p) => p.mode))], ["nested", "shadow"]);
    const fragmentations = grid.map((p) => Number(p.fragmentation));
    assert.equal(Math.min(...fragmentations), 0);
    assert.equal(Math.max(...fragmentations), 1);
  }
});

Deno.test("large-pages rows carry the columns the issue asks for", () => {
  const row = { ...point({ policy: "4k" }), ...run({ policy: "4k" }) };
  for (
    const key of [
      "mode",
      "policy",
      "fragmentation",
      "guest_large_fraction",
      "host_large_fraction",
      "l2_tlb_misses_per_kilo_access",
      "walk_refs_per_walk",
      "cycles_per_access",
      "page_table_bytes",
    ]
  ) assert.ok(key in row, key);
});

Deno.test("large-pages: opportunism pays on free memory, fragmentation erases it, promotion buys it back", async (t) => {
  for (const mode of ["nested", "shadow"]) {
    await t.step(mode, () => {
      const small = run({ mode, policy: "4k" });
      const free = run({ mode });
      const fragmented = run({ mode, fragmentation: 1 });
      const promoted = run({ mode, policy: "opportunistic+promote", fragmentation: 1 });
      assert.equal(small.host_large_fraction, 0);
      assert.equal(free.host_large_fraction, 1);
      assert.equal(fragmented.host_large_fraction, 0);
      assert.ok(Number(free.cycles_per_access) < Number(small.cycles_per_access) / 2);
      assert.ok(Number(fragmented.splintered_pages) > 0);
      assert.equal(free.splintered_pages, 0);
      // With every block broken at first touch, only promotion after the tenants exit helps.
      assert.ok(Number(promoted.promotions) > 0);
      assert.ok(Number(promoted.promotion_cycles) >= Number(promoted.promotions) * 512 * 500);
      assert.ok(Number(promoted.host_large_fraction) > 0.9);
      assert.ok(Number(promoted.cycles_per_access) < Number(fragmented.cycles_per_access) / 2);
    });
  }
});

Deno.test("large-pages rows are deterministic for a seed", () => {
  const a = run({ mode: "shadow", fragmentation: 0.5, guest_large_fraction: 0.5 });
  const b = run({ mode: "shadow", fragmentation: 0.5, guest_large_fraction: 0.5 });
  assert.deepEqual(a, b);
});

Deno.test("large-pages report draws every plot and both tables from a small sweep", async () => {
  const rows: Row[] = [];
  for (const mode of ["nested", "shadow"]) {
    for (const policy of HOST_POLICIES) {
      for (const fragmentation of [0, 1]) {
        for (const guest_large_fraction of [0, 1]) {
          const p = point({ mode, policy, fragmentation, guest_large_fraction, accesses: 1024 });
          rows.push({ ...p, ...run(p) });
        }
      }
    }
  }
  const dir = await Deno.makeTempDir();
  const record = await writeExperimentReport(dir, LARGE_PAGES, {
    size: "quick",
    seed: 1,
    cost,
    version: "0.0.0",
    points: rows.length,
    rows,
  });
  assert.match(record.headline, /opportunistic host large pages cut cycles per access/);
  const page = await Deno.readTextFile(`${dir}/large-pages.html`);
  assert.equal(page.includes("could not be drawn"), false);
  assert.equal((page.match(/<figure class="plot">/g) ?? []).length, 4);
  assert.match(page, /copies pay for themselves after/);
  await Deno.remove(dir, { recursive: true });
});

/** A lackey trace of `accesses` 8-byte loads spread over `pages` 4 KiB pages, in a temp file. */
async function lackeyFile(pages: number, accesses: number): Promise<string> {
  const lines = ["==1== Lackey, an example Valgrind tool", "I  04000000,3"];
  let x = 12345;
  for (let i = 0; i < accesses; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const page = x % pages;
    lines.push(` L ${(0x10000000 + page * 4096).toString(16)},8`);
  }
  const path = await Deno.makeTempFile({ suffix: ".lackey" });
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

Deno.test("large-pages withTraces() adds one copy of the first workload's points per trace", () => {
  const grid = LARGE_PAGES.grids.quick;
  const first = grid[0].workload;
  const per = grid.filter((p) => p.workload === first).length;
  const out = LARGE_PAGES.withTraces!(grid, ["/a/x.lackey", "/b/y.lackey"]);
  assert.equal(out.length, grid.length + 2 * per);
  assert.deepEqual(out.slice(0, grid.length), [...grid]);
  const added = out.slice(grid.length);
  assert.deepEqual([...new Set(added.map((p) => p.workload))], [
    "lackey:/a/x.lackey",
    "lackey:/b/y.lackey",
  ]);
});

Deno.test("large-pages replays a lackey trace: measured pass only, host large pages cut its misses", async () => {
  const path = await lackeyFile(16384, 20000); // 64 MiB of pages: past the 4K TLB reach
  try {
    const at = async (policy: string, fragmentation: number) =>
      await LARGE_PAGES.run(
        point({ workload: `lackey:${path}`, policy, fragmentation, guest_large_fraction: 1 }),
        { seed: 1, cost },
      );
    const small = await at("4k", 0);
    const large = await at("opportunistic", 0);
    const fragmented = await at("opportunistic", 1);
    assert.ok(Number(small.l2_tlb_misses_per_kilo_access) > 0, "4K host pages miss");
    assert.equal(large.host_large_fraction, 1);
    assert.ok(Number(large.cycles_per_access) < Number(small.cycles_per_access));
    assert.ok(Number(fragmented.host_large_fraction) < 1);
    assert.deepEqual(await at("4k", 0), small, "deterministic");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("large-pages names the trace file and line of a malformed trace", async () => {
  const path = await Deno.makeTempFile({ suffix: ".lackey" });
  try {
    await Deno.writeTextFile(path, " L 10000000,8\n Q nonsense\n");
    await assert.rejects(
      async () => await LARGE_PAGES.run(point({ workload: `lackey:${path}` }), { seed: 1, cost }),
      (error: Error) => error.message.includes(path) && /line 2/.test(error.message),
    );
  } finally {
    await Deno.remove(path);
  }
});
