/**
 * The VM-fork part of the `migration` report: start latency against the
 * number of children, what the children fetch and wait for, and the
 * published figures it can be set beside (SnowFlock, VMware Instant Clone).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ValidationCase } from "../../reports/report_section.ts";
import type { Row } from "../experiment.ts";
import { distinct } from "../rows.ts";
import { spreadBand, spreadOf } from "../seed_spread.ts";
import {
  INSTANT_CLONE_RATE,
  SNOWFLOCK_EUROSYS_2009,
  SNOWFLOCK_PAGE_FETCH,
} from "../published_sources.ts";
import { LINK_PROFILE_NAMES } from "../../core/transfer/link_profile.ts";

/** The fork rows. */
export function forkRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.phase === "fork");
}

/** Where a fork's children ran: `local`, or `remote over 10gbe`, with multicast. */
export function placeLabel(r: Row): string {
  if (r.placement === "local") return "local";
  return `remote, ${r.link}${r.multicast === true ? ", multicast" : ""}`;
}

/** A line of the fork plot: placement and prefetch. */
function lineLabel(r: Row): string {
  return `${placeLabel(r)}${r.prefetch === true ? ", prefetch" : ""}`;
}

/** Lines in order: local first, then remote by link speed, prefetch after each. */
function lineOrder(rows: readonly Row[]): string[] {
  const rank = (r: Row) =>
    (r.placement === "local" ? 0 : 1 + LINK_PROFILE_NAMES.indexOf(String(r.link))) * 4 +
    (r.multicast === true ? 2 : 0) + (r.prefetch === true ? 1 : 0);
  return distinct([...rows].sort((a, b) => rank(a) - rank(b)).map(lineLabel));
}

/** The measures the fork plot draws, one panel each. */
const FORK_MEASURES = [
  ["last_first_instruction_ms", "the last child's first instruction"],
  ["job_done_ms", "every child's job done"],
] as const;

/**
 * Start latency and job time against the number of children, one line per
 * placement (and link) and prefetch; log scales.
 */
export function forkPlot(rows: readonly Row[]): Plot.PlotOptions {
  const forks = forkRows(rows);
  if (forks.length === 0) throw new Error("no fork rows");
  const data = forks.flatMap((r) =>
    FORK_MEASURES.map(([key, label]) => ({
      children: Number(r.children),
      value: Number(r[key]),
      ...spreadOf(r, key),
      line: lineLabel(r),
      panel: label,
    }))
  ).filter((d) => d.value > 0).sort((a, b) => a.children - b.children);
  const channels = { x: "children", y: "value", stroke: "line", fx: "panel" } as const;
  return {
    width: 1100,
    height: 480,
    marginLeft: 70,
    marginRight: 30,
    marginTop: 56,
    marginBottom: 48,
    style: { fontSize: "12px" },
    fx: { label: null, domain: FORK_MEASURES.map(([, label]) => label), padding: 0.1 },
    x: {
      type: "log",
      label: "Children forked from one parent (log scale) →",
      labelAnchor: "center",
      ticks: distinct(data.map((d) => d.children)),
      tickFormat: (d: number) => String(d),
      inset: 12,
    },
    y: {
      type: "log",
      label: "↑ Time from the fork (ms, log scale)",
      grid: true,
      nice: true,
      tickFormat: (d: number) => d.toLocaleString("en-US", { maximumFractionDigits: 3 }),
    },
    color: { legend: true, domain: lineOrder(forks) },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      spreadBand(data, { x: "children", fill: "line", fx: "panel" }),
      Plot.line(data, { ...channels, strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, fill: "line", r: 2.5 }),
    ],
  };
}

/** A fork row's mean stall of one remote fault (ms), or NaN without remote faults. */
export function faultStallOf(r: Row): number {
  const faults = Number(r.remote_faults);
  return faults > 0 ? Number(r.stall_ms) * Number(r.vcpus) * Number(r.children) / faults : NaN;
}

/** One table row per fork point. */
export function forkTableRows(rows: readonly Row[]): Row[] {
  const forks = forkRows(rows);
  const order = lineOrder(forks);
  return [...forks].sort((a, b) =>
    order.indexOf(lineLabel(a)) - order.indexOf(lineLabel(b)) ||
    Number(a.children) - Number(b.children)
  ).map((r) => ({
    placement: placeLabel(r),
    prefetch: r.prefetch === true ? "yes" : "no",
    children: Number(r.children),
    first: Number(r.first_instruction_ms),
    last: Number(r.last_first_instruction_ms),
    fetched: Number(r.pages_fetched) / Number(r.children),
    faults: (Number(r.remote_faults) + Number(r.local_faults)) / Number(r.children),
    // Local children fault too, but wait for no network.
    stall_per_fault: r.placement === "remote" ? faultStallOf(r) * 1000 : "—",
    job: Number(r.job_done_ms),
    lost_pages: Number(r.lost_pages),
  }));
}

/** The fork's figures beside SnowFlock's and VMware Instant Clone's. */
export function forkValidation(rows: readonly Row[]): ValidationCase[] {
  const forks = forkRows(rows).filter((r) => r.prefetch !== true && r.multicast !== true);
  const cases: ValidationCase[] = [];
  const remote1g = forks.filter((r) => r.placement === "remote" && r.link === "1gbe");
  if (remote1g.length > 0) {
    const most = remote1g.reduce((a, b) => Number(b.children) > Number(a.children) ? b : a);
    cases.push({
      case: `VM fork over 1 GbE, ${most.children} children: when the last child runs`,
      lab: Number(most.last_first_instruction_ms),
      published: [0, 1000],
      unit: "ms",
      citation: SNOWFLOCK_EUROSYS_2009,
      note:
        `Lab: last_first_instruction_ms of ${most.children} remote children of a ${most.memory_gib} GiB parent on one 1 GbE link, each sent its own descriptor (device state and the guest's page-table pages: ${
          (Number(most.descriptor_bytes) / 2 ** 20).toFixed(1)
        } MiB) and started with no memory. SnowFlock's "sub-second cloning" also multicast its descriptors and created the VMs on each host in parallel; the lab builds the children on one host in turn and models only the memory side of cloning.`,
    });
    const one = remote1g.find((r) => Number(r.children) === 1);
    if (one !== undefined && Number.isFinite(faultStallOf(one))) {
      cases.push({
        case: "VM fork over 1 GbE: stall of one page fetched on first touch, one child",
        lab: faultStallOf(one) * 1000,
        published: 275,
        unit: "µs",
        citation: SNOWFLOCK_PAGE_FETCH,
        note:
          "Lab: the child's stall per remote fault (stall_ms × vCPUs ÷ remote_faults): the exit, the request's half round trip, the page's 4 KiB at 1 Gbit/s, the answer's half round trip and the userfaultfd handling. The 1gbe profile's round trip (110 µs) is a user's Linux 2.6 measurement; SnowFlock spent 82 % of its 275 µs in the network stack of a 2009 Xen, which the lab's stack cost does not reproduce — the lab is faster by that much.",
      });
    }
  }
  const local = forks.filter((r) => r.placement === "local");
  if (local.length > 0) {
    const most = local.reduce((a, b) => Number(b.children) > Number(a.children) ? b : a);
    cases.push({
      case: `Local VM fork, ${most.children} children: when the last child runs`,
      lab: Number(most.last_first_instruction_ms),
      published: [0, 6000],
      unit: "ms",
      citation: INSTANT_CLONE_RATE,
      note:
        `Lab: last_first_instruction_ms of ${most.children} children on the parent's host (they share its frames and copy a page on their first write to it). Instant Clone's six seconds for 64 clones include creating each VM and its delta disk, which the lab does not model: its figure is a lower bound on a clone's start, not a match${
          Number(most.children) < 64
            ? `; the grid's largest local fork has ${most.children} children, not 64`
            : ""
        }.`,
    });
  }
  return cases;
}

/** What the fork section's reader should know, computed from the rows. */
export function forkText(rows: readonly Row[]): string {
  const forks = forkRows(rows).filter((r) => r.multicast !== true);
  if (forks.length === 0) return "The sweep has no fork points.";
  const most = Math.max(...forks.map((r) => Number(r.children)));
  const at = (placement: string, link: string, prefetch: boolean) =>
    forks.find((r) =>
      r.placement === placement && (placement === "local" || r.link === link) &&
      r.prefetch === prefetch && Number(r.children) === most
    );
  const fmt = (x: number) => `${Number(x.toPrecision(3))} ms`;
  const parts: string[] = [
    `A suspended ${
      forks[0].memory_gib
    } GiB parent forked into 1 to ${most} children, each running 100 ms of guest work per vCPU from a descriptor (device state and the guest's page-table pages) with none of the parent's memory: every first touch of a page faults and fetches it — mapped shared from the parent's frame on its host (local; a write copies it), or over one link from the parent's host shared by every child (remote).`,
  ];
  const local = at("local", "", false);
  const remote = forks.filter((r) =>
    r.placement === "remote" && r.prefetch === false &&
    Number(r.children) === most
  )
    .sort((a, b) =>
      LINK_PROFILE_NAMES.indexOf(String(a.link)) - LINK_PROFILE_NAMES.indexOf(String(b.link))
    );
  if (local !== undefined && remote.length > 0) {
    parts.push(
      `With ${most} children the last local child runs ${
        fmt(Number(local.last_first_instruction_ms))
      } after the fork and all finish their work by ${
        fmt(Number(local.job_done_ms))
      }; remote, the descriptors queue on the link, so the last child starts at ${
        remote.map((r) => `${fmt(Number(r.last_first_instruction_ms))} over ${r.link}`).join(
          " and ",
        )
      }, and the children's faults share it too: their work ends at ${
        remote.map((r) => `${fmt(Number(r.job_done_ms))} over ${r.link}`).join(" and ")
      }.`,
    );
  }
  const slow = remote[remote.length - 1];
  const pre = slow === undefined ? undefined : at("remote", String(slow.link), true);
  if (slow !== undefined && pre !== undefined) {
    parts.push(
      `Prefetching the parent's working set before the first instruction (REAP's idea) trades start latency for stalls: over ${slow.link} with ${most} children the last child starts at ${
        fmt(Number(pre.last_first_instruction_ms))
      } instead of ${fmt(Number(slow.last_first_instruction_ms))}, but faults ${
        Math.round(Number(slow.remote_faults) / Math.max(1, Number(pre.remote_faults)))
      }× less and finishes at ${fmt(Number(pre.job_done_ms))} instead of ${
        fmt(Number(slow.job_done_ms))
      }.`,
    );
  }
  return parts.join("\n\n");
}
