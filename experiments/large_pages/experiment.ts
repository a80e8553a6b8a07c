/**
 * The `large-pages` experiment: how much TLB reach and translation cost a
 * VM wins or loses from large pages as host memory fragments, per host
 * backing policy, under nested paging and under shadow paging's page-size
 * rule — and what promotion buys back at what copy cost.
 *
 * Each point builds host memory twice the size of guest RAM, breaks the
 * given share of its 2M and 1G blocks with other tenants' 4K frames, lets
 * the guest touch its whole footprint once (first touch decides host page
 * sizes), lets the other tenants exit (their frames are freed: only
 * `opportunistic+promote` acts on that, by promoting fully backed regions),
 * then warms up and measures the workload.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { CostModel } from "../../core/cost/cost_model.ts";
import { buildMachine } from "../../core/machine/build_machine.ts";
import {
  HOST_POLICIES,
  type HostPolicy,
  MEMORY_CONFIG_FIELDS,
} from "../../core/mapping/memory_config.ts";
import { finish } from "../../core/workload/simulate.ts";
import { createAccessChunk, DEFAULT_CHUNK_CAPACITY } from "../../core/base/access_chunk.ts";
import { DEFAULT_BASE_VPN } from "../../core/workload/workload_options.ts";
import { createWorkload } from "../../core/workload/workloads.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { readLackeyTrace } from "../cli/trace_file.ts";
import { cartesian } from "../cartesian.ts";
import { describeParameter, type Experiment, type Point, type Row } from "../experiment.ts";

const MIB = 2 ** 20;
/** Host RAM as a multiple of guest RAM: the rest is other tenants' (free once they exit). */
const HOST_TO_GUEST = 2;

const POLICY_COLOURS: readonly string[] = ["#6e6e6e", "#1d4ed8", "#15803d", "#c2410c"];
/** Dashes per policy, so that policies that agree stay visible on top of each other. */
const POLICY_DASHES: readonly string[] = ["none", "none", "7,4", "2,3"];
const MODES: readonly string[] = ["nested", "shadow"];

/** Guest RAM for a footprint: the footprint, 1/16 more for tables and slack, in whole GiB. */
function guestMemoryMib(footprintMib: number): number {
  return Math.ceil((footprintMib * 17 / 16) / 1024) * 1024;
}

/**
 * Shadow strategies of the shadow points: every one. On a guest whose tables
 * change only on first touch, only the tagged TLB matters (the others change
 * the cost of updates and shootdowns): fills do not flush the TLB.
 */
const SHADOW_STRATEGIES_USED = "all";

/** Workload values of trace points start with this, followed by the trace's path. */
const LACKEY_PREFIX = "lackey:";

function buildPointMachine(point: Point, seed: number, cost: CostModel) {
  const guestMib = guestMemoryMib(Number(point.footprint_mib));
  const shadow = point.mode === "shadow";
  return buildMachine({
    platform: shadow ? "shadow" : "nested",
    // The steady state of a modern shadow MMU: tagged TLBs, so fills flush nothing.
    ...(shadow ? { shadow: { strategies: SHADOW_STRATEGIES_USED } } : {}),
    memory: {
      hostPolicy: point.policy as HostPolicy,
      fragmentation: Number(point.fragmentation),
      guestLargeFraction: Number(point.guest_large_fraction),
      guestMemoryMib: guestMib,
      hostMemoryMib: HOST_TO_GUEST * guestMib,
      seed,
    },
  }, cost);
}

type PointMachine = ReturnType<typeof buildPointMachine>;

function runPoint(point: Point, seed: number, cost: CostModel): Row {
  const footprintMib = Number(point.footprint_mib);
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  // First touch of the whole footprint, in address order, as a guest
  // initialising its memory: this is when host page sizes are decided.
  const pages = footprintMib * 256;
  for (let i = 0; i < pages; i++) vcpu.mmu.translate(DEFAULT_BASE_VPN + i, 0);
  const afterTouch = memory.report();
  memory.releaseTenants();
  const promoted = machine.promote();
  const warmup = Number(point.warmup_accesses);
  const accesses = Number(point.accesses);
  const workload = createWorkload(String(point.workload), {
    accesses: warmup + accesses,
    footprintBytes: footprintMib * MIB,
    seed,
  });
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
  while (workload.fill(chunk) > 0) {
    vcpu.run(chunk);
    machine.promote();
  }
  return rowOf(machine, afterTouch.host_large_fraction, promoted);
}

/**
 * Replays a lackey trace twice: the first pass is the program's own first
 * touch (deciding host page sizes, as the footprint's first touch does for a
 * synthetic workload) and its warm-up; the second pass is measured. The
 * footprint still sizes guest RAM, so it must hold every page the trace touches.
 */
async function runTracePoint(point: Point, seed: number, cost: CostModel): Promise<Row> {
  const path = String(point.workload).slice(LACKEY_PREFIX.length);
  const machine = buildPointMachine(point, seed, cost);
  const vcpu = machine.vcpus[0];
  const memory = machine.memory!;
  for await (const chunk of readLackeyTrace(path)) vcpu.run(chunk);
  const afterTouch = memory.report();
  memory.releaseTenants();
  const promoted = machine.promote();
  machine.resetStats();
  for await (const chunk of readLackeyTrace(path)) {
    vcpu.run(chunk);
    machine.promote();
  }
  return rowOf(machine, afterTouch.host_large_fraction, promoted);
}

function rowOf(machine: PointMachine, largeAfterTouch: number, promoted: number): Row {
  const result = finish(machine);
  const c = result.counters;
  const y = result.cycles;
  const lp = result.largePages!;
  const n = c.accesses;
  const tables = result.pageTableBytes;
  return {
    host_large_fraction: lp.host_large_fraction,
    guest_large_mapped_fraction: lp.guest_large_mapped_fraction,
    l2_tlb_misses_per_kilo_access: (1000 * c.l2_tlb_misses) / n,
    ...(c.walks > 0 ? { walk_refs_per_walk: c.walk_refs / c.walks } : {}),
    cycles_per_access: y.total / n,
    translation_cycles_per_access: (y.total - y.compute) / n,
    page_table_bytes: tables.guest + tables.host + tables.shadow,
    guest_table_bytes: tables.guest,
    host_table_bytes: tables.host,
    shadow_table_bytes: tables.shadow,
    splintered_pages: lp.splintered_pages,
    guest_large_pages: lp.guest_pages_2m,
    host_pages_4k: lp.host_pages_4k,
    host_pages_2m: lp.host_pages_2m,
    host_pages_1g: lp.host_pages_1g,
    promotions: lp.promotions,
    promotions_before_measuring: promoted,
    promotion_cycles: lp.promotion_cycles,
    host_large_fraction_after_touch: largeAfterTouch,
  };
}

/**
 * The grid plus, for each trace, a copy of the points of the grid's first
 * synthetic workload with that trace as the workload. The copies keep the
 * synthetic points' accesses fields, which a trace ignores: it runs whole.
 */
function withTraces(grid: readonly Point[], traces: readonly string[]): Point[] {
  const first = grid[0]?.workload;
  const template = grid.filter((p) => p.workload === first);
  const out = [...grid];
  for (const trace of traces) {
    for (const p of template) out.push({ ...p, workload: `${LACKEY_PREFIX}${trace}` });
  }
  return out;
}

// ---------------------------------------------------------------- report helpers

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function find(rows: readonly Row[], where: Partial<Row>): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

function largest(rows: readonly Row[], key: string): number {
  return Math.max(...rows.map((r) => Number(r[key])));
}

function formatFootprint(mib: number): string {
  return mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

function percent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

/** Rows of the report's main slice: largest footprint, first workload in the grid's order. */
function mainSlice(rows: readonly Row[]): { rows: Row[]; workload: string; footprint: number } {
  if (rows.length === 0) return { rows: [], workload: "", footprint: 0 };
  const footprint = largest(rows, "footprint_mib");
  const workloads = distinct(rows.map((r) => String(r.workload)));
  const workload = workloads.includes("random") ? "random" : workloads[0];
  return {
    rows: rows.filter((r) => r.footprint_mib === footprint && r.workload === workload),
    workload,
    footprint,
  };
}

function facetLabel(row: Row): string {
  return `${row.mode}, guest ${percent(Number(row.guest_large_fraction))} 2M`;
}

/**
 * Lines of one measure against fragmentation, one per policy, one panel per
 * mode and guest large-page share.
 */
function fragmentationPlot(
  rows: readonly Row[],
  measure: string,
  yLabel: string,
  options: { log?: boolean; oneMode?: boolean } = {},
): Plot.PlotOptions {
  const slice = mainSlice(rows);
  let data = slice.rows.filter((r) => r[measure] !== undefined);
  if (options.oneMode) data = data.filter((r) => r.mode === "nested");
  if (options.log) data = data.filter((r) => Number(r[measure]) > 0);
  if (data.length === 0) throw new Error(`no rows with ${measure}`);
  const facets = distinct(data.map(facetLabel)).sort();
  const columns = Math.min(facets.length, 2);
  const points = data.map((r) => {
    const i = facets.indexOf(facetLabel(r));
    return {
      fragmentation: 100 * Number(r.fragmentation),
      value: Number(r[measure]),
      policy: String(r.policy),
      column: i % columns,
      row: Math.floor(i / columns),
      facet: options.oneMode
        ? `guest ${percent(Number(r.guest_large_fraction))} 2M`
        : facetLabel(r),
    };
  });
  const titles = facets.map((f, i) => ({
    facet: options.oneMode ? f.replace(/^nested, /, "") : f,
    column: i % columns,
    row: Math.floor(i / columns),
  }));
  const panelRows = Math.ceil(facets.length / columns);
  const channels = { x: "fragmentation", y: "value", stroke: "policy", fx: "column", fy: "row" };
  return {
    width: 1100,
    height: 90 + 280 * panelRows,
    marginLeft: 64,
    marginTop: 40,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { axis: null, padding: 0.08 },
    fy: { axis: null, padding: 0.2 },
    x: { label: "Host fragmentation: share of 2M and 1G blocks broken (%) →", domain: [0, 100] },
    y: options.log
      ? { type: "log", label: `↑ ${yLabel} (log scale)`, grid: true, tickFormat: ",~g" }
      : { label: `↑ ${yLabel}`, grid: true, zero: true, nice: true },
    color: {
      legend: true,
      domain: HOST_POLICIES as string[],
      range: POLICY_COLOURS as string[],
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      ...HOST_POLICIES.map((policy, i) =>
        Plot.line(points.filter((p) => p.policy === policy), {
          ...channels,
          strokeWidth: i === 1 ? 3.2 : 1.8,
          strokeDasharray: POLICY_DASHES[i],
        })
      ),
      Plot.dot(points, { ...channels, fill: "policy", r: 2.5 }),
      Plot.text(titles, {
        fx: "column",
        fy: "row",
        text: "facet",
        // Above the panel, so that lines along the top edge stay readable.
        frameAnchor: "top-left",
        textAnchor: "start",
        lineAnchor: "bottom",
        dy: -5,
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

/** Per mode and guest share: the fragmentation at which opportunistic backing falls below half large. */
function erasePoint(rows: readonly Row[], mode: string, share: number): number | undefined {
  const series = rows
    .filter((r) =>
      r.mode === mode && r.policy === "opportunistic" && r.guest_large_fraction === share
    )
    .sort((a, b) => Number(a.fragmentation) - Number(b.fragmentation));
  return series.find((r) => Number(r.host_large_fraction) < 0.5)?.fragmentation as
    | number
    | undefined;
}

/** Promotion's account, per mode, guest share and fragmentation where it promoted anything. */
function traceRows(rows: readonly Row[]): Row[] {
  const traces = rows.filter((r) => String(r.workload).startsWith(LACKEY_PREFIX));
  if (traces.length === 0) return [];
  const footprint = largest(traces, "footprint_mib");
  const share = largest(traces, "guest_large_fraction");
  const fragmentations = distinct(traces.map((r) => Number(r.fragmentation)));
  const ends = [Math.min(...fragmentations), Math.max(...fragmentations)];
  return traces
    .filter((r) =>
      r.footprint_mib === footprint && r.guest_large_fraction === share &&
      ends.includes(Number(r.fragmentation))
    )
    .map((r) => ({
      ...r,
      trace: String(r.workload).slice(LACKEY_PREFIX.length).split("/").pop() ?? "",
    }));
}

function promotionRows(rows: readonly Row[]): Row[] {
  const slice = mainSlice(rows).rows;
  const out: Row[] = [];
  for (const r of slice) {
    if (r.policy !== "opportunistic+promote" || Number(r.promotions) === 0) continue;
    const base = find(slice, {
      mode: r.mode,
      policy: "opportunistic",
      fragmentation: r.fragmentation,
      guest_large_fraction: r.guest_large_fraction,
    });
    if (!base) continue;
    const saved = Number(base.cycles_per_access) - Number(r.cycles_per_access);
    const row: Row = {
      mode: r.mode,
      guest_large_fraction: r.guest_large_fraction,
      fragmentation: r.fragmentation,
      promotions: r.promotions,
      copied_mib: Number(r.promotions) * 2,
      promotion_mcycles: Number(r.promotion_cycles) / 1e6,
      host_large_before: r.host_large_fraction_after_touch,
      host_large_after: r.host_large_fraction,
      opportunistic_cpa: base.cycles_per_access,
      promote_cpa: r.cycles_per_access,
      saved_per_access: saved,
    };
    if (saved > 0) row.break_even_accesses = Number(r.promotion_cycles) / saved;
    out.push(row);
  }
  return out.sort((a, b) =>
    String(a.mode).localeCompare(String(b.mode)) ||
    Number(a.guest_large_fraction) - Number(b.guest_large_fraction) ||
    Number(a.fragmentation) - Number(b.fragmentation)
  );
}

/** Page-table memory per mode and policy at the lowest and highest fragmentation. */
function tableRows(rows: readonly Row[]): Row[] {
  const slice = mainSlice(rows).rows;
  if (slice.length === 0) return [];
  const share = largest(slice, "guest_large_fraction");
  const fragmentations = distinct(slice.map((r) => Number(r.fragmentation)));
  const ends = [Math.min(...fragmentations), Math.max(...fragmentations)];
  const out: Row[] = [];
  for (const mode of MODES) {
    for (const policy of HOST_POLICIES) {
      for (const fragmentation of distinct(ends)) {
        const r = find(slice, { mode, policy, fragmentation, guest_large_fraction: share });
        if (!r) continue;
        out.push({
          mode,
          policy,
          fragmentation,
          guest_kib: Number(r.guest_table_bytes) / 1024,
          host_kib: Number(r.host_table_bytes) / 1024,
          shadow_kib: Number(r.shadow_table_bytes) / 1024,
          total_kib: Number(r.page_table_bytes) / 1024,
          splintered_pages: r.splintered_pages,
        });
      }
    }
  }
  return out;
}

function headline(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const r = slice.rows;
  if (r.length === 0) return "No rows to summarise.";
  const share = largest(r, "guest_large_fraction");
  const at = (mode: string, policy: string, fragmentation: number) =>
    find(r, { mode, policy, fragmentation, guest_large_fraction: share });
  const lo = Math.min(...r.map((x) => Number(x.fragmentation)));
  const small = at("nested", "4k", lo);
  const large = at("nested", "opportunistic", lo);
  const parts: string[] = [];
  if (small && large) {
    parts.push(
      `${slice.workload} over ${formatFootprint(slice.footprint)}, guest ${
        percent(share)
      } in 2M pages, nested: opportunistic host large pages cut cycles per access from ${
        formatNumber(Number(small.cycles_per_access))
      } (host 4K) to ${formatNumber(Number(large.cycles_per_access))} on unfragmented memory`,
    );
  }
  const erase = erasePoint(r, "nested", share);
  if (erase !== undefined) {
    parts.push(`below half the memory is backed large from ${percent(erase)} fragmentation on`);
  }
  return parts.length > 0 ? parts.join("; ") + "." : "No comparable rows to summarise.";
}

function reading(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const r = slice.rows;
  if (r.length === 0) return "No rows.";
  const paragraphs: string[] = [];
  const share = largest(r, "guest_large_fraction");
  const lo = Math.min(...r.map((x) => Number(x.fragmentation)));
  const hi = Math.max(...r.map((x) => Number(x.fragmentation)));
  const cpa = (mode: string, policy: string, f: number, s = share) =>
    Number(find(r, { mode, policy, fragmentation: f, guest_large_fraction: s })?.cycles_per_access);
  paragraphs.push(
    `Main slice: \`${slice.workload}\` over ${
      formatFootprint(slice.footprint)
    }, guest RAM rounded up to whole GiB with 1/16 slack, host RAM ${HOST_TO_GUEST}× guest RAM. Fragmentation f breaks f of the host's 2M blocks and f of its 1G blocks with one 4K frame of another tenant each; the guest first touches its whole footprint (deciding the host page sizes), then the other tenants exit, then the workload is warmed up and measured.`,
  );
  for (const mode of MODES) {
    const small = cpa(mode, "4k", lo);
    const opp = cpa(mode, "opportunistic", lo);
    const oppHi = cpa(mode, "opportunistic", hi);
    const smallGuest4k = cpa(mode, "4k", lo, 0);
    const oppGuest4k = cpa(mode, "opportunistic", lo, 0);
    if (![small, opp, oppHi].every(Number.isFinite)) continue;
    const erase = erasePoint(r, mode, share);
    const guest4k = share > 0 && Number.isFinite(smallGuest4k) && Number.isFinite(oppGuest4k)
      ? ` With the guest on 4K pages only, they go from ${formatNumber(smallGuest4k)} to ${
        formatNumber(oppGuest4k)
      }: TLB entries stay 4K, and host large pages can only ${
        mode === "nested"
          ? "shorten the host side of each 2-D walk"
          : "shrink the host's own table (the shadow walk is unchanged)"
      }.`
      : "";
    paragraphs.push(
      `${mode}: with the guest mapping ${
        percent(share)
      } of its memory in 2M pages, opportunistic host large pages bring cycles per access from ${
        formatNumber(small)
      } (host 4K) to ${formatNumber(opp)} at ${percent(lo)} fragmentation.${guest4k} ${
        erase === undefined
          ? "Within the swept range fragmentation never drops the large-backed share below half."
          : `From ${
            percent(erase)
          } fragmentation on, less than half of guest memory finds a whole host 2M block, and at ${
            percent(hi)
          } opportunistic backing costs ${
            formatNumber(oppHi)
          } cycles per access: the gain is erased, every guest 2M page splintered into 4K TLB entries${
            mode === "shadow" ? " and 4K shadow entries" : ""
          }.`
      }`,
    );
  }
  const promo = promotionRows(rows);
  if (promo.length > 0) {
    const best = promo.reduce((a, b) =>
      Number(b.saved_per_access) > Number(a.saved_per_access) ? b : a
    );
    paragraphs.push(
      `Promotion: once the other tenants exit, \`opportunistic+promote\` copies fully backed 2M regions into the freed blocks. At ${
        percent(Number(best.fragmentation))
      } fragmentation (${best.mode}, guest ${
        percent(Number(best.guest_large_fraction))
      } 2M) it promoted ${best.promotions} regions (${
        formatNumber(Number(best.copied_mib))
      } MiB copied, ${
        formatNumber(Number(best.promotion_mcycles), 1)
      } M cycles of copies and invalidations), raising the large-backed share from ${
        percent(Number(best.host_large_before))
      } to ${percent(Number(best.host_large_after))} and saving ${
        formatNumber(Number(best.saved_per_access))
      } cycles per access${
        best.break_even_accesses === undefined
          ? ""
          : `: the copies pay for themselves after ${
            formatNumber(Math.round(Number(best.break_even_accesses)))
          } accesses`
      }. The copy is charged at the profile's page-copy cost (about 500 cycles per 4 KiB page, Vogt et al., Middleware 2015) and each remap at the profile's invalidation estimate; the TLB refills after the flush are modelled, not estimated.`,
    );
  } else {
    paragraphs.push(
      "No promotion happened in the main slice: either memory was never fragmented enough to leave regions on 4K pages, or no whole 2M block was free after the tenants exited.",
    );
  }
  paragraphs.push(
    "Shadow mode here is the shadow platform (core/platforms/shadow_platform.ts) with every strategy, on the first-touch guest: one walk of a table mapping guest-virtual to host-physical, whose entries are large only where guest page and host backing are both large. The guest's tables change only on first touch, so of the strategies only the tagged TLB matters here (fills flush nothing); the cost of keeping shadows in step with page-table writes is the shadow experiment's subject. Fills are charged as hidden-fault exits and happen during the first touch, before measuring.",
  );
  return paragraphs.join("\n\n");
}

interface GridShape {
  modes: readonly string[];
  fragmentations: readonly number[];
  guestLargeFractions: readonly number[];
  footprintsMib: readonly number[];
  workloads: readonly string[];
  accesses: number;
  warmup: number;
}

function buildGrid(shape: GridShape): Point[] {
  return cartesian({
    mode: shape.modes,
    policy: HOST_POLICIES,
    fragmentation: shape.fragmentations,
    guest_large_fraction: shape.guestLargeFractions,
    workload: shape.workloads,
    footprint_mib: shape.footprintsMib,
    accesses: [shape.accesses],
    warmup_accesses: [shape.warmup],
  });
}

const QUICK: GridShape = {
  modes: MODES,
  fragmentations: [0, 0.25, 0.5, 0.625, 0.75, 0.875, 1],
  guestLargeFractions: [0, 1],
  footprintsMib: [1024],
  workloads: ["random"],
  accesses: 32_768,
  warmup: 8_192,
};

const FULL: GridShape = {
  modes: MODES,
  fragmentations: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  guestLargeFractions: [0, 0.5, 1],
  footprintsMib: [1024, 8192],
  workloads: ["random", "zipf", "gups", "pointer-chase"],
  accesses: 262_144,
  warmup: 65_536,
};

/** The `large-pages` experiment. */
export const LARGE_PAGES: Experiment = {
  id: "large-pages",
  title: "Large pages, host backing policies and fragmentation",
  question:
    "How much TLB reach and translation cost does a VM win or lose, per host backing policy, as host memory fragments — in nested and in shadow mode — and what does promotion buy back at what copy cost?",
  parameters: {
    mode: "nested (2-D walk) or shadow (one walk of a guest∘host shadow table; every strategy)",
    policy: describeParameter(MEMORY_CONFIG_FIELDS, "hostPolicy"),
    fragmentation: describeParameter(MEMORY_CONFIG_FIELDS, "fragmentation"),
    guest_large_fraction: describeParameter(MEMORY_CONFIG_FIELDS, "guestLargeFraction"),
    workload:
      "synthetic access pattern (core/workload/workloads.ts), or lackey:PATH for a valgrind lackey trace given with --trace",
    footprint_mib: "guest memory the workload touches, MiB; guest RAM is that plus 1/16, in GiB",
    accesses: "accesses measured per point, after first touch and warm-up",
    warmup_accesses: "accesses run after first touch to warm TLBs and caches, not counted",
  },
  grids: { quick: buildGrid(QUICK), full: buildGrid(FULL), default: "quick" },
  cell(point: Point): string {
    return [point.mode, point.policy].join("/");
  },
  withTraces,
  run(point: Point, context): Row | Promise<Row> {
    return String(point.workload).startsWith(LACKEY_PREFIX)
      ? runTracePoint(point, context.seed, context.cost)
      : runPoint(point, context.seed, context.cost);
  },
  headline,
  sections: [
    { kind: "text", title: "Reading", text: reading },
    {
      kind: "plot",
      title: "Guest memory backed by host large pages",
      caption:
        "Share of host-backed guest memory mapped by host 2M or 1G pages, nested mode, main slice. The same first-touch decisions are made in shadow mode. Promotion raises the share after the other tenants exit.",
      plot: (rows) =>
        fragmentationPlot(rows, "host_large_fraction", "Host large-page share (0–1)", {
          oneMode: true,
        }),
    },
    {
      kind: "plot",
      title: "Cycles per access",
      caption:
        "All cycles per access (compute, TLB, walks; promotion copies are charged before measuring and shown in the promotion table). One panel per mode and guest 2M share; dashed: opportunistic+promote, dotted: 1g, both drawn over opportunistic (thick) where they agree. Where the host 4K line and the others meet, fragmentation has erased what opportunism won. The 4k line moves a little with fragmentation only because table pages land elsewhere in host memory and so in other sets of the PTE cache.",
      plot: (rows) => fragmentationPlot(rows, "cycles_per_access", "Cycles per access (cycles)"),
    },
    {
      kind: "plot",
      title: "TLB misses per thousand accesses",
      caption:
        "L2 TLB misses (walks) per 1,000 accesses. A TLB entry covers the smaller of the guest page and its host backing, so host large pages cut misses only where the guest maps 2M pages.",
      plot: (rows) =>
        fragmentationPlot(
          rows,
          "l2_tlb_misses_per_kilo_access",
          "L2 TLB misses per 1,000 accesses (misses)",
        ),
    },
    {
      kind: "plot",
      title: "Memory references per walk",
      caption:
        "Page-table references per walk with the profile's walk caches, nested TLB and PTE cache. Host large pages shorten the host dimension of a nested walk even under guest 4K pages.",
      plot: (rows) => fragmentationPlot(rows, "walk_refs_per_walk", "References per walk (refs)"),
    },
    {
      kind: "table",
      title: "What promotion buys back, at what copy cost",
      caption:
        "opportunistic+promote against opportunistic at the same point, main slice, where anything was promoted. frag.: host fragmentation. Copy+flush: 512 page copies (2 MiB) plus one invalidation per region. Large before/after: share of guest memory on host large pages at first touch and after promotion. Saved: opportunistic's cycles per access minus +promote's. Break-even: accesses after which the savings repay the copies.",
      columns: [
        { key: "mode" },
        { key: "guest_large_fraction", label: "guest 2M", digits: 2 },
        { key: "fragmentation", label: "frag.", digits: 3 },
        { key: "promotions", label: "promoted", unit: "regions" },
        { key: "promotion_mcycles", label: "copy+flush", unit: "M cycles", digits: 1 },
        { key: "host_large_before", label: "large before", digits: 2 },
        { key: "host_large_after", label: "large after", digits: 2 },
        { key: "promote_cpa", label: "+promote", unit: "cycles/acc.", digits: 2 },
        { key: "saved_per_access", label: "saved", unit: "cycles/acc.", digits: 2 },
        { key: "break_even_accesses", label: "break-even", unit: "accesses", digits: 0 },
      ],
      rows: promotionRows,
    },
    {
      kind: "table",
      title: "Lackey traces",
      caption:
        "Traces given with --trace (none when the table is empty): each replayed once to first-touch and warm up, then measured, at the lowest and highest fragmentation and the largest guest 2M share of the grid, largest footprint (guest RAM).",
      columns: [
        { key: "trace" },
        { key: "mode" },
        { key: "policy" },
        { key: "fragmentation", digits: 3 },
        { key: "host_large_fraction", label: "host large", unit: "share", digits: 2 },
        { key: "l2_tlb_misses_per_kilo_access", label: "L2 TLB misses", unit: "per 1,000" },
        { key: "cycles_per_access", label: "cycles", unit: "per access", digits: 2 },
      ],
      rows: traceRows,
    },
    {
      kind: "table",
      title: "Page-table memory",
      caption:
        "Bytes of guest, host and shadow table pages at the lowest and highest fragmentation, largest guest 2M share, main slice. Splintered pages: guest 2M pages backed by host 4K pages.",
      columns: [
        { key: "mode" },
        { key: "policy" },
        { key: "fragmentation", digits: 3 },
        { key: "guest_kib", label: "guest tables", unit: "KiB" },
        { key: "host_kib", label: "host tables", unit: "KiB" },
        { key: "shadow_kib", label: "shadow tables", unit: "KiB" },
        { key: "total_kib", label: "total", unit: "KiB" },
        { key: "splintered_pages", label: "splintered guest 2M pages" },
      ],
      rows: tableRows,
    },
  ],
};
