/**
 * The `translation` experiment: what address translation costs natively and
 * under nested (2-D) paging, across guest and host page sizes, 4- and
 * 5-level tables, footprints from cache-sized to many GiB, and workloads;
 * and a check that cold 2-D walks take the published (n+1)(m+1)−1
 * references.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import type { MachineConfig, PageSizeName } from "../../core/machine/machine_config.ts";
import { finish } from "../../core/workload/simulate.ts";
import { createAccessChunk, DEFAULT_CHUNK_CAPACITY } from "../../core/base/access_chunk.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { cartesian } from "../cartesian.ts";
import type { Experiment, Point, Row } from "../experiment.ts";

const MIB = 2 ** 20;
const PAGE_NAMES: readonly PageSizeName[] = ["4k", "2m", "1g"];
const PAGE_LEVELS_SKIPPED: Readonly<Record<string, number>> = { "4k": 0, "2m": 1, "1g": 2 };

/** Footprint at which the cold-walk reference counts are measured (MiB). */
const WALK_COUNT_FOOTPRINT_MIB = 65536;
/** Accesses of a cold-walk point: every one misses the TLBs, so a few thousand walks suffice. */
const WALK_COUNT_ACCESSES = 4096;

/** Published reference counts per walk (REFERENCES.md): key `levels/mode/guest/host`. */
const PUBLISHED_REFS: Readonly<Record<string, number>> = {
  "4/native/4k/none": 4,
  "4/native/2m/none": 3,
  "4/native/1g/none": 2,
  "5/native/4k/none": 5,
  "5/native/2m/none": 4,
  "5/native/1g/none": 3,
  "4/nested/4k/4k": 24,
  "5/nested/4k/4k": 35,
  "4/nested/2m/4k": 19,
  "4/nested/4k/2m": 19,
  "4/nested/2m/2m": 15,
  "4/nested/1g/1g": 8,
};

/** A translation configuration: mode and the page sizes on each side. */
interface Configuration {
  mode: "native" | "nested";
  guest_page: PageSizeName;
  host_page: PageSizeName | "none";
}

const CONFIGURATIONS: readonly Configuration[] = [
  ...PAGE_NAMES.map((g): Configuration => ({ mode: "native", guest_page: g, host_page: "none" })),
  ...PAGE_NAMES.flatMap((g) =>
    PAGE_NAMES.map((h): Configuration => ({ mode: "nested", guest_page: g, host_page: h }))
  ),
];

function upper(page: string): string {
  return page.toUpperCase();
}

/** The legend label of a configuration, e.g. `nested 4K/2M` (guest/host). */
function configLabel(row: Row | Point): string {
  return row.mode === "native"
    ? `native ${upper(String(row.guest_page))}`
    : `nested ${upper(String(row.guest_page))}/${upper(String(row.host_page))}`;
}

const CONFIG_LABELS: readonly string[] = CONFIGURATIONS.map((c) => configLabel({ ...c }));

/**
 * Colours: native in greys; nested in one hue per guest page size (blue 4K,
 * orange 2M, green 1G), darker for smaller host pages.
 */
const CONFIG_COLOURS: readonly string[] = [
  "#222222",
  "#6e6e6e",
  "#ababab",
  "#1d4ed8",
  "#5b8def",
  "#a3c0f7",
  "#c2410c",
  "#f0883e",
  "#f7c39b",
  "#15803d",
  "#4cb36b",
  "#a2d9b1",
];

/** Radix levels a walk reads for a page size: 4K pages use every level. */
function levelsWalked(levels: number, page: string): number {
  return levels - PAGE_LEVELS_SKIPPED[page];
}

/**
 * References of a walk with every cache empty: n native; (n+1)(m+1)−1
 * nested, since each of the n guest entries and the final guest-physical
 * address needs an m-reference host walk, plus the n guest entries
 * themselves.
 */
function coldRefsPerWalk(point: Point | Row): number {
  const levels = Number(point.levels);
  const n = levelsWalked(levels, String(point.guest_page));
  if (point.mode === "native") return n;
  const m = levelsWalked(levels, String(point.host_page));
  return (n + 1) * (m + 1) - 1;
}

interface GridShape {
  levels: readonly number[];
  workloads: readonly string[];
  footprintsMib: readonly number[];
  accesses: number;
  warmup: number;
}

function buildGrid(shape: GridShape): Point[] {
  const measured: Point[] = [];
  for (const config of CONFIGURATIONS) {
    for (
      const point of cartesian({
        caches: ["on"],
        mode: [config.mode],
        guest_page: [config.guest_page],
        host_page: [config.host_page],
        levels: shape.levels,
        workload: shape.workloads,
        footprint_mib: shape.footprintsMib,
        accesses: [shape.accesses],
        warmup_accesses: [shape.warmup],
      })
    ) measured.push(point);
  }
  const cold: Point[] = [];
  for (const config of CONFIGURATIONS) {
    for (
      const point of cartesian({
        caches: ["off"],
        mode: [config.mode],
        guest_page: [config.guest_page],
        host_page: [config.host_page],
        levels: [4, 5],
        workload: ["random"],
        footprint_mib: [WALK_COUNT_FOOTPRINT_MIB],
        accesses: [WALK_COUNT_ACCESSES],
        warmup_accesses: [0],
      })
    ) cold.push(point);
  }
  return [...measured, ...cold];
}

function runPoint(point: Point, seed: number, cost: CostModel): Row {
  const cachesOn = point.caches === "on";
  const nested = point.mode === "nested";
  const config: MachineConfig = {
    platform: nested ? "nested" : "native",
    guestPage: point.guest_page as PageSizeName,
    levels: point.levels === 5 ? 5 : 4,
    walkCache: cachesOn,
    pteCache: cachesOn,
    ...(nested ? { hostPage: point.host_page as PageSizeName, nestedTlb: cachesOn } : {}),
  };
  const machine = buildMachine(config, cost);
  const vcpu = machine.vcpus[0];
  const warmup = Number(point.warmup_accesses);
  const accesses = Number(point.accesses);
  const workload = createWorkload(String(point.workload), {
    accesses: warmup + accesses,
    footprintBytes: Number(point.footprint_mib) * MIB,
    seed,
  });
  // Warm the TLBs and caches, then count only the measured accesses.
  const chunk = createAccessChunk();
  let left = warmup;
  while (left > 0) {
    const piece = left >= DEFAULT_CHUNK_CAPACITY ? chunk : createAccessChunk(left);
    const n = workload.fill(piece);
    if (n === 0) break;
    vcpu.run(piece);
    left -= n;
  }
  machine.resetStats();
  while (workload.fill(chunk) > 0) vcpu.run(chunk);
  const { counters: c, cycles: y } = finish(machine);
  const n = c.accesses;
  const walkCycles = y.walk_cache + y.walk_pte_cache + y.walk_memory + y.nested_tlb;
  const nestedLookups = c.nested_tlb_hits + c.nested_tlb_misses;
  const row: Row = {
    walks: c.walks,
    walk_refs: c.walk_refs,
    // A point without walks has no references per walk: the field is left out rather than 0.
    ...(c.walks > 0 ? { refs_per_walk: c.walk_refs / c.walks } : {}),
    cold_refs_per_walk: coldRefsPerWalk(point),
    l1_tlb_mpka: (1000 * c.l1_tlb_misses) / n,
    l2_tlb_mpka: (1000 * c.l2_tlb_misses) / n,
    ...(c.walk_refs > 0 ? { walk_refs_memory_share: c.walk_refs_memory / c.walk_refs } : {}),
    ...(nestedLookups > 0 ? { nested_tlb_hit_rate: c.nested_tlb_hits / nestedLookups } : {}),
    walk_cycles_per_access: walkCycles / n,
    translation_cycles_per_access: (y.total - y.compute) / n,
    cycles_per_access: y.total / n,
    page_table_kib: (machine.guestTable!.bytes + (machine.hostTable?.bytes ?? 0)) / 1024,
  };
  return row;
}

// ---------------------------------------------------------------- report helpers

function formatFootprint(mib: number): string {
  if (mib >= 1024) return `${mib / 1024} GiB`;
  return `${mib} MiB`;
}

function measuredRows(rows: readonly Row[], levels: number): Row[] {
  return rows.filter((r) => r.caches === "on" && r.levels === levels);
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Largest footprint in the rows. */
function largestFootprint(rows: readonly Row[]): number {
  return Math.max(...rows.map((r) => Number(r.footprint_mib)));
}

function find(rows: readonly Row[], where: Partial<Row>): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}×` : "—";
}

function cycles(value: number): string {
  return formatNumber(value);
}

const FACET_COLUMNS = 3;

/** How {@linkcode footprintPlot} draws one measure. */
interface FootprintPlotSpec {
  /** Row field plotted. */
  measure: string;
  /** Y-axis label with unit. */
  yLabel: string;
  /** Log scale (points at or below zero are dropped) or linear from zero. */
  log: boolean;
  /** Series of a row: its legend label. Rows of equal series, workload and footprint are drawn once. */
  series(row: Row): string;
  /** Legend labels in order, and their colours. */
  domain: readonly string[];
  range: readonly string[];
  /** Series drawn dashed. */
  dashed(series: string): boolean;
}

/** The TLB size class of a configuration: the smaller of the guest and host page sizes. */
function effectivePage(row: Row): string {
  const g = String(row.guest_page);
  if (row.mode === "native") return upper(g);
  const h = String(row.host_page);
  return upper(PAGE_LEVELS_SKIPPED[g] <= PAGE_LEVELS_SKIPPED[h] ? g : h);
}

/**
 * A line plot of one measure against footprint, one panel per workload
 * (wrapped three to a row), one line per series.
 */
function footprintPlot(rows: readonly Row[], spec: FootprintPlotSpec): Plot.PlotOptions {
  const levels = 4;
  const all = measuredRows(rows, levels);
  if (all.length === 0) throw new Error("no measured rows with 4-level tables");
  const workloads = distinct(all.map((r) => String(r.workload)));
  const footprints = distinct(all.map((r) => Number(r.footprint_mib))).sort((a, b) => a - b);
  const shown = all.filter((r) =>
    r[spec.measure] !== undefined && (!spec.log || Number(r[spec.measure]) > 0)
  );
  // Rows that share a series are drawn once only if they agree; otherwise every configuration gets its own line.
  const values = new Map<string, number>();
  let agree = true;
  for (const r of shown) {
    const key = `${spec.series(r)}|${r.workload}|${r.footprint_mib}`;
    const value = Number(r[spec.measure]);
    if (values.has(key) && values.get(key) !== value) agree = false;
    values.set(key, value);
  }
  if (!agree) {
    spec = { ...spec, series: configLabel, domain: CONFIG_LABELS, range: CONFIG_COLOURS };
  }
  const seen = new Set<string>();
  const points = [];
  for (const r of shown) {
    const value = Number(r[spec.measure]);
    const series = spec.series(r);
    const key = `${series}|${r.workload}|${r.footprint_mib}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const panel = workloads.indexOf(String(r.workload));
    points.push({
      footprint: Number(r.footprint_mib),
      value,
      series,
      dashed: spec.dashed(series),
      column: panel % FACET_COLUMNS,
      row: Math.floor(panel / FACET_COLUMNS),
    });
  }
  const titles = workloads.map((w, i) => ({
    workload: w,
    column: i % FACET_COLUMNS,
    row: Math.floor(i / FACET_COLUMNS),
  }));
  const panelRows = Math.ceil(workloads.length / FACET_COLUMNS);
  const channels = {
    x: "footprint",
    y: "value",
    stroke: "series",
    fx: "column",
    fy: "row",
    z: "series",
  } as const;
  return {
    width: 1100,
    height: 90 + 280 * panelRows,
    marginLeft: 64,
    marginRight: 16,
    marginTop: 28,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.16 },
    // Footprints grow geometrically, so evenly spaced points read as a log scale.
    x: {
      type: "point",
      domain: footprints,
      label: "Footprint (log scale) →",
      tickFormat: (d: number) => formatFootprint(d),
      labelAnchor: "center",
      padding: 0.3,
    },
    y: spec.log
      ? { type: "log", label: `↑ ${spec.yLabel} (log scale)`, grid: true, tickFormat: ",~g" }
      : { type: "linear", label: `↑ ${spec.yLabel}`, grid: true, zero: true, nice: true },
    color: { legend: true, domain: spec.domain as string[], range: spec.range as string[] },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.line(points.filter((p) => p.dashed), {
        ...channels,
        strokeDasharray: "5,3",
        strokeWidth: 1.6,
      }),
      Plot.line(points.filter((p) => !p.dashed), { ...channels, strokeWidth: 1.8 }),
      Plot.dot(points, { ...channels, fill: "series", r: 2.5 }),
      Plot.text(titles, {
        fx: "column",
        fy: "row",
        text: "workload",
        frameAnchor: "top-left",
        dx: 6,
        dy: 6,
        fontWeight: "bold",
        fontSize: 12,
        fill: "#1c2024",
        stroke: "white",
        strokeWidth: 4,
        paintOrder: "stroke",
      }),
    ],
  };
}

const EFFECTIVE_PAGE_LABELS: readonly string[] = ["4K", "2M", "1G"].map((p) => `${p} translations`);

function refsPerWalkPlot(rows: readonly Row[]): Plot.PlotOptions {
  const largest = largestFootprint(rows.filter((r) => r.caches === "on"));
  const data = rows
    .filter((r) =>
      r.levels === 4 && r.workload === "random" &&
      ((r.caches === "on" && r.footprint_mib === largest) || r.caches === "off")
    )
    .map((r) => ({
      config: configLabel(r),
      caches: r.caches === "off"
        ? "all caches off (cold walk)"
        : "walk caches, nested TLB, PTE cache on",
      refs: r.refs_per_walk === undefined ? 0 : Number(r.refs_per_walk),
      label: r.refs_per_walk === undefined
        ? "no walks"
        : Number.isInteger(r.refs_per_walk)
        ? String(r.refs_per_walk)
        : Number(r.refs_per_walk).toFixed(1),
    }));
  if (data.length === 0) throw new Error("no random-workload rows with 4-level tables");
  return {
    width: 1100,
    height: 400,
    marginLeft: 56,
    marginBottom: 64,
    style: { fontSize: "12px" },
    fx: { label: null, domain: CONFIG_LABELS as string[], tickRotate: -25, padding: 0.12 },
    x: {
      axis: null,
      domain: ["all caches off (cold walk)", "walk caches, nested TLB, PTE cache on"],
    },
    y: { label: "↑ Memory references per walk (refs)", grid: true },
    color: {
      legend: true,
      domain: ["all caches off (cold walk)", "walk caches, nested TLB, PTE cache on"],
      range: ["#9aa3ad", "#2f5fd0"],
    },
    marks: [
      Plot.barY(data, { fx: "config", x: "caches", y: "refs", fill: "caches" }),
      Plot.text(data, {
        fx: "config",
        x: "caches",
        y: "refs",
        text: "label",
        dy: -7,
        fontSize: 10,
      }),
      Plot.ruleY([0]),
    ],
  };
}

function walkCountRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.caches === "off").map((r) => {
    const key = `${r.levels}/${r.mode}/${r.guest_page}/${r.host_page}`;
    const published = PUBLISHED_REFS[key];
    const measured = r.refs_per_walk === undefined ? NaN : Number(r.refs_per_walk);
    const out: Row = {
      levels: r.levels,
      configuration: configLabel(r),
      formula: r.mode === "native"
        ? `n = ${levelsWalked(Number(r.levels), String(r.guest_page))}`
        : `(${levelsWalked(Number(r.levels), String(r.guest_page))}+1)(${
          levelsWalked(Number(r.levels), String(r.host_page))
        }+1)−1`,
      expected: Number(r.cold_refs_per_walk),
      walks: Number(r.walks),
      matches: measured === Number(r.cold_refs_per_walk) &&
        (published === undefined || published === measured),
    };
    if (published !== undefined) out.published = published;
    if (Number.isFinite(measured)) out.measured = measured;
    return out;
  });
}

function slowdownRows(rows: readonly Row[]): Row[] {
  const measured = measuredRows(rows, 4);
  if (measured.length === 0) return [];
  const largest = largestFootprint(measured);
  const out: Row[] = [];
  for (const workload of distinct(measured.map((r) => String(r.workload)))) {
    const at = (mode: string, g: string, h: string): number =>
      Number(
        find(measured, { workload, footprint_mib: largest, mode, guest_page: g, host_page: h })
          ?.translation_cycles_per_access ?? NaN,
      );
    const native = at("native", "4k", "none");
    const nested = at("nested", "4k", "4k");
    const row: Row = {
      workload,
      native_4k: native,
      nested_4k_4k: nested,
      slowdown: nested / native,
      nested_2m_2m: at("nested", "2m", "2m"),
      nested_1g_1g: at("nested", "1g", "1g"),
    };
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === "number" && !Number.isFinite(v)) delete row[k];
    }
    out.push(row);
  }
  return out;
}

function headline(rows: readonly Row[]): string {
  const parts: string[] = [];
  const measured = measuredRows(rows, 4);
  if (measured.length > 0) {
    const largest = largestFootprint(measured);
    const at = (mode: string, g: string, h: string): Row | undefined =>
      find(measured, {
        workload: "random",
        footprint_mib: largest,
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
      let text = `Random accesses over ${formatFootprint(largest)}: nested 4K/4K paging spends ${
        cycles(v)
      } cycles per access on translation against ${cycles(n)} native (${ratio(v, n)})`;
      if (huge) {
        text += `; 2M pages on both sides cut it to ${
          cycles(Number(huge.translation_cycles_per_access))
        }`;
      }
      parts.push(text + ".");
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

function reading(rows: readonly Row[]): string {
  const paragraphs: string[] = [];
  const measured = measuredRows(rows, 4);
  const slowdowns = slowdownRows(rows);
  if (measured.length > 0 && slowdowns.length > 0) {
    const largest = largestFootprint(measured);
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
        formatFootprint(largest)
      }) with 4-level tables, nested 4K/4K paging costs between ${
        ratio(Number(best.nested_4k_4k), Number(best.native_4k))
      } (\`${best.workload}\`) and ${
        ratio(Number(worst.nested_4k_4k), Number(worst.native_4k))
      } (\`${worst.workload}\`) the translation cycles of native 4K paging. A 2-D walk reads the guest table through the host table, so every TLB miss costs up to (n+1)(m+1)−1 references instead of n, and the page-walk caches and the nested TLB recover only part of that once the footprint outgrows what they cover.`,
    );
    const smallest = Math.min(...measured.map((r) => Number(r.footprint_mib)));
    const small = measured.filter((r) => r.footprint_mib === smallest);
    const gaps = distinct(small.map((r) => String(r.workload))).map((workload) => {
      const native = find(small, { workload, mode: "native", guest_page: "4k" });
      const nested = find(small, { workload, mode: "nested", guest_page: "4k", host_page: "4k" });
      return Number(nested?.translation_cycles_per_access) /
        Number(native?.translation_cycles_per_access);
    }).filter((x) => Number.isFinite(x));
    if (gaps.length > 0) {
      const worst = Math.max(...gaps);
      paragraphs.push(
        `At ${formatFootprint(smallest)} nested 4K/4K translation costs ${
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
        return `${cycles(Math.min(...values))}–${cycles(Math.max(...values))}`;
      };
      paragraphs.push(
        `Large pages are the remedy: with 2M pages on both sides, translation at ${
          formatFootprint(largest)
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
        ? `With the walk caches, the nested TLB and the PTE cache all off, every measured walk took exactly the cold reference count: 24 for 4K/4K on 4 levels, 35 on 5 levels, 19 with a 2M page on one side, 15 for 2M/2M and 8 for 1G/1G, as published by Bhargava et al. (ASPLOS 2008).`
        : `${bad.length} of ${checks.length} cold-walk checks do not match the expected reference count: ${
          bad.map((r) =>
            `${r.configuration} on ${r.levels} levels measured ${r.measured}, expected ${r.expected}`
          ).join("; ")
        }.`,
    );
  }
  return paragraphs.join("\n\n");
}

const QUICK: GridShape = {
  levels: [4, 5],
  workloads: ["strided", "zipf", "random"],
  footprintsMib: [1, 64, 4096, 65536],
  accesses: 24_576,
  warmup: 8_192,
};

const FULL: GridShape = {
  levels: [4, 5],
  workloads: ["strided", "zipf", "random", "pointer-chase", "gups"],
  footprintsMib: [1, 8, 64, 512, 4096, 32768, 262144],
  accesses: 262_144,
  warmup: 65_536,
};

/** The `translation` experiment. */
export const TRANSLATION: Experiment = {
  id: "translation",
  title: "The cost of address translation, native and nested",
  question:
    "How many cycles per access does address translation cost natively and under nested paging, across guest and host page sizes, table depths, footprints and workloads — and do cold 2-D walks take the published number of references?",
  parameters: {
    caches:
      "on: walk caches, nested TLB and PTE cache as in the profile; off: all three off, to count cold walks",
    mode: "native (one page table) or nested (guest table translated through the host table)",
    guest_page: "page size the guest (or native OS) maps data with",
    host_page: "page size the host maps guest memory with (none when native)",
    levels: "radix levels of the guest and host tables: 4 (48-bit) or 5 (57-bit)",
    workload: "synthetic access pattern (core/workload/workloads.ts)",
    footprint_mib: "bytes of virtual memory the workload touches, in MiB",
    accesses: "accesses measured per point, after the warm-up",
    warmup_accesses: "accesses run first to warm TLBs and caches, not counted",
  },
  grids: { quick: buildGrid(QUICK), full: buildGrid(FULL), default: "quick" },
  cell(point: Point): string {
    return [
      point.caches,
      point.mode,
      point.guest_page,
      point.host_page,
      point.levels,
      point.workload,
    ].join("/");
  },
  run(point: Point, context): Row {
    return runPoint(point, context.seed, context.cost);
  },
  headline,
  sections: [
    { kind: "text", title: "Reading", text: reading },
    {
      kind: "plot",
      title: "Translation cycles per access",
      caption:
        "Cycles spent translating addresses (TLB lookups, walk-cache hits, walk references, nested-TLB hits) per access, 4-level tables, after warm-up. Dashed grey lines: native; colours: nested, one hue per guest page size, lighter for larger host pages. Points with no translation cycles are left off the log scale.",
      plot: (rows) =>
        footprintPlot(rows, {
          measure: "translation_cycles_per_access",
          yLabel: "Translation cycles per access (cycles)",
          log: true,
          series: configLabel,
          domain: CONFIG_LABELS,
          range: CONFIG_COLOURS,
          dashed: (series) => series.startsWith("native"),
        }),
    },
    {
      kind: "plot",
      title: "TLB misses per thousand accesses",
      caption:
        "Second-level TLB misses, i.e. page walks, per thousand accesses, 4-level tables. A TLB entry maps guest-virtual to host-physical memory at the smaller of the guest and host page sizes, so native and nested configurations with the same smaller page size miss equally and share a line: nesting costs nothing in misses, only in the walk each miss starts. Each curve rises where the footprint passes the TLB reach of its page size.",
      plot: (rows) =>
        footprintPlot(rows, {
          measure: "l2_tlb_mpka",
          yLabel: "L2 TLB misses per 1,000 accesses (misses)",
          log: false,
          series: (row) => `${effectivePage(row)} translations`,
          domain: EFFECTIVE_PAGE_LABELS,
          range: ["#1d4ed8", "#f0883e", "#15803d"],
          dashed: () => false,
        }),
    },
    {
      kind: "plot",
      title: "Memory references per walk",
      caption:
        "References per page walk for random accesses with 4-level tables: grey with every translation cache off (the cold 2-D walk, (n+1)(m+1)−1), blue with the profile's walk caches, nested TLB and PTE cache at the largest footprint.",
      plot: refsPerWalkPlot,
    },
    {
      kind: "table",
      title: "Cold walk references: published, expected and measured",
      caption:
        "Measured with walk caches, nested TLB and PTE cache off, random accesses over 64 GiB. n and m are the guest and host levels walked (4 for 4K pages on 4-level tables, one fewer per page-size step). Published: Bhargava et al., ASPLOS 2008, and the x86-64 manuals (REFERENCES.md).",
      columns: [
        { key: "levels", label: "levels" },
        { key: "configuration", label: "configuration", unit: "guest/host" },
        { key: "formula", label: "formula" },
        { key: "published", label: "published", unit: "refs/walk" },
        { key: "expected", label: "expected", unit: "refs/walk" },
        { key: "measured", label: "measured", unit: "refs/walk", digits: 2 },
        { key: "walks", label: "walks measured" },
        { key: "matches", label: "matches" },
      ],
      rows: walkCountRows,
    },
    {
      kind: "table",
      title: "Nested against native at the largest footprint",
      caption:
        "Translation cycles per access, 4-level tables, at the largest footprint of the sweep. Slowdown is nested 4K/4K over native 4K.",
      columns: [
        { key: "workload" },
        { key: "native_4k", label: "native 4K", unit: "cycles/access", digits: 2 },
        { key: "nested_4k_4k", label: "nested 4K/4K", unit: "cycles/access", digits: 2 },
        { key: "slowdown", label: "slowdown", unit: "×", digits: 2 },
        { key: "nested_2m_2m", label: "nested 2M/2M", unit: "cycles/access", digits: 2 },
        { key: "nested_1g_1g", label: "nested 1G/1G", unit: "cycles/access", digits: 2 },
      ],
      rows: slowdownRows,
    },
  ],
};
