/**
 * Plain, JSON-serialisable configuration of one modelled machine: how
 * translation is done (native or nested), page sizes, table depth, and which
 * caches are on. Kept apart from the model classes and stored with every
 * result.
 *
 * @module
 */

import type { TlbGeometries } from "./cost.ts";

/** How guest virtual addresses become machine addresses. */
export type TranslationMode = "native" | "nested";

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
}
