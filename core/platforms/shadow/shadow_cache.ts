/**
 * Strategy `shadow-cache`: shadow tables of recently used guest address
 * spaces are kept, keyed by guest CR3, instead of rebuilt on every switch.
 * The baseline keeps a shadow table only while some vCPU has it loaded.
 *
 * @module
 */

import type { ShadowCore } from "./shadow_core.ts";
import type { ShadowTable } from "./shadow_table.ts";

/** How long a shadow table outlives its last user. */
export interface ShadowRetention {
  /** `shadow`'s last vCPU left it (on `vcpu`'s CR3 load). */
  idle(core: ShadowCore, vcpu: number, shadow: ShadowTable): void;
  /** After a CR3 load on `vcpu`: drop what the policy no longer keeps. */
  evict(core: ShadowCore, vcpu: number): void;
}

/**
 * The baseline: an unused shadow table is dropped at once.
 *
 * @example
 * ```ts
 * import { DropUnused } from "./shadow_cache.ts";
 * const policy = new DropUnused();
 * policy.evict();
 * ```
 */
export class DropUnused implements ShadowRetention {
  /** Drops it. */
  idle(core: ShadowCore, vcpu: number, shadow: ShadowTable): void {
    core.drop(vcpu, shadow);
  }

  /** Nothing is kept, so nothing to evict. */
  evict(): void {}
}

/**
 * The strategy: keep up to `size` idle shadow tables, dropping the least
 * recently loaded beyond that.
 *
 * @example
 * ```ts
 * import { ShadowCache } from "./shadow_cache.ts";
 * if (new ShadowCache(16).size !== 16) throw new Error();
 * ```
 */
export class ShadowCache implements ShadowRetention {
  /** Idle tables kept. */
  readonly size: number;

  /**
   * Creates the cache.
   * @param size idle tables kept
   */
  constructor(size: number) {
    this.size = size;
  }

  /** Kept. */
  idle(): void {}

  /** Drops the least recently loaded idle tables beyond the cache size. */
  evict(core: ShadowCore, vcpu: number): void {
    let idle = 0;
    for (const shadow of core.shadows.values()) if (shadow.users === 0) idle++;
    if (idle <= this.size) return;
    for (const shadow of [...core.shadows.values()]) {
      if (shadow.users !== 0) continue;
      core.drop(vcpu, shadow);
      if (--idle <= this.size) return;
    }
  }
}
