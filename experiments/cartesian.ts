/**
 * Parameter grids as cartesian products of value lists.
 *
 * @module
 */

import type { Value } from "./experiment.ts";

/**
 * Builds the cartesian product of parameter value lists, the first
 * parameter varying slowest. Each point's type follows the lists: a list of
 * literals gives a union of those literals.
 *
 * @example
 * ```ts
 * import { cartesian } from "./cartesian.ts";
 * const points = cartesian({ mode: ["native", "nested"], levels: [4, 5] });
 * if (points.length !== 4 || points[1].levels !== 5) throw new Error();
 * const mode: "native" | "nested" = points[3].mode;
 * if (mode !== "nested") throw new Error();
 * ```
 */
export function cartesian<const S extends Readonly<Record<string, readonly Value[]>>>(
  spec: S,
): { [K in keyof S]: S[K][number] }[] {
  let points: Record<string, Value>[] = [{}];
  for (const [key, values] of Object.entries(spec)) {
    const next: Record<string, Value>[] = [];
    for (const point of points) for (const value of values) next.push({ ...point, [key]: value });
    points = next;
  }
  return points as { [K in keyof S]: S[K][number] }[];
}
