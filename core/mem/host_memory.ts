/**
 * The physical memory of one host: the frames its machines' memory, host
 * tables and shadow tables come from, the versions of what those frames hold,
 * and — for large-page studies — a buddy allocator of a fixed size broken up
 * by other tenants. Machines on one host (partitions) share it, so they can
 * share or hand over frames; machines on different hosts cannot.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ObjectCheck,
  validateConfig,
} from "../base/config_fields.ts";
import { PageSize } from "../base/page_size.ts";
import { BuddyAllocator } from "./buddy_allocator.ts";
import { BumpFrameAllocator, type FrameAllocator } from "./frame_allocator.ts";
import { fragment } from "./fragmentation.ts";
import { PageVersions } from "./page_versions.ts";
import { TableFramePool, wholeBlocks } from "./table_frames.ts";

const FRAMES_PER_MIB = 256;

/**
 * Where table pages live on a host without a size: 4 TiB up, apart from
 * the frames machines' memory comes from.
 */
const TABLE_BASE_FRAME = 2 ** 30;

/** The fields of {@linkcode HostMemoryOptions}. */
export const HOST_MEMORY_FIELDS = {
  mib: {
    kind: "integer",
    min: 2,
    // Frame numbers stay below 2^31 (Int32Array free lists).
    max: 2 ** 23 - 2,
    multipleOf: 2,
    unit: "MiB",
    defaultText: "unbounded: frames handed out in order, never running out",
    description: "host RAM",
  },
  fragmentation: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0,
    description: "share of 2M and 1G blocks broken by other tenants' 4K frames (needs mib)",
  },
  seed: {
    kind: "integer",
    default: 1,
    description:
      "seed of where the other tenants' frames fall and of the order table pages take frames in",
  },
} as const satisfies ConfigFields;

/** How a host's memory is built. `{}` is an unbounded host that never runs out. */
export type HostMemoryOptions = ConfigInput<typeof HOST_MEMORY_FIELDS>;

/** Fragmentation breaks blocks of a buddy allocator, which only a host with a size has. */
const checkHostMemory: ObjectCheck = (values, given, fail) => {
  if (values.mib === undefined && given.fragmentation !== undefined) {
    fail("fragmentation", 'needs a host with a size (field "mib")');
  }
};

/**
 * One host's physical memory.
 *
 * @example Two partitions of one host see each other's frames
 * ```ts
 * import { HostMemory } from "./host_memory.ts";
 * const host = new HostMemory({ mib: 64 });
 * const frame = host.frames.alloc(0);
 * host.versions.write(frame);
 * if (host.versions.of(frame) !== 1 || host.buddy === null) throw new Error();
 * ```
 */
export class HostMemory {
  /** Frames for machine memory (movable: what guest memory is backed with). */
  readonly frames: FrameAllocator;
  /** The same frames as a buddy allocator, when the host has a size; else null. */
  readonly buddy: BuddyAllocator | null;
  /**
   * Frames for page-table pages (host tables, shadow tables): unmovable
   * pageblocks of their own (see core/mem/table_frames.ts), claimed from the
   * buddy when there is one, else from a region of their own.
   */
  readonly tableFrames: TableFramePool;
  /** What each host frame holds. */
  readonly versions: PageVersions;
  /** Other tenants' frames still allocated (released by {@linkcode HostMemory.releaseTenants}). */
  tenants: Float64Array;

  /**
   * Builds the memory; with a size, breaks the given share of its large
   * blocks with other tenants' frames.
   * @param options size, fragmentation and seed
   * @throws {ConfigError} for options out of range, naming the field
   */
  constructor(options: HostMemoryOptions = {}) {
    const { mib, fragmentation, seed } = validateConfig(HOST_MEMORY_FIELDS, options, {
      component: "host memory",
      check: checkHostMemory,
    });
    if (mib === undefined) {
      this.frames = new BumpFrameAllocator();
      this.buddy = null;
      this.tableFrames = new TableFramePool(
        wholeBlocks(new BumpFrameAllocator(TABLE_BASE_FRAME)),
        seed,
      );
      this.tenants = new Float64Array(0);
      this.versions = new PageVersions();
      return;
    }
    const buddy = new BuddyAllocator(mib * FRAMES_PER_MIB);
    this.frames = buddy;
    this.buddy = buddy;
    this.tenants = fragment(buddy, fragmentation, seed);
    // After the tenants: a pool claims its pageblocks lazily, from what they left.
    this.tableFrames = new TableFramePool(buddy, seed);
    this.versions = new PageVersions();
  }

  /** Frees every other tenant's frame (the tenants exit): their blocks coalesce where whole. */
  releaseTenants(): void {
    if (this.buddy === null) return;
    for (const frame of this.tenants) this.buddy.free(frame, PageSize.SIZE_4K);
    this.tenants = new Float64Array(0);
  }

  /** Returns a released table page to the host's table pool. */
  freeTablePage(frame: number): void {
    this.tableFrames.free(frame);
  }
}
