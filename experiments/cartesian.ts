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

/**
 * The points of a grid made of slices that meet, each point once, in the
 * order first met: two points are one when every parameter is equal.
 *
 * @example
 * ```ts
 * import { distinctPoints } from "./cartesian.ts";
 * const points = distinctPoints([{ a: 1, b: 2 }, { a: 1, b: 3 }, { a: 1, b: 2 }]);
 * if (points.length !== 2 || points[1].b !== 3) throw new Error();
 * ```
 */
export function distinctPoints<P extends Readonly<Record<string, Value>>>(
  points: readonly P[],
): P[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
