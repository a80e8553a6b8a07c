import assert from "node:assert/strict";
import { TRANSLATION } from "../../../experiments/translation/experiment.ts";
import type { TranslationPoint } from "../../../experiments/translation/point.ts";
import { TRANSLATION_SECTIONS } from "../../../experiments/translation/report.ts";
import type { Row } from "../../../experiments/experiment.ts";
import type { TableSection } from "../../../reports/report_section.ts";
import { commandArgs } from "../../../experiments/sim_command.ts";
import { simReport } from "../../../experiments/cli/sim_cli.ts";
import { COST } from "../fixtures/small_sweep.ts";

const reproduce = TRANSLATION_SECTIONS.find((s) => s.title === "Reproduce a row") as TableSection;

/** Points of every kind: steady state (several configurations), a cold walk, cold tables. */
const POINTS: TranslationPoint[] = [
  (p: TranslationPoint) =>
    p.mode === "nested" && p.guest_page === "4k" && p.host_page === "4k" &&
    p.workload === "zipf" && p.footprint_mib === 64 && p.populate === "on" && p.levels === 4,
  (p: TranslationPoint) =>
    p.mode === "native" && p.guest_page === "2m" && p.workload === "random" &&
    p.footprint_mib === 4096 && p.levels === 5,
  (p: TranslationPoint) =>
    p.mode === "nested" && p.guest_page === "1g" && p.host_page === "4k" &&
    p.workload === "strided" && p.footprint_mib === 1 && p.levels === 4,
  (p: TranslationPoint) =>
    p.translation_caches === "off" && p.mode === "nested" && p.guest_page === "4k" &&
    p.host_page === "2m" && p.levels === 5,
  (p: TranslationPoint) =>
    p.translation_caches === "on" && p.populate === "off" && p.mode === "nested" &&
    p.guest_page === "4k",
].map((where) => {
  const point = TRANSLATION.grids.quick.find(where);
  assert.ok(point);
  // Fewer accesses keep the test short; the command carries them like any parameter.
  return { ...point, accesses: Math.min(point.accesses, 6000) };
});

Deno.test("the command the translation report prints for a row reproduces the row's numbers through sim", async (t) => {
  for (const point of POINTS) {
    await t.step(TRANSLATION.cell!(point) + ` ${point.footprint_mib} MiB`, async () => {
      const seed = 3;
      const measured = await TRANSLATION.run(point, { seed, cost: COST });
      const row: Row = { ...point, ...measured, seed, profile: COST.name };
      const [printed] = reproduce.rows([row]);
      const report = await simReport(commandArgs(String(printed.command)));
      const c = report.counters;
      const n = c.accesses;
      assert.equal(n, point.accesses);
      assert.equal(c.walks, measured.walks);
      assert.equal(c.walk_refs, measured.walk_refs);
      assert.equal(c.demand_maps, measured.demand_maps);
      assert.equal(1000 * c.l1_tlb_misses / n, measured.l1_tlb_misses_per_kilo_access);
      assert.equal(1000 * c.l2_tlb_misses / n, measured.l2_tlb_misses_per_kilo_access);
      assert.equal(
        report.derived.translation_cycles_per_access,
        measured.translation_cycles_per_access,
      );
      assert.equal(report.derived.cycles_per_access, measured.cycles_per_access);
      const tables = report.page_table_bytes;
      assert.equal(tables.guest + tables.host, measured.page_table_bytes);
    });
  }
});

Deno.test("the printed command names every parameter of the row", () => {
  const [printed] = reproduce.rows([{ ...POINTS[3], seed: 7, profile: "amd-zen3" }]);
  assert.equal(
    printed.command,
    "deno task sim --workload random --accesses 4096 --footprint 64G --seed 7 --warmup 0 " +
      "--populate off --mode nested --guest-page 4k --host-page 2m --levels 5 --walk-cache off " +
      "--nested-tlb off --pte-cache off --profile amd-zen3",
  );
});
