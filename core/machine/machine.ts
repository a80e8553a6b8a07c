/**
 * A built machine: a platform with N vCPUs, the guest that runs on it, its
 * guest memory and its place in a host's memory, and the exit and cycle
 * accounting of all of it. Built by {@linkcode buildMachine} in
 * core/machine/build_machine.ts.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import type { DemandMapper } from "../mmu/demand_mapper.ts";
import type { RemoteFlush } from "../mapping/promotion_agent.ts";
import type { HostMemory } from "../mem/host_memory.ts";
import type { MemorySystem } from "../mapping/memory_system.ts";
import type { PageTable } from "../mmu/page_table.ts";
import type { GuestOs } from "../os/guest_os.ts";
import type { Platform } from "../os/platform.ts";
import { Stats, type StatsReport } from "../cost/stats.ts";
import type { GuestMemory } from "../mem/guest_memory.ts";
import { PAGES_4K_PER, PageSize } from "../base/page_size.ts";
import { ExitReason } from "../base/exit_reason.ts";
import { DirtyLog } from "./dirty_log.ts";
import type { FirstTouchGuest } from "./first_touch_guest.ts";
import type { ResolvedMachineConfig } from "./machine_config.ts";
import type { Vcpu, VcpuHost } from "./vcpu.ts";

/** The parts a machine is made of. */
export interface MachineParts {
  /** The configuration, resolved. */
  config: ResolvedMachineConfig;
  /** The cost profile, with the machine's TLB geometry. */
  cost: CostModel;
  /** The platform. */
  platform: Platform;
  /** The guest OS, when the guest is `os`. */
  os: GuestOs | null;
  /** The first-touch guest, when the guest is `first-touch`. */
  firstTouch: FirstTouchGuest | null;
  /** The memory of the host the machine runs on. */
  hostMemory: HostMemory;
  /** Fixed-size guest and host memory with large-page policies, when configured. */
  memory: MemorySystem | null;
  /** Statistics of work that is no vCPU's (the hypervisor's background promotion). */
  stats: Stats;
  /** How the host backs this machine's guest-physical memory on first use, or null natively. */
  hostMapper: DemandMapper | null;
  /** Tracked guest memory (versions and access modes), or null. */
  guestMemory: GuestMemory | null;
}

/** Bytes of page-table pages: the guest's, the host map's, the shadow tables'. */
export interface PageTableBytes {
  /** Guest page tables (of the live processes, with the guest OS). */
  guest: number;
  /** The host map (guest-physical → host). */
  host: number;
  /** Live shadow tables. */
  shadow: number;
}

/**
 * A machine.
 *
 * @example Two vCPUs with their own TLBs over one guest
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ platform: "nested", vcpus: 2 }, getProfile("amd-zen3"));
 * machine.vcpus[0].mmu.access(0x400, 0, 8, 0, 0);
 * machine.vcpus[1].mmu.access(0x400, 0, 8, 0, 0);
 * if (machine.report().counters.walks !== 2) throw new Error("each vCPU walks once");
 * ```
 */
export class Machine implements RemoteFlush, VcpuHost {
  /** The configuration, resolved. */
  readonly config: ResolvedMachineConfig;
  /** The cost profile, with the machine's TLB geometry. */
  readonly cost: CostModel;
  /** The platform. */
  readonly platform: Platform;
  /** The vCPUs. */
  readonly vcpus: readonly Vcpu[];
  /** The guest OS, when the guest is `os`; else null. */
  readonly os: GuestOs | null;
  /** The first-touch guest, when the guest is `first-touch`; else null. */
  readonly firstTouch: FirstTouchGuest | null;
  /** The memory of the host the machine runs on (shared with the host's other machines). */
  readonly hostMemory: HostMemory;
  /** Fixed-size guest and host memory with large-page policies, or null. */
  readonly memory: MemorySystem | null;
  /** Statistics of work that is no vCPU's. */
  readonly stats: Stats;
  /** How the host backs guest-physical memory on first use, or null natively. */
  readonly hostMapper: DemandMapper | null;
  /** Tracked guest memory: a version and an access mode per 4 KiB page, or null. */
  readonly guestMemory: GuestMemory | null;
  /** Dirty logging of the tracked memory, or null without it. */
  readonly dirtyLog: DirtyLog | null;
  /** Per vCPU: cycles run since the machine was built, across statistics resets. */
  #elapsed: Float64Array;
  /** Per vCPU: its statistics' total when {@linkcode Machine.elapsedCycles} last looked. */
  #seen: Float64Array;

  /**
   * Puts the parts together; {@linkcode buildMachine} is the way to build one.
   * @param parts the platform, guest and memory
   * @param makeVcpus builds the vCPUs, given the machine they report to
   */
  constructor(parts: MachineParts, makeVcpus: (machine: Machine) => Vcpu[]) {
    this.config = parts.config;
    this.cost = parts.cost;
    this.platform = parts.platform;
    this.os = parts.os;
    this.firstTouch = parts.firstTouch;
    this.hostMemory = parts.hostMemory;
    this.memory = parts.memory;
    this.stats = parts.stats;
    this.hostMapper = parts.hostMapper;
    this.guestMemory = parts.guestMemory;
    this.vcpus = makeVcpus(this);
    this.#elapsed = new Float64Array(this.vcpus.length);
    this.#seen = new Float64Array(this.vcpus.length);
    this.dirtyLog = parts.guestMemory !== null && parts.config.dirtyLog !== null
      ? new DirtyLog(this, parts.guestMemory, parts.config.dirtyLog)
      : null;
  }

  /** The first-touch guest's page table, or null with the guest OS. */
  get guestTable(): PageTable | null {
    return this.firstTouch?.space.table ?? null;
  }

  /** The host map, or null natively. */
  get hostTable(): PageTable | null {
    return this.platform.hostTable;
  }

  /** Counters and cycles of every vCPU and of the machine's background work, summed. */
  report(): StatsReport {
    const sum = new Stats();
    for (const vcpu of this.vcpus) sum.add(vcpu.stats);
    sum.add(this.stats);
    return sum.report();
  }

  /** Sets every counter and cycle to zero (after a warm-up); guest time runs on. */
  resetStats(): void {
    this.#advance();
    for (const vcpu of this.vcpus) vcpu.stats.reset();
    this.#seen.fill(0);
    this.stats.reset();
    this.os?.resetCounts();
  }

  /**
   * Guest time: cycles the busiest vCPU has run since the machine was built
   * (vCPUs run in parallel), statistics resets included. The promotion
   * agent's own work runs on a host thread and does not advance it.
   */
  get elapsedCycles(): number {
    return this.#advance();
  }

  #advance(): number {
    let now = 0;
    for (let v = 0; v < this.vcpus.length; v++) {
      const total = this.vcpus[v].stats.totalCycles();
      this.#elapsed[v] += total - this.#seen[v];
      this.#seen[v] = total;
      if (this.#elapsed[v] > now) now = this.#elapsed[v];
    }
    return now;
  }

  /** Bytes of page-table pages. */
  pageTableBytes(): PageTableBytes {
    return {
      guest: this.os !== null ? this.os.tableBytes() : this.guestTable!.bytes,
      host: this.platform.hostTable?.bytes ?? 0,
      shadow: this.platform.shadowTableBytes,
    };
  }

  /**
   * From now on every store bumps the version of the host frame it lands in
   * (in {@linkcode HostMemory.versions}), so copies of pages can be checked.
   * Off by default: a store costs one more memory write in the simulator
   * when it is on.
   */
  trackVersions(): void {
    for (const vcpu of this.vcpus) vcpu.mmu.versions = this.hostMemory.versions;
  }

  /**
   * Backs guest frames `0`..`count - 1` in the host map now, at the host's
   * page size (memory that is resident before the run, as a THP-backed guest's is).
   * @returns host pages mapped
   */
  backGuestMemory(count: number): number {
    const table = this.hostTable;
    if (table === null || this.hostMapper === null) return 0;
    let mapped = 0;
    let gfn = 0;
    while (gfn < count) {
      if (table.translate(gfn) < 0) {
        this.hostMapper.map(table, gfn);
        mapped++;
        table.translate(gfn);
      }
      // Skip to the end of the host page now backing gfn.
      const span = PAGES_4K_PER[table.lastSize];
      gfn = (Math.floor(gfn / span) + 1) * span;
    }
    return mapped;
  }

  /**
   * Splits the host page backing guest frame `gfn` down to 4 KiB pages (KVM
   * splits huge pages before it tracks or remaps part of one): the host map
   * and large-page counts change, the platform drops what it composed from
   * the large page and the vCPUs' cached translations.
   * @returns host pages split (0 when `gfn` is not backed by a large page)
   */
  splitHostPage(gfn: number): number {
    const table = this.hostTable;
    if (table === null || table.translate(gfn) < 0 || table.lastSize === PageSize.SIZE_4K) return 0;
    const first = Math.floor(gfn / 512) * 512;
    // Down to 4 KiB: a 1G page splits into 2M pages, then the one holding gfn.
    const splits = table.lastSize === PageSize.SIZE_1G ? 2 : 1;
    const host = this.memory?.host;
    if (host) host.split(table, gfn);
    else {
      while (table.translate(gfn) >= 0 && table.lastSize > PageSize.SIZE_4K) {
        table.split(gfn, table.lastSize + 1);
      }
    }
    // The frames stay where they were: only translations composed from the
    // large page (a shadow entry covering it) must go.
    this.platform.unmapped(first);
    return splits;
  }

  /**
   * Splits every host large page backing guest frames `first`..`first + count - 1`.
   * @returns host large pages split
   */
  splitHostPages(first: number, count: number): number {
    const table = this.hostTable;
    if (table === null) return 0;
    let splits = 0;
    let end = first + count;
    for (let gfn = first; gfn < end; gfn += 512) {
      // A 1G page is split whole: the loop goes on to its last 2M piece.
      if (table.translate(gfn) >= 0 && table.lastSize === PageSize.SIZE_1G) {
        end = Math.max(end, (Math.floor(gfn / 262144) + 1) * 262144);
      }
      splits += this.splitHostPage(gfn);
    }
    return splits;
  }

  /** Empties every vCPU's TLBs and walk caches. */
  flushAll(): void {
    for (const vcpu of this.vcpus) vcpu.mmu.flushAll();
  }

  /**
   * KVM's remote TLB flush after the host changed a mapping (a collapse):
   * every vCPU is kicked out of the guest (a `kick` exit) and flushes its
   * TLBs and walk caches on the way back in.
   */
  remoteFlush(): void {
    for (const vcpu of this.vcpus) {
      vcpu.exit(ExitReason.KICK);
      vcpu.mmu.flushAll();
    }
  }

  /**
   * Lets the promotion agent of `opportunistic+promote` (a khugepaged, see
   * core/mapping/promotion_agent.ts) run every pass due by guest time `now`.
   * @param now guest-time cycle; default {@linkcode Machine.elapsedCycles}
   * @returns regions promoted
   */
  promote(now?: number): number {
    const memory = this.memory;
    if (memory === null || memory.promotion === null) return 0;
    return memory.promote(this, now ?? this.elapsedCycles);
  }

  /**
   * The promotion agent's passes back to back once round guest RAM, not
   * waiting for guest time: for tests and what-if comparisons.
   * @returns regions promoted
   */
  promoteAll(): number {
    return this.memory?.promoteAll(this) ?? 0;
  }

  /** Between chunks on a clock, the promotion agent runs beside the guest, as khugepaged does. */
  afterChunk(): void {
    this.promote();
  }
}
