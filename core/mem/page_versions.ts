/**
 * What the lab keeps of memory contents: a version number per 4 KiB frame of
 * host-physical memory, bumped by every write that lands in the frame and
 * copied when the frame's contents are copied. The lab moves no bytes;
 * comparing versions tells whether a copy (a snapshot, a migrated or
 * handed-over page) holds the data it should.
 *
 * Versions are kept per host frame because that is where a guest page's data
 * lives: a guest-physical page's version is the version of the host frame
 * backing it.
 *
 * @module
 */

/**
 * Version numbers of host frames, growing as higher frames are written.
 *
 * @example
 * ```ts
 * import { PageVersions } from "./page_versions.ts";
 * const versions = new PageVersions();
 * versions.write(5);
 * versions.write(5);
 * versions.copy(5, 9);
 * if (versions.of(9) !== 2 || versions.of(1 << 20) !== 0) throw new Error();
 * ```
 */
export class PageVersions {
  #version: Uint32Array;

  /**
   * Creates versions for `frames` frames, all 0; more are added on demand.
   * @param frames frames to make room for up front (default 4,096)
   */
  constructor(frames: number = 4096) {
    this.#version = new Uint32Array(Math.max(16, frames));
  }

  /** One write into `frame`: its version goes up by one (wrapping at 2^32). */
  write(frame: number): void {
    if (frame >= this.#version.length) this.#grow(frame);
    this.#version[frame] = (this.#version[frame] + 1) >>> 0;
  }

  /** The version of `frame` (0 if never written). */
  of(frame: number): number {
    return frame < this.#version.length ? this.#version[frame] : 0;
  }

  /** Sets the version of `frame` (contents copied in from another memory). */
  set(frame: number, version: number): void {
    if (frame >= this.#version.length) this.#grow(frame);
    this.#version[frame] = version >>> 0;
  }

  /** The contents of frame `from` copied into frame `to`. */
  copy(from: number, to: number): void {
    const v = this.of(from);
    if (to >= this.#version.length) this.#grow(to);
    this.#version[to] = v;
  }

  #grow(frame: number): void {
    let n = this.#version.length * 2;
    while (n <= frame) n *= 2;
    const grown = new Uint32Array(n);
    grown.set(this.#version);
    this.#version = grown;
  }
}
