/**
 * The spread over seeds of a measurement, for plots: a point summarised over
 * several seeds (see `summarizeSeeds`) carries `KEY_min` and `KEY_max`
 * beside its mean, and a plot draws them as a vertical bar through the
 * mean's dot.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Row } from "./experiment.ts";
import { MAX_SUFFIX, MIN_SUFFIX } from "./sweep/seed_summary.ts";

/** The smallest and largest value of a measurement over seeds. */
export interface Spread {
  /** Smallest value over seeds (the value itself for one seed). */
  low: number;
  /** Largest value over seeds (the value itself for one seed). */
  high: number;
}

/**
 * The spread of `key` in a (possibly summarised) row; a row of one seed
 * spreads over its own value only.
 *
 * @example
 * ```ts
 * import { spreadOf } from "./seed_spread.ts";
 * const s = spreadOf({ cpa: 10, cpa_min: 9, cpa_max: 12 }, "cpa");
 * if (s.low !== 9 || s.high !== 12) throw new Error();
 * if (spreadOf({ cpa: 10 }, "cpa").high !== 10) throw new Error();
 * ```
 */
export function spreadOf(row: Row, key: string): Spread {
  const value = Number(row[key]);
  const low = row[key + MIN_SUFFIX];
  const high = row[key + MAX_SUFFIX];
  return {
    low: typeof low === "number" ? low : value,
    high: typeof high === "number" ? high : value,
  };
}

/** The channels of a plot's points that a spread bar shares with their dots. */
export interface SpreadChannels {
  /** Channel of the x position. */
  x: string;
  /** Colour channel, when the dots have one. */
  stroke?: string;
  /** Facet column channel, when the plot is faceted. */
  fx?: string;
  /** Facet row channel, when the plot is faceted. */
  fy?: string;
}

/**
 * A vertical bar from `low` to `high` through every point whose seeds
 * disagree (points of one seed, or whose seeds agree, get none), for plots
 * whose points carry the fields of a {@linkcode Spread}.
 *
 * @example
 * ```ts
 * import { spreadBars } from "./seed_spread.ts";
 * const mark = spreadBars([{ x: 1, y: 2, low: 1.5, high: 2.5 }], { x: "x" });
 * if (mark === null) throw new Error();
 * ```
 */
export function spreadBars(
  points: readonly (Spread & Record<string, unknown>)[],
  channels: SpreadChannels,
): Plot.Markish {
  const spread = points.filter((p) => p.high > p.low);
  return Plot.ruleX(spread, {
    ...channels,
    y1: "low",
    y2: "high",
    strokeWidth: 1.2,
    strokeOpacity: 0.7,
  });
}

/**
 * A sentence for a caption saying how many seeds a plot's points average
 * and what the bars show, or `""` for one seed.
 *
 * @example
 * ```ts
 * import { seedsNote } from "./seed_spread.ts";
 * if (seedsNote([{ seeds: 3 }]) !== " Points are means over 3 seeds; bars span the lowest to the highest seed.") throw new Error();
 * if (seedsNote([{ y: 1 }]) !== "") throw new Error();
 * ```
 */
export function seedsNote(rows: readonly Row[]): string {
  const counts = new Set(rows.map((r) => (typeof r.seeds === "number" ? r.seeds : 1)));
  const most = Math.max(1, ...counts);
  if (most === 1) return "";
  const n = counts.size === 1 ? String(most) : `up to ${most}`;
  return ` Points are means over ${n} seeds; bars span the lowest to the highest seed.`;
}

/**
 * Whether any point's seeds disagree: plots add their spread marks only
 * then, so that a plot of one seed is exactly the plot it was before seeds.
 *
 * @example
 * ```ts
 * import { hasSpread } from "./seed_spread.ts";
 * if (hasSpread([{ low: 2, high: 2 }])) throw new Error();
 * if (!hasSpread([{ low: 2, high: 2 }, { low: 1, high: 3 }])) throw new Error();
 * ```
 */
export function hasSpread(points: readonly Spread[]): boolean {
  return points.some((p) => p.high > p.low);
}

/** The channels of a line plot's points that a spread band shares with its lines. */
export interface SpreadBandChannels {
  /** Channel of the x position. */
  x: string;
  /** Channel of the lines' colour, which fills each line's band. */
  fill?: string;
  /** Facet column channel, when the plot is faceted. */
  fx?: string;
  /** Facet row channel, when the plot is faceted. */
  fy?: string;
  /** The lines' curve, e.g. `step-after`; default linear. */
  curve?: Plot.CurveName;
}

/**
 * A faint band from `low` to `high` along each line of a line plot (one
 * line per `fill` value, points in the lines' order), or `null` when no
 * point's seeds disagree. A point whose `low` or `high` is not a number (NaN)
 * leaves a gap, which is how a log-scale plot drops a spread down to zero.
 *
 * @example
 * ```ts
 * import { spreadBand } from "./seed_spread.ts";
 * const points = [{ x: 1, low: 1, high: 3 }, { x: 2, low: 2, high: 2 }];
 * if (spreadBand(points, { x: "x" }) === null) throw new Error();
 * if (spreadBand([{ x: 1, low: 2, high: 2 }], { x: "x" }) !== null) throw new Error();
 * ```
 */
export function spreadBand<P extends Spread>(
  points: readonly P[],
  channels: SpreadBandChannels,
): Plot.Markish | null {
  if (!hasSpread(points)) return null;
  return Plot.areaY(points, {
    ...channels,
    // Explicit, so that lines of a point or two per panel raise no cardinality warning.
    z: channels.fill ?? null,
    y1: "low",
    y2: "high",
    fillOpacity: 0.18,
  });
}
