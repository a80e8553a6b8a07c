/**
 * A buddy allocator of physical frames whose orders are the three x86-64
 * page sizes: a free 1 GiB block splits into 512 free 2 MiB blocks, a free
 * 2 MiB block into 512 free 4 KiB frames, and a block whose 512 parts are all
 * free again coalesces. Linux's binary orders in between never decide
 * whether a large page can be mapped, so they are left out; what matters to
 * large pages — which aligned 2M and 1G blocks are whole — is kept exactly.
 *
 * State is a few typed arrays: per 1G and 2M block a state byte and an
 * intrusive doubly-linked free list, per 4 KiB frame one bit of a bitmap
 * (only meaningful inside split 2M blocks). 64 GiB of host memory take
 * about 2.5 MiB of state. Allocation takes the most recently freed block
 * (last in, first out, as Linux's free lists do), and small frames come from
 * already split blocks first, so large blocks stay whole as long as they can.
 *
 * @module
 */

import { PAGES_4K_PER, PageSize } from "../base/page_size.ts";
import type { FrameAllocator } from "./frame_allocator.ts";

/** Thrown when a block of the requested size cannot be found or a free is invalid. */
export class FrameAllocationError extends Error {
  /**
   * Creates the error.
   * @param message what was asked and why it failed
   */
  constructor(message: string) {
    super(message);
    this.name = "FrameAllocationError";
  }
}

// Block states, for 2M blocks and 1G blocks alike.
/** Inside a whole parent (2M blocks only): the parent's state decides. */
const PARENT = 0;
/** Whole and free, on its size's free list. */
const FREE = 1;
/** Split into 512 parts that have states of their own. */
const SPLIT = 2;
/** Handed out whole. */
const USED = 3;

/** A doubly-linked list of block indices in typed arrays; -1 ends it. */
class BlockList {
  head = -1;
  length = 0;
  readonly prev: Int32Array;
  readonly next: Int32Array;

  constructor(capacity: number) {
    this.prev = new Int32Array(capacity).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
  }

  push(i: number): void {
    this.prev[i] = -1;
    this.next[i] = this.head;
    if (this.head >= 0) this.prev[this.head] = i;
    this.head = i;
    this.length++;
  }

  remove(i: number): void {
    const p = this.prev[i];
    const n = this.next[i];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    this.prev[i] = -1;
    this.next[i] = -1;
    this.length--;
  }
}

/**
 * A buddy allocator over `frames` 4 KiB frames of physical memory.
 *
 * @example Split, fragment and coalesce
 * ```ts
 * import { BuddyAllocator } from "./buddy_allocator.ts";
 * import { PageSize } from "../base/page_size.ts";
 * const memory = new BuddyAllocator(2 * 262144); // 2 GiB
 * const small = memory.alloc(PageSize.SIZE_4K); // splits a 1G and a 2M block
 * if (memory.freeBlocks(PageSize.SIZE_1G) !== 1) throw new Error("one 1G block left whole");
 * memory.free(small, PageSize.SIZE_4K); // coalesces back
 * if (memory.freeBlocks(PageSize.SIZE_1G) !== 2) throw new Error("not coalesced");
 * ```
 */
export class BuddyAllocator implements FrameAllocator {
  /** 4 KiB frames of memory managed. */
  readonly frames: number;
  #blocks2m: number;
  #blocks1g: number;
  #state2m: Uint8Array;
  #state1g: Uint8Array;
  /** Per split 2M block: free 4 KiB frames in it. */
  #free4k: Uint16Array;
  /** Per split 1G block: whole free 2M blocks in it. */
  #free2m: Uint16Array;
  /** One bit per 4 KiB frame: set = allocated (meaningful inside split 2M blocks). */
  #used: Uint32Array;
  #list4k: BlockList;
  #list2m: BlockList;
  #list1g: BlockList;
  #allocated = 0;

  /**
   * Creates an allocator with every frame free, whole 1G blocks where the
   * memory holds them and whole 2M blocks in a last, partial gigabyte.
   * @param frames 4 KiB frames of memory: a positive multiple of 512 (2 MiB), below 2^31
   */
  constructor(frames: number) {
    if (!Number.isInteger(frames) || frames <= 0 || frames % 512 !== 0 || frames >= 2 ** 31) {
      throw new RangeError(`memory of ${frames} frames is not a positive multiple of 2 MiB`);
    }
    this.frames = frames;
    this.#blocks2m = frames / 512;
    this.#blocks1g = Math.ceil(this.#blocks2m / 512);
    this.#state2m = new Uint8Array(this.#blocks2m);
    this.#state1g = new Uint8Array(this.#blocks1g);
    this.#free4k = new Uint16Array(this.#blocks2m);
    this.#free2m = new Uint16Array(this.#blocks1g);
    this.#used = new Uint32Array(this.#blocks2m * 16);
    this.#list4k = new BlockList(this.#blocks2m);
    this.#list2m = new BlockList(this.#blocks2m);
    this.#list1g = new BlockList(this.#blocks1g);
    // Pushed from the top down so that the lowest addresses come out first.
    for (let g = this.#blocks1g - 1; g >= 0; g--) {
      if ((g + 1) * 512 <= this.#blocks2m) {
        this.#state1g[g] = FREE;
        this.#list1g.push(g);
      } else {
        // A partial gigabyte can never be a 1G page: it starts split.
        this.#state1g[g] = SPLIT;
        for (let b = this.#blocks2m - 1; b >= g * 512; b--) {
          this.#state2m[b] = FREE;
          this.#list2m.push(b);
          this.#free2m[g]++;
        }
      }
    }
  }

  /** 4 KiB frames handed out, of every size. */
  get allocatedFrames(): number {
    return this.#allocated;
  }

  /** Whole free blocks of `size` (4K: free frames). */
  freeBlocks(size: PageSize): number {
    if (size === PageSize.SIZE_1G) return this.#list1g.length;
    if (size === PageSize.SIZE_2M) return this.#list2m.length + 512 * this.#list1g.length;
    return this.frames - this.#allocated;
  }

  /**
   * Allocates one frame of `size`, aligned to it.
   * @throws FrameAllocationError if no block of that size is free
   */
  alloc(size: PageSize): number {
    const frame = this.tryAlloc(size);
    if (frame < 0) {
      throw new FrameAllocationError(
        `out of memory: no free ${["4 KiB", "2 MiB", "1 GiB"][size]} block in ${
          this.frames / 256
        } MiB`,
      );
    }
    return frame;
  }

  /** Allocates one frame of `size`, aligned to it; -1 if no block of that size is free. */
  tryAlloc(size: PageSize): number {
    if (size === PageSize.SIZE_4K) return this.#alloc4k();
    if (size === PageSize.SIZE_2M) return this.#alloc2m();
    const g = this.#list1g.head;
    if (g < 0) return -1;
    this.#list1g.remove(g);
    this.#state1g[g] = USED;
    this.#allocated += PAGES_4K_PER[2];
    return g * PAGES_4K_PER[2];
  }

  /**
   * Allocates the 4 KiB frame `frame` itself, splitting its blocks as needed;
   * this is how other tenants' scattered allocations are placed.
   * @throws FrameAllocationError if the frame is outside memory or not free
   */
  allocAt(frame: number): void {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.frames) {
      throw new FrameAllocationError(`frame ${frame} is outside memory of ${this.frames} frames`);
    }
    const b = frame >>> 9;
    const g = b >>> 9;
    if (this.#state1g[g] === USED || this.#state2m[b] === USED) {
      throw new FrameAllocationError(`frame ${frame} is not free`);
    }
    if (this.#state1g[g] === FREE) {
      this.#list1g.remove(g);
      this.#split1g(g);
    }
    if (this.#state2m[b] === FREE) {
      this.#list2m.remove(b);
      this.#split2m(b);
    }
    const w = (b << 4) + ((frame >>> 5) & 15);
    const bit = 1 << (frame & 31);
    if ((this.#used[w] & bit) !== 0) throw new FrameAllocationError(`frame ${frame} is not free`);
    this.#take4k(b, w, bit);
  }

  /**
   * Returns a frame of `size` allocated earlier; whole buddies coalesce.
   * @throws FrameAllocationError if that frame of that size is not allocated
   */
  free(frame: number, size: PageSize): void {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.frames) {
      throw new FrameAllocationError(`frame ${frame} is outside memory of ${this.frames} frames`);
    }
    const b = frame >>> 9;
    const g = b >>> 9;
    if (size === PageSize.SIZE_1G) {
      if (frame % PAGES_4K_PER[2] !== 0 || this.#state1g[g] !== USED) {
        throw new FrameAllocationError(`frame ${frame} is not an allocated 1 GiB frame`);
      }
      this.#state1g[g] = FREE;
      this.#list1g.push(g);
      this.#allocated -= PAGES_4K_PER[2];
      return;
    }
    if (size === PageSize.SIZE_2M) {
      if (frame % 512 !== 0 || this.#state1g[g] !== SPLIT || this.#state2m[b] !== USED) {
        throw new FrameAllocationError(`frame ${frame} is not an allocated 2 MiB frame`);
      }
      this.#allocated -= 512;
      this.#release2m(b, g);
      return;
    }
    const w = (b << 4) + ((frame >>> 5) & 15);
    const bit = 1 << (frame & 31);
    if (
      this.#state1g[g] !== SPLIT || this.#state2m[b] !== SPLIT || (this.#used[w] & bit) === 0
    ) {
      throw new FrameAllocationError(`frame ${frame} is not an allocated 4 KiB frame`);
    }
    this.#used[w] &= ~bit;
    this.#allocated--;
    const free = ++this.#free4k[b];
    if (free === 1) this.#list4k.push(b);
    if (free === 512) {
      this.#list4k.remove(b);
      this.#release2m(b, g);
    }
  }

  /**
   * Splits an allocated block in place: a 2M block becomes 512 allocated
   * 4 KiB frames, a 1G block 512 allocated 2M blocks, each freed on its own
   * later (the host split the large page that used the block).
   * @throws FrameAllocationError if no block of that size is allocated at `frame`
   *
   * @example
   * ```ts
   * import { BuddyAllocator } from "./buddy_allocator.ts";
   * import { PageSize } from "../base/page_size.ts";
   * const memory = new BuddyAllocator(1024);
   * const block = memory.alloc(PageSize.SIZE_2M);
   * memory.split(block, PageSize.SIZE_2M);
   * memory.free(block + 7, PageSize.SIZE_4K);
   * if (memory.allocatedFrames !== 511) throw new Error();
   * ```
   */
  split(frame: number, size: PageSize): void {
    const b = frame >>> 9;
    const g = b >>> 9;
    if (size === PageSize.SIZE_1G) {
      if (frame % PAGES_4K_PER[2] !== 0 || this.#state1g[g] !== USED) {
        throw new FrameAllocationError(`frame ${frame} is not an allocated 1 GiB frame to split`);
      }
      this.#state1g[g] = SPLIT;
      this.#state2m.fill(USED, g * 512, g * 512 + 512);
      this.#free2m[g] = 0;
      return;
    }
    if (
      size !== PageSize.SIZE_2M || frame % 512 !== 0 || this.#state1g[g] !== SPLIT ||
      this.#state2m[b] !== USED
    ) {
      throw new FrameAllocationError(`frame ${frame} is not an allocated 2 MiB frame to split`);
    }
    this.#state2m[b] = SPLIT;
    this.#free4k[b] = 0;
    this.#used.fill(-1 >>> 0, b << 4, (b << 4) + 16);
  }

  /**
   * Takes a 2M pageblock for unmovable allocations (page-table pages), as
   * Linux claims a whole pageblock for an unmovable allocation that must
   * fall back (mm/page_alloc.c): a whole free 2M block if there is one, else
   * every free frame of the split 2M block with the most free frames. The
   * frames taken count as allocated, each to be freed on its own later.
   * @param claimed set to 1 at the offsets (0–511) of the frames taken, 0 elsewhere
   * @returns the block's first frame, or -1 when no frame is free
   *
   * @example
   * ```ts
   * import { BuddyAllocator } from "./buddy_allocator.ts";
   * import { PageSize } from "../base/page_size.ts";
   * const memory = new BuddyAllocator(1024);
   * memory.allocAt(3); // breaks block 0
   * memory.allocAt(512 + 5); // and block 1
   * memory.allocAt(512 + 6);
   * const claimed = new Uint8Array(512);
   * if (memory.claimPageblock(claimed) !== 0 || claimed[3] !== 0) throw new Error();
   * if (memory.allocatedFrames !== 3 + 511) throw new Error();
   * ```
   */
  claimPageblock(claimed: Uint8Array): number {
    if (this.freeBlocks(PageSize.SIZE_2M) > 0) {
      const frame = this.#alloc2m();
      this.split(frame, PageSize.SIZE_2M);
      claimed.fill(1, 0, 512);
      return frame;
    }
    // No whole block: the split block with the most free frames.
    let best = -1;
    for (let b = this.#list4k.head; b >= 0; b = this.#list4k.next[b]) {
      if (best < 0 || this.#free4k[b] > this.#free4k[best]) best = b;
    }
    if (best < 0) return -1;
    const base = best << 4;
    for (let i = 0; i < 512; i++) {
      const w = base + (i >>> 5);
      const bit = 1 << (i & 31);
      if ((this.#used[w] & bit) !== 0) {
        claimed[i] = 0;
        continue;
      }
      claimed[i] = 1;
      this.#take4k(best, w, bit);
    }
    return best << 9;
  }

  // A free 2M block taken off its list, splitting a free 1G block when no
  // 2M block is free; -1 when neither is.
  #take2mBlock(): number {
    let b = this.#list2m.head;
    if (b < 0) {
      const g = this.#list1g.head;
      if (g < 0) return -1;
      this.#list1g.remove(g);
      this.#split1g(g);
      b = this.#list2m.head;
    }
    this.#list2m.remove(b);
    return b;
  }

  #alloc4k(): number {
    let b = this.#list4k.head;
    if (b < 0) {
      b = this.#take2mBlock();
      if (b < 0) return -1;
      this.#split2m(b);
    }
    const base = b << 4;
    for (let w = base; w < base + 16; w++) {
      const word = this.#used[w];
      if (word === -1 >>> 0) continue;
      const free = ~word;
      const bit = free & -free;
      this.#take4k(b, w, bit);
      return ((w - base) << 5) + 31 - Math.clz32(bit) + (b << 9);
    }
    throw new Error(`buddy allocator corrupt: 2M block ${b} listed with no free frame`);
  }

  #take4k(b: number, w: number, bit: number): void {
    this.#used[w] |= bit;
    this.#allocated++;
    if (--this.#free4k[b] === 0) this.#list4k.remove(b);
  }

  #alloc2m(): number {
    const b = this.#take2mBlock();
    if (b < 0) return -1;
    this.#free2m[b >>> 9]--;
    this.#state2m[b] = USED;
    this.#allocated += 512;
    return b << 9;
  }

  /** Splits free 1G block `g` (already off its list) into 512 free 2M blocks. */
  #split1g(g: number): void {
    this.#state1g[g] = SPLIT;
    for (let b = g * 512 + 511; b >= g * 512; b--) {
      this.#state2m[b] = FREE;
      this.#list2m.push(b);
    }
    this.#free2m[g] = 512;
  }

  /** Splits free 2M block `b` (already off its list) into 512 free frames. */
  #split2m(b: number): void {
    this.#free2m[b >>> 9]--;
    this.#state2m[b] = SPLIT;
    this.#free4k[b] = 512;
    this.#used.fill(0, b << 4, (b << 4) + 16);
    this.#list4k.push(b);
  }

  /** 2M block `b` of 1G block `g` is whole and free again: list it, coalesce `g` if whole. */
  #release2m(b: number, g: number): void {
    this.#state2m[b] = FREE;
    this.#list2m.push(b);
    if (++this.#free2m[g] < 512) return;
    for (let c = g * 512; c < g * 512 + 512; c++) {
      this.#list2m.remove(c);
      this.#state2m[c] = PARENT;
    }
    this.#free2m[g] = 0;
    this.#state1g[g] = FREE;
    this.#list1g.push(g);
  }
}
