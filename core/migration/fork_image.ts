/**
 * The parent's memory as a fork's children see it: an immutable
 * copy-on-write image of the fork instant. Internal to the fork run (not
 * re-exported by the package); public for its tests.
 *
 * @module
 */

import type { GuestMemory } from "../mem/guest_memory.ts";

/**
 * The image children fetch from. It shares the parent's frames: a page the
 * parent has not written since the fork is read from the parent's memory.
 * Before the parent's first write to a page (a stunned parent that runs on),
 * the page is copied: the image keeps the copy, the parent writes its own
 * frame (US7313793's copy-on-write parent; VMware Instant Clone's source).
 */
export class ForkImage {
  readonly #parent: GuestMemory;
  readonly #kept: Uint8Array;
  readonly #keptVersion: Uint32Array;
  /** Pages copied for the parent's first writes. */
  copies = 0;

  /** The image of `parent` as it is now (the fork instant). */
  constructor(parent: GuestMemory) {
    this.#parent = parent;
    this.#kept = new Uint8Array(parent.pages);
    this.#keptVersion = new Uint32Array(parent.pages);
  }

  /**
   * The parent is about to write `page`: the image keeps the page's version
   * unless it kept one already.
   * @returns true when the page was copied now
   */
  keep(page: number): boolean {
    if (this.#kept[page] === 1) return false;
    this.#kept[page] = 1;
    this.#keptVersion[page] = this.#parent.version[page];
    this.copies++;
    return true;
  }

  /** The version of `page` in the image. */
  versionOf(page: number): number {
    return this.#kept[page] === 1 ? this.#keptVersion[page] : this.#parent.version[page];
  }
}
