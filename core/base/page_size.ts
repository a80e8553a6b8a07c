/**
 * Page sizes of x86-64 paging, as small integers so hot code can index by
 * them. A page of size code `s` spans `2 ** (9 * s)` pages of 4 KiB.
 *
 * @module
 */

/** Page-size codes. */
export const PageSize = {
  /** 4 KiB. */
  SIZE_4K: 0,
  /** 2 MiB. */
  SIZE_2M: 1,
  /** 1 GiB. */
  SIZE_1G: 2,
} as const;

/** One of the values of {@linkcode PageSize}. */
export type PageSize = typeof PageSize[keyof typeof PageSize];

/** Names of page sizes as users write them, indexed by code. */
export const PAGE_SIZE_NAMES: readonly ["4k", "2m", "1g"] = ["4k", "2m", "1g"];

/** Number of 4 KiB pages in a page of each size code. */
export const PAGES_4K_PER: readonly number[] = [1, 512, 512 * 512];

/** Bytes in a page of each size code. */
export const PAGE_BYTES: readonly number[] = [4096, 2 * 1024 * 1024, 1024 * 1024 * 1024];

/**
 * Parses a page-size name (`4k`, `2m`, `1g`, case-insensitive).
 *
 * @example
 * ```ts
 * import { PageSize, parsePageSize } from "./page_size.ts";
 * if (parsePageSize("2M") !== PageSize.SIZE_2M) throw new Error();
 * ```
 * @returns the size code, or `undefined` for an unknown name.
 */
export function parsePageSize(name: string): PageSize | undefined {
  const i = PAGE_SIZE_NAMES.indexOf(name.toLowerCase() as "4k");
  return i < 0 ? undefined : i as PageSize;
}
