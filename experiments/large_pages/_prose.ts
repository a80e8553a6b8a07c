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
import { erasePoint, mainSlice, percent, promotionRows, tenantsStay } from "./_tables.ts";
import { SAMPLE_ACCESSES, SAMPLE_WARMUP_ACCESSES } from "./_timeline.ts";

/** A span of guest time in minutes, e.g. `9.7 minutes`, `1 minute`. */
function minutes(m: number): string {
  return `${formatNumber(m, 1)} minute${formatNumber(m, 1) === "1" ? "" : "s"}`;
}

/** The finding in one sentence: what opportunistic large pages win, and where fragmentation erases it. */
export function headline(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const r = tenantsStay(slice.rows);
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
      `With ${slice.workload} accesses over ${formatMib(slice.footprint)}, guest ${
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
  const promo = promotionRows(rows);
  const worst = promo.filter((p) => p.mode === "nested" && p.guest_large_fraction === share)
    .sort((a, b) => Number(b.fragmentation) - Number(a.fragmentation))[0];
  if (worst !== undefined && worst.minutes_to_90pct !== undefined) {
    parts.push(
      `once the other tenants leave, promotion at khugepaged's rate takes ${
        minutes(Number(worst.minutes_to_90pct))
      } to put 90 % back on large pages`,
    );
  }
  if (parts.length === 0) return "No comparable rows to summarise.";
  const text = parts.join("; ") + ".";
  // A clause after the first starts lower-case; it can open the finding when a shard lacks the first.
  return text[0].toUpperCase() + text.slice(1);
}

/** The reading: per mode, what large pages win and lose, and what promotion buys back over time. */
export function reading(rows: readonly Row[]): string {
  const slice = mainSlice(rows);
  const all = slice.rows;
  const r = tenantsStay(all);
  if (r.length === 0) return "No rows.";
  const paragraphs: string[] = [];
  const share = largest(r, "guest_large_fraction");
  const lo = Math.min(...r.map((x) => Number(x.fragmentation)));
  const hi = Math.max(...r.map((x) => Number(x.fragmentation)));
  const cpa = (mode: string, policy: string, f: number, s = share) =>
    Number(
      findRow(r, { mode, policy, fragmentation: f, guest_large_fraction: s })?.cycles_per_access,
    );
  const horizon = Math.max(0, ...all.map((x) => Number(x.promotion_seconds ?? 0)));
  paragraphs.push(
    `Main slice: \`${slice.workload}\` over ${
      formatMib(slice.footprint)
    }, guest RAM rounded up to whole GiB with 1/16 slack, host RAM ${HOST_TO_GUEST}× guest RAM. Fragmentation f breaks f of the host's 2M blocks and f of its 1G blocks with one 4K frame of another tenant each. The guest first touches its whole footprint, which decides the host page sizes; then the workload is warmed up and measured. The other tenants stay: their frames stand for unmovable allocations that compaction cannot move (compaction is not modelled), so no block they broke becomes whole again. Page-table pages (host and shadow tables) come from pageblocks of their own, as Linux groups unmovable allocations, so fragmentation does not move them: under a host 4K policy the rows are flat across fragmentation.`,
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
  const stayed = r.filter((x) =>
    x.policy === "opportunistic+promote" && Number(x.host_large_fraction_after_touch) < 1
  );
  if (stayed.length > 0) {
    const promoted = stayed.reduce((n, x) => n + Number(x.promotions ?? 0), 0);
    const failures = stayed.reduce((n, x) => n + Number(x.promotion_alloc_failures ?? 0), 0);
    paragraphs.push(
      `Promotion with the tenants staying: \`opportunistic+promote\` runs a promotion agent, a model of Linux's khugepaged at its default rate (pages_to_scan 4,096, i.e. 8 of guest RAM's 2M regions, every scan_sleep_millisecs 10,000 ms of guest time; alloc_sleep_millisecs 60,000 ms after a failed huge-page allocation; mm/khugepaged.c), for ${
        formatNumber(horizon / 60, 1)
      } minutes of guest time. Where first touch left regions on 4K pages, the host had no whole 2M block left, and none frees up while the tenants stay: over the points with regions on 4K pages it promoted ${promoted} regions and ${failures} passes ended on a failed allocation, each followed by a minute's pause.`,
    );
  }
  const promo = promotionRows(rows);
  if (promo.length > 0) {
    const best = promo.filter((p) =>
      p.guest_large_fraction === share
    ).sort((a, b) =>
      Number(b.fragmentation) - Number(a.fragmentation) ||
      String(a.mode).localeCompare(String(b.mode))
    )[0] ?? promo[0];
    paragraphs.push(
      `Promotion after the tenants exit (the purple lines and the timeline): right after first touch the other tenants exit, as a neighbour VM shutting down, and their blocks become whole. At ${
        percent(Number(best.fragmentation))
      } fragmentation (${best.mode}, guest ${
        percent(Number(best.guest_large_fraction))
      } 2M) the agent promoted ${best.promotions} regions (${
        formatNumber(Number(best.copied_mib))
      } MiB copied) in ${minutes(Number(best.horizon_minutes))}${
        best.minutes_to_90pct === undefined
          ? ""
          : `, 90 % of guest memory on host large pages after ${
            minutes(Number(best.minutes_to_90pct))
          }`
      }: 8 regions (16 MiB) per 10 s pass, in guest-physical order. Cycles per access fall from ${
        formatNumber(Number(best.opportunistic_cpa))
      } (opportunistic, tenants staying) to ${
        formatNumber(Number(best.promote_cpa))
      } after the horizon; averaged over the whole horizon, the slow climb and the copies included, they are ${
        formatNumber(Number(best.horizon_cpa))
      }. The copies (${
        formatNumber(Number(best.promotion_mcycles), 1)
      } M cycles at the profile's page-copy cost, about 500 cycles per 4 KiB page, Vogt et al., Middleware 2015, and a zap per region) run on a host thread beside the guest: ${
        formatNumber(Number(best.agent_percent), 4)
      } % of the guest's time. Each collapse kicks the vCPU out to flush its TLBs (a kick exit, and refills measured in the samples). Not modelled: the guest stalling on a region while it is copied, and compaction.`,
    );
  } else {
    paragraphs.push(
      "No promotion after the tenants exit in the main slice: memory was never fragmented enough to leave regions on 4K pages.",
    );
  }
  paragraphs.push(
    `Time: khugepaged's minutes of guest time do not fit a point's budget if the guest runs every access of them, and compressing guest time to fit (the machine's promotion.timeScale, for sim runs) would run the agent's copies and flushes that many times more often against the guest's work. So here guest time is not scaled (timeScale 1); the guest is sampled: per 10 s scan interval, ${
      formatNumber(SAMPLE_WARMUP_ACCESSES)
    } warm-up accesses (which absorb the refills after a pass's flushes) and ${
      formatNumber(SAMPLE_ACCESSES)
    } measured ones stand for the interval, whose accesses are its time divided by the sample's cycles per access. Rows state this in timeline_interval_s, timeline_sample_accesses and timeline_sample_warmup_accesses; the measured window after the horizon is milliseconds of guest time, in which no pass falls.`,
  );
  paragraphs.push(
    "Shadow mode here is the shadow platform (core/platforms/shadow_platform.ts) with every strategy, on the first-touch guest: one walk of a table mapping guest-virtual to host-physical, whose entries are large only where guest page and host backing are both large. The guest's tables change only on first touch, so of the strategies only the tagged TLB matters here (fills flush nothing); the cost of keeping shadows in step with page-table writes is the shadow experiment's subject. Fills are charged as hidden-fault exits and happen during the first touch, before measuring. A promotion rewrites the shadow entries filled from the region in place.",
  );
  return paragraphs.join("\n\n");
}
