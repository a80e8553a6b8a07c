/**
 * The grids of the `migration` experiment: every method variant (the lines
 * of the plots) × link × memory size × dirty rate (below and above the
 * link's bandwidth) × writable working set (one that fits the link's
 * bandwidth × the downtime limit, one that does not), plus a few runs whose
 * link fails part-way.
 *
 * @module
 */

import { MIGRATION_OPTIONS_FIELDS } from "../../core/migration/migration_params.ts";
import { LINK_PROFILES } from "../../core/transfer/link_profile.ts";
import type { TypedGrids } from "../define_experiment.ts";
import type { MigrationPoint } from "./point.ts";

/** The fields of a point that choose the method and its options: what one line of the plots fixes. */
export type Variant = Pick<
  MigrationPoint,
  "method" | "stop_rule" | "auto_converge" | "preempt" | "dirty_log"
>;

const NO_OPTIONS = {
  stop_rule: "none",
  auto_converge: false,
  preempt: false,
  dirty_log: "none",
} as const;
const QEMU_PRECOPY = {
  stop_rule: "qemu",
  auto_converge: false,
  preempt: false,
  dirty_log: "write-protect",
} as const;

/** The method variants, by the name the report gives their line. */
export const VARIANTS = {
  "stop-and-copy": { method: "stop-and-copy", ...NO_OPTIONS },
  "pre-copy": { method: "pre-copy", ...QEMU_PRECOPY },
  "pre-copy-auto-converge": { method: "pre-copy", ...QEMU_PRECOPY, auto_converge: true },
  "pre-copy-pml": { method: "pre-copy", ...QEMU_PRECOPY, dirty_log: "pml" },
  "pre-copy-xen": { method: "pre-copy", ...QEMU_PRECOPY, stop_rule: "xen" },
  "pre-copy-xen-legacy": { method: "pre-copy", ...QEMU_PRECOPY, stop_rule: "xen-legacy" },
  "post-copy": { method: "post-copy", ...NO_OPTIONS },
  "post-copy-preempt": { method: "post-copy", ...NO_OPTIONS, preempt: true },
  hybrid: { method: "hybrid", ...QEMU_PRECOPY },
} as const satisfies Readonly<Record<string, Variant>>;

/** A method variant's name. */
export type VariantName = keyof typeof VARIANTS;

/** The variant names, in legend order. */
export const VARIANT_NAMES: readonly VariantName[] = Object.keys(VARIANTS) as VariantName[];

/** The downtime limit of the qemu stop rule the grid keeps (ms): the option's default. */
export const DOWNTIME_LIMIT_MS: number = MIGRATION_OPTIONS_FIELDS.downtimeLimitMs.default;

/** Writable working sets the grid picks from (fractions of memory). */
const WWS_LADDER = [0.005, 0.02, 0.1, 0.5, 1] as const;

/**
 * Memory a link moves within the downtime limit, as a fraction of
 * `memoryGib`: a writable working set above it keeps pre-copy under the
 * qemu rule from converging once the guest dirties faster than the link
 * sends.
 */
export function fitsInLimit(link: string, memoryGib: number): number {
  return LINK_PROFILES[link].bytesPerSecond * DOWNTIME_LIMIT_MS / 1000 / (memoryGib * 2 ** 30);
}

/**
 * The two writable working sets of a link and memory size: the largest of
 * the ladder that fits in the link's bandwidth × the downtime limit, and the
 * smallest that does not (either may be missing).
 */
export function wwsPair(link: string, memoryGib: number): number[] {
  const fits = fitsInLimit(link, memoryGib);
  const below = WWS_LADDER.filter((w) => w < fits).at(-1);
  const above = WWS_LADDER.find((w) => w > fits);
  return [below, above].filter((w): w is (typeof WWS_LADDER)[number] => w !== undefined);
}

/** A link's bandwidth in MiB/s. */
export function linkMibS(link: string): number {
  return LINK_PROFILES[link].bytesPerSecond / 2 ** 20;
}

/** `x` to two significant digits: grid rates read as round numbers. */
function twoDigits(x: number): number {
  const scale = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.round(x / scale) * scale;
}

/** Dirty rates of a link: `factors` × its bandwidth, to two significant digits (MiB/s). */
export function ratesOf(link: string, factors: readonly number[]): number[] {
  return factors.map((k) => twoDigits(k * linkMibS(link)));
}

/** What varies between the quick and the full grid. */
interface GridShape {
  links: readonly string[];
  memoriesGib: readonly number[];
  /** Dirty rates as multiples of the link's bandwidth. */
  rateFactors: readonly number[];
  variants: readonly VariantName[];
  forks: ForkShape;
}

/** The guest of the link-failure runs: 1 GiB on 10 GbE, half the link's bandwidth, a small writable working set. */
export const FAILURE_GUEST = { link: "10gbe", memory_gib: 1, wws_fraction: 0.1 } as const;

/** The methods whose runs have their link fail. */
export const FAILURE_VARIANTS: readonly VariantName[] = [
  "stop-and-copy",
  "pre-copy",
  "post-copy",
  "hybrid",
];

/**
 * When the link of the link-failure runs fails (ms): halfway through the
 * time one pass over memory takes, so during pre-copy's first round, during
 * stop-and-copy's pause, and during post-copy's background push.
 */
export const FAILURE_MS: number = Math.round(
  FAILURE_GUEST.memory_gib * 2 ** 30 / LINK_PROFILES[FAILURE_GUEST.link].bytesPerSecond * 500,
);

/** The fork fields of a migration point. */
const NOT_A_FORK = { children: 0, placement: "none", prefetch: false, multicast: false } as const;

/** Memory of a fork's parent (GiB): a small server, as the migrations' smaller guest. */
export const FORK_MEMORY_GIB = 1;

/** What varies between the quick and the full grid's forks. */
interface ForkShape {
  children: readonly number[];
  /** `local`, or the link of remote children. */
  places: readonly string[];
  /** Also a multicast run of each remote point without prefetch. */
  multicast: boolean;
}

/** Forks of a 1 GiB parent: children × placement (and link) × prefetch. */
function forkPoints(shape: ForkShape): MigrationPoint[] {
  const points: MigrationPoint[] = [];
  for (const place of shape.places) {
    const remote = place !== "local";
    for (const children of shape.children) {
      const casts = remote && shape.multicast ? [false, true] : [false];
      for (const multicast of casts) {
        for (const prefetch of multicast ? [false] : [false, true]) {
          points.push({
            phase: "fork",
            method: "fork",
            ...NO_OPTIONS,
            link: remote ? place : "none",
            memory_gib: FORK_MEMORY_GIB,
            dirty_rate_mib_s: 0,
            wws_fraction: 0,
            link_fail_ms: 0,
            children,
            placement: remote ? "remote" : "local",
            prefetch,
            multicast,
          });
        }
      }
    }
  }
  return points;
}

function failurePoints(): MigrationPoint[] {
  const { link, memory_gib, wws_fraction } = FAILURE_GUEST;
  return FAILURE_VARIANTS.map((v) => ({
    phase: "migrate",
    ...VARIANTS[v],
    link,
    memory_gib,
    dirty_rate_mib_s: ratesOf(link, [0.5])[0],
    wws_fraction,
    link_fail_ms: FAILURE_MS,
    ...NOT_A_FORK,
  }));
}

function buildGrid(shape: GridShape): MigrationPoint[] {
  const points: MigrationPoint[] = [];
  for (const link of shape.links) {
    for (const memory_gib of shape.memoriesGib) {
      for (const wws_fraction of wwsPair(link, memory_gib)) {
        for (const dirty_rate_mib_s of ratesOf(link, shape.rateFactors)) {
          for (const v of shape.variants) {
            points.push({
              phase: "migrate",
              ...VARIANTS[v],
              link,
              memory_gib,
              dirty_rate_mib_s,
              wws_fraction,
              link_fail_ms: 0,
              ...NOT_A_FORK,
            });
          }
        }
      }
    }
  }
  return [...points, ...failurePoints(), ...forkPoints(shape.forks)];
}

/** The variants of the quick grid: all but Xen's legacy rule. */
const QUICK_VARIANTS = VARIANT_NAMES.filter((v) => v !== "pre-copy-xen-legacy");

// A 1 GiB run costs about half a second of wall time, most of it measuring
// translation per access on both hosts, so the quick grid keeps to one link
// and memory size and three rates: a quarter of the link's bandwidth, the
// bandwidth, four times it.

/** The quick and full grids of the `migration` experiment. */
export const MIGRATION_GRIDS: TypedGrids<MigrationPoint> = {
  quick: buildGrid({
    links: ["10gbe"],
    memoriesGib: [1],
    rateFactors: [0.25, 1, 4],
    variants: QUICK_VARIANTS,
    forks: { children: [1, 4, 16], places: ["local", "1gbe", "10gbe"], multicast: false },
  }),
  full: buildGrid({
    links: ["1gbe", "10gbe", "25gbe"],
    memoriesGib: [1, 4],
    rateFactors: [0.25, 0.5, 1, 2, 4],
    variants: VARIANT_NAMES,
    forks: {
      children: [1, 4, 16, 64],
      places: ["local", "1gbe", "10gbe", "25gbe"],
      multicast: true,
    },
  }),
  default: "quick",
};
