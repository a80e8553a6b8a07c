/**
 * The tables of the `large-pages` report — promotion's account, lackey
 * traces, page-table memory — and the main slice of rows they, the plots
 * and the prose start from.
 *
 * @module
 */

import { HOST_POLICIES } from "../../core/mapping/memory_config.ts";
import type { Row } from "../experiment.ts";
import { distinct, findRow, largest } from "../rows.ts";
import { MODES } from "./point.ts";
import { traceOfWorkload } from "../trace_workload.ts";

/** A share written as a percentage to a tenth at most, e.g. `25 %`, `87.5 %`. */
export function percent(x: number): string {
  return `${Math.round(1000 * x) / 10} %`;
}

/** Rows of the report's main slice: largest footprint, `random` or else the first workload. */
export function mainSlice(
  rows: readonly Row[],
): { rows: Row[]; workload: string; footprint: number } {
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

/** The lowest and highest fragmentation of the rows. */
function fragmentationEnds(rows: readonly Row[]): number[] {
  const fragmentations = distinct(rows.map((r) => Number(r.fragmentation)));
  return [Math.min(...fragmentations), Math.max(...fragmentations)];
}

/** Per mode and guest share: the fragmentation at which opportunistic backing falls below half large. */
export function erasePoint(rows: readonly Row[], mode: string, share: number): number | undefined {
  const series = tenantsStay(rows)
    .filter((r) =>
      r.mode === mode && r.policy === "opportunistic" && r.guest_large_fraction === share
    )
    .sort((a, b) => Number(a.fragmentation) - Number(b.fragmentation));
  return series.find((r) => Number(r.host_large_fraction) < 0.5)?.fragmentation as
    | number
    | undefined;
}

/** Trace rows at the lowest and highest fragmentation, largest footprint and guest 2M share. */
export function traceRows(rows: readonly Row[]): Row[] {
  const traces = rows.filter((r) => traceOfWorkload(String(r.workload)) !== null);
  if (traces.length === 0) return [];
  const footprint = largest(traces, "footprint_mib");
  const share = largest(traces, "guest_large_fraction");
  const ends = fragmentationEnds(traces);
  return traces
    .filter((r) =>
      r.footprint_mib === footprint && r.guest_large_fraction === share &&
      ends.includes(Number(r.fragmentation))
    )
    .map((r) => ({
      ...r,
      trace: traceOfWorkload(String(r.workload))!.path.split("/").pop() ?? "",
    }));
}

/** Whether a row is promotion after the other tenants exited: the timeline rows. */
export function isPromotionAfterExit(row: Row): boolean {
  return row.policy === "opportunistic+promote" && row.tenants === "exit";
}

/**
 * Rows the fragmentation plots and tables compare policies on: the other
 * tenants staying (rows written before the tenants parameter count as that).
 */
export function tenantsStay(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.tenants !== "exit");
}

/** Promotion's account, per mode, guest share and fragmentation where it promoted anything. */
export function promotionRows(rows: readonly Row[]): Row[] {
  const slice = mainSlice(rows).rows;
  const out: Row[] = [];
  for (const r of slice) {
    if (!isPromotionAfterExit(r) || !(Number(r.promotions) > 0)) continue;
    const base = findRow(tenantsStay(slice), {
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
      agent_percent: 100 * Number(r.horizon_agent_cycles_per_access) /
        (Number(r.horizon_cycles_per_access) - Number(r.horizon_agent_cycles_per_access)),
      host_large_before: r.host_large_fraction_after_touch,
      host_large_after: r.host_large_fraction,
      opportunistic_cpa: base.cycles_per_access,
      promote_cpa: r.cycles_per_access,
      horizon_cpa: r.horizon_cycles_per_access,
      horizon_minutes: Number(r.promotion_seconds) / 60,
      saved_per_access: saved,
    };
    if (r.time_to_90pct_large_s !== undefined) {
      row.minutes_to_90pct = Number(r.time_to_90pct_large_s) / 60;
    }
    out.push(row);
  }
  return out.sort((a, b) =>
    String(a.mode).localeCompare(String(b.mode)) ||
    Number(a.guest_large_fraction) - Number(b.guest_large_fraction) ||
    Number(a.fragmentation) - Number(b.fragmentation)
  );
}

/** Page-table memory per mode and policy at the lowest and highest fragmentation. */
export function tableRows(rows: readonly Row[]): Row[] {
  const slice = tenantsStay(mainSlice(rows).rows);
  if (slice.length === 0) return [];
  const share = largest(slice, "guest_large_fraction");
  const out: Row[] = [];
  for (const mode of MODES) {
    for (const policy of HOST_POLICIES) {
      for (const fragmentation of distinct(fragmentationEnds(slice))) {
        const r = findRow(slice, { mode, policy, fragmentation, guest_large_fraction: share });
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
