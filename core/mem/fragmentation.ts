/**
 * Seeded fragmentation of physical memory: other tenants' scattered 4 KiB
 * allocations that break 2M and 1G blocks, so that large pages can no longer
 * be found there. One 4 KiB frame is enough to break a block; a fraction `f`
 * breaks `f` of the 2M blocks and `f` of the 1G blocks, the broken 2M blocks
 * placed inside the broken 1G blocks first (fragmentation clusters: a host
 * that has lost some 1G blocks has lost 2M blocks inside them). Where the
 * broken 2M blocks do not fit inside the broken 1G blocks (rounding, or a
 * partial last gigabyte), they spill over and break more 1G blocks.
 *
 * @module
 */

import { Prng } from "../base/prng.ts";
import type { BuddyAllocator } from "./buddy_allocator.ts";

function shuffle(values: Int32Array, rng: Prng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

/**
 * Breaks `fraction` of the whole 2M blocks and of the whole 1G blocks of a
 * fresh allocator by allocating one 4 KiB frame at a seeded random place in
 * each.
 *
 * @example Half the 2M blocks of 4 GiB broken
 * ```ts
 * import { BuddyAllocator } from "./buddy_allocator.ts";
 * import { fragment } from "./fragmentation.ts";
 * import { PageSize } from "../base/page_size.ts";
 * const memory = new BuddyAllocator(4 * 262144);
 * const tenants = fragment(memory, 0.5, 1);
 * if (tenants.length !== 1024) throw new Error();
 * if (memory.freeBlocks(PageSize.SIZE_2M) !== 1024) throw new Error();
 * if (memory.freeBlocks(PageSize.SIZE_1G) !== 2) throw new Error();
 * ```
 * @param memory an allocator with nothing allocated yet
 * @param fraction share of blocks to break, 0 to 1
 * @param seed seed of the placement
 * @returns the tenants' frames, so that they can be released later
 * @throws {RangeError} for a fraction outside 0..1 or memory already in use: a
 * caller's mistake, since configuration is validated before (`HostMemory`)
 */
export function fragment(memory: BuddyAllocator, fraction: number, seed: number): Float64Array {
  if (typeof fraction !== "number" || !(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`fragmentation must be between 0 and 1, got ${fraction}`);
  }
  if (memory.allocatedFrames !== 0) {
    throw new RangeError("fragmentation must be injected into unused memory");
  }
  const rng = new Prng(seed, 0x46524147);
  const blocks2m = memory.frames / 512;
  const whole1g = Math.floor(blocks2m / 512);
  const broken1g = Math.round(fraction * whole1g);
  const broken2m = Math.max(broken1g, Math.round(fraction * blocks2m));
  const gigs = new Int32Array(whole1g);
  for (let g = 0; g < whole1g; g++) gigs[g] = g;
  shuffle(gigs, rng);
  // The order blocks are broken in: one block in each chosen gigabyte first,
  // then the rest of the chosen gigabytes, then everything else.
  const order = new Int32Array(blocks2m);
  const placed = new Uint8Array(blocks2m);
  let n = 0;
  for (let i = 0; i < broken1g; i++) {
    const b = gigs[i] * 512 + rng.below(512);
    order[n++] = b;
    placed[b] = 1;
  }
  const inside = n;
  for (let i = 0; i < broken1g; i++) {
    for (let b = gigs[i] * 512; b < gigs[i] * 512 + 512; b++) if (!placed[b]) order[n++] = b;
  }
  shuffle(order.subarray(inside, n), rng);
  const rest = n;
  for (let b = 0; b < blocks2m; b++) {
    if (!placed[b] && (b >>> 9) >= whole1g) order[n++] = b;
  }
  for (let i = broken1g; i < whole1g; i++) {
    for (let b = gigs[i] * 512; b < gigs[i] * 512 + 512; b++) order[n++] = b;
  }
  shuffle(order.subarray(rest, n), rng);
  const tenants = new Float64Array(broken2m);
  for (let i = 0; i < broken2m; i++) {
    const frame = order[i] * 512 + rng.below(512);
    memory.allocAt(frame);
    tenants[i] = frame;
  }
  return tenants;
}
