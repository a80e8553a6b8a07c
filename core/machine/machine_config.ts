/**
 * The one configuration of a modelled machine, as plain JSON-serialisable
 * data: the platform (by registry name), the guest that runs on it, vCPUs,
 * table depth, page sizes, TLB geometry and caches, large-page memory and
 * the platform's own options. Validated once into a
 * {@linkcode ResolvedMachineConfig} that is stored with every result; a
 * combination that cannot mean anything is a one-line error naming the
 * field, and no field is accepted that the machine would not use.
 *
 * @module
 */

import { MachineConfigError } from "../base/config_error.ts";
import type { PageSizeName } from "../base/page_size.ts";
import type { CostModel, Geometry, TlbGeometries } from "../cost/cost_model.ts";
import {
  type MemoryConfig,
  type ResolvedMemoryConfig,
  resolveMemoryConfig,
} from "../mapping/memory_config.ts";
import type { ResolvedShadowConfig } from "../platforms/platform_kind.ts";
import { PLATFORM_NAMES, PLATFORMS } from "../platforms/registry.ts";
import { resolveShadowConfig, type ShadowConfig } from "../platforms/shadow/shadow_config.ts";

export { MachineConfigError };

export type { PageSizeName } from "../base/page_size.ts";

/**
 * The guest that runs: `first-touch`, one address space whose pages are
 * there from the start (materialised for free on first touch) and never
 * change — the translation-only model of trace-driven simulation; or `os`,
 * the guest OS model (processes, demand paging, fork, munmap, context
 * switches, shootdowns), whose faults and flushes are charged.
 */
export type GuestKind = "first-touch" | "os";

/** Configuration of a machine. `{}` is valid: every field has a default. */
export interface MachineConfig {
  /** A platform of the registry: `native`, `nested` or `shadow`. Default `native`. */
  platform?: string;
  /** The guest: `first-touch` or `os`. Default `first-touch`. */
  guest?: GuestKind;
  /** vCPUs, 1 to 64. Default 1. */
  vcpus?: number;
  /** Radix levels of every table: 4 (48-bit) or 5 (57-bit). Default 4. */
  levels?: 4 | 5;
  /** Page size the guest maps its memory with. Default `4k`. */
  guestPage?: PageSizeName;
  /** Page size the host backs guest memory with (platforms with a host layer). Default `4k`. */
  hostPage?: PageSizeName;
  /** Page-walk caches for the upper levels on or off. Default on. */
  walkCache?: boolean;
  /** Nested TLB (guest-physical → host-physical) on or off (nested paging). Default on. */
  nestedTlb?: boolean;
  /** PTE data cache on or off: off sends every walk reference to memory. Default on. */
  pteCache?: boolean;
  /** TLB geometry overrides; levels not given keep the profile's geometry. */
  tlb?: Partial<TlbGeometries>;
  /**
   * Guest and host physical memory of a fixed size with large-page policies
   * (replaces `guestPage` and `hostPage`): guest 2M pages where the guest
   * chooses and can, host large pages by policy, fragmentation of both.
   * Natively only the guest's fields apply.
   */
  memory?: MemoryConfig;
  /** Shadow-paging options (the shadow platform). Default the baseline strategies. */
  shadow?: ShadowConfig;
  /** Whether the guest OS tags address spaces with PCIDs (the `os` guest). Default true. */
  pcid?: boolean;
  /**
   * Guest-physical memory whose contents the machine tracks, in 4 KiB pages:
   * a version and an access mode per page, the memory a snapshot, migration
   * or replication moves and dirty logging watches. Needs a host layer.
   * Default 0: none.
   */
  guestMemoryPages?: number;
  /** How the hypervisor logs dirty pages of that memory. Default write protection. */
  dirtyLog?: DirtyLogConfig;
}

/** The dirty-logging methods. */
export type DirtyLogMethod = "write-protect" | "pml";
/** Names of the dirty-logging methods. */
export const DIRTY_LOG_METHODS: readonly DirtyLogMethod[] = ["write-protect", "pml"];

/** How a machine logs dirty pages. */
export interface DirtyLogConfig {
  /**
   * `write-protect`: the first write to a page after the log was read exits
   * (`write_protect`), is logged and unprotected. `pml`: the processor logs
   * the page in the vCPU's page-modification log without an exit, and exits
   * (`pml_full`) when the log's entries are used up (Intel PML). Default
   * `write-protect`.
   */
  method?: DirtyLogMethod;
  /** Entries of a vCPU's page-modification log. Default 512: Intel PML's 4 KiB buffer of 8-byte GPAs. */
  pmlEntries?: number;
}

/** A {@linkcode DirtyLogConfig} with its defaults. */
export interface ResolvedDirtyLogConfig {
  /** The method. */
  method: DirtyLogMethod;
  /** Entries of each vCPU's page-modification log. */
  pmlEntries: number;
}

/** A {@linkcode MachineConfig} with every default filled in. */
export interface ResolvedMachineConfig {
  /** Platform name. */
  platform: string;
  /** The guest. */
  guest: GuestKind;
  /** vCPUs. */
  vcpus: number;
  /** Radix levels. */
  levels: 4 | 5;
  /** Guest page size (with `memory`: `4k`, large pages coming from `memory.guestLargeFraction`). */
  guestPage: PageSizeName;
  /** Host page size, or null without a host layer (with `memory`: `4k`, large pages by policy). */
  hostPage: PageSizeName | null;
  /** Page-walk caches on. */
  walkCache: boolean;
  /** Nested TLB on (false without one). */
  nestedTlb: boolean;
  /** PTE data cache on. */
  pteCache: boolean;
  /** Full TLB geometry. */
  tlb: TlbGeometries;
  /** Physical memory with large-page policies, or null for fixed page sizes. */
  memory: ResolvedMemoryConfig | null;
  /** Shadow options, on the shadow platform; else null. */
  shadow: ResolvedShadowConfig | null;
  /** Guest PCIDs (the `os` guest); null for the first-touch guest. */
  pcid: boolean | null;
  /** Tracked guest memory (4 KiB pages), 0 for none. */
  guestMemoryPages: number;
  /** Dirty logging of the tracked memory, or null without tracked memory. */
  dirtyLog: ResolvedDirtyLogConfig | null;
}

const PAGES: readonly string[] = ["4k", "2m", "1g"];
const GUESTS: readonly string[] = ["first-touch", "os"];
const TLB_KEYS: readonly string[] = ["l1_4k", "l1_2m", "l1_1g", "l2"];
const CONFIG_KEYS: readonly string[] = [
  "platform",
  "guest",
  "vcpus",
  "levels",
  "guestPage",
  "hostPage",
  "walkCache",
  "nestedTlb",
  "pteCache",
  "tlb",
  "memory",
  "shadow",
  "pcid",
  "guestMemoryPages",
  "dirtyLog",
];
/** Memory fields about the host, which a platform without a host layer cannot use. */
const HOST_MEMORY_KEYS: readonly string[] = ["hostPolicy", "fragmentation", "hostMemoryMib"];

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

function pageName(field: string, value: unknown): PageSizeName {
  if (typeof value !== "string" || !PAGES.includes(value)) {
    throw new MachineConfigError(`field "${field}": expected 4k, 2m or 1g, got "${value}"`);
  }
  return value as PageSizeName;
}

/**
 * Fills in defaults, takes TLB geometry from the cost profile where the
 * configuration does not override it, and validates every field against the
 * platform and guest chosen.
 *
 * @example
 * ```ts
 * import { resolveMachineConfig } from "./machine_config.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * import assert from "node:assert/strict";
 * const cost = getProfile("intel-skylake-sp");
 * const config = resolveMachineConfig({ platform: "nested" }, cost);
 * assert.equal(config.levels, 4);
 * assert.equal(config.guest, "first-touch");
 * assert.throws(() => resolveMachineConfig({ platform: "native", hostPage: "2m" }, cost), {
 *   message: 'field "hostPage": platform native has no host layer',
 * });
 * ```
 * @throws MachineConfigError naming the offending field
 */
export function resolveMachineConfig(
  config: MachineConfig,
  cost: CostModel,
): ResolvedMachineConfig {
  if (typeof config !== "object" || config === null) {
    throw new MachineConfigError("a machine configuration must be an object");
  }
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key)) throw new MachineConfigError(`unknown field "${key}"`);
  }
  const platform = config.platform ?? "native";
  if (typeof platform !== "string" || !Object.hasOwn(PLATFORMS, platform)) {
    throw new MachineConfigError(
      `field "platform": expected ${PLATFORM_NAMES.join(", ")}, got "${platform}"`,
    );
  }
  const kind = PLATFORMS[platform];
  const guest = config.guest ?? "first-touch";
  if (!GUESTS.includes(guest)) {
    throw new MachineConfigError(`field "guest": expected first-touch or os, got "${guest}"`);
  }
  const vcpus = config.vcpus ?? 1;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > 64) {
    throw new MachineConfigError(`field "vcpus": expected an integer from 1 to 64, got ${vcpus}`);
  }
  const levels = config.levels ?? 4;
  if (levels !== 4 && levels !== 5) {
    throw new MachineConfigError(`field "levels": expected 4 or 5, got ${levels}`);
  }
  if (!kind.hostLayer && config.hostPage !== undefined) {
    throw new MachineConfigError(`field "hostPage": platform ${platform} has no host layer`);
  }
  if (!kind.nestedTlb && config.nestedTlb !== undefined) {
    throw new MachineConfigError(`field "nestedTlb": platform ${platform} has no nested TLB`);
  }
  if (!kind.shadowOptions && config.shadow !== undefined) {
    throw new MachineConfigError(`field "shadow": needs platform shadow, got ${platform}`);
  }
  if (guest !== "os" && config.pcid !== undefined) {
    throw new MachineConfigError(`field "pcid": PCIDs are the guest OS's (guest "os")`);
  }
  let memory: ResolvedMemoryConfig | null = null;
  if (config.memory !== undefined) {
    for (const key of ["guestPage", "hostPage"] as const) {
      if (config[key] !== undefined) {
        throw new MachineConfigError(
          `field "${key}": page sizes come from field "memory" (guestLargeFraction, hostPolicy)`,
        );
      }
    }
    if (!kind.hostLayer && typeof config.memory === "object" && config.memory !== null) {
      for (const key of HOST_MEMORY_KEYS) {
        if (key in config.memory) {
          throw new MachineConfigError(
            `field "memory.${key}": platform ${platform} has no host layer`,
          );
        }
      }
    }
    memory = resolveMemoryConfig(config.memory);
  }
  const guestPage = pageName("guestPage", config.guestPage ?? "4k");
  const hostPage = kind.hostLayer ? pageName("hostPage", config.hostPage ?? "4k") : null;
  const flags: Record<string, boolean> = {};
  for (const key of ["walkCache", "nestedTlb", "pteCache"] as const) {
    const value = config[key] ?? true;
    if (typeof value !== "boolean") {
      throw new MachineConfigError(`field "${key}": expected true or false, got ${value}`);
    }
    flags[key] = value;
  }
  const pcid = guest === "os" ? config.pcid ?? true : null;
  if (pcid !== null && typeof pcid !== "boolean") {
    throw new MachineConfigError(`field "pcid": expected true or false, got ${pcid}`);
  }
  const overrides = config.tlb ?? {};
  if (typeof overrides !== "object" || overrides === null) {
    throw new MachineConfigError(`field "tlb": expected an object`);
  }
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
  const guestMemoryPages = config.guestMemoryPages ?? 0;
  if (
    typeof guestMemoryPages !== "number" || !Number.isInteger(guestMemoryPages) ||
    guestMemoryPages < 0 || guestMemoryPages > 2 ** 28
  ) {
    throw new MachineConfigError(
      `field "guestMemoryPages": expected an integer from 0 to 2^28 (1 TiB), got ${guestMemoryPages}`,
    );
  }
  if (guestMemoryPages > 0 && !kind.hostLayer) {
    throw new MachineConfigError(
      `field "guestMemoryPages": platform ${platform} has no hypervisor to track guest memory`,
    );
  }
  if (config.dirtyLog !== undefined && guestMemoryPages === 0) {
    throw new MachineConfigError(
      `field "dirtyLog": needs tracked memory (field "guestMemoryPages")`,
    );
  }
  const dirtyLog = guestMemoryPages > 0 ? resolveDirtyLog(config.dirtyLog ?? {}) : null;
  return {
    platform,
    guest: guest as GuestKind,
    vcpus,
    levels,
    guestPage,
    hostPage,
    walkCache: flags.walkCache,
    nestedTlb: kind.nestedTlb && flags.nestedTlb,
    pteCache: flags.pteCache,
    tlb,
    memory,
    shadow: kind.shadowOptions ? resolveShadowConfig(config.shadow ?? {}) : null,
    pcid,
    guestMemoryPages,
    dirtyLog,
  };
}

function resolveDirtyLog(config: DirtyLogConfig): ResolvedDirtyLogConfig {
  if (typeof config !== "object" || config === null) {
    throw new MachineConfigError(`field "dirtyLog": expected { method, pmlEntries }`);
  }
  for (const key of Object.keys(config)) {
    if (key !== "method" && key !== "pmlEntries") {
      throw new MachineConfigError(`unknown field "dirtyLog.${key}" (expected method, pmlEntries)`);
    }
  }
  const method = config.method ?? "write-protect";
  if (!DIRTY_LOG_METHODS.includes(method)) {
    throw new MachineConfigError(
      `field "dirtyLog.method": expected ${DIRTY_LOG_METHODS.join(" or ")}, got "${method}"`,
    );
  }
  if (method !== "pml" && config.pmlEntries !== undefined) {
    throw new MachineConfigError(`field "dirtyLog.pmlEntries": needs method "pml"`);
  }
  const pmlEntries = config.pmlEntries ?? 512;
  if (!Number.isInteger(pmlEntries) || pmlEntries < 1 || pmlEntries > 65536) {
    throw new MachineConfigError(
      `field "dirtyLog.pmlEntries": expected an integer from 1 to 65536, got ${pmlEntries}`,
    );
  }
  return { method, pmlEntries };
}
