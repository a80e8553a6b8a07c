/**
 * The simplest allocator of physical frames that honours alignment: frames
 * are handed out in address order from per-size cursors, small frames carved
 * from large blocks so that large allocations stay aligned. Nothing is freed;
 * deterministic by construction.
 *
 * @module
 */

import { PAGES_4K_PER, type PageSize } from "../base/page_size.ts";

/** Hands out physical frames, numbered in 4 KiB units and aligned to their size. */
export interface FrameAllocator {
  /** Allocates one frame of `size`; returns its first 4 KiB frame number. */
  alloc(size: PageSize): number;
  /** 4 KiB frames handed out so far, of every size. */
  readonly allocatedFrames: number;
  /**
   * Allocates up to `max` frames of `size` at once, where the next calls of
   * `alloc(size)` would return frames one after another: returns the first,
   * and leaves in `runLength` how many (at least 1). What populating needs;
   * allocators that cannot tell leave it out and are called frame by frame.
   */
  allocRun?(size: PageSize, max: number): number;
  /** Frames the last {@linkcode FrameAllocator.allocRun} handed out. */
  readonly runLength?: number;
}

/**
 * A bump allocator: 1 GiB blocks in address order, 2 MiB frames carved from
 * the current 1 GiB block, 4 KiB frames from the current 2 MiB block.
 *
 * @example Frames come out aligned to their size
 * ```ts
 * import { BumpFrameAllocator } from "./frame_allocator.ts";
 * import { PageSize } from "../base/page_size.ts";
 * const frames = new BumpFrameAllocator();
 * frames.alloc(PageSize.SIZE_4K);
 * if (frames.alloc(PageSize.SIZE_2M) % 512 !== 0) throw new Error("misaligned");
 * ```
 */
export class BumpFrameAllocator implements FrameAllocator {
  // Next free frame and end of the current block, per size code.
  #next: Float64Array = new Float64Array(3);
  #end: Float64Array = new Float64Array(3);
  #gigabytes = 0;
  #allocated = 0;

  /**
   * Creates an allocator of frames starting at `baseFrame`.
   * @param baseFrame first 4 KiB frame number of the region, 1 GiB aligned (default 0)
   */
  constructor(baseFrame = 0) {
    if (baseFrame % PAGES_4K_PER[2] !== 0) {
      throw new RangeError(`Base frame ${baseFrame} is not 1 GiB aligned`);
    }
    this.#gigabytes = baseFrame / PAGES_4K_PER[2];
  }

  /** 4 KiB frames handed out so far. */
  get allocatedFrames(): number {
    return this.#allocated;
  }

  /** Allocates one frame of `size`, aligned to it. */
  alloc(size: PageSize): number {
    this.#allocated += PAGES_4K_PER[size];
    return this.#take(size);
  }

  /** Frames the last {@linkcode BumpFrameAllocator.allocRun} handed out. */
  runLength = 0;

  /**
   * Allocates the next frames of `size`, as many `alloc(size)` calls would,
   * up to `max` (at least 1) and to the end of the current block, where
   * frames stop being consecutive: returns the first and sets `runLength`.
   *
   * @example The same frames as one `alloc` after another
   * ```ts
   * import { BumpFrameAllocator } from "./frame_allocator.ts";
   * const a = new BumpFrameAllocator(), b = new BumpFrameAllocator();
   * const first = a.allocRun(0, 1000);
   * if (first !== b.alloc(0) || a.runLength !== 512) throw new Error();
   * ```
   */
  allocRun(size: PageSize, max: number): number {
    const first = this.#take(size);
    const span = PAGES_4K_PER[size];
    let count = 1;
    if (size !== 2) {
      const left = (this.#end[size] - this.#next[size]) / span;
      const more = Math.min(left, Math.max(0, Math.floor(max) - 1));
      this.#next[size] += more * span;
      count += more;
    } else {
      const more = Math.max(0, Math.floor(max) - 1);
      this.#gigabytes += more;
      count += more;
    }
    this.#allocated += count * span;
    this.runLength = count;
    return first;
  }

  #take(size: number): number {
    if (size === 2) return (this.#gigabytes++) * PAGES_4K_PER[2];
    if (this.#next[size] === this.#end[size]) {
      const block = this.#take(size + 1);
      this.#next[size] = block;
      this.#end[size] = block + PAGES_4K_PER[size + 1];
    }
    const frame = this.#next[size];
    this.#next[size] = frame + PAGES_4K_PER[size];
    return frame;
  }
}
