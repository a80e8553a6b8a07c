/**
 * The Worker jobs of a sweep: its cells, large ones cut into consecutive
 * pieces, largest first. A sweep's time on N Workers is at least its
 * longest job's, so one cell that holds a third of the points would leave
 * the other Workers idle for most of the sweep; and a long job started last
 * runs alone at the end. Pieces of a cell still see one implementation at
 * their call sites: a Worker goes on with the next piece of its cell when
 * one is left ({@linkcode nextJob}), else starts afresh for another cell.
 *
 * @module
 */

/** Jobs per Worker the largest piece is cut to, at least: enough for the Workers to even out. */
const JOBS_PER_WORKER = 4;
/** Points below which a cell is never cut: a Worker's start and warm-up would cost more than it gives. */
const MIN_PIECE = 4;

/**
 * Cuts every cell (a list of run indices, in run order) longer than an even
 * share — `ceil(points / (workers × 4))`, at least 4 — into consecutive
 * pieces of near-equal length, and orders the jobs by length, longest
 * first (grid order among equals). One Worker runs the cells whole and in
 * grid order.
 *
 * @example
 * ```ts
 * import { planJobs } from "./plan_jobs.ts";
 * const cells = [[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [17, 18]];
 * const jobs = planJobs(cells, 2);
 * if (jobs.map((j) => j.length).join() !== "4,4,4,4,2,1") throw new Error();
 * if (planJobs(cells, 1) !== cells) throw new Error();
 * ```
 */
export function planJobs(
  cells: readonly (readonly number[])[],
  workers: number,
): readonly (readonly number[])[] {
  if (workers <= 1) return cells;
  const points = cells.reduce((sum, cell) => sum + cell.length, 0);
  const most = Math.max(MIN_PIECE, Math.ceil(points / (workers * JOBS_PER_WORKER)));
  const jobs: (readonly number[])[] = [];
  for (const cell of cells) {
    const pieces = Math.ceil(cell.length / most);
    for (let k = 0; k < pieces; k++) {
      jobs.push(
        cell.slice(
          Math.round(k * cell.length / pieces),
          Math.round((k + 1) * cell.length / pieces),
        ),
      );
    }
  }
  // Array.prototype.sort is stable: equal lengths keep grid order.
  return jobs.sort((a, b) => b.length - a.length);
}

/**
 * Which of the jobs not started yet (`pending`, in plan order) a Worker that
 * has just run a job of cell `cell` takes next: the first of the same cell
 * if one is left, so that it goes on in the isolate it has warmed up
 * (its call sites have seen that cell's classes and no others); else the
 * first, in a fresh Worker. `cell` is null for a Worker not started yet.
 * @returns an index into `pending`, or -1 when it is empty
 *
 * @example
 * ```ts
 * import { nextJob } from "./plan_jobs.ts";
 * const cellOf = (i: number) => (i < 10 ? "nested" : "native");
 * const pending = [[10, 11], [4, 5], [12]];
 * if (nextJob(pending, "nested", cellOf) !== 1) throw new Error("same cell first");
 * if (nextJob(pending, null, cellOf) !== 0) throw new Error("else the first");
 * ```
 */
export function nextJob(
  pending: readonly (readonly number[])[],
  cell: string | null,
  cellOf: (index: number) => string,
): number {
  if (cell !== null) {
    const same = pending.findIndex((job) => cellOf(job[0]) === cell);
    if (same >= 0) return same;
  }
  return pending.length > 0 ? 0 : -1;
}
