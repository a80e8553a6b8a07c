/**
 * The reference count of a cold walk — every translation cache empty — and
 * the published counts it is checked against.
 *
 * @module
 */

/** Radix levels a page size skips: a 2M page ends the walk one level early, a 1G page two. */
const LEVELS_SKIPPED: Readonly<Record<string, number>> = { "4k": 0, "2m": 1, "1g": 2 };

/** Published reference counts per walk (REFERENCES.md): key `levels/mode/guest/host`. */
export const PUBLISHED_REFS: Readonly<Record<string, number>> = {
  "4/native/4k/none": 4,
  "4/native/2m/none": 3,
  "4/native/1g/none": 2,
  "5/native/4k/none": 5,
  "5/native/2m/none": 4,
  "5/native/1g/none": 3,
  "4/nested/4k/4k": 24,
  "5/nested/4k/4k": 35,
  "4/nested/2m/4k": 19,
  "4/nested/4k/2m": 19,
  "4/nested/2m/2m": 15,
  "4/nested/1g/1g": 8,
};

/** Radix levels a walk reads for a page size: 4K pages use every level. */
export function levelsWalked(levels: number, page: string): number {
  return levels - LEVELS_SKIPPED[page];
}

/** The smaller of two page sizes (`4k`, `2m`, `1g`). */
export function smallerPage(a: string, b: string): string {
  return LEVELS_SKIPPED[a] <= LEVELS_SKIPPED[b] ? a : b;
}

/** The fields of a point or row a cold walk depends on. */
export interface WalkShape {
  /** Radix levels of both tables. */
  readonly levels: number;
  /** `native` or `nested`. */
  readonly mode: string;
  /** Guest page size. */
  readonly guest_page: string;
  /** Host page size (`none` when native). */
  readonly host_page: string;
}

/**
 * References of a walk with every cache empty: n native; (n+1)(m+1)−1
 * nested, since each of the n guest entries and the final guest-physical
 * address needs an m-reference host walk, plus the n guest entries
 * themselves.
 */
export function coldRefsPerWalk(shape: WalkShape): number {
  const n = levelsWalked(shape.levels, shape.guest_page);
  if (shape.mode === "native") return n;
  const m = levelsWalked(shape.levels, shape.host_page);
  return (n + 1) * (m + 1) - 1;
}
