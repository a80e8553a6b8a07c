/**
 * The written parts of the `large-pages` report: the headline and the
 * reading, computed from the rows.
 *
 * @module
 */

import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { findRow, largest } from "../rows.ts";
import { formatMib } from "../size_format.ts";
import { MODES } from "./point.ts";
import { HOST_TO_GUEST } from "./run.ts";
import { erasePoint, mainSlice, percent, promotionRows } from "./_tables.ts";

/** The finding in one sentence: what opportunistic large pages win, and where fragmentation erases it. */
export function headline(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const r = slice.rows;
  if (r.length === 0) return "No rows to summarise.";
  const share = largest(r, "guest_large_fraction");
  const at = (mode: string, policy: string, fragmentation: number) =>
    findRow(r, { mode, policy, fragmentation, guest_large_fraction: share });
  const lo = Math.min(...r.map((x) => Number(x.fragmentation)));
  const small = at("nested", "4k", lo);
  const large = at("nested", "opportunistic", lo);
  const parts: string[] = [];
  if (small && large) {
    parts.push(
      `${slice.workload} over ${formatMib(slice.footprint)}, guest ${
        percent(share)
      } in 2M pages, nested: opportunistic host large pages cut cycles per access from ${
        formatNumber(Number(small.cycles_per_access))
      } (host 4K) to ${formatNumber(Number(large.cycles_per_access))} on unfragmented memory`,
    );
  }
  const erase = erasePoint(r, "nested", share);
  if (erase !== undefined) {
    parts.push(`below half the memory is backed large from ${percent(erase)} fragmentation on`);
  }
  return parts.length > 0 ? parts.join("; ") + "." : "No comparable rows to summarise.";
}

/** The reading: per mode, what large pages win and lose, and what promotion buys back. */
export function reading(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const r = slice.rows;
  if (r.length === 0) return "No rows.";
  const paragraphs: string[] = [];
  const share = largest(r, "guest_large_fraction");
  const lo = Math.min(...r.map((x) => Number(x.fragmentation)));
  const hi = Math.max(...r.map((x) => Number(x.fragmentation)));
  const cpa = (mode: string, policy: string, f: number, s = share) =>
    Number(
      findRow(r, { mode, policy, fragmentation: f, guest_large_fraction: s })?.cycles_per_access,
    );
  paragraphs.push(
    `Main slice: \`${slice.workload}\` over ${
      formatMib(slice.footprint)
    }, guest RAM rounded up to whole GiB with 1/16 slack, host RAM ${HOST_TO_GUEST}× guest RAM. Fragmentation f breaks f of the host's 2M blocks and f of its 1G blocks with one 4K frame of another tenant each; the guest first touches its whole footprint (deciding the host page sizes), then the other tenants exit, then the workload is warmed up and measured.`,
  );
  for (const mode of MODES) {
    const small = cpa(mode, "4k", lo);
    const opp = cpa(mode, "opportunistic", lo);
    const oppHi = cpa(mode, "opportunistic", hi);
    const smallGuest4k = cpa(mode, "4k", lo, 0);
    const oppGuest4k = cpa(mode, "opportunistic", lo, 0);
    if (![small, opp, oppHi].every(Number.isFinite)) continue;
    const erase = erasePoint(r, mode, share);
    const guest4k = share > 0 && Number.isFinite(smallGuest4k) && Number.isFinite(oppGuest4k)
      ? ` With the guest on 4K pages only, they go from ${formatNumber(smallGuest4k)} to ${
        formatNumber(oppGuest4k)
      }: TLB entries stay 4K, and host large pages can only ${
        mode === "nested"
          ? "shorten the host side of each 2-D walk"
          : "shrink the host's own table (the shadow walk is unchanged)"
      }.`
      : "";
    paragraphs.push(
      `${mode}: with the guest mapping ${
        percent(share)
      } of its memory in 2M pages, opportunistic host large pages bring cycles per access from ${
        formatNumber(small)
      } (host 4K) to ${formatNumber(opp)} at ${percent(lo)} fragmentation.${guest4k} ${
        erase === undefined
          ? "Within the swept range fragmentation never drops the large-backed share below half."
          : `From ${
            percent(erase)
          } fragmentation on, less than half of guest memory finds a whole host 2M block, and at ${
            percent(hi)
          } opportunistic backing costs ${
            formatNumber(oppHi)
          } cycles per access: the gain is erased, every guest 2M page splintered into 4K TLB entries${
            mode === "shadow" ? " and 4K shadow entries" : ""
          }.`
      }`,
    );
  }
  const promo = promotionRows(rows);
  if (promo.length > 0) {
    const best = promo.reduce((a, b) =>
      Number(b.saved_per_access) > Number(a.saved_per_access) ? b : a
    );
    paragraphs.push(
      `Promotion: once the other tenants exit, \`opportunistic+promote\` copies fully backed 2M regions into the freed blocks. At ${
        percent(Number(best.fragmentation))
      } fragmentation (${best.mode}, guest ${
        percent(Number(best.guest_large_fraction))
      } 2M) it promoted ${best.promotions} regions (${
        formatNumber(Number(best.copied_mib))
      } MiB copied, ${
        formatNumber(Number(best.promotion_mcycles), 1)
      } M cycles of copies and invalidations), raising the large-backed share from ${
        percent(Number(best.host_large_before))
      } to ${percent(Number(best.host_large_after))} and saving ${
        formatNumber(Number(best.saved_per_access))
      } cycles per access${
        best.break_even_accesses === undefined
          ? ""
          : `: the copies pay for themselves after ${
            formatNumber(Math.round(Number(best.break_even_accesses)))
          } accesses`
      }. The copy is charged at the profile's page-copy cost (about 500 cycles per 4 KiB page, Vogt et al., Middleware 2015) and each remap at the profile's invalidation estimate; the TLB refills after the flush are modelled, not estimated.`,
    );
  } else {
    paragraphs.push(
      "No promotion happened in the main slice: either memory was never fragmented enough to leave regions on 4K pages, or no whole 2M block was free after the tenants exited.",
    );
  }
  paragraphs.push(
    "Shadow mode here is the shadow platform (core/platforms/shadow_platform.ts) with every strategy, on the first-touch guest: one walk of a table mapping guest-virtual to host-physical, whose entries are large only where guest page and host backing are both large. The guest's tables change only on first touch, so of the strategies only the tagged TLB matters here (fills flush nothing); the cost of keeping shadows in step with page-table writes is the shadow experiment's subject. Fills are charged as hidden-fault exits and happen during the first touch, before measuring.",
  );
  return paragraphs.join("\n\n");
}
