/**
 * The translation configurations — mode and page size on each side — with
 * their legend labels and colours, shared by the grid and the report.
 *
 * @module
 */

import { PAGE_SIZE_NAMES } from "../../core/base/page_size.ts";
import type { Value } from "../experiment.ts";
import type { TranslationPoint } from "./point.ts";
import { smallerPage } from "./_cold_walk.ts";

/** A translation configuration: mode and the page sizes on each side. */
export type Configuration = Pick<TranslationPoint, "mode" | "guest_page" | "host_page">;

/** Native configurations for each page size, then nested ones for each guest × host pair. */
export const CONFIGURATIONS: readonly Configuration[] = [
  ...PAGE_SIZE_NAMES.map((g): Configuration => ({
    mode: "native",
    guest_page: g,
    host_page: "none",
  })),
  ...PAGE_SIZE_NAMES.flatMap((g) =>
    PAGE_SIZE_NAMES.map((h): Configuration => ({ mode: "nested", guest_page: g, host_page: h }))
  ),
];

/** The configuration fields of a point or a result row. */
type LabelFields = {
  readonly mode?: Value;
  readonly guest_page?: Value;
  readonly host_page?: Value;
};

/** The legend label of a configuration, e.g. `nested 4K/2M` (guest/host). */
export function configLabel(row: LabelFields): string {
  const guest = String(row.guest_page).toUpperCase();
  return row.mode === "native"
    ? `native ${guest}`
    : `nested ${guest}/${String(row.host_page).toUpperCase()}`;
}

/** Legend labels of every configuration, in legend order. */
export const CONFIG_LABELS: readonly string[] = CONFIGURATIONS.map(configLabel);

/**
 * Colours: native in greys; nested in one hue per guest page size (blue 4K,
 * orange 2M, green 1G), darker for smaller host pages.
 */
export const CONFIG_COLOURS: readonly string[] = [
  "#222222",
  "#6e6e6e",
  "#ababab",
  "#1d4ed8",
  "#5b8def",
  "#a3c0f7",
  "#c2410c",
  "#f0883e",
  "#f7c39b",
  "#15803d",
  "#4cb36b",
  "#a2d9b1",
];

/** The TLB size class of a configuration: the smaller of the guest and host page sizes, e.g. `2M`. */
export function effectivePage(row: LabelFields): string {
  const guest = String(row.guest_page);
  const page = row.mode === "native" ? guest : smallerPage(guest, String(row.host_page));
  return page.toUpperCase();
}
