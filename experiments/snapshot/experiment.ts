/**
 * The `snapshot` experiment: how short the pause of a snapshot of a running
 * guest can be, what the running guest pays, and how batch size and storage
 * speed shape both; and, for restore, when a lazy restore (start at once,
 * fetch pages on demand) beats restoring everything first.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { runRestore } from "../../core/snapshot/restore.ts";
import { runSnapshot } from "../../core/snapshot/snapshot.ts";
import {
  DEFAULT_SIM_TIME_LIMIT_S,
  RESTORE_METHODS,
  type RestoreOptions,
  SNAPSHOT_METHODS,
  SNAPSHOT_OPTIONS_FIELDS,
  type SnapshotOptions,
} from "../../core/snapshot/state_params.ts";
import type { StateRow } from "../../core/snapshot/state_row.ts";
import { STORAGE_PROFILE_NAMES, STORAGE_PROFILES } from "../../core/transfer/storage_profile.ts";
import { formatNumber } from "../../reports/number_format.ts";
import { DIRTY_LOG_METHODS } from "../../core/machine/machine_config.ts";
import { cartesian } from "../cartesian.ts";
import { describeParameter, type Experiment, type Point, type Row } from "../experiment.ts";

/** A guest: the fraction of its touches that write and the fraction of memory it touches. */
interface Guest {
  write_fraction: number;
  working_set_fraction: number;
}

/** The guest of the quick grid and of the plots: the library's defaults. */
const DEFAULT_GUEST: Guest = { write_fraction: 0.2, working_set_fraction: 0.25 };

/** Light, default and write-heavy guests of the full grid. */
const FULL_GUESTS: readonly Guest[] = [
  { write_fraction: 0.05, working_set_fraction: 0.1 },
  DEFAULT_GUEST,
  { write_fraction: 0.5, working_set_fraction: 0.5 },
];

interface GridShape {
  batches: readonly number[];
  memoriesGib: readonly number[];
  guests: readonly Guest[];
}

const QUICK: GridShape = {
  batches: [1, 8, 64, 512],
  memoriesGib: [0.0625],
  guests: [DEFAULT_GUEST],
};

const FULL: GridShape = {
  batches: [1, 4, 16, 64, 256, 1024],
  memoriesGib: [0.25, 1, 4],
  guests: FULL_GUESTS,
};

function buildGrid(shape: GridShape): Point[] {
  const points: Point[] = [];
  const phases: [string, readonly string[]][] = [
    ["snapshot", SNAPSHOT_METHODS],
    ["restore", RESTORE_METHODS],
  ];
  for (const [phase, methods] of phases) {
    for (const guest of shape.guests) {
      for (
        const p of cartesian({
          phase: [phase],
          method: methods,
          storage: STORAGE_PROFILE_NAMES,
          memory_gib: shape.memoriesGib,
          batch_pages: shape.batches,
          write_fraction: [guest.write_fraction],
          working_set_fraction: [guest.working_set_fraction],
        })
      ) {
        // Pre-copy runs once per way of logging dirty pages.
        if (p.method === "dirty-precopy") {
          for (const dirty_log of DIRTY_LOG_METHODS) points.push({ ...p, dirty_log });
        } else points.push({ ...p, dirty_log: "none" });
      }
    }
  }
  return points;
}

/** Runs one point; returns the measurements, without the point's own fields. */
function runPoint(point: Point, seed: number, cost: Parameters<typeof runSnapshot>[1]): Row {
  const options: SnapshotOptions & RestoreOptions = {
    method: String(point.method),
    storage: String(point.storage),
    memoryGib: Number(point.memory_gib),
    batchPages: Number(point.batch_pages),
    writeFraction: Number(point.write_fraction),
    workingSetFraction: Number(point.working_set_fraction),
    ...(point.method === "dirty-precopy" ? { dirtyLog: String(point.dirty_log) } : {}),
  };
  const result: StateRow = point.phase === "restore"
    ? runRestore(options, cost, seed)
    : runSnapshot(options, cost, seed);
  // A run that gave up leaves the times it could not measure as NaN: they
  // are left out of the row (empty in the CSV), never written as numbers.
  const row: Row = {};
  for (const [key, value] of Object.entries(result)) {
    if (!(key in point) && !Number.isNaN(value)) row[key] = value;
  }
  return row;
}

// ---------------------------------------------------------------- report helpers

/** Snapshot lines of the plots: the methods, pre-copy once per way of logging dirty pages. */
const SNAPSHOT_VARIANTS: readonly string[] = [...SNAPSHOT_METHODS, "dirty-precopy-pml"];

/** The plot line of a row: its method, or pre-copy with PML apart. */
function variantOf(r: Row): string {
  return r.method === "dirty-precopy" && r.dirty_log === "pml"
    ? "dirty-precopy-pml"
    : String(r.method);
}

const SNAPSHOT_LABELS: Readonly<Record<string, string>> = {
  "stop-and-copy": "stop-and-copy",
  "concurrent-cow": "concurrent copy-before-write",
  "dirty-precopy": "dirty-logging pre-copy (write protection)",
  "dirty-precopy-pml": "dirty-logging pre-copy (PML)",
};
const RESTORE_LABELS: Readonly<Record<string, string>> = {
  full: "full, then run",
  lazy: "lazy",
  "lazy-sweep": "lazy + background sweep",
  prefetch: "working-set prefetch + sweep",
};
const SNAPSHOT_COLOURS = ["#6e6e6e", "#1d4ed8", "#c2410c", "#a21caf"];
const RESTORE_COLOURS = ["#6e6e6e", "#c2410c", "#1d4ed8", "#15803d"];

function storageLabel(name: string): string {
  const p = STORAGE_PROFILES[name];
  return p === undefined ? name : `${name} (${p.description.split(":")[0]})`;
}

/** What the report shows instead of a number for a run that gave up. */
const DID_NOT_FINISH = `did not finish within ${DEFAULT_SIM_TIME_LIMIT_S} s`;

/** True for a run that gave up at its simulated-time limit. */
function gaveUp(r: Row): boolean {
  return r.finished === false;
}

/**
 * The rows the plots show: the default guest if the sweep has it (else the
 * first guest), at the largest memory size; without the runs that gave up
 * unless `withUnfinished`.
 */
function plotted(rows: readonly Row[], phase: string, withUnfinished = false): Row[] {
  const ofPhase = rows.filter((r) => r.phase === phase && (withUnfinished || !gaveUp(r)));
  if (ofPhase.length === 0) return [];
  const hasDefault = ofPhase.some((r) => isDefaultGuest(r));
  const guestRows = hasDefault
    ? ofPhase.filter(isDefaultGuest)
    : ofPhase.filter((r) =>
      r.write_fraction === ofPhase[0].write_fraction &&
      r.working_set_fraction === ofPhase[0].working_set_fraction
    );
  const memory = Math.max(...guestRows.map((r) => Number(r.memory_gib)));
  return guestRows.filter((r) => r.memory_gib === memory);
}

function isDefaultGuest(r: Row): boolean {
  return r.write_fraction === DEFAULT_GUEST.write_fraction &&
    r.working_set_fraction === DEFAULT_GUEST.working_set_fraction;
}

function describeGuest(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const r = rows[0];
  return `${formatGib(Number(r.memory_gib))} guest, 2 vCPUs, ${
    Math.round(100 * Number(r.write_fraction))
  }% of touches writing, working set ${
    Math.round(100 * Number(r.working_set_fraction))
  }% of memory`;
}

function formatGib(gib: number): string {
  return gib >= 1 ? `${gib} GiB` : `${gib * 1024} MiB`;
}

function ms(value: number): string {
  if (value >= 1000) return `${formatNumber(value / 1000, 1)} s`;
  if (value >= 10) return `${formatNumber(value, 0)} ms`;
  return `${formatNumber(value, 2)} ms`;
}

function find(rows: readonly Row[], where: Partial<Row>): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

/** How {@linkcode batchPlot} draws one measure. */
interface BatchPlotSpec {
  phase: "snapshot" | "restore";
  /** Row field plotted, or a function of the row. */
  measure: (row: Row) => number;
  yLabel: string;
  log: boolean;
  /** Methods shown, in legend order. */
  methods: readonly string[];
}

/**
 * One panel per storage profile, batch size on a log x axis, one line per
 * method.
 */
function batchPlot(rows: readonly Row[], spec: BatchPlotSpec): Plot.PlotOptions {
  const shown = plotted(rows, spec.phase).filter((r) => spec.methods.includes(variantOf(r)));
  if (shown.length === 0) throw new Error(`no ${spec.phase} rows`);
  const labels = spec.phase === "snapshot" ? SNAPSHOT_LABELS : RESTORE_LABELS;
  const colours = spec.phase === "snapshot" ? SNAPSHOT_COLOURS : RESTORE_COLOURS;
  const allMethods = spec.phase === "snapshot" ? SNAPSHOT_VARIANTS : RESTORE_METHODS;
  const storages = STORAGE_PROFILE_NAMES.filter((s) => shown.some((r) => r.storage === s));
  const data = shown
    .map((r) => ({
      batch: Number(r.batch_pages),
      value: spec.measure(r),
      method: labels[variantOf(r)] ?? variantOf(r),
      storage: storageLabel(String(r.storage)),
    }))
    .filter((d) => Number.isFinite(d.value) && (!spec.log || d.value > 0))
    .sort((a, b) => a.batch - b.batch);
  const batches = [...new Set(data.map((d) => d.batch))].sort((a, b) => a - b);
  const channels = { x: "batch", y: "value", stroke: "method", fx: "storage" } as const;
  return {
    width: 1100,
    height: 400,
    marginLeft: 64,
    marginRight: 16,
    marginTop: 52,
    marginBottom: 48,
    style: { fontSize: "12px" },
    // Panel names sit above the y-axis label rather than on it.
    fx: { label: null, domain: storages.map(storageLabel), padding: 0.08, tickPadding: 26 },
    // Batch sizes grow geometrically, so evenly spaced points read as a log scale.
    x: {
      type: "point",
      domain: batches,
      label: "Batch size (pages, log scale) →",
      labelAnchor: "center",
      padding: 0.3,
    },
    y: spec.log
      ? { type: "log", label: `↑ ${spec.yLabel} (log scale)`, grid: true, tickFormat: ",~g" }
      : { type: "linear", label: `↑ ${spec.yLabel}`, grid: true, zero: true, nice: true },
    color: {
      legend: true,
      domain: allMethods.filter((m) => spec.methods.includes(m)).map((m) => labels[m]),
      range: allMethods.map((m, i) => [m, colours[i]] as const)
        .filter(([m]) => spec.methods.includes(m)).map(([, c]) => c),
    },
    marks: [
      Plot.frame({ stroke: "#d8dce1" }),
      Plot.line(data, { ...channels, strokeWidth: 1.8 }),
      Plot.dot(data, { ...channels, fill: "method", r: 2.5 }),
    ],
  };
}

/** Restore rows: where each lazy method finishes the guest's work before a full restore does. */
function lazyVersusFullRows(rows: readonly Row[]): Row[] {
  const restore = rows.filter((r) => r.phase === "restore");
  const out: Row[] = [];
  for (const full of restore.filter((r) => r.method === "full")) {
    const same = (method: string): Row | undefined =>
      find(restore, {
        method,
        storage: full.storage,
        memory_gib: full.memory_gib,
        batch_pages: full.batch_pages,
        write_fraction: full.write_fraction,
        working_set_fraction: full.working_set_fraction,
      });
    const lazy = same("lazy");
    const sweep = same("lazy-sweep");
    const prefetch = same("prefetch");
    const row: Row = {
      storage: String(full.storage),
      memory_gib: Number(full.memory_gib),
      write_fraction: Number(full.write_fraction),
      working_set_fraction: Number(full.working_set_fraction),
      batch_pages: Number(full.batch_pages),
      full_job_ms: Number(full.job_done_ms),
    };
    let best = "full";
    let bestMs = Number(full.job_done_ms);
    for (
      const [name, r] of [["lazy", lazy], ["lazy-sweep", sweep], ["prefetch", prefetch]] as const
    ) {
      if (r === undefined) continue;
      if (gaveUp(r) && r.job_done_ms === undefined) {
        row[`${name}_job_ms`] = DID_NOT_FINISH;
        continue;
      }
      row[`${name}_job_ms`] = Number(r.job_done_ms);
      if (Number(r.job_done_ms) < bestMs) {
        best = name;
        bestMs = Number(r.job_done_ms);
      }
    }
    row.fastest = best;
    if (lazy !== undefined) {
      row.lazy_beats_full = Number(lazy.job_done_ms) < Number(full.job_done_ms);
    }
    out.push(row);
  }
  return out.sort((a, b) =>
    STORAGE_PROFILE_NAMES.indexOf(String(a.storage)) -
      STORAGE_PROFILE_NAMES.indexOf(String(b.storage)) ||
    Number(a.memory_gib) - Number(b.memory_gib) ||
    Number(a.write_fraction) - Number(b.write_fraction) ||
    Number(a.batch_pages) - Number(b.batch_pages)
  );
}

function integrityRows(rows: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const phase of ["snapshot", "restore"]) {
    const methods = phase === "snapshot" ? SNAPSHOT_METHODS : RESTORE_METHODS;
    for (const method of methods) {
      const of = rows.filter((r) => r.phase === phase && r.method === method);
      if (of.length === 0) continue;
      out.push({
        phase,
        method,
        runs: of.length,
        unfinished: of.filter(gaveUp).length,
        pages_checked: of.reduce((s, r) => s + Number(r.memory_gib) * 262144, 0),
        lost_pages: of.reduce((s, r) => s + Number(r.lost_pages), 0),
      });
    }
  }
  return out;
}

function headline(rows: readonly Row[]): string {
  const snap = plotted(rows, "snapshot");
  const parts: string[] = [];
  const at = (method: string, storage: string): Row[] =>
    snap.filter((r) => r.method === method && r.storage === storage);
  const storage = snap.some((r) => r.storage === "sata-ssd")
    ? "sata-ssd"
    : String(snap[0]?.storage);
  const stop = at("stop-and-copy", storage);
  const cow = at("concurrent-cow", storage);
  if (stop.length > 0 && cow.length > 0) {
    const bestStop = Math.min(...stop.map((r) => Number(r.pause_ms)));
    const cowPause = Math.max(...cow.map((r) => Number(r.pause_ms)));
    const slow = cow.map((r) => Number(r.guest_slowdown));
    parts.push(
      `Snapshotting a ${
        formatGib(Number(cow[0].memory_gib))
      } guest to ${storage}, concurrent copy-before-write pauses it ${
        ms(cowPause)
      } instead of at least ${ms(bestStop)} for stop-and-copy, while the guest loses ${
        Math.round(100 * Math.min(...slow))
      }–${Math.round(100 * Math.max(...slow))}% of its progress as batches grow from ${
        Math.min(...cow.map((r) => Number(r.batch_pages)))
      } to ${Math.max(...cow.map((r) => Number(r.batch_pages)))} pages.`,
    );
  }
  const versus = lazyVersusFullRows(rows).filter((r) => r.lazy_beats_full !== undefined);
  if (versus.length > 0) {
    const wins = versus.filter((r) => r.lazy_beats_full === true).length;
    parts.push(
      `Lazy restore finishes the guest's work before a full restore in ${wins} of ${versus.length} restore configurations.`,
    );
  }
  const unfinished = rows.filter(gaveUp);
  if (unfinished.length > 0) {
    parts.push(
      `${unfinished.length} of ${rows.length} runs (${
        describeMethods(unfinished)
      }) ${DID_NOT_FINISH} of simulated time; they are listed apart and left out of the plots.`,
    );
  }
  const lost = rows.reduce((s, r) => s + Number(r.lost_pages ?? 0), 0);
  parts.push(
    lost === 0 ? "No run lost a page." : `${lost} pages were lost: a mechanism is broken.`,
  );
  return parts.join(" ");
}

/** "12 dirty-precopy, 1 lazy-sweep": how many rows of each method. */
function describeMethods(rows: readonly Row[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(String(r.method), (counts.get(String(r.method)) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${n} ${m}`).join(", ");
}

/** Runs that gave up, for their table: what each had done by the limit and what was left. */
function unfinishedRows(rows: readonly Row[]): Row[] {
  return rows.filter(gaveUp).map((r) => ({
    phase: String(r.phase),
    method: String(r.method),
    storage: String(r.storage),
    memory_gib: Number(r.memory_gib),
    write_fraction: Number(r.write_fraction),
    working_set_fraction: Number(r.working_set_fraction),
    batch_pages: Number(r.batch_pages),
    result: DID_NOT_FINISH,
    rounds: Number(r.rounds),
    pages_moved: Number(r.pages_moved),
    lost_pages: Number(r.lost_pages),
    reason: String(r.gave_up_reason).replace(/^did not finish within [^:]*: /, ""),
  }));
}

/** What dirty logging did to the plotted pre-copies: host pages split, translation cost, exits. */
function loggingParagraph(snap: readonly Row[]): string {
  const wp = snap.filter((r) => variantOf(r) === "dirty-precopy");
  const pml = snap.filter((r) => variantOf(r) === "dirty-precopy-pml");
  if (wp.length === 0) return "";
  const r = wp[0];
  const parts: string[] = [];
  if (Number(r.host_pages_split) > 0) {
    parts.push(
      `Starting to log dirty pages splits the guest's ${
        formatNumber(Number(r.host_pages_split), 0)
      } host 2M pages to 4 KiB, as KVM does; measured access by access on the machine (nested paging, the guest's working set accessed uniformly), a guest access then costs ${
        formatNumber(Number(r.access_cycles_after_split), 1)
      } cycles instead of ${
        formatNumber(Number(r.access_cycles_before_split), 1)
      }, so the guest's work runs ${
        formatNumber(Number(r.translation_slowdown), 2)
      }× slower for the rest of the run: most of pre-copy's guest slowdown here. The longer 2-D walks come from the nested TLB and walk caches covering 512 times less memory per entry.`,
    );
  }
  if (pml.length > 0) {
    const mean = (rs: readonly Row[], key: string): number =>
      rs.reduce((sum, x) => sum + Number(x[key]), 0) / rs.length;
    parts.push(
      `With write protection every first write to a page in a round exits (${
        formatNumber(mean(wp, "exits_write_protect"), 0)
      } write-protect exits per run on average); with Intel's page-modification log the processor logs the page itself and exits once per 512 pages (${
        formatNumber(mean(pml, "exits_pml_full"), 0)
      } PML-full exits per run), which lowers the guest's slowdown from ${
        Math.round(100 * mean(wp, "guest_slowdown"))
      }% to ${Math.round(100 * mean(pml, "guest_slowdown"))}% on average over the plotted runs.`,
    );
  }
  return parts.join(" ");
}

/** Exits per run by reason, averaged over the runs of each method (and pre-copy's dirty logging). */
function exitRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.phase}/${variantOf(r)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const mean = (rs: readonly Row[], key: string): number =>
    rs.reduce((sum, x) => sum + Number(x[key] ?? 0), 0) / rs.length;
  return [...groups].map(([key, rs]) => ({
    phase: key.split("/")[0],
    method: SNAPSHOT_LABELS[key.split("/")[1]] ?? RESTORE_LABELS[key.split("/")[1]] ??
      key.split("/")[1],
    runs: rs.length,
    exits_write_protect: mean(rs, "exits_write_protect"),
    exits_pml_full: mean(rs, "exits_pml_full"),
    exits_kick: mean(rs, "exits_kick"),
    exits_nested_fault: mean(rs, "exits_nested_fault"),
    exits: mean(rs, "exits"),
  }));
}

/** What starting dirty logging did, per memory size and way of logging. */
function splitRows(rows: readonly Row[]): Row[] {
  const seen = new Map<string, Row>();
  for (const r of rows) {
    if (r.method !== "dirty-precopy") continue;
    const key = `${r.memory_gib}/${r.dirty_log}`;
    if (seen.has(key)) continue;
    seen.set(key, {
      memory_gib: Number(r.memory_gib),
      dirty_log: String(r.dirty_log),
      host_page: String(r.host_page),
      host_pages_split: Number(r.host_pages_split),
      before: Number(r.access_cycles_before_split),
      after: Number(r.access_cycles_after_split),
      translation_slowdown: Number(r.translation_slowdown),
    });
  }
  return [...seen.values()];
}

function reading(rows: readonly Row[]): string {
  const paragraphs: string[] = [];
  const snap = plotted(rows, "snapshot");
  if (snap.length > 0) {
    paragraphs.push(
      `The plots show the ${
        describeGuest(snap)
      }, running a job of 100 ms of guest work per vCPU; one saver or restorer thread keeps one I/O in flight, and a batch of B pages is one I/O. Other memory sizes and guests of the sweep are in the CSV and in the tables below.`,
    );
    const cow = snap.filter((r) => r.method === "concurrent-cow");
    const stop = snap.filter((r) => r.method === "stop-and-copy");
    if (cow.length > 0 && stop.length > 0) {
      const small = Math.min(...cow.map((r) => Number(r.batch_pages)));
      const large = Math.max(...cow.map((r) => Number(r.batch_pages)));
      const slowAt = (b: number): string =>
        cow.filter((r) => r.batch_pages === b)
          .map((r) => `${Math.round(100 * Number(r.guest_slowdown))}% on ${r.storage}`).join(", ");
      paragraphs.push(
        `Stop-and-copy pauses the guest for the whole write, from ${
          ms(Math.min(...stop.map((r) => Number(r.pause_ms))))
        } to ${
          ms(Math.max(...stop.map((r) => Number(r.pause_ms))))
        } here; larger batches shorten it because each I/O's fixed latency is paid once per batch. Concurrent copy-before-write pauses only to quiesce and write-protect memory (${
          ms(Math.max(...cow.map((r) => Number(r.pause_ms))))
        }, an estimate of 5 ns per page plus copying the device state), then its total time tracks stop-and-copy's. The guest pays for every write to a page not yet saved: the write exits and waits until that page's batch is on storage. Small batches make each wait short; large batches make each wait a multi-page I/O, so the guest loses ${
          slowAt(small)
        } of its progress at ${small}-page batches and ${slowAt(large)} at ${large}-page batches.`,
      );
    }
    const pre = snap.filter((r) => variantOf(r) === "dirty-precopy");
    const preGaveUp = plotted(rows, "snapshot", true).filter((r) =>
      variantOf(r) === "dirty-precopy" && gaveUp(r)
    );
    if (pre.length > 0) {
      const capped = pre.filter((r) => Number(r.rounds) > 30);
      const missing = preGaveUp.length === 0
        ? ""
        : ` ${preGaveUp.length} more plotted runs (${
          preGaveUp.map((r) => `${r.storage} at ${r.batch_pages}-page batches`).join(", ")
        }) ${DID_NOT_FINISH} of simulated time, still iterating (see "Runs that did not finish"), and are missing from the plots.`;
      paragraphs.push(
        `Dirty-logging pre-copy writes the whole memory while the guest runs, then the pages dirtied meanwhile, round after round, and pauses only for the last round; its pause is between ${
          ms(Math.min(...pre.map((r) => Number(r.pause_ms))))
        } and ${
          ms(Math.max(...pre.map((r) => Number(r.pause_ms))))
        }, and its image holds every rewritten page again (pages moved up to ${
          formatNumber(
            Math.max(...pre.map((r) => Number(r.pages_moved) / (Number(r.memory_gib) * 262144))),
            1,
          )
        }× memory). ${
          capped.length > 0
            ? `In ${capped.length} of ${pre.length} plotted runs storage was too slow for the guest's dirtying and it stopped only at the 30-round cap.`
            : "Every plotted run converged before the 30-round cap."
        }${missing}`,
      );
      const logging = loggingParagraph(snap);
      if (logging !== "") paragraphs.push(logging);
    }
  }
  const versus = lazyVersusFullRows(rows);
  if (versus.length > 0) {
    const byStorage = STORAGE_PROFILE_NAMES.map((s) => {
      const of = versus.filter((r) => r.storage === s && r.lazy_beats_full !== undefined);
      const wins = of.filter((r) => r.lazy_beats_full === true).map((r) => r.batch_pages);
      return of.length === 0
        ? ""
        : `${s}: ${
          wins.length === 0 ? "never" : `at batch sizes ${[...new Set(wins)].join(", ")}`
        }`;
    }).filter((x) => x !== "");
    paragraphs.push(
      `Lazy restore runs the guest's first instruction right after the device state is read, but each touch of a page not yet restored exits and waits for its batch, read at random offsets. It beats a full restore — the guest's job finishes sooner — where reading everything is slow compared with the scattered reads of the working set (${
        byStorage.join("; ")
      }). Working-set prefetch reads the recorded working set first, stored contiguously, and then never faults.`,
    );
  }
  const unfinished = rows.filter(gaveUp);
  paragraphs.push(
    `Each run is simulated touch by touch, so its cost grows with the simulated time the guest runs; a run stops at ${DEFAULT_SIM_TIME_LIMIT_S} s of simulated time (the simTimeLimitS option). ${
      unfinished.length === 0
        ? "Every run of this sweep ended within it."
        : `${unfinished.length} of ${rows.length} runs (${
          describeMethods(unfinished)
        }) did not: they are shown as "${DID_NOT_FINISH}" rather than as numbers, left out of the plots, and listed with what was still left to do in "Runs that did not finish"; the pages they had saved or restored by then were checked like the others.`
    }`,
  );
  const lost = rows.reduce((s, r) => s + Number(r.lost_pages ?? 0), 0);
  paragraphs.push(
    lost === 0
      ? "Every run was checked page by page: each snapshot image holds exactly the version each page had at the snapshot instant, and every page the restored guest touched held the image's version. No page was lost."
      : `${lost} pages were lost — a mechanism is broken; see the integrity table.`,
  );
  return paragraphs.join("\n\n");
}

const QUICK_GRID = buildGrid(QUICK);
const FULL_GRID = buildGrid(FULL);

/**
 * The `snapshot` experiment: snapshot methods (stop-and-copy, concurrent
 * copy-before-write, dirty-logging pre-copy) and restore methods (full,
 * lazy, lazy with a sweep, working-set prefetch) across batch size, storage,
 * memory size and guest write rate and working set.
 *
 * @example Run one point in-process
 * ```ts
 * import { SNAPSHOT } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = SNAPSHOT.grids.quick.find((p) =>
 *   p.method === "concurrent-cow" && p.storage === "nvme-ssd" && p.batch_pages === 64
 * )!;
 * const row = await SNAPSHOT.run(point, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.lost_pages !== 0) throw new Error("lost data");
 * ```
 */
export const SNAPSHOT: Experiment = {
  id: "snapshot",
  title: "Snapshots and restores of a running guest",
  question:
    "How short can the pause of a snapshot of a running guest be, what does the running guest pay, how do batch size and storage speed shape both — and when does a lazy restore beat restoring everything first?",
  parameters: {
    phase: "snapshot (save memory and device state) or restore (load them back)",
    method:
      "snapshot: stop-and-copy, concurrent-cow (write-protect, save in the background, copy before a write), dirty-precopy (iterative dirty logging); restore: full, lazy, lazy-sweep, prefetch (working set first)",
    storage:
      "storage profile the image is written to or read from (core/transfer/storage_profile.ts)",
    memory_gib: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "memoryGib"),
    batch_pages: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "batchPages"),
    write_fraction: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "writeFraction"),
    working_set_fraction: describeParameter(SNAPSHOT_OPTIONS_FIELDS, "workingSetFraction"),
    dirty_log: `${
      describeParameter(SNAPSHOT_OPTIONS_FIELDS, "dirtyLog")
    }; none for the other methods`,
  },
  grids: { quick: QUICK_GRID, full: FULL_GRID, default: "quick" },
  cell(point: Point): string {
    return `${point.phase}/${point.method}`;
  },
  run(point: Point, context): Row {
    return runPoint(point, context.seed, context.cost);
  },
  headline,
  sections: [
    { kind: "text", title: "Reading", text: reading },
    {
      kind: "plot",
      title: "Snapshot pause against batch size",
      caption:
        "Time the guest could not run at all: stop-and-copy's whole save, concurrent copy-before-write's write-protect pause, pre-copy's final round. One panel per storage profile; log scales.",
      plot: (rows) =>
        batchPlot(rows, {
          phase: "snapshot",
          measure: (r) => Number(r.pause_ms),
          yLabel: "Pause (ms)",
          log: true,
          methods: SNAPSHOT_VARIANTS,
        }),
    },
    {
      kind: "plot",
      title: "Snapshot total time against batch size",
      caption:
        "From the snapshot request until the image (memory and device state) is complete on storage. Concurrent copy-before-write writes the same bytes in the same order as stop-and-copy, so its line mostly hides the grey one. Log scales.",
      plot: (rows) =>
        batchPlot(rows, {
          phase: "snapshot",
          measure: (r) => Number(r.total_ms),
          yLabel: "Total time (ms)",
          log: true,
          methods: SNAPSHOT_VARIANTS,
        }),
    },
    {
      kind: "plot",
      title: "What the running guest pays during a snapshot",
      caption:
        "Fraction of the guest's progress lost from the request until the image is complete: paused, or blocked in a copy-before-write or dirty-logging exit. Stop-and-copy loses everything (1) by definition.",
      plot: (rows) =>
        batchPlot(rows, {
          phase: "snapshot",
          measure: (r) => Number(r.guest_slowdown),
          yLabel: "Guest slowdown (fraction of progress lost)",
          log: false,
          methods: SNAPSHOT_VARIANTS,
        }),
    },
    {
      kind: "plot",
      title: "Restore: when the guest's work is done",
      caption:
        "Time from the restore request until every vCPU has completed 100 ms of guest work, per restore method. The gap to the fastest method is time spent waiting for memory: before the first instruction (full, prefetch) or in faults (lazy). Log scales.",
      plot: (rows) =>
        batchPlot(rows, {
          phase: "restore",
          measure: (r) => Number(r.job_done_ms),
          yLabel: "Guest job done (ms)",
          log: true,
          methods: RESTORE_METHODS,
        }),
    },
    {
      kind: "plot",
      title: "Restore: first instruction",
      caption:
        "Time until the guest runs its first instruction. Lazy methods start once the device state is read (lazy and lazy + sweep start together, so one line hides the other); prefetch once the working set is in; full once everything is. Log scales.",
      plot: (rows) =>
        batchPlot(rows, {
          phase: "restore",
          measure: (r) => Number(r.first_instruction_ms),
          yLabel: "First instruction (ms)",
          log: true,
          methods: RESTORE_METHODS,
        }),
    },
    {
      kind: "table",
      title: "Where lazy restore beats full restore",
      caption:
        "Time until the guest's job is done, per restore method, for every storage, memory size, guest and batch size of the sweep. Fastest: the method whose guest finishes first.",
      columns: [
        { key: "storage" },
        { key: "memory_gib", label: "memory", unit: "GiB" },
        { key: "write_fraction", label: "writes", unit: "fraction" },
        { key: "working_set_fraction", label: "working set", unit: "fraction" },
        { key: "batch_pages", label: "batch", unit: "pages" },
        { key: "full_job_ms", label: "full", unit: "ms", digits: 1 },
        { key: "lazy_job_ms", label: "lazy", unit: "ms", digits: 1 },
        { key: "lazy-sweep_job_ms", label: "lazy + sweep", unit: "ms", digits: 1 },
        { key: "prefetch_job_ms", label: "prefetch", unit: "ms", digits: 1 },
        { key: "fastest" },
        { key: "lazy_beats_full", label: "lazy beats full" },
      ],
      rows: lazyVersusFullRows,
    },
    {
      kind: "text",
      title: "What is simulated access by access, and what is sampled",
      text: () =>
        [
          "The guest runs on the lab's one machine: a nested-paging platform (or shadow paging, the platform option) whose vCPUs each have their own TLBs and walk caches, and whose every exit is counted and charged by reason in the vCPUs' statistics. Two drivers feed those vCPUs.",
          "Per access: when dirty logging starts, every vCPU runs 20,000 accesses to the guest's working set through its MMU (a warm-up window, then a measured one) before and after the host's 2M pages are split, the same accesses both times; the ratio of the cycles per access is how much slower the guest's work runs from then on.",
          "Sampled: everything else — the guest's run during the snapshot or restore, the writes that hit write-protected, logged or absent pages, the exits they cause, the saver's and restorer's I/Os — runs on the sampled page-touch guest, where one touch stands for 10,000 accesses of work. It is what lets a run cover seconds to minutes of simulated time.",
        ].join("\n\n"),
    },
    {
      kind: "table",
      title: "Exits by reason",
      caption:
        "VM exits per run, averaged over the runs of each method: write-protect exits (copy-before-write, or dirty logging by write protection), PML-full exits (dirty logging by page-modification log, one per 512 logged pages), kicks (running vCPUs sent out to flush their TLBs after memory was write-protected) and nested page faults (lazy restore). Charged as the profile's round trip plus handler, per reason.",
      columns: [
        { key: "phase" },
        { key: "method" },
        { key: "runs" },
        { key: "exits_write_protect", label: "write-protect", unit: "per run", digits: 0 },
        { key: "exits_pml_full", label: "PML full", unit: "per run", digits: 1 },
        { key: "exits_kick", label: "kicks", unit: "per run", digits: 1 },
        { key: "exits_nested_fault", label: "nested faults", unit: "per run", digits: 0 },
        { key: "exits", label: "all exits", unit: "per run", digits: 0 },
      ],
      rows: exitRows,
    },
    {
      kind: "table",
      title: "Dirty logging and host large pages",
      caption:
        "Pre-copy's dirty logging splits the host's large pages to 4 KiB. Cycles per guest access measured access by access before and after the split (0: not measured, nothing to split) and their ratio, the slowdown of the guest's work.",
      columns: [
        { key: "memory_gib", label: "memory", unit: "GiB" },
        { key: "dirty_log", label: "dirty log" },
        { key: "host_page", label: "host page" },
        { key: "host_pages_split", label: "host pages split" },
        { key: "before", label: "before", unit: "cycles/access", digits: 1 },
        { key: "after", label: "after", unit: "cycles/access", digits: 1 },
        { key: "translation_slowdown", label: "slowdown", unit: "×", digits: 2 },
      ],
      rows: splitRows,
    },
    {
      kind: "table",
      title: "Storage profiles",
      caption:
        "The storage model: a batch is one I/O; it waits for one of the device's queue slots, then for the transfer pipe at the profile's bandwidth, then completes one latency later (sequential when it continues the previous I/O). Sources of every number are in core/transfer/storage_profile.ts; network-gp3's latency is an estimate.",
      columns: [
        { key: "storage" },
        { key: "device" },
        { key: "read", label: "read", unit: "MB/s", digits: 0 },
        { key: "write", label: "write", unit: "MB/s", digits: 0 },
        { key: "read_latency", label: "read latency", unit: "µs random / seq." },
        { key: "write_latency", label: "write latency", unit: "µs random / seq." },
        { key: "queue_depth", label: "queue depth", unit: "I/Os" },
      ],
      rows: (rows) =>
        STORAGE_PROFILE_NAMES.filter((name) => rows.some((r) => r.storage === name)).map(
          (name) => {
            const p = STORAGE_PROFILES[name];
            return {
              storage: name,
              device: p.description.split(": ")[1] ?? p.description,
              read: p.readBytesPerSecond / 1e6,
              write: p.writeBytesPerSecond / 1e6,
              read_latency: `${p.randomReadLatencyUs} / ${p.sequentialReadLatencyUs}`,
              write_latency: `${p.randomWriteLatencyUs} / ${p.sequentialWriteLatencyUs}`,
              queue_depth: p.queueDepth,
            };
          },
        ),
    },
    {
      kind: "table",
      title: "Runs that did not finish",
      caption:
        `Runs still going after ${DEFAULT_SIM_TIME_LIMIT_S} s of simulated time, stopped there: their total time, pause and guest slowdown are unknown and are not plotted. Rounds and pages moved are those up to the limit; lost pages counts the pages saved or restored by then that were wrong.`,
      columns: [
        { key: "phase" },
        { key: "method" },
        { key: "storage" },
        { key: "memory_gib", label: "memory", unit: "GiB" },
        { key: "write_fraction", label: "writes", unit: "fraction" },
        { key: "working_set_fraction", label: "working set", unit: "fraction" },
        { key: "batch_pages", label: "batch", unit: "pages" },
        { key: "result" },
        { key: "rounds", label: "rounds done" },
        { key: "pages_moved", label: "pages moved", unit: "pages" },
        { key: "lost_pages", label: "lost", unit: "pages" },
        { key: "reason", label: "left at the limit" },
      ],
      rows: unfinishedRows,
    },
    {
      kind: "table",
      title: "No lost data",
      caption:
        "Pages whose saved or restored version differed from the one the mechanism promises, summed over every run of the sweep. A run that did not finish is checked on the pages it had saved or restored by then. Any non-zero count is a bug.",
      columns: [
        { key: "phase" },
        { key: "method" },
        { key: "runs" },
        { key: "unfinished", label: "did not finish" },
        { key: "pages_checked", label: "pages checked", unit: "pages" },
        { key: "lost_pages", label: "lost", unit: "pages" },
      ],
      rows: integrityRows,
    },
  ],
};
