/**
 * Plain, JSON-serialisable configuration of one modelled machine: how
 * translation is done (native or nested), page sizes, table depth, and which
 * caches are on. Kept apart from the model classes and stored with every
 * result.
 *
 * @module
 */

import type { CostModel, Geometry, TlbGeometries } from "./cost.ts";
import {
  type MemoryConfig,
  type ResolvedMemoryConfig,
  resolveMemoryConfig,
} from "./mem/memory_config.ts";

/**
 * How guest virtual addresses become machine addresses. `shadow-composed`:
 * one walk of a shadow table filled from guest table ∘ host map
 * (core/virt/shadow_composed_fill.ts).
 */
export type TranslationMode = "native" | "nested" | "shadow-composed";

/** Page-size names as users write them. */
export type PageSizeName = "4k" | "2m" | "1g";

/** Configuration of the MMU model. `{}` is valid: every field has a default. */
export interface MachineConfig {
  /** `native` (one walk) or `nested` (2-D walk through guest and host tables). Default `native`. */
  mode?: TranslationMode;
  /** Page size the guest (or the native OS) maps data with. Default `4k`. */
  guestPage?: PageSizeName;
  /** Page size the host maps guest-physical memory with (nested only). Default `4k`. */
  hostPage?: PageSizeName;
  /** Radix levels of guest and host tables alike: 4 (48-bit) or 5 (57-bit). Default 4. */
  levels?: 4 | 5;
  /** Page-walk caches for the upper levels on or off. Default on. */
  walkCache?: boolean;
  /** Nested TLB (guest-physical → host-physical) on or off, nested mode only. Default on. */
  nestedTlb?: boolean;
  /** PTE data cache on or off: off sends every walk reference to memory. Default on. */
  pteCache?: boolean;
  /** TLB geometry overrides; levels not given keep the profile's geometry. */
  tlb?: Partial<TlbGeometries>;
  /**
   * Host and guest physical memory with large-page policies (nested and
   * shadow-composed modes; replaces `guestPage` and `hostPage`). Default
   * none in nested mode (fixed page sizes), `{}` in shadow-composed mode.
   */
  memory?: MemoryConfig;
}

/** A {@linkcode MachineConfig} with every default filled in and the TLB geometry resolved. */
export interface ResolvedMachineConfig {
  /** Translation mode. */
  mode: TranslationMode;
  /** Guest (or native OS) page size. */
  guestPage: PageSizeName;
  /** Host page size (meaningful in nested mode). */
  hostPage: PageSizeName;
  /** Radix levels. */
  levels: 4 | 5;
  /** Page-walk caches on. */
  walkCache: boolean;
  /** Nested TLB on. */
  nestedTlb: boolean;
  /** PTE data cache on. */
  pteCache: boolean;
  /** Full TLB geometry. */
  tlb: TlbGeometries;
  /** Physical memory with large-page policies, or null for fixed page sizes. */
  memory: ResolvedMemoryConfig | null;
}

/** Thrown for an invalid machine configuration; the message names the field. */
export class MachineConfigError extends Error {
  /**
   * Creates the error.
   * @param message one line naming the field and the problem
   */
  constructor(message: string) {
    super(message);
    this.name = "MachineConfigError";
  }
}

const MODES: readonly string[] = ["native", "nested", "shadow-composed"];
const PAGES: readonly string[] = ["4k", "2m", "1g"];
const TLB_KEYS: readonly string[] = ["l1_4k", "l1_2m", "l1_1g", "l2"];
const CONFIG_KEYS: readonly string[] = [
  "mode",
  "guestPage",
  "hostPage",
  "levels",
  "walkCache",
  "nestedTlb",
  "pteCache",
  "tlb",
  "memory",
];

function checkGeometry(field: string, value: unknown): Geometry {
  const g = value as Partial<Geometry> | null;
  if (typeof g !== "object" || g === null) {
    throw new MachineConfigError(`field "${field}": expected { entries, ways }`);
  }
  const { entries, ways } = g;
  if (typeof entries !== "number" || !Number.isInteger(entries) || entries < 0) {
    throw new MachineConfigError(
      `field "${field}.entries": expected a non-negative integer, got ${entries}`,
    );
  }
  if (typeof ways !== "number" || !Number.isInteger(ways) || ways < 1) {
    throw new MachineConfigError(`field "${field}.ways": expected a positive integer, got ${ways}`);
  }
  if (entries > 0 && entries % ways !== 0) {
    throw new MachineConfigError(
      `field "${field}": ${ways} ways do not divide ${entries} entries`,
    );
  }
  return { entries, ways };
}

/**
 * Fills in defaults, takes TLB geometry from the cost profile where the
 * configuration does not override it, and validates every field.
 *
 * @example
 * ```ts
 * import { resolveMachineConfig } from "./machine_config.ts";
 * import { getProfile } from "./cost.ts";
 * const config = resolveMachineConfig({ mode: "nested" }, getProfile("intel-skylake-sp"));
 * if (config.levels !== 4 || config.guestPage !== "4k") throw new Error();
 * ```
 * @throws MachineConfigError naming the offending field
 */
export function resolveMachineConfig(
  config: MachineConfig,
  cost: CostModel,
): ResolvedMachineConfig {
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key)) throw new MachineConfigError(`unknown field "${key}"`);
  }
  const mode = config.mode ?? "native";
  if (!MODES.includes(mode)) {
    throw new MachineConfigError(
      `field "mode": expected native, nested or shadow-composed, got "${mode}"`,
    );
  }
  let memory: ResolvedMemoryConfig | null = null;
  if (config.memory !== undefined || mode === "shadow-composed") {
    if (mode === "native") {
      throw new MachineConfigError(`field "memory": needs mode nested or shadow-composed`);
    }
    for (const key of ["guestPage", "hostPage"] as const) {
      if (config[key] !== undefined) {
        throw new MachineConfigError(
          `field "${key}": page sizes come from field "memory" (guestLargeFraction, hostPolicy)`,
        );
      }
    }
    memory = resolveMemoryConfig(config.memory ?? {});
  }
  const guestPage = config.guestPage ?? "4k";
  if (!PAGES.includes(guestPage)) {
    throw new MachineConfigError(`field "guestPage": expected 4k, 2m or 1g, got "${guestPage}"`);
  }
  const hostPage = config.hostPage ?? "4k";
  if (!PAGES.includes(hostPage)) {
    throw new MachineConfigError(`field "hostPage": expected 4k, 2m or 1g, got "${hostPage}"`);
  }
  const levels = config.levels ?? 4;
  if (levels !== 4 && levels !== 5) {
    throw new MachineConfigError(`field "levels": expected 4 or 5, got ${levels}`);
  }
  const flags: Record<string, boolean> = {};
  for (const key of ["walkCache", "nestedTlb", "pteCache"] as const) {
    const value = config[key] ?? true;
    if (typeof value !== "boolean") {
      throw new MachineConfigError(`field "${key}": expected true or false, got ${value}`);
    }
    flags[key] = value;
  }
  const overrides = config.tlb ?? {};
  for (const key of Object.keys(overrides)) {
    if (!TLB_KEYS.includes(key)) {
      throw new MachineConfigError(
        `unknown field "tlb.${key}" (expected ${TLB_KEYS.join(", ")})`,
      );
    }
  }
  const tlb: TlbGeometries = {
    l1_4k: checkGeometry("tlb.l1_4k", overrides.l1_4k ?? cost.tlb.l1_4k),
    l1_2m: checkGeometry("tlb.l1_2m", overrides.l1_2m ?? cost.tlb.l1_2m),
    l1_1g: checkGeometry("tlb.l1_1g", overrides.l1_1g ?? cost.tlb.l1_1g),
    l2: checkGeometry("tlb.l2", overrides.l2 ?? cost.tlb.l2),
  };
  return {
    mode,
    guestPage,
    hostPage,
    levels,
    walkCache: flags.walkCache,
    nestedTlb: flags.nestedTlb,
    pteCache: flags.pteCache,
    tlb,
    memory,
  };
}
