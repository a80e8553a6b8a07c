/**
 * What a fork's parent and children touch (one working set, one writable
 * working set with its fresh pages), and the page-table pages a fork
 * descriptor carries. Internal to the fork run (not re-exported by the
 * package); public for its tests.
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import { buildWorkingSet } from "../workload/sampled_guest.ts";

/** Entries of one x86-64 page-table page (4 KiB of 8-byte entries). */
const ENTRIES_PER_TABLE = 512;

/** Seed stream of the writable working set's draw. */
const WRITABLE_STREAM = 0x3717;
/** Seed stream of each guest's write order. */
const ORDER_STREAM = 0x0de7;

/**
 * Page-table pages a guest needs to map `pages` of memory with 4 KiB pages
 * on 4-level paging: one leaf table per 512 pages, one directory per 512
 * leaf tables, and so on up to the one root. A fork descriptor carries
 * them (SnowFlock's descriptor holds the guest's page tables).
 *
 * @example 1 GiB takes 512 leaf tables and one table on each level above
 * ```ts
 * import { guestTablePages } from "./fork_layout.ts";
 * if (guestTablePages(262144) !== 515) throw new Error();
 * ```
 */
export function guestTablePages(pages: number): number {
  let tables = 0;
  let below = pages;
  for (let level = 0; level < 4; level++) {
    below = Math.ceil(below / ENTRIES_PER_TABLE);
    tables += below;
  }
  return tables;
}

/**
 * Working-set pages of a memory of `pages`, as the sampled guest picks them.
 *
 * @example
 * ```ts
 * import { workingSetPages } from "./fork_layout.ts";
 * if (workingSetPages(1000, 0.25) !== 250 || workingSetPages(10, 0.001) !== 1) throw new Error();
 * ```
 */
export function workingSetPages(pages: number, fraction: number): number {
  return Math.max(1, Math.min(pages, Math.round(pages * fraction)));
}

/**
 * Writable working-set pages for a working set of `wsPages`: at least one.
 *
 * @example
 * ```ts
 * import { writablePages } from "./fork_layout.ts";
 * if (writablePages(250, 0.25) !== 63) throw new Error();
 * ```
 */
export function writablePages(wsPages: number, fraction: number): number {
  return Math.max(1, Math.round(wsPages * fraction));
}

/**
 * Fresh pages among `writable` writable working-set pages.
 *
 * @example
 * ```ts
 * import { freshPages } from "./fork_layout.ts";
 * if (freshPages(63, 0.5) !== 32) throw new Error();
 * ```
 */
export function freshPages(writable: number, fraction: number): number {
  return Math.round(writable * fraction);
}

/** k distinct entries of `from`, drawn with `rng` (a partial Fisher-Yates shuffle of a copy). */
function drawDistinct(from: Uint32Array, k: number, rng: Prng): Uint32Array {
  const a = from.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(a.length - i);
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a.subarray(0, k);
}

/**
 * The pages a fork's guests touch, the same for the parent and every child
 * (they run one program): the working set they read, and the writable
 * working set they write, part of it rewritten working-set pages and part
 * fresh pages outside the working set, whose first touch is a write. Each
 * guest writes the writable set in an order of its own.
 *
 * @example Fresh pages lie outside the working set
 * ```ts
 * import { ForkLayout } from "./fork_layout.ts";
 * const layout = new ForkLayout(1000, 0.2, 3, 0.5, 0.5, 1);
 * if (layout.workingSet.length !== 200 || layout.writable.length !== 100) throw new Error();
 * for (const p of layout.writable) {
 *   if ((layout.fresh[p] === 1) === (layout.inWorkingSet[p] === 1)) throw new Error();
 * }
 * ```
 */
export class ForkLayout {
  /** Working-set pages, ascending. */
  readonly workingSet: Uint32Array;
  /** 1 for each working-set page. */
  readonly inWorkingSet: Uint8Array;
  /** Writable working-set pages: the rewritten ones, then the fresh ones. */
  readonly writable: Uint32Array;
  /** 1 for each fresh page. */
  readonly fresh: Uint8Array;
  /** Fresh pages. */
  readonly freshCount: number;

  /**
   * Draws the layout of a memory of `pages`.
   * @param pages guest memory (4 KiB pages)
   * @param workingSetFraction fraction of memory read
   * @param wsRunPages run length of the working set
   * @param writableFraction writable working set over the working set
   * @param freshFraction fresh share of the writable working set (they must fit outside the working set)
   * @param seed the run's seed
   */
  constructor(
    pages: number,
    workingSetFraction: number,
    wsRunPages: number,
    writableFraction: number,
    freshFraction: number,
    seed: number,
  ) {
    const ws = buildWorkingSet(pages, workingSetFraction, wsRunPages, seed);
    if (ws.length !== workingSetPages(pages, workingSetFraction)) {
      throw new Error("ForkLayout: the working set's size differs from the one validated");
    }
    this.workingSet = ws;
    this.inWorkingSet = new Uint8Array(pages);
    for (let i = 0; i < ws.length; i++) this.inWorkingSet[ws[i]] = 1;
    const w = writablePages(ws.length, writableFraction);
    const f = freshPages(w, freshFraction);
    const outside = new Uint32Array(pages - ws.length);
    let n = 0;
    for (let p = 0; p < pages; p++) if (this.inWorkingSet[p] === 0) outside[n++] = p;
    if (f > outside.length) {
      throw new Error("ForkLayout: the fresh pages do not fit outside the working set");
    }
    const rng = new Prng(seed, WRITABLE_STREAM);
    const rewritten = drawDistinct(ws, Math.min(w - f, ws.length), rng);
    const fresh = drawDistinct(outside, f, rng);
    this.writable = new Uint32Array(rewritten.length + fresh.length);
    this.writable.set(rewritten);
    this.writable.set(fresh, rewritten.length);
    this.fresh = new Uint8Array(pages);
    for (let i = 0; i < fresh.length; i++) this.fresh[fresh[i]] = 1;
    this.freshCount = f;
  }

  /** The writable working set in a random order drawn from `seed`: one guest's writes. */
  writeOrder(seed: number): Uint32Array {
    const order = this.writable.slice();
    const rng = new Prng(seed, ORDER_STREAM);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      const x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    return order;
  }
}
