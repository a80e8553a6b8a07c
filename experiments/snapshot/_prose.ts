/**
 * The written parts of the `snapshot` report: the headline and the
 * reading, computed from the rows.
 *
 * @module
 */

import { DEFAULT_SIM_TIME_LIMIT_S } from "../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../core/transfer/storage_profile.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { distinct, mean } from "../rows.ts";
import { formatMib } from "../size_format.ts";
import { DID_NOT_FINISH, variantOf } from "./_labels.ts";
import { faultStallUs, gaveUp, lazyVersusFullRows, plotted, runsGaveUp } from "./_tables.ts";
import { runsOf } from "../seed_runs.ts";

/** The plotted guest in words: memory, vCPUs, writes and working set. */
function describeGuest(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const r = rows[0];
  return `${formatMib(Number(r.memory_gib) * 1024)} guest, 2 vCPUs, ${
    Math.round(100 * Number(r.write_fraction))
  }% of touches writing, working set ${
    Math.round(100 * Number(r.working_set_fraction))
  }% of memory`;
}

/** Milliseconds written with sensible digits, in seconds from 1 s up. */
function ms(value: number): string {
  if (value >= 1000) return `${formatNumber(value / 1000, 1)} s`;
  if (value >= 10) return `${formatNumber(value, 0)} ms`;
  return `${formatNumber(value, 2)} ms`;
}

/** A fraction as a percentage: one decimal below 10 %, whole percent above. */
function pct(fraction: number): string {
  const p = 100 * fraction;
  return p < 10 ? `${formatNumber(p, 1)}%` : `${Math.round(p)}%`;
}

/** "4.8–10%": the range of the rows' guest slowdown. */
function slowdownRange(rows: readonly Row[]): string {
  const slow = rows.map((r) => Number(r.guest_slowdown));
  const lo = Math.min(...slow);
  const hi = Math.max(...slow);
  return pct(lo) === pct(hi) ? pct(lo) : `${pct(lo)}–${pct(hi)}`;
}

/** The mean stall of one copy-before-write fault over the rows that had faults (µs). */
function meanFaultStallUs(rows: readonly Row[]): number {
  const stalls = rows.map(faultStallUs).filter(Number.isFinite);
  return stalls.reduce((a, b) => a + b, 0) / stalls.length;
}

/**
 * The finding: copy-before-write as QEMU does it (pause against
 * stop-and-copy, what the guest loses and what one fault costs), the
 * pessimistic rule as a bound, lazy against full restore, runs unfinished,
 * pages lost.
 */
export function headline(rows: readonly Row[]): string {
  const snap = plotted(rows, "snapshot");
  const parts: string[] = [];
  const storages = STORAGE_PROFILE_NAMES.filter((s) => snap.some((r) => r.storage === s));
  const at = (variant: string, storage: string): Row[] =>
    snap.filter((r) => variantOf(r) === variant && r.storage === storage);
  // The fastest storage: where stop-and-copy's pause is shortest, the fairest comparison.
  const storage = storages[0];
  const stop = storage === undefined ? [] : at("stop-and-copy", storage);
  const cow = storage === undefined ? [] : at("concurrent-cow", storage);
  if (stop.length > 0 && cow.length > 0) {
    const bestStop = Math.min(...stop.map((r) => Number(r.pause_ms)));
    const cowPause = Math.max(...cow.map((r) => Number(r.pause_ms)));
    const batches = cow.map((r) => Number(r.batch_pages));
    const others = storages.slice(1).filter((s) => at("concurrent-cow", s).length > 0)
      .map((s) => `${slowdownRange(at("concurrent-cow", s))} on ${s}`);
    const stall = meanFaultStallUs(snap.filter((r) => variantOf(r) === "concurrent-cow"));
    parts.push(
      `Snapshotting a running ${
        formatMib(Number(cow[0].memory_gib) * 1024)
      } guest to ${storage}, concurrent copy-before-write (QEMU's background snapshot) pauses it ${
        ms(cowPause)
      } instead of at least ${ms(bestStop)} for stop-and-copy, and the guest loses ${
        slowdownRange(cow)
      } of its progress${others.length > 0 ? ` (${others.join(", ")})` : ""} over batches of ${
        Math.min(...batches)
      } to ${Math.max(...batches)} pages${
        Number.isFinite(stall)
          ? `: a write to a page not yet saved costs ${
            formatNumber(stall, 1)
          } µs (the exit, the userfaultfd round trip, one page copy) and never waits for storage`
          : ""
      }.`,
    );
    const io = at("concurrent-cow-pessimistic", storage);
    if (io.length > 0) {
      parts.push(
        `Under the pessimistic rule, where such a write waits until its batch is on storage, the guest would lose ${
          slowdownRange(io)
        } on ${storage}.`,
      );
    }
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
      `${runsCount(unfinished, runsGaveUp)} of ${runsCount(rows, runsOf)} runs (${
        describeMethods(unfinished)
      }) ${DID_NOT_FINISH} of simulated time; they are listed apart and left out of the plots.`,
    );
  }
  const lost = lostPages(rows);
  parts.push(
    lost === 0 ? "No run lost a page." : `${lost} pages were lost: a mechanism is broken.`,
  );
  return parts.join(" ");
}

/** Runs of the rows, counted by `count` (a summarised row stands for several). */
function runsCount(rows: readonly Row[], count: (r: Row) => number): number {
  return rows.reduce((s, r) => s + count(r), 0);
}

/** Pages lost over every run (a summarised row's mean times its seeds). */
function lostPages(rows: readonly Row[]): number {
  return rows.reduce((s, r) => s + Math.round(Number(r.lost_pages ?? 0) * runsOf(r)), 0);
}

/** "12 dirty-precopy, 1 lazy-sweep": how many runs of each method gave up. */
function describeMethods(rows: readonly Row[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) {
    counts.set(String(r.method), (counts.get(String(r.method)) ?? 0) + runsGaveUp(r));
  }
  return [...counts].map(([m, n]) => `${n} ${m}`).join(", ");
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

/** The reading: what each method pauses and costs the guest, and when lazy restore wins. */
export function reading(rows: readonly Row[]): string {
  const paragraphs: string[] = [];
  const snap = plotted(rows, "snapshot");
  if (snap.length > 0) {
    paragraphs.push(
      `The plots show the ${
        describeGuest(snap)
      }, running a job of 100 ms of guest work per vCPU; one saver or restorer thread keeps one I/O in flight, and a batch of B pages is one I/O. Other memory sizes and guests of the sweep are in the CSV and in the tables below.`,
    );
    const cow = snap.filter((r) => variantOf(r) === "concurrent-cow");
    const io = snap.filter((r) => variantOf(r) === "concurrent-cow-pessimistic");
    const stop = snap.filter((r) => r.method === "stop-and-copy");
    if (cow.length > 0 && stop.length > 0) {
      const small = Math.min(...cow.map((r) => Number(r.batch_pages)));
      const large = Math.max(...cow.map((r) => Number(r.batch_pages)));
      const slowAt = (of: readonly Row[], b: number): string =>
        of.filter((r) => r.batch_pages === b)
          .map((r) => `${pct(Number(r.guest_slowdown))} on ${r.storage}`).join(", ");
      paragraphs.push(
        `Stop-and-copy pauses the guest for the whole write, from ${
          ms(Math.min(...stop.map((r) => Number(r.pause_ms))))
        } to ${
          ms(Math.max(...stop.map((r) => Number(r.pause_ms))))
        } here; larger batches shorten it because each I/O's fixed latency is paid once per batch. Concurrent copy-before-write pauses only to quiesce and write-protect memory (${
          ms(Math.max(...cow.map((r) => Number(r.pause_ms))))
        }, an estimate of 5 ns per page plus copying the device state), then writes the same image in the same I/Os, so its total time tracks stop-and-copy's.`,
      );
      const stall = meanFaultStallUs(cow);
      const buffer = Math.max(...cow.map((r) => Number(r.buffer_peak_bytes)));
      paragraphs.push(
        `The guest pays for every first write to a page not yet saved. The plotted runs follow QEMU's background snapshot (userfaultfd write protection; migration/ram.c): the write exits, the saver thread reads the fault from the userfaultfd, copies that page alone into its buffer ahead of the scan, un-protects it and wakes the vCPU; the page goes out in the next I/O, ahead of the scan's pages. The scan's pages are released the same way, once copied into the buffer as their I/O starts, so no write waits for storage. A fault costs ${
          formatNumber(stall, 2)
        } µs: the VM exit and its handler, the userfaultfd round trip (4.74 µs, Peter Xu's uffd-wp measurement on Linux 5.9) and one page copy. The guest loses ${
          slowAt(cow, small)
        } of its progress at ${small}-page batches and ${
          slowAt(cow, large)
        } at ${large}-page batches: larger batches fault less, but finish the image sooner, so the same writes weigh on a shorter run. The saver's buffer — the I/Os in flight and the faulted pages waiting for theirs — peaks at ${
          formatNumber(buffer / 2 ** 20, 1)
        } MiB. QEMU writes through the host's page cache and can run further ahead of storage than this saver, so its guest would fault on fewer pages: these slowdowns are an upper bound for the rule.`,
      );
      if (io.length > 0) {
        const ioStall = (b: number): string =>
          io.filter((r) => r.batch_pages === b)
            .map((r) => `${ms(faultStallUs(r) / 1000)} on ${r.storage}`).join(", ");
        paragraphs.push(
          `The pessimistic bound, the rule this lab used before, lets a faulting write go on only once its page's whole batch is on storage, as a saver writing straight from guest memory must: each fault then waits for a multi-page I/O (${
            ioStall(large)
          } per fault at ${large}-page batches), and the guest loses ${
            slowAt(io, small)
          } of its progress at ${small}-page batches and ${
            slowAt(io, large)
          } at ${large}-page batches. Its pause and total time are QEMU's rule's; "Copy-before-write under each rule" lists both rules per storage and batch size.`,
        );
      }
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
        : `${s}: ${wins.length === 0 ? "never" : `at batch sizes ${distinct(wins).join(", ")}`}`;
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
        : `${runsCount(unfinished, runsGaveUp)} of ${runsCount(rows, runsOf)} runs (${
          describeMethods(unfinished)
        }) did not: they are shown as "${DID_NOT_FINISH}" rather than as numbers, left out of the plots, and listed with what was still left to do in "Runs that did not finish"; the pages they had saved or restored by then were checked like the others.`
    }`,
  );
  const lost = lostPages(rows);
  paragraphs.push(
    lost === 0
      ? "Every run was checked page by page: each snapshot image holds exactly the version each page had at the snapshot instant, and every page the restored guest touched held the image's version. No page was lost."
      : `${lost} pages were lost — a mechanism is broken; see the integrity table.`,
  );
  return paragraphs.join("\n\n");
}
