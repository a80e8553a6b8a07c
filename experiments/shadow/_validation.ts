/**
 * The `shadow` experiment beside published figures: for each published
 * result the closest figure the lab computes from its rows, with the
 * citation and a note on how the two cases differ. Data only; the generic
 * validation section of the reports renders it.
 *
 * @module
 */

import { BUILD_ACCESSES_PER_FAULT, SERVER_ACCESSES_PER_SWITCH } from "../../core/os/os_rates.ts";
import type { Row, Value } from "../experiment.ts";
import { mainRows, maxVcpus } from "./_tables.ts";
import type { ValidationCase } from "../../reports/report_section.ts";
import { MARGARITOV_THESIS_2021 } from "../published_sources.ts";

/** One comparison of a lab figure with a published one (the report's validation case). */
export type ShadowValidation = ValidationCase;

/** The mean of `key` over the rows matching `where` (several seeds), or NaN for none. */
function avg(rows: readonly Row[], where: Readonly<Record<string, Value>>, key: string): number {
  const at = rows.filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
  if (at.length === 0) return NaN;
  return at.reduce((sum, r) => sum + Number(r[key]), 0) / at.length;
}

/** Cycles per access of native, nested and the cheapest shadow configuration of a workload. */
function platforms(rows: readonly Row[], workload: string, vcpus: number) {
  const at = { workload, vcpus };
  const cpa = (where: Readonly<Record<string, Value>>) =>
    avg(rows, { ...at, ...where }, "cycles_per_access");
  const strategies = [
    ...new Set(
      rows.filter((r) => r.workload === workload && r.vcpus === vcpus && r.mode === "shadow")
        .map((r) => r.strategy as Value),
    ),
  ];
  const shadow = Math.min(...strategies.map((strategy) => cpa({ mode: "shadow", strategy })));
  return { native: cpa({ mode: "native" }), nested: cpa({ mode: "nested" }), shadow };
}

const VMWARE_NOTE =
  "'Up to' over MMU-intensive benchmarks on 2009 hardware and a 2009 shadow MMU; the lab's build runs at the page-fault rate measured on a recent kernel build (one per ~52,600 accesses) and makes no system calls, so its shadow MMU exits far less per access. Lab: best shadow configuration over nested, minus one, at the most vCPUs.";

/**
 * The lab's figures beside the published ones they are closest to, for the
 * `shadow` rows given (published-rate rows; the mean over seeds where
 * several are present). Cases whose rows are missing are left out.
 *
 * @example A tiny sweep still yields the event-rate checks
 * ```ts
 * import { shadowValidation } from "./_validation.ts";
 * const rows = [{
 *   workload: "build", rates: "published", vcpus: 1, mode: "native", strategy: "none", batch: 1,
 *   cycles_per_access: 8, demand_faults: 19, measured_accesses: 1_000_000,
 * }];
 * const check = shadowValidation(rows).find((v) => v.case.startsWith("build: page faults"))!;
 * if (check.lab !== 19 || Math.round(Number(check.published)) !== 19) throw new Error();
 * ```
 */
export function shadowValidation(rows: readonly Row[]): ShadowValidation[] {
  const main = mainRows(rows);
  const out: ShadowValidation[] = [];
  const push = (v: ShadowValidation) => {
    if (Number.isFinite(v.lab)) out.push(v);
  };
  if (main.length === 0) return out;
  const vcpus = maxVcpus(main);
  const workloads = [...new Set(main.map((r) => String(r.workload)))];

  const build = platforms(main, "build", vcpus);
  const gain = 100 * (build.shadow / build.nested - 1);
  push({
    case: "build: nested paging's gain over shadow paging on a compile workload",
    lab: gain,
    published: 48,
    unit: "%",
    citation:
      'VMware, "Performance Evaluation of Intel EPT Hardware Assist", 2009 (ESX, Xeon 5500): EPT gains up to 48 % over shadow paging on MMU-intensive benchmarks',
    note: VMWARE_NOTE,
  });
  push({
    case: "build: nested paging's gain over shadow paging on a compile workload (AMD)",
    lab: gain,
    published: 42,
    unit: "%",
    citation:
      'VMware, "Performance Evaluation of AMD RVI Hardware Assist", 2008 (ESX 3.5, Opteron 8384): RVI gains up to 42 % on MMU-intensive benchmarks',
    note: VMWARE_NOTE,
  });
  push({
    case: "build: unoptimised shadow paging's overhead over native on a kernel build",
    lab: 100 *
      avg(
        main,
        { workload: "build", vcpus, mode: "shadow", strategy: "baseline" },
        "overhead_vs_native",
      ),
    published: 100 * (15 / 7 - 1),
    unit: "%",
    citation:
      '"Debugging a Slow VM on a 2007 Era Xeon", rhysre.net: a Linux build took 15 minutes in a KVM guest on a Xeon E5335 without EPT (shadow paging) and 7 natively (secondary, one machine)',
    note:
      "The slowdown was traced to KPTI: every system call switches CR3 twice, an exit each under shadow paging. The lab's guest makes no system calls, and its KVM-like shadow MMU caches roots; expect the lab far lower.",
  });

  const gaps = workloads.map((w) => {
    const p = platforms(main, w, vcpus);
    return Math.abs(p.nested / p.shadow - 1);
  }).filter(Number.isFinite);
  if (gaps.length > 0) {
    push({
      case: "largest gap between nested and the best shadow paging across the workloads",
      lab: 100 * Math.max(...gaps),
      published: 34,
      unit: "%",
      citation:
        'Wang et al., "Selective Hardware/Software Memory Virtualization", VEE 2011 (KVM): "an up to 34% performance gap exists for a few benchmarks"',
      note:
        "Their benchmarks are whole programs (SPEC CPU and others) with data accesses; the lab's bigmem is random 4K-page accesses with translation as nearly its only cost, so its gap is far larger.",
    });
    push({
      case: "share of the workloads where nested and the best shadow paging are within 1 %",
      lab: 100 * gaps.filter((g) => g < 0.01).length / gaps.length,
      published: 50,
      unit: "%",
      citation:
        'Wang et al., VEE 2011: "in over half of the cases, there is no noticeable gap between the two mechanisms"',
      note:
        "Published 'over half'; the lab has four workloads, so its share moves in steps of 25 %.",
    });
  }

  const best = workloads.map((w) => {
    const p = platforms(main, w, vcpus);
    return Math.min(p.nested, p.shadow) / p.native - 1;
  }).filter(Number.isFinite);
  if (best.length > 0) {
    push({
      case: "overhead over native of the better of nested and shadow paging, worst workload",
      lab: 100 * Math.max(...best),
      published: 12,
      unit: "%",
      citation:
        'Gandhi, Hill, Swift, "Agile Paging: Exceeding the Best of Nested and Shadow Paging", ISCA 2016: agile paging is "more than 12% better than the best of the two techniques" and within 4 % of native',
      note:
        "Published is a lower bound on the better technique's overhead on workloads chosen to stress both (big-memory with page-table updates); no lab workload has both many TLB misses and page-table churn at published rates.",
    });
  }

  const bigmemNested = { workload: "bigmem", vcpus, mode: "nested" };
  const walks = avg(main, bigmemNested, "l2_tlb_misses_per_kilo_access") / 1000;
  push({
    case: "bigmem: cycles of a 2-D (nested) page walk",
    lab: avg(main, bigmemNested, "walk_cycles_per_access") / walks,
    published: 100,
    unit: "cycles",
    citation: MARGARITOV_THESIS_2021,
    note:
      "Published is 'hundreds' (100 taken as its floor) under colocation and cache contention; the lab's walk references go through its cache hierarchy (L1D, L2, a vCPU's share of the last-level cache, DRAM) beside bigmem's data, and most 2-D walks here hit the walk caches and the nested TLB.",
  });
  push({
    case: "bigmem: nested paging's overhead over native on a memory-intensive workload",
    lab: 100 * avg(main, bigmemNested, "overhead_vs_native"),
    published: 18,
    unit: "%",
    citation:
      'Alverti et al., "Enhancing and Exploiting Contiguity for Fast Memory Virtualization", ISCA 2020: nested paging\'s address-translation overhead ~18 % on memory-intensive workloads',
    note:
      "Published is measured on real memory-intensive programs, which compute between their accesses; the lab's bigmem does one cycle of other work per access beside its data accesses (charged through the cache hierarchy), so translation is a larger share of its cost and nesting's overhead over native larger.",
  });

  const buildFaults = 1e6 *
    avg(main, { workload: "build", vcpus: 1, mode: "native" }, "demand_faults") /
    avg(main, { workload: "build", vcpus: 1, mode: "native" }, "measured_accesses");
  push({
    case: "build: page faults per million accesses (the workload's calibration)",
    lab: buildFaults,
    published: 1e6 / BUILD_ACCESSES_PER_FAULT,
    unit: "faults per million accesses",
    citation:
      "perf stat of a Linux kernel and modules build (mvermeulen.org/perf/?p=615): 2,366,940,384 page faults over 281,890,310,273,018 instructions, at 0.44 accesses per instruction",
    note:
      "The generator's own rate, measured back: equal up to job starts and the edges of the window.",
  });
  const serverSwitches = 1e6 *
    avg(main, { workload: "server", vcpus: 1, mode: "native" }, "cr3_loads") /
    avg(main, { workload: "server", vcpus: 1, mode: "native" }, "measured_accesses");
  push({
    case: "server: context switches per million accesses (the workload's calibration)",
    lab: serverSwitches,
    published: 1e6 / SERVER_ACCESSES_PER_SWITCH,
    unit: "switches per million accesses",
    citation:
      "perf stat of the Phoronix nginx test (mvermeulen.org/perf/?p=916): 120,417,664 context switches over 83,227,323,814,403 instructions, at 0.44 accesses per instruction",
    note: "The generator's own rate, measured back (one vCPU, every switch loads CR3).",
  });
  return out;
}
