/**
 * Sweep progress on stderr: on a terminal, one updating line with a bar,
 * done/total, elapsed time, the rate and the time left, redrawn at most four
 * times a second; when stderr is piped or redirected, one plain line per
 * finished point with the same counts, rate and time left. Colour only on a
 * terminal and never when `NO_COLOR` is set.
 *
 * @module
 */

/** Receives sweep progress events. */
export interface Progress {
  /** A sweep of `total` points begins, `done` of which were already finished on disk. */
  start(label: string, total: number, done: number): void;
  /** One more point finished; `description` names it, `milliseconds` is its wall time. */
  advance(description: string, milliseconds: number): void;
  /** The sweep ended (finished, failed or interrupted): clear the bar. */
  finish(): void;
}

/** Where progress is written: the subset of `Deno.stderr` used. */
export interface ProgressStream {
  /** Writes bytes, returning how many were written. */
  writeSync(bytes: Uint8Array): number;
  /** Whether the stream is a terminal. */
  isTerminal(): boolean;
}

/** Options of {@linkcode createProgress}. */
export interface ProgressOptions {
  /** Stream to write to. Default `Deno.stderr`. */
  stream?: ProgressStream;
  /** Use colour on a terminal. Default: unless `NO_COLOR` is set. */
  color?: boolean;
  /** Clock in milliseconds. Default `performance.now`. */
  now?: () => number;
}

const REDRAW_MS = 250;
const BAR_WIDTH = 28;

/**
 * Formats a duration in seconds as `m:ss` (or `h:mm:ss`).
 *
 * @example
 * ```ts
 * import { formatDuration } from "./progress.ts";
 * if (formatDuration(75) !== "1:15" || formatDuration(3725) !== "1:02:05") throw new Error();
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * Formats a sweep's rate: points per second when at least one finishes a
 * second, else seconds per point; `–` before any point finished.
 *
 * @example
 * ```ts
 * import { formatRate } from "./progress.ts";
 * if (formatRate(30, 4) !== "7.5 points/s") throw new Error();
 * if (formatRate(2, 5) !== "2.5 s/point") throw new Error();
 * if (formatRate(0, 5) !== "– points/s") throw new Error();
 * ```
 */
export function formatRate(points: number, seconds: number): string {
  if (points <= 0) return "– points/s";
  const perSecond = seconds > 0 ? points / seconds : Infinity;
  if (perSecond >= 1) {
    return Number.isFinite(perSecond) ? `${perSecond.toFixed(1)} points/s` : "– points/s";
  }
  return `${(seconds / points).toFixed(1)} s/point`;
}

function writeAll(stream: ProgressStream, text: string): void {
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

/**
 * Creates the progress reporter for a stream: a redrawn bar on a terminal,
 * plain lines otherwise.
 *
 * @example Plain lines into a buffer
 * ```ts
 * import { createProgress } from "./progress.ts";
 * let text = "";
 * const progress = createProgress({
 *   stream: { writeSync: (b) => { text += new TextDecoder().decode(b); return b.length; }, isTerminal: () => false },
 * });
 * progress.start("demo", 2, 0);
 * progress.advance("x=1", 12);
 * progress.finish();
 * if (!text.includes("demo 1/2 x=1 (0.01 s) · ")) throw new Error(text);
 * ```
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? Deno.stderr;
  const now = options.now ?? (() => performance.now());
  const terminal = stream.isTerminal();
  const color = terminal && (options.color ?? !Deno.noColor);
  let label = "";
  let total = 0;
  let done = 0;
  let resumed = 0;
  let started = 0;
  let lastDraw = -Infinity;
  let timer: ReturnType<typeof setInterval> | undefined;

  // Rate and time left count only the points this run computed: resumed ones took no time.
  function pace(): string {
    const elapsed = (now() - started) / 1000;
    const computed = done - resumed;
    const left = computed > 0 ? formatDuration((elapsed / computed) * (total - done)) : "–:––";
    return `${formatRate(computed, elapsed)} · ${left} left`;
  }

  function bar(): string {
    const fraction = total === 0 ? 1 : done / total;
    const filled = Math.round(fraction * BAR_WIDTH);
    const full = "█".repeat(filled);
    const empty = "░".repeat(BAR_WIDTH - filled);
    const elapsed = (now() - started) / 1000;
    const counts = `${done}/${total}`;
    const colouredBar = color ? `\x1b[36m${full}\x1b[2m${empty}\x1b[0m` : full + empty;
    const name = color ? `\x1b[1m${label}\x1b[0m` : label;
    return `${name} ${colouredBar} ${counts} · ${formatDuration(elapsed)} · ${pace()}`;
  }

  function draw(force: boolean): void {
    const t = now();
    if (!force && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    writeAll(stream, `\r\x1b[2K${bar()}`);
  }

  return {
    start(name: string, points: number, alreadyDone: number): void {
      label = name;
      total = points;
      done = alreadyDone;
      resumed = alreadyDone;
      started = now();
      lastDraw = -Infinity;
      if (terminal) {
        draw(true);
        timer = setInterval(() => draw(false), 1000);
      } else {
        const reused = alreadyDone > 0 ? ` (${alreadyDone} already done, resuming)` : "";
        writeAll(stream, `${label}: ${total} points${reused}\n`);
      }
    },
    advance(description: string, milliseconds: number): void {
      done++;
      if (terminal) draw(done === total);
      else {
        writeAll(
          stream,
          `${label} ${done}/${total} ${description} (${
            (milliseconds / 1000).toFixed(2)
          } s) · ${pace()}\n`,
        );
      }
    },
    finish(): void {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (terminal) writeAll(stream, `\r\x1b[2K`);
    },
  };
}
