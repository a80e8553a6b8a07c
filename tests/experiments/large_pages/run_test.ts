import assert from "node:assert/strict";
import { LARGE_PAGES } from "../../../experiments/large_pages/experiment.ts";
import type { LargePagesPoint } from "../../../experiments/large_pages/point.ts";
import type { Row } from "../../../experiments/experiment.ts";
import { COST } from "../fixtures/small_sweep.ts";
import { champSimBytes } from "../fixtures/champsim_records.ts";
import { withTempFile } from "../fixtures/temp_file.ts";

/** A small point: 64 MiB touched, few accesses, so a test runs in milliseconds. */
function point(fields: Partial<LargePagesPoint>): LargePagesPoint {
  return {
    mode: "nested",
    policy: "opportunistic",
    fragmentation: 0,
    guest_large_fraction: 1,
    tenants: "stay",
    promotion_seconds: 0,
    workload: "random",
    footprint_mib: 64,
    accesses: 4096,
    warmup_accesses: 1024,
    ...fields,
  };
}

/** A trace point: no accesses or warm-up of its own, the trace runs whole. */
function tracePoint(path: string, fields: Partial<LargePagesPoint> = {}): LargePagesPoint {
  const { accesses: _, warmup_accesses: __, ...rest } = point({ workload: `lackey:${path}` });
  return { ...rest, ...fields };
}

function run(fields: Partial<LargePagesPoint>): Row {
  return LARGE_PAGES.run(point(fields), { seed: 1, cost: COST }) as Row;
}

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

Deno.test("large-pages: opportunism pays on free memory, fragmentation erases it, promotion buys it back once the tenants exit", async (t) => {
  for (const mode of ["nested", "shadow"] as const) {
    await t.step(mode, () => {
      const small = run({ mode, policy: "4k" });
      const free = run({ mode });
      const fragmented = run({ mode, fragmentation: 1 });
      const promote = { mode, policy: "opportunistic+promote", fragmentation: 1 } as const;
      const stayed = run({ ...promote, promotion_seconds: 60 });
      const promoted = run({ ...promote, tenants: "exit", promotion_seconds: 60 });
      const early = run({ ...promote, tenants: "exit", promotion_seconds: 20 });
      assert.equal(small.host_large_fraction, 0);
      assert.equal(free.host_large_fraction, 1);
      assert.equal(fragmented.host_large_fraction, 0);
      // Large pages act on translation; the data accesses cost what they cost.
      const translation = (row: Row) => Number(row.translation_cycles_per_access);
      assert.ok(translation(free) < translation(small) / 2);
      assert.ok(Number(fragmented.splintered_pages) > 0);
      assert.equal(free.splintered_pages, 0);
      // The tenants' frames stay: no block to promote into, the agent backs off.
      assert.equal(stayed.promotions, 0);
      assert.ok(Number(stayed.promotion_alloc_failures) > 0);
      assert.equal(stayed.host_large_fraction, 0);
      // Once they exit, 64 MiB and the guest's table pages (33 regions) take 5 passes,
      // one every 10 s, 8 regions each.
      assert.equal(promoted.promotions, 33);
      assert.equal(
        early.promotions,
        8,
        "one pass in the first 20 s (10 s, then 20 s is past the end)",
      );
      assert.ok(Number(promoted.promotion_cycles) >= Number(promoted.promotions) * 512 * 500);
      assert.ok(Number(promoted.host_large_fraction) > 0.9);
      assert.ok(translation(promoted) < translation(fragmented) / 2);
      assert.equal(promoted.timeline_interval_s, 10);
      assert.equal(promoted.time_to_90pct_large_s, 40);
      const horizon = Number(promoted.horizon_cycles_per_access);
      assert.ok(
        horizon > Number(promoted.cycles_per_access) &&
          horizon < Number(fragmented.cycles_per_access),
        "the horizon averages the slow climb",
      );
      assert.equal(JSON.parse(String(promoted.timeline)).length, 6, "one step per 10 s");
    });
  }
});

Deno.test("large-pages rows are deterministic for a seed", () => {
  const a = run({ mode: "shadow", fragmentation: 0.5, guest_large_fraction: 0.5 });
  const b = run({ mode: "shadow", fragmentation: 0.5, guest_large_fraction: 0.5 });
  assert.deepEqual(a, b);
});

/** A lackey trace of `accesses` 8-byte loads spread over `pages` 4 KiB pages. */
function lackeyTrace(pages: number, accesses: number): string {
  const lines = ["==1== Lackey, an example Valgrind tool", "I  04000000,3"];
  let x = 12345;
  for (let i = 0; i < accesses; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const page = x % pages;
    lines.push(` L ${(0x10000000 + page * 4096).toString(16)},8`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("large-pages replays a lackey trace: measured pass only, host large pages cut its misses", async () => {
  // 64 MiB of pages: past the 4K TLB reach.
  await withTempFile(".lackey", lackeyTrace(16384, 20000), async (path) => {
    const at = async (policy: LargePagesPoint["policy"], fragmentation: number) =>
      await LARGE_PAGES.run(
        tracePoint(path, { policy, fragmentation, guest_large_fraction: 1 }),
        { seed: 1, cost: COST },
      );
    const small = await at("4k", 0);
    const large = await at("opportunistic", 0);
    const fragmented = await at("opportunistic", 1);
    assert.ok(Number(small.l2_tlb_misses_per_kilo_access) > 0, "4K host pages miss");
    // The accesses the trace holds, measured once and run once before as first touch and warm-up.
    assert.equal(small.accesses, 20000);
    assert.equal(small.warmup_accesses, 20000);
    assert.equal(large.host_large_fraction, 1);
    // Translation only: every access of this trace reads line 0 of its page, so the data
    // lines crowd a few cache sets, more or fewer by where the host puts the frames.
    assert.ok(
      Number(large.translation_cycles_per_access) < Number(small.translation_cycles_per_access),
    );
    assert.ok(Number(fragmented.host_large_fraction) < 1);
    assert.deepEqual(await at("4k", 0), small, "deterministic");
  });
});

Deno.test("large-pages replays a ChampSim trace as the lackey trace of the same 1-byte loads", async () => {
  const lackey = lackeyTrace(4096, 5000).replaceAll(",8\n", ",1\n");
  const addresses = [...lackey.matchAll(/ L ([0-9a-f]+),1/g)].map((m) => BigInt("0x" + m[1]));
  const records = addresses.map((a) => ({
    ip: 0x400000n,
    sourceMemory: [a],
    destinationMemory: [],
  }));
  await withTempFile(".lackey", lackey, async (lackeyPath) => {
    await withTempFile(".champsim", champSimBytes(records), async (champSimPath) => {
      const at = (workload: string) =>
        LARGE_PAGES.run(
          { ...tracePoint(lackeyPath, { policy: "opportunistic", fragmentation: 0.5 }), workload },
          { seed: 1, cost: COST },
        );
      const fromLackey = await at(`lackey:${lackeyPath}`);
      assert.ok(Number(fromLackey.cycles_per_access) > 0);
      assert.equal(fromLackey.accesses, 5000);
      assert.deepEqual(await at(`champsim:${champSimPath}`), fromLackey);
    });
  });
});

Deno.test("large-pages names the trace file and line of a malformed trace", async () => {
  await withTempFile(".lackey", " L 10000000,8\n Q nonsense\n", async (path) => {
    await assert.rejects(
      async () => await LARGE_PAGES.run(tracePoint(path), { seed: 1, cost: COST }),
      (error: Error) => error.message.includes(path) && /line 2/.test(error.message),
    );
  });
});

Deno.test("large-pages refuses accesses on a trace point and a synthetic point without them, in one line", async () => {
  await assert.rejects(
    async () =>
      await LARGE_PAGES.run(point({ workload: "lackey:/x.lackey" }), { seed: 1, cost: COST }),
    /^RangeError: large-pages: a trace point runs its trace whole: leave accesses and warmup_accesses out$/,
  );
  const { accesses: _, ...synthetic } = point({});
  await assert.rejects(
    async () => await LARGE_PAGES.run(synthetic, { seed: 1, cost: COST }),
    /^RangeError: large-pages: a synthetic point needs accesses and warmup_accesses \(workload random\)$/,
  );
});

Deno.test("large-pages shadow rows on host 4K pages differ by under 10 % across fragmentation", async (t) => {
  // Under a 4K host policy fragmentation decides nothing: it may only move
  // where table pages land. 64 MiB of guest 2M pages on host 4K pages make 32
  // shadow leaf-table pages (2,048 PTE lines) against a PTE cache of 1,024
  // one-way sets, so a placement that leaves sets unused shows at once (it
  // did: table pages every 514 frames used half the sets at fragmentation 0).
  const cost = { ...COST, pteCache: { entries: 1024, ways: 1 } };
  for (const guest_large_fraction of [0, 1]) {
    await t.step(`guest ${guest_large_fraction * 100} % 2M`, async () => {
      const cpa: number[] = [];
      for (const fragmentation of [0, 0.25, 0.5, 0.75, 1]) {
        const row = await LARGE_PAGES.run(
          point({ mode: "shadow", policy: "4k", fragmentation, guest_large_fraction }),
          { seed: 1, cost },
        );
        cpa.push(Number(row.cycles_per_access));
      }
      const spread = Math.max(...cpa) / Math.min(...cpa) - 1;
      assert.ok(
        spread < 0.1,
        `cycles per access ${cpa.join(", ")}: ${(100 * spread).toFixed(1)} %`,
      );
    });
  }
});
