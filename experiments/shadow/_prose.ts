/**
 * The written parts of the `shadow` report: the headline and the reading,
 * computed from the rows.
 *
 * @module
 */

import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { bestSingleRows, comparisonRows, maxVcpus } from "./_tables.ts";

/** The finding in one sentence: where nested wins and where shadow wins, at the most vCPUs. */
export function headline(rows: readonly Row[]): string {
  const cmp = comparisonRows(rows);
  if (cmp.length === 0) return "No rows to summarise.";
  const vcpus = maxVcpus(rows);
  const at = cmp.filter((r) => r.vcpus === vcpus);
  const shadowWins = at.filter((r) => r.winner === "shadow").map((r) => String(r.workload));
  const nestedWins = at.filter((r) => r.winner === "nested").map((r) => String(r.workload));
  return `With ${vcpus} vCPU${
    vcpus === 1 ? "" : "s"
  }, nested paging beats the best shadow configuration on ${
    nestedWins.join(", ") || "no workload"
  } and shadow paging beats nested on ${shadowWins.join(", ") || "no workload"}.`;
}

/** The reading: per workload, who wins and why, and what each strategy buys. */
export function reading(rows: readonly Row[]): string {
  const cmp = comparisonRows(rows);
  const singles = bestSingleRows(rows);
  if (cmp.length === 0) return "No rows.";
  const vcpus = maxVcpus(rows);
  const paragraphs: string[] = [];
  for (const r of cmp.filter((r) => r.vcpus === vcpus)) {
    const s = singles.find((x) => x.workload === r.workload && x.vcpus === vcpus);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    paragraphs.push(
      `\`${r.workload}\` (${vcpus} vCPUs): native ${formatNumber(Number(r.native))}, nested ${
        formatNumber(Number(r.nested))
      } (${ratio(Number(r.nested), Number(r.native))} native), best shadow (${r.best_shadow}) ${
        formatNumber(Number(r.best_shadow_cpa))
      } cycles per access: ${r.winner} wins — ${r.why}.` +
        (s
          ? ` The unoptimised shadow MMU costs ${formatNumber(Number(s.baseline))}; ${
            String(s.best_single).startsWith("none")
              ? "no single strategy changes that"
              : `the single strategy that buys the most is ${s.best_single} (${
                formatNumber(Number(s.best_single_cpa))
              }, ${(100 * Number(s.saving)).toFixed(0)} % less)`
          }, all together ${formatNumber(Number(s.all))}.`
          : ""),
    );
  }
  paragraphs.push(
    "Nested paging never exits for page-table writes, CR3 loads or INVLPG, so it pays only longer (2-D) walks on TLB misses; shadow paging walks one dimension but exits whenever the guest changes its tables or switches address spaces. Workloads that fork, exec, fault pages in and switch often therefore favour nested paging, and a big-memory process with a stable address space favours shadow paging once its shadow table is filled — the qualitative result of VMware's EPT and RVI evaluations and of Agile Paging (ISCA 2016). Costs: exits from the cost profile by reason; guest-kernel work other than page faults, copies and IPIs is not charged, so overheads are relative to a native kernel that only pays those.",
  );
  return paragraphs.join("\n\n");
}
