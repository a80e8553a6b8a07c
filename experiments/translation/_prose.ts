/**
 * The written parts of the `translation` report: the headline and the
 * reading, computed from the rows.
 *
 * @module
 */

import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { distinct, findRow, largest } from "../rows.ts";
import { formatMib } from "../size_format.ts";
import { coldTableRows, measuredRows, slowdownRows, walkCountRows } from "./_tables.ts";
import { DEFAULT_BASE_VPN } from "../../core/workload/workload_options.ts";
import { PROFILES } from "../../core/cost/profiles.ts";

const MIB = 2 ** 20;
const GIB_PAGE = 2 ** 30;

/** Where every synthetic workload's footprint starts, in MiB (256: page 0x10000). */
export const FOOTPRINT_START_MIB: number = (DEFAULT_BASE_VPN * 4096) / MIB;

const NUMBER_WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
];

function count(n: number): string {
  return NUMBER_WORDS[n] ?? formatNumber(n);
}

/**
 * 1 GiB pages a footprint of `mib` spans when it starts at
 * {@linkcode FOOTPRINT_START_MIB}: one more than `mib / 1024` whenever the
 * start is not 1 GiB-aligned.
 */
export function gigaPagesSpanned(mib: number): number {
  const first = Math.floor((FOOTPRINT_START_MIB * MIB) / GIB_PAGE);
  const last = Math.floor(((FOOTPRINT_START_MIB + mib) * MIB - 1) / GIB_PAGE);
  return last - first + 1;
}

/**
 * What the footprint axis means, a paragraph each: where footprints start
 * (so how many 1G pages they span), and how much of it `strided` touches.
 */
function footprintParagraph(measured: readonly Row[]): string | undefined {
  const sentences: string[] = [];
  const big = distinct(measured.map((r) => Number(r.footprint_mib)))
    .filter((mib) => mib >= 1024)
    .sort((a, b) => a - b);
  if (big.length > 0) {
    const first = big[0];
    const spans = big.map((mib) => `${formatMib(mib)} ${count(gigaPagesSpanned(mib))}`);
    const profileNames = distinct(measured.map((r) => String(r.profile ?? "")));
    const l1 = profileNames.length === 1 ? PROFILES[profileNames[0]]?.tlb.l1_1g.entries : undefined;
    const gigaRows = measured.filter((r) =>
      r.guest_page === "1g" && r.mode === "native" && r.footprint_mib === first &&
      r.workload === "random"
    );
    const misses = gigaRows.length === 1
      ? Number(gigaRows[0].l1_tlb_misses_per_kilo_access)
      : undefined;
    sentences.push(
      `Every workload's footprint starts at virtual address ${
        formatMib(FOOTPRINT_START_MIB)
      } (page 0x${
        DEFAULT_BASE_VPN.toString(16)
      }, where a user-space heap might start), not at 0, so it is not aligned to a 1G page: a ${
        formatMib(first)
      } footprint runs from ${formatMib(FOOTPRINT_START_MIB)} to ${
        formatMib(FOOTPRINT_START_MIB + first)
      } and spans ${count(gigaPagesSpanned(first))} 1G pages, not ${
        count(first / 1024)
      } (1G pages spanned: ${spans.join(", ")}).${
        l1 !== undefined && misses !== undefined && misses > 0
          ? ` That is why 1G pages still miss the first-level TLB at ${formatMib(first)} (${
            formatNumber(misses)
          } misses per 1,000 random accesses, native 1G): the profile's L1 TLB holds ${
            count(l1)
          } 1G translations.`
          : ""
      }`,
    );
  }
  const strided = measured.filter((r) => r.workload === "strided");
  if (strided.length > 0) {
    // The strided workload steps one 4 KiB page per access (its default stride) and wraps only at
    // the end of its footprint, so a run touches one page per access, warm-up included.
    const runs = distinct(
      strided.map((r) => Number(r.warmup_accesses) + Number(r.accesses)),
    ).sort((a, b) => a - b);
    const touched = runs.map((n) => (n * 4096) / MIB);
    const measuredMib = distinct(strided.map((r) => (Number(r.accesses) * 4096) / MIB));
    const beyond = distinct(strided.map((r) => Number(r.footprint_mib)))
      .filter((mib) => mib > Math.max(...touched));
    sentences.push(
      `\`strided\` steps one 4 KiB page per access and wraps only at the end of its footprint, so a run touches one page per access, warm-up included: ${
        touched.map(formatMib).join(" or ")
      } (${runs.map((n) => formatNumber(n)).join(" or ")} accesses, the measured ones the last ${
        measuredMib.map(formatMib).join(" or ")
      }), whatever the footprint axis says beyond that.${
        beyond.length > 0
          ? ` Its points at ${
            beyond.map(formatMib).join(" and ")
          } run the same accesses over the same pages, so its curves are flat there; only what is populated around them grows.`
          : ""
      }`,
    );
  }
  return sentences.length > 0 ? sentences.join("\n\n") : undefined;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}×` : "—";
}

/** The finding in a few sentences: nested against native at the largest footprint in steady state, against cold tables, cold walks. */
export function headline(rows: readonly Row[]): string {
  const parts: string[] = [];
  const measured = measuredRows(rows, 4);
  if (measured.length > 0) {
    const footprint = largest(measured, "footprint_mib");
    const at = (mode: string, g: string, h: string): Row | undefined =>
      findRow(measured, {
        workload: "random",
        footprint_mib: footprint,
        mode,
        guest_page: g,
        host_page: h,
      });
    const native = at("native", "4k", "none");
    const nested = at("nested", "4k", "4k");
    const huge = at("nested", "2m", "2m");
    if (native && nested) {
      const n = Number(native.translation_cycles_per_access);
      const v = Number(nested.translation_cycles_per_access);
      let text = `In steady state (tables populated, ${
        formatNumber(Number(nested.warmup_accesses))
      } accesses of warm-up), random accesses over ${
        formatMib(footprint)
      }: nested 4K/4K paging spends ${formatNumber(v)} cycles per access on translation against ${
        formatNumber(n)
      } native (${ratio(v, n)})`;
      if (huge) {
        text += `; 2M pages on both sides cut it to ${
          formatNumber(Number(huge.translation_cycles_per_access))
        }`;
      }
      parts.push(text + ".");
      const cold = coldTableRows(rows);
      const coldNative = cold.find((r) =>
        r.configuration === "native 4K" && r.steady !== undefined
      );
      const coldNested = cold.find((r) =>
        r.configuration === "nested 4K/4K" && r.footprint === coldNative?.footprint
      );
      if (coldNative && coldNested) {
        parts.push(
          `Measured on cold tables without warm-up, as runs were before, the same comparison reads ${
            ratio(Number(coldNested.cold), Number(coldNative.cold))
          }: first touches flatter nested paging.`,
        );
      }
    }
  }
  const checks = walkCountRows(rows);
  if (checks.length > 0) {
    const ok = checks.filter((r) => r.matches).length;
    const cold = checks.find((r) => r.levels === 4 && r.configuration === "nested 4K/4K");
    parts.push(
      `Cold 2-D walks take ${
        cold ? cold.measured : "the expected"
      } references for 4K/4K on 4 levels; ${ok} of ${checks.length} page-size and depth combinations match (n+1)(m+1)−1${
        ok === checks.length ? " and the published counts" : ""
      }.`,
    );
  }
  return parts.join(" ") || "No rows to summarise.";
}

/** The reading: what the numbers say about nesting, footprint, large pages and cold walks. */
export function reading(rows: readonly Row[]): string {
  const paragraphs: string[] = [];
  const measured = measuredRows(rows, 4);
  const slowdowns = slowdownRows(rows);
  if (measured.length > 0) {
    const warmup = distinct(measured.map((r) => Number(r.warmup_accesses)));
    paragraphs.push(
      `Every measured point is steady state, as ChampSim measures after its warm-up instructions: the workload's whole footprint is populated first (guest and host tables as a process that has touched all of its memory leaves them, in bulk and uncounted), then ${
        warmup.map((w) => formatNumber(w)).join(" or ")
      } accesses of the workload fill the TLBs, walk caches, nested TLB and data caches before the statistics are reset, so no measured access is a first touch. Translation cycles are those of translation alone (TLB lookups, walk-cache hits, walk references by the cache level that served them, nested-TLB hits); the data accesses, charged through the same cache hierarchy, count in the cycles per access and in translation's share of run time, not in translation cycles.`,
    );
  }
  const footprint = footprintParagraph(measured);
  if (footprint) paragraphs.push(footprint);
  const cold = coldTableRows(rows).filter((r) => r.steady !== undefined);
  if (cold.length > 0) {
    paragraphs.push(
      `Cold tables give another answer. Measured without populating and without warm-up, the accesses over ${
        cold[0].footprint
      } keep meeting pages for the first time (pages mapped per 100 accesses, guest and host counted apart: ${
        cold.map((r) => `${r.configuration} ${formatNumber(100 * Number(r.first_touches))}`).join(
          ", ",
        )
      }), and translation costs ${
        cold.map((r) =>
          `${formatNumber(Number(r.cold))} instead of ${
            formatNumber(Number(r.steady))
          } cycles (${r.configuration})`
        ).join(", ")
      }. Nested paging gains most from cold tables: the guest frames touched so far were allocated together, in touch order, so the host half of each 2-D walk stays in a small corner of the host table that the walk caches and the data caches hold; populated, the frames spread over the whole footprint. A run that measures first touches therefore understates what nesting costs a program in steady state.`,
    );
  }
  if (measured.length > 0 && slowdowns.length > 0) {
    const footprint = largest(measured, "footprint_mib");
    const worst = slowdowns.reduce((
      a,
      b,
    ) => (Number(b.slowdown ?? 0) > Number(a.slowdown ?? 0) ? b : a));
    const best = slowdowns.reduce((
      a,
      b,
    ) => (Number(b.slowdown ?? Infinity) < Number(a.slowdown ?? Infinity) ? b : a));
    paragraphs.push(
      `At the largest footprint (${
        formatMib(footprint)
      }) with 4-level tables, nested 4K/4K paging costs between ${
        ratio(Number(best.nested_4k_4k), Number(best.native_4k))
      } (\`${best.workload}\`) and ${
        ratio(Number(worst.nested_4k_4k), Number(worst.native_4k))
      } (\`${worst.workload}\`) the translation cycles of native 4K paging. A 2-D walk reads the guest table through the host table, so every TLB miss costs up to (n+1)(m+1)−1 references instead of n, and the page-walk caches and the nested TLB recover only part of that once the footprint outgrows what they cover.`,
    );
    const smallest = Math.min(...measured.map((r) => Number(r.footprint_mib)));
    const small = measured.filter((r) => r.footprint_mib === smallest);
    const gaps = distinct(small.map((r) => String(r.workload))).map((workload) => {
      const native = findRow(small, { workload, mode: "native", guest_page: "4k" });
      const nested = findRow(small, {
        workload,
        mode: "nested",
        guest_page: "4k",
        host_page: "4k",
      });
      return Number(nested?.translation_cycles_per_access) /
        Number(native?.translation_cycles_per_access);
    }).filter((x) => Number.isFinite(x));
    if (gaps.length > 0) {
      const worst = Math.max(...gaps);
      paragraphs.push(
        `At ${formatMib(smallest)} nested 4K/4K translation costs ${
          worst <= 1.005 ? "the same as" : `at most ${ratio(worst, 1)}`
        } native 4K on every workload: the footprint fits in the second-level TLB, so walks are rare and virtualization adds next to nothing. The cost appears once the footprint outgrows the TLB reach (entries times page size: a few MiB with 4K pages, a few GiB with 2M pages), which is why the curves bend upward at different footprints for each page size.`,
      );
    }
    const hugeRows = slowdowns.filter((r) =>
      r.nested_2m_2m !== undefined && r.nested_4k_4k !== undefined
    );
    if (hugeRows.length > 0) {
      const span = (key: string): string => {
        const values = hugeRows.map((r) => Number(r[key]));
        return `${formatNumber(Math.min(...values))}–${formatNumber(Math.max(...values))}`;
      };
      paragraphs.push(
        `Large pages are the remedy: with 2M pages on both sides, translation at ${
          formatMib(footprint)
        } drops from ${span("nested_4k_4k")} to ${
          span("nested_2m_2m")
        } cycles per access across the workloads, because each TLB entry covers 512 times more memory and each walk is shorter in both dimensions. A large page on one side only helps less: the other side's 4K walk remains.`,
      );
    }
  }
  const checks = walkCountRows(rows);
  if (checks.length > 0) {
    const bad = checks.filter((r) => !r.matches);
    paragraphs.push(
      bad.length === 0
        ? `With the walk caches and the nested TLB off and every walk reference sent to DRAM, every measured walk took exactly the cold reference count: 24 for 4K/4K on 4 levels, 35 on 5 levels, 19 with a 2M page on one side, 15 for 2M/2M and 8 for 1G/1G, as published by Bhargava et al. (ASPLOS 2008).`
        : `${bad.length} of ${checks.length} cold-walk checks do not match the expected reference count: ${
          bad.map((r) =>
            `${r.configuration} on ${r.levels} levels measured ${r.measured}, expected ${r.expected}`
          ).join("; ")
        }.`,
    );
  }
  return paragraphs.join("\n\n");
}
