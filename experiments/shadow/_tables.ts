/**
 * The tables of the `shadow` report — where shadow paging beats nested
 * paging, and the single strategy that buys the most — and the rows they
 * and the plots start from.
 *
 * @module
 */

import { EXIT_REASON_NAMES } from "../../core/base/exit_reason.ts";
import { SHADOW_STRATEGY_NAMES } from "../../core/platforms/shadow/shadow_config.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { distinct, findRow, largest } from "../rows.ts";
import { configLabel, strategyLabel } from "./_labels.ts";

/** The largest vCPU count of the rows. */
export function maxVcpus(rows: readonly Row[]): number {
  return largest(rows, "vcpus");
}

/** Rows at the published rates, of the default batch size (8) or not batched: one row per configuration. */
export function mainRows(rows: readonly Row[]): Row[] {
  return publishedRows(rows).filter((r) => r.strategy !== "batch" || r.batch === 8);
}

/** Rows at the published event rates (rows without `rates` predate the parameter: published). */
export function publishedRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.rates !== "stress");
}

/** The rows of each workload and vCPU count, workloads outermost, in order of appearance. */
function byWorkloadAndVcpus(
  rows: readonly Row[],
): { workload: string; vcpus: number; at: Row[] }[] {
  const out = [];
  for (const workload of distinct(rows.map((r) => String(r.workload)))) {
    for (const vcpus of distinct(rows.map((r) => Number(r.vcpus)))) {
      out.push({
        workload,
        vcpus,
        at: rows.filter((r) => r.workload === workload && r.vcpus === vcpus),
      });
    }
  }
  return out;
}

const WHY: Readonly<Record<string, string>> = {
  cr3_write: "CR3 loads",
  invlpg: "INVLPGs",
  pt_write: "page-table writes",
  hidden_fault: "hidden faults",
  guest_fault: "reflected guest faults",
  ipi: "IPIs",
  hypercall: "flush hypercalls",
};

/** The exit reason a row exits for most often. */
function topReason(row: Row): string {
  let best = "";
  let most = 0;
  for (const name of EXIT_REASON_NAMES) {
    const n = Number(row[`exits_${name}`] ?? 0);
    if (n > most) {
      most = n;
      best = name;
    }
  }
  return best;
}

/** Below this relative difference in cycles per access neither platform is said to win. */
export const TIE = 0.01;

/** Native, nested and the cheapest shadow configuration per workload and vCPU count, with why the winner wins. */
export function comparisonRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const { workload, vcpus, at } of byWorkloadAndVcpus(mainRows(rows))) {
    const nested = findRow(at, { mode: "nested" });
    const shadows = at.filter((r) => r.mode === "shadow");
    if (!nested || shadows.length === 0) continue;
    // Ties go to "all": the configuration a user would deploy.
    const best = shadows.reduce((a, b) =>
      Number(b.cycles_per_access) < Number(a.cycles_per_access) ||
        (b.cycles_per_access === a.cycles_per_access && b.strategy === "all")
        ? b
        : a
    );
    const shadowWins = Number(best.cycles_per_access) < Number(nested.cycles_per_access);
    const tie = Math.abs(Number(best.cycles_per_access) / Number(nested.cycles_per_access) - 1) <
      TIE;
    const reason = topReason(best);
    out.push({
      workload,
      vcpus,
      native: Number(at.find((r) => r.mode === "native")?.cycles_per_access ?? NaN),
      nested: Number(nested.cycles_per_access),
      best_shadow: configLabel(best).replace("shadow: ", ""),
      best_shadow_cpa: Number(best.cycles_per_access),
      winner: tie ? "neither" : shadowWins ? "shadow" : "nested",
      why: tie
        ? `within ${100 * TIE} %: nested ${
          formatNumber(Number(nested.walk_cycles_per_access))
        } cycles/access in walks, shadow ${
          formatNumber(Number(best.exit_cycles_per_access))
        } in exits`
        : shadowWins
        ? `nested: ${
          formatNumber(Number(nested.walk_cycles_per_access))
        } cycles/access in 2-D walks; shadow: ${
          formatNumber(Number(best.exits_per_kilo_access))
        } exits/1k accesses`
        : `shadow: ${formatNumber(Number(best.exit_cycles_per_access))} cycles/access in exits${
          reason ? `, mostly ${WHY[reason] ?? reason}` : ""
        }`,
    });
  }
  return out;
}

/** Per workload and vCPU count: the unoptimised shadow MMU, its best single strategy, and all together. */
export function bestSingleRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const { workload, vcpus, at: all } of byWorkloadAndVcpus(mainRows(rows))) {
    const at = all.filter((r) => r.mode === "shadow");
    const baseline = findRow(at, { strategy: "baseline" });
    const singles = at.filter((r) => SHADOW_STRATEGY_NAMES.includes(r.strategy as never));
    const together = findRow(at, { strategy: "all" });
    if (!baseline || singles.length === 0) continue;
    const best = singles.reduce((a, b) =>
      Number(b.cycles_per_access) < Number(a.cycles_per_access) ? b : a
    );
    const base = Number(baseline.cycles_per_access);
    const helps = Number(best.cycles_per_access) < base * 0.995;
    out.push({
      workload,
      vcpus,
      baseline: base,
      best_single: helps ? strategyLabel(best.strategy) : "none (all within 0.5 %)",
      best_single_cpa: Number(best.cycles_per_access),
      saving: 1 - Number(best.cycles_per_access) / base,
      all: Number(together?.cycles_per_access ?? NaN),
    });
  }
  return out;
}

/**
 * Per workload and vCPU count at the stress rates of earlier versions:
 * native, nested, the unoptimised shadow MMU and all strategies, and who wins.
 */
export function stressRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  const stress = rows.filter((r) => r.rates === "stress");
  for (const { workload, vcpus, at } of byWorkloadAndVcpus(stress)) {
    const cpa = (where: Record<string, string>) =>
      Number(findRow(at, where)?.cycles_per_access ?? NaN);
    const nested = cpa({ mode: "nested" });
    const all = cpa({ mode: "shadow", strategy: "all" });
    if (Number.isNaN(nested) || Number.isNaN(all)) continue;
    out.push({
      workload,
      vcpus,
      native: cpa({ mode: "native" }),
      nested,
      baseline: cpa({ mode: "shadow", strategy: "baseline" }),
      all,
      winner: Math.abs(all / nested - 1) < TIE ? "neither" : all < nested ? "shadow" : "nested",
      ratio: all / nested,
    });
  }
  return out;
}
