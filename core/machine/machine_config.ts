/**
 * The one configuration of a modelled machine, as plain JSON-serialisable
 * data: the platform (by registry name), the guest that runs on it, vCPUs,
 * table depth, page sizes, TLB geometry and caches, large-page memory and
 * the platform's own options, declared field by field in
 * {@linkcode MACHINE_CONFIG_FIELDS}. Validated once into a
 * {@linkcode ResolvedMachineConfig} that is stored with every result; a
 * combination that cannot mean anything is a one-line error naming the
 * field, and no field is accepted that the machine would not use.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  validateConfig,
} from "../base/config_fields.ts";
import { PAGE_SIZE_NAMES, type PageSizeName } from "../base/page_size.ts";
import {
  checkGeometry,
  type CostModel,
  GEOMETRY_FIELDS,
  type TlbGeometries,
} from "../cost/cost_model.ts";
import {
  checkMemoryConfig,
  MEMORY_CONFIG_FIELDS,
  type ResolvedMemoryConfig,
} from "../mapping/memory_config.ts";
import type { ResolvedShadowConfig } from "../platforms/platform_kind.ts";
import { PLATFORM_NAMES, PLATFORMS } from "../platforms/registry.ts";
import { checkShadowConfig, SHADOW_CONFIG_FIELDS } from "../platforms/shadow/shadow_config.ts";

export type { PageSizeName };

/** The guests: see the field `guest` of {@linkcode MACHINE_CONFIG_FIELDS}. */
export const GUEST_KINDS = ["first-touch", "os"] as const;

/** The guest that runs: `first-touch` or `os`. */
export type GuestKind = typeof GUEST_KINDS[number];

/** Names of the dirty-logging methods. */
export const DIRTY_LOG_METHODS = ["write-protect", "pml"] as const;

/** A dirty-logging method. */
export type DirtyLogMethod = typeof DIRTY_LOG_METHODS[number];

/** The rule of dirty logging: a log size means a page-modification log. */
const checkDirtyLog: ObjectCheck = (values, given, fail) => {
  if (values.method !== "pml" && given.pmlEntries !== undefined) {
    fail("pmlEntries", `needs method "pml", got method ${JSON.stringify(values.method)}`);
  }
};

/** The fields of a {@linkcode DirtyLogConfig}. */
export const DIRTY_LOG_FIELDS = {
  method: {
    kind: "enum",
    values: DIRTY_LOG_METHODS,
    default: "write-protect",
    description:
      "write-protect: the first write to a page after the log was read exits (write_protect), is logged and unprotected; pml: the processor logs the page in the vCPU's page-modification log without an exit, and exits (pml_full) when the log is full (Intel PML)",
  },
  pmlEntries: {
    kind: "integer",
    min: 1,
    max: 65536,
    default: 512,
    unit: "entries",
    description:
      "entries of a vCPU's page-modification log; 512 is Intel PML's 4 KiB buffer of 8-byte addresses",
  },
} as const satisfies ConfigFields;

/** How a machine logs dirty pages. `{}` is valid: write protection. */
export type DirtyLogConfig = ConfigInput<typeof DIRTY_LOG_FIELDS>;

/** A {@linkcode DirtyLogConfig} with its defaults. */
export type ResolvedDirtyLogConfig = ConfigValues<typeof DIRTY_LOG_FIELDS>;

const TLB_FIELDS = {
  l1_4k: {
    kind: "object",
    fields: GEOMETRY_FIELDS,
    check: checkGeometry,
    description: "L1 data TLB for 4 KiB pages",
  },
  l1_2m: {
    kind: "object",
    fields: GEOMETRY_FIELDS,
    check: checkGeometry,
    description: "L1 data TLB for 2 MiB pages",
  },
  l1_1g: {
    kind: "object",
    fields: GEOMETRY_FIELDS,
    check: checkGeometry,
    description: "L1 data TLB for 1 GiB pages",
  },
  l2: {
    kind: "object",
    fields: GEOMETRY_FIELDS,
    check: checkGeometry,
    description: "unified second-level TLB",
  },
} as const satisfies ConfigFields;

/**
 * The fields of a {@linkcode MachineConfig}: kind, range, default, unit and
 * description of each. Rules that relate them (what a platform or guest can
 * use) are {@linkcode resolveMachineConfig}'s.
 */
export const MACHINE_CONFIG_FIELDS = {
  platform: {
    kind: "enum",
    values: PLATFORM_NAMES,
    default: "native",
    description:
      "the platform: native (no hypervisor), nested (2-D walks through guest and host tables) or shadow (shadow page tables)",
  },
  guest: {
    kind: "enum",
    values: GUEST_KINDS,
    default: "first-touch",
    description:
      "the guest: first-touch, one address space whose pages are there from the start (materialised for free on first touch) and never change, the translation-only model of trace-driven simulation; or os, the guest OS model (processes, demand paging, fork, munmap, context switches, shootdowns), whose faults and flushes are charged",
  },
  vcpus: {
    kind: "integer",
    min: 1,
    max: 64,
    default: 1,
    description: "vCPUs, each with its own TLBs and walk caches",
  },
  levels: {
    kind: "enum",
    values: [4, 5],
    default: 4,
    description: "radix levels of every table: 4 (48-bit addresses) or 5 (57-bit)",
  },
  guestPage: {
    kind: "enum",
    values: PAGE_SIZE_NAMES,
    default: "4k",
    description: "page size the guest maps its memory with",
  },
  hostPage: {
    kind: "enum",
    values: PAGE_SIZE_NAMES,
    default: "4k",
    description: "page size the host backs guest memory with (platforms with a host layer)",
  },
  walkCache: {
    kind: "boolean",
    default: true,
    description: "page-walk caches for the upper levels",
  },
  nestedTlb: {
    kind: "boolean",
    default: true,
    description: "nested TLB (guest-physical → host-physical) for 2-D walks (nested paging)",
  },
  pteCache: {
    kind: "boolean",
    default: true,
    description:
      "caching of walk references: with caches off, the PTE data cache; with caches on, whether page-table entries go through the cache hierarchy; off sends every walk reference to memory",
  },
  caches: {
    kind: "boolean",
    default: true,
    description:
      "the cache hierarchy of the cost profile (per-vCPU L1D and L2, a last-level cache the vCPUs share, DRAM), which every data access and walk reference goes through; off is the translation-only model: data accesses are not charged and walk references use the PTE cache",
  },
  tlb: {
    kind: "object",
    fields: TLB_FIELDS,
    defaultText: "the cost profile's",
    description: "TLB geometry; levels and fields not given keep the cost profile's",
  },
  memory: {
    kind: "object",
    fields: MEMORY_CONFIG_FIELDS,
    check: checkMemoryConfig,
    description:
      "guest and host physical memory of a fixed size with large-page policies, in place of guestPage and hostPage; without a host layer only the guest's fields apply",
  },
  shadow: {
    kind: "object",
    fields: SHADOW_CONFIG_FIELDS,
    check: checkShadowConfig,
    default: {},
    description: "shadow-paging options (platform shadow)",
  },
  pcid: {
    kind: "boolean",
    default: true,
    description: "whether the guest OS tags address spaces with PCIDs (guest os)",
  },
  guestMemoryPages: {
    kind: "integer",
    min: 0,
    max: 2 ** 28,
    default: 0,
    unit: "4 KiB pages",
    description:
      "guest-physical memory whose contents the machine tracks (a version and an access mode per page): what a snapshot, migration or replication moves and dirty logging watches; needs a host layer",
  },
  dirtyLog: {
    kind: "object",
    fields: DIRTY_LOG_FIELDS,
    check: checkDirtyLog,
    default: {},
    description: "how the hypervisor logs dirty pages of the tracked memory",
  },
} as const satisfies ConfigFields;

/** Configuration of a machine as users write it. `{}` is valid: every field has a default. */
export type MachineConfig = ConfigInput<typeof MACHINE_CONFIG_FIELDS>;

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
  /** PTE data cache on (with caches on: walk references cached). */
  pteCache: boolean;
  /** The cache hierarchy on: data accesses and walk references go through it. */
  caches: boolean;
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

/** Memory fields about the host, which a platform without a host layer cannot use. */
const HOST_MEMORY_KEYS: readonly string[] = [
  "hostPolicy",
  "fragmentation",
  "hostMemoryMib",
  "promotion",
];

/** The rules of a machine: no field the platform or guest chosen could not use. */
const checkMachine: ObjectCheck = (values, given, fail) => {
  const platform = values.platform as string;
  const kind = PLATFORMS[platform];
  if (!kind.hostLayer && given.hostPage !== undefined) {
    fail("hostPage", `platform ${platform} has no host layer`);
  }
  if (!kind.nestedTlb && given.nestedTlb !== undefined) {
    fail("nestedTlb", `platform ${platform} has no nested TLB`);
  }
  if (!kind.shadowOptions && given.shadow !== undefined) {
    fail("shadow", `needs platform shadow, got platform ${platform}`);
  }
  if (values.guest !== "os" && given.pcid !== undefined) {
    fail("pcid", `PCIDs are the guest OS's: needs guest "os", got guest "${values.guest}"`);
  }
  const memory = given.memory as Record<string, unknown> | undefined;
  if (memory !== undefined) {
    for (const key of ["guestPage", "hostPage"]) {
      if (given[key] !== undefined) {
        fail(key, `cannot go with field "memory", whose large-page policies set the page sizes`);
      }
    }
    for (const key of HOST_MEMORY_KEYS) {
      if (!kind.hostLayer && memory[key] !== undefined) {
        fail(`memory.${key}`, `platform ${platform} has no host layer`);
      }
    }
  }
  if ((values.guestMemoryPages as number) > 0 && !kind.hostLayer) {
    fail(
      "guestMemoryPages",
      `platform ${platform} has no hypervisor to track guest memory`,
    );
  }
  if (given.dirtyLog !== undefined && values.guestMemoryPages === 0) {
    fail("dirtyLog", `needs tracked memory (field "guestMemoryPages")`);
  }
};

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
 *   message: 'Cannot use machine config: field "hostPage": platform native has no host layer',
 * });
 * ```
 * @throws {ConfigError} naming the offending field
 */
export function resolveMachineConfig(
  config: MachineConfig,
  cost: CostModel,
): ResolvedMachineConfig {
  const v = validateConfig(MACHINE_CONFIG_FIELDS, config, {
    component: "machine config",
    defaults: { tlb: cost.tlb },
    check: checkMachine,
  });
  const kind = PLATFORMS[v.platform];
  return {
    platform: v.platform,
    guest: v.guest,
    vcpus: v.vcpus,
    levels: v.levels,
    guestPage: v.guestPage,
    hostPage: kind.hostLayer ? v.hostPage : null,
    walkCache: v.walkCache,
    nestedTlb: kind.nestedTlb && v.nestedTlb,
    pteCache: v.pteCache,
    caches: v.caches,
    tlb: v.tlb as TlbGeometries,
    memory: v.memory ?? null,
    shadow: kind.shadowOptions ? v.shadow as ResolvedShadowConfig : null,
    pcid: v.guest === "os" ? v.pcid : null,
    guestMemoryPages: v.guestMemoryPages,
    dirtyLog: v.guestMemoryPages > 0 ? v.dirtyLog : null,
  };
}
