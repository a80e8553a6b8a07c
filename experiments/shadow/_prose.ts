/**
 * The written parts of the `shadow` report: the headline and the reading,
 * computed from the rows.
 *
 * @module
 */

import {
  BUILD_ACCESSES_PER_FAULT,
  BUILD_ACCESSES_PER_SWITCH,
  SERVER_ACCESSES_PER_SWITCH,
} from "../../core/os/os_rates.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { findRow } from "../rows.ts";
import { bestSingleRows, comparisonRows, mainRows, maxVcpus, stressRows, TIE } from "./_tables.ts";

/** `build, server`, or `no workload`. */
function list(names: readonly string[]): string {
  return names.join(", ") || "no workload";
}

const vcpuText = (n: number) => `${n} vCPU${n === 1 ? "" : "s"}`;

/** The finding in one sentence: where nested wins and where shadow wins, at the most vCPUs. */
export function headline(rows: readonly Row[]): string {
  const cmp = comparisonRows(rows);
  if (cmp.length === 0) return "No rows to summarise.";
  // The largest vCPU count that has a comparison: a shard's rows may lack the grid's largest.
  const vcpus = Math.max(...cmp.map((r) => Number(r.vcpus)));
  const at = cmp.filter((r) => r.vcpus === vcpus);
  const won = (w: string) => at.filter((r) => r.winner === w).map((r) => String(r.workload));
  const ties = won("neither");
  const clauses = [
    ...(won("nested").length > 0
      ? [`nested paging beats the best shadow configuration on ${list(won("nested"))}`]
      : []),
    ...(won("shadow").length > 0 ? [`shadow paging beats nested on ${list(won("shadow"))}`] : []),
    ...(ties.length > 0 ? [`the two are within ${100 * TIE} % on ${list(ties)}`] : []),
  ];
  let text = `At published event rates with ${vcpuText(vcpus)}, ${clauses.join("; ")}.`;
  const stress = stressRows(rows).filter((r) => r.winner === "nested");
  if (stress.length > 0) {
    text += ` At the churn-heavy stress rates nested wins on ${
      list([...new Set(stress.map((r) => String(r.workload)))])
    }.`;
  }
  return text;
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** What a many-vCPU build does differently from a 1-vCPU build, from the rows. */
function buildParagraph(rows: readonly Row[]): string | undefined {
  const main = mainRows(rows).filter((r) => r.workload === "build");
  const vcpus = maxVcpus(main);
  const one = findRow(main, { vcpus: 1, mode: "native" });
  const many = findRow(main, { vcpus, mode: "native" });
  if (one === undefined || many === undefined || vcpus === 1) return undefined;
  const shadow = findRow(main, { vcpus, mode: "shadow", strategy: "all" });
  return `\`build\` is \`make -jN\` with N the vCPUs: each compile job is a process on its own vCPU and the stream interleaves them, so with ${
    vcpuText(vcpus)
  } ${vcpus} jobs run at once, each in its own address space. A job faults once per ${
    formatNumber(BUILD_ACCESSES_PER_FAULT)
  } of its own accesses whatever the vCPU count, so a window of the same length holds about as many faults (${
    formatNumber(Number(many.demand_faults))
  } with ${vcpuText(vcpus)}, ${
    formatNumber(Number(one.demand_faults))
  } with 1); cycles per access differ (native ${
    formatNumber(Number(many.cycles_per_access))
  } against ${
    formatNumber(Number(one.cycles_per_access))
  }) because jobs at different points of their lives have mapped different amounts of heap. A parallel build sends no TLB shootdown (${
    formatNumber(Number(shadow?.shootdowns ?? 0))
  } here): every job is single-threaded and make never runs on two vCPUs at once, so no address space is loaded on two vCPUs, as under Linux's lazy TLB mode; \`threads\` is the workload that shoots down.`;
}

/** The reading: per workload, who wins and why, and what each strategy buys. */
export function reading(rows: readonly Row[]): string {
  const cmp = comparisonRows(rows);
  const singles = bestSingleRows(rows);
  if (cmp.length === 0) return "No rows.";
  const vcpus = maxVcpus(mainRows(rows));
  const paragraphs: string[] = [
    `The OS workloads run at event rates measured on real programs (core/os/os_rates.ts, each rate with its source), converted to events per memory access at 0.44 loads and stores per instruction: a Linux kernel build takes a page fault every ${
      formatNumber(BUILD_ACCESSES_PER_FAULT)
    } accesses and switches context every ${
      formatNumber(BUILD_ACCESSES_PER_SWITCH)
    } per CPU (perf stat of a kernel build); a web server switches every ${
      formatNumber(SERVER_ACCESSES_PER_SWITCH)
    } (perf stat of nginx). At these rates page-table changes are rare, so the exits of shadow paging cost little per access, and what separates the platforms is mostly the longer 2-D walks of nested paging on TLB misses.`,
  ];
  for (const r of cmp.filter((r) => r.vcpus === vcpus)) {
    const s = singles.find((x) => x.workload === r.workload && x.vcpus === vcpus);
    const verdict = r.winner === "neither"
      ? `neither wins by ${100 * TIE} % or more (${r.why})`
      : `${r.winner} wins — ${r.why}`;
    paragraphs.push(
      `\`${r.workload}\` (${vcpuText(vcpus)}): native ${formatNumber(Number(r.native))}, nested ${
        formatNumber(Number(r.nested))
      } (${ratio(Number(r.nested), Number(r.native))} native), best shadow (${r.best_shadow}) ${
        formatNumber(Number(r.best_shadow_cpa))
      } cycles per access: ${verdict}.` +
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
  const build = buildParagraph(rows);
  if (build !== undefined) paragraphs.push(build);
  const stress = stressRows(rows);
  if (stress.length > 0) {
    const build = cmp.find((r) => r.workload === "build" && r.vcpus === vcpus);
    const margin = build === undefined
      ? ""
      : ` At the published rates the best shadow configuration costs ${
        ratio(Number(build.best_shadow_cpa), Number(build.nested))
      } nested on \`build\`: the earlier report's margins were a property of the stress rates.`;
    paragraphs.push(
      `At the stress rates of earlier versions (a build fault every 8 accesses, a server switch every 500, a 16-page unmap every 256 accesses in threads: hundreds to thousands of times the measured rates), page-table churn dominates: ${
        stress.map((r) =>
          `on \`${r.workload}\` (${
            vcpuText(Number(r.vcpus))
          }) shadow paging with all strategies costs ${
            ratio(Number(r.all), Number(r.nested))
          } nested (baseline ${ratio(Number(r.baseline), Number(r.nested))})`
        ).join("; ")
      }.${margin}`,
    );
  }
  paragraphs.push(
    `Nested paging never exits for page-table writes, CR3 loads or INVLPG, so it pays only longer (2-D) walks on TLB misses; shadow paging walks one dimension but exits whenever the guest changes its tables or switches address spaces. Each exit costs the profile's hardware round trip (vmExitCycles: guest exit to guest resume with no hypervisor work, one definition in both named profiles; see the cost-profile table) plus its handler's work by reason. Workloads that fork, exec, fault pages in and switch often favour nested paging, and a big-memory process with a stable address space favours shadow paging once its shadow table is filled — the qualitative result of VMware's EPT and RVI evaluations and of Agile Paging (ISCA 2016); the magnitudes depend on the rates, as above. Guest-kernel work other than page faults, copies and IPIs is not charged, and the guest makes no system calls (under KPTI each would switch CR3 twice, an exit each under shadow paging), so overheads are relative to a native kernel that only pays those.`,
  );
  return paragraphs.join("\n\n");
}
