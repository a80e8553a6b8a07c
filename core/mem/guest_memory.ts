/**
 * Guest memory as the state mechanisms see it: no bytes, only a version
 * number per 4 KiB guest page (a write bumps it, a copy copies it) and an
 * access mode per page that decides whether a guest access runs or traps to
 * the hypervisor.
 *
 * Snapshot, restore and migration are checked for lost data by comparing
 * versions: an image must hold, for every page, the version the page had at
 * the instant the mechanism promises.
 *
 * @module
 */

import { ExitReason } from "../base/exit_reason.ts";

/** Per-page access modes, stored in {@linkcode GuestMemory.mode}. */
export const PageMode = {
  /** Reads and writes run without an exit. */
  WRITABLE: 0,
  /** Reads run; a write exits with `WRITE_PROTECT` (snapshot copy-before-write, dirty logging). */
  WRITE_PROTECTED: 1,
  /** Every access exits with `NESTED_FAULT`: the page is not yet in memory (lazy restore). */
  ABSENT: 2,
  /**
   * Dirty logging watches the page: reads run; the first write is logged
   * (with an exit under write protection, in the PML buffer otherwise) and
   * makes the page writable until the log is read again.
   */
  LOGGED: 3,
} as const;

/** One of the values of {@linkcode PageMode}. */
export type PageMode = typeof PageMode[keyof typeof PageMode];

/** Largest number of 4 KiB pages a {@linkcode GuestMemory} may hold: 1 TiB of guest memory. */
export const MAX_GUEST_PAGES = 1 << 28;

/**
 * Versions and access modes of every guest page, in typed arrays. The hot
 * loops of the mechanisms read `version` and `mode` directly; the methods
 * are the same operations for code that is not per access.
 *
 * @example A write-protected page traps; after unprotecting, the write lands
 * ```ts
 * import { GuestMemory } from "./guest_memory.ts";
 * import { ExitReason } from "../base/exit_reason.ts";
 * const mem = new GuestMemory(4);
 * mem.protectAll();
 * if (mem.write(2) !== ExitReason.WRITE_PROTECT) throw new Error("expected a trap");
 * mem.unprotect(2);
 * if (mem.write(2) !== -1 || mem.version[2] !== 1) throw new Error("expected the write to land");
 * ```
 */
export class GuestMemory {
  /** Number of 4 KiB pages. */
  readonly pages: number;
  /** Version of each page: starts at 0, +1 per write (wraps at 2^32). */
  readonly version: Uint32Array;
  /** {@linkcode PageMode} of each page. */
  readonly mode: Uint8Array;
  /**
   * False until {@linkcode GuestMemory.makeAllAbsent} is first called: while
   * it is false no page is absent, so no read can trap.
   */
  mayBeAbsent = false;

  /**
   * Creates a memory whose pages are all writable at version 0.
   *
   * @param pages number of 4 KiB guest pages, 1 to {@linkcode MAX_GUEST_PAGES}.
   */
  constructor(pages: number) {
    if (!Number.isInteger(pages) || pages < 1 || pages > MAX_GUEST_PAGES) {
      throw new RangeError(
        `GuestMemory: pages must be an integer from 1 to ${MAX_GUEST_PAGES}, got ${pages}`,
      );
    }
    this.pages = pages;
    this.version = new Uint32Array(pages);
    this.mode = new Uint8Array(pages);
  }

  /**
   * A guest write to `page`: bumps its version and returns -1, or, when the
   * page's mode forbids the write, changes nothing and returns the
   * {@linkcode ExitReason} of the trap.
   *
   * @example
   * ```ts
   * import { GuestMemory } from "./guest_memory.ts";
   * const mem = new GuestMemory(1);
   * mem.write(0);
   * if (mem.version[0] !== 1) throw new Error();
   * ```
   */
  write(page: number): number {
    const m = this.mode[page];
    if (m === PageMode.WRITABLE) {
      this.version[page] = (this.version[page] + 1) >>> 0;
      return -1;
    }
    return m === PageMode.ABSENT ? ExitReason.NESTED_FAULT : ExitReason.WRITE_PROTECT;
  }

  /**
   * A guest read of `page`: returns -1, or `NESTED_FAULT` when the page is absent.
   *
   * @example
   * ```ts
   * import { GuestMemory } from "./guest_memory.ts";
   * import { ExitReason } from "../base/exit_reason.ts";
   * const mem = new GuestMemory(1);
   * mem.makeAllAbsent();
   * if (mem.read(0) !== ExitReason.NESTED_FAULT) throw new Error();
   * ```
   */
  read(page: number): number {
    return this.mode[page] === PageMode.ABSENT ? ExitReason.NESTED_FAULT : -1;
  }

  /**
   * Write-protects every page (absent pages stay absent).
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(2);
   * mem.protectAll();
   * if (mem.mode[1] !== PageMode.WRITE_PROTECTED) throw new Error();
   * ```
   */
  protectAll(): void {
    const mode = this.mode;
    for (let p = 0; p < mode.length; p++) {
      if (mode[p] === PageMode.WRITABLE) mode[p] = PageMode.WRITE_PROTECTED;
    }
  }

  /**
   * Write-protects one page, unless it is absent.
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(2);
   * mem.protect(1);
   * if (mem.mode[1] !== PageMode.WRITE_PROTECTED || mem.mode[0] !== PageMode.WRITABLE) throw new Error();
   * ```
   */
  protect(page: number): void {
    if (this.mode[page] === PageMode.WRITABLE) this.mode[page] = PageMode.WRITE_PROTECTED;
  }

  /**
   * Makes a write-protected page writable again (an absent page stays absent).
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(1);
   * mem.protect(0);
   * mem.unprotect(0);
   * if (mem.mode[0] !== PageMode.WRITABLE) throw new Error();
   * ```
   */
  unprotect(page: number): void {
    if (this.mode[page] === PageMode.WRITE_PROTECTED) this.mode[page] = PageMode.WRITABLE;
  }

  /**
   * Marks every page absent with version 0: memory about to be restored.
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(1);
   * mem.write(0);
   * mem.makeAllAbsent();
   * if (mem.mode[0] !== PageMode.ABSENT || mem.version[0] !== 0) throw new Error();
   * ```
   */
  makeAllAbsent(): void {
    this.mayBeAbsent = true;
    this.mode.fill(PageMode.ABSENT);
    this.version.fill(0);
  }

  /**
   * Installs a restored page: sets its version (copied from an image) and
   * makes it writable.
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(1);
   * mem.makeAllAbsent();
   * mem.install(0, 7);
   * if (mem.mode[0] !== PageMode.WRITABLE || mem.version[0] !== 7) throw new Error();
   * ```
   */
  install(page: number, version: number): void {
    this.version[page] = version >>> 0;
    this.mode[page] = PageMode.WRITABLE;
  }

  /**
   * Marks one page absent with version 0: its contents are elsewhere (a
   * post-copy destination's page that the source dirtied after sending it).
   *
   * @example
   * ```ts
   * import { GuestMemory, PageMode } from "./guest_memory.ts";
   * const mem = new GuestMemory(2);
   * mem.evict(1);
   * if (mem.mode[1] !== PageMode.ABSENT || mem.mode[0] !== PageMode.WRITABLE) throw new Error();
   * ```
   */
  evict(page: number): void {
    this.mayBeAbsent = true;
    this.mode[page] = PageMode.ABSENT;
    this.version[page] = 0;
  }
}
