/**
 * The two partitions of a bus run and the memory between them: a sending
 * guest and the host partition that receives, on one host and one socket
 * (they share the last-level cache), each a first-touch machine on the one
 * clock; the rings and the transfer pages both map; and the charges every
 * bus operation makes — accesses through a vCPU's MMU and caches, copies,
 * exits and hypervisor work — kept by kind for the result row.
 *
 * @module
 */

import { AccessKind } from "../base/access_chunk.ts";
import { ExitReason } from "../base/exit_reason.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { BusCosts } from "../cost/bus_costs.ts";
import { Cycle } from "../cost/stats.ts";
import type { Machine } from "../machine/machine.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import { World } from "../machine/world.ts";
import { type BusSettings, packetBytes } from "./bus_params.ts";

/** Page numbers where each region starts, in both partitions' address spaces. */
export const Region = {
  /** The data ring (sender → receiver): its header page, then its data pages. */
  DATA_RING: 0x10000,
  /** The completion ring (receiver → sender). */
  COMPLETION_RING: 0x40000,
  /** The transfer pages, shared by both partitions from the start. */
  SHARED: 0x100000,
  /** The sender's own buffer: what remap and hypervisor copy lend, where inline payloads are composed. */
  PRIVATE: 0x200000,
  /** The receiver's slots that remapped pages are mapped into (no memory behind them until then). */
  RECEIVE: 0x300000,
  /** The receiver's buffer that copies land in. */
  DEST: 0x400000,
} as const;

/** What bus cycles are spent on, beyond what the machines' statistics say. */
export const Spend = {
  /** Copying payload. */
  COPY: 0,
  /** Exits, signals, interrupts, halts and wake-ups. */
  SIGNAL: 1,
  /** Host-map updates, shootdowns and flushes of a remap, with its hypercall. */
  REMAP: 2,
  /** A polling vCPU finding nothing. */
  POLL: 3,
  /** The sender's application writing its payload: not the bus's. */
  APP: 4,
} as const;

const SPENDS = 5;

/** Bytes of a completion packet: a descriptor and its trailer. */
export const COMPLETION_BYTES: number = packetBytes(0, 0);

/** Buffer slots of a run: one message's pages each. */
export function slotsOf(s: BusSettings): number {
  return Math.floor(s.bufferPages / s.messagePages);
}

/**
 * Bytes of the completion ring's data area: as large as the data ring's
 * (VMBus channels make both directions alike), and larger when needed to
 * hold a completion for every buffer slot at once, so that the receiver
 * never waits for its space.
 */
export function completionRingBytes(s: BusSettings): number {
  let bytes = s.ringBytes;
  while (bytes <= (slotsOf(s) + 1) * COMPLETION_BYTES) bytes *= 2;
  return bytes;
}

/**
 * The partitions, their shared memory, and the charging of bus work.
 */
export class BusWorld {
  /** The world: one clock, one host. */
  readonly world: World = new World();
  /** The sending guest. */
  readonly guest: Machine;
  /** The receiving host partition (one vCPU). */
  readonly host: Machine;
  /** The profile's bus costs. */
  readonly bus: BusCosts;
  /** The cost profile. */
  readonly cost: CostModel;
  /** Cycles by {@linkcode Spend}. */
  readonly spent: Float64Array = new Float64Array(SPENDS);
  readonly #settings: BusSettings;

  /**
   * Builds the partitions and maps the rings (and, for methods that use
   * them, the transfer pages) into both.
   */
  constructor(settings: BusSettings, cost: CostModel) {
    this.#settings = settings;
    this.cost = cost;
    this.bus = cost.bus;
    const hostMemory = this.world.addHost();
    const config = { platform: settings.platform, caches: settings.caches };
    this.guest = this.world.addMachine({ ...config, vcpus: settings.vcpus }, cost, hostMemory);
    this.host = this.world.addMachine(config, cost, hostMemory, this.guest);
    this.#shareRegion(Region.DATA_RING, settings.ringPages + 1);
    this.#shareRegion(Region.COMPLETION_RING, completionRingBytes(settings) / 4096 + 1);
    const method = settings.method;
    const pages = settings.bufferPages;
    if (method === "transfer-pages" || method === "policy") this.#shareRegion(Region.SHARED, pages);
    if (method !== "transfer-pages") this.#own(this.guest, Region.PRIVATE, pages, true);
    if (method === "remap" || method === "policy") {
      this.#own(this.host, Region.RECEIVE, pages, false);
    }
    this.#own(this.host, Region.DEST, pages, true);
  }

  /** The guest-physical frame `machine`'s guest table maps `vpn` to (mapped now if it was not). */
  gfn(machine: Machine, vpn: number): number {
    const table = machine.guestTable!;
    let gfn = table.translate(vpn);
    if (gfn < 0) {
      machine.firstTouch!.pageFault(0, vpn);
      gfn = table.translate(vpn);
    }
    return gfn;
  }

  /** The host frame behind `vpn` of `machine` by its tables (not its TLBs), or -1 when none. */
  frame(machine: Machine, vpn: number): number {
    const gfn = machine.guestTable!.translate(vpn);
    return gfn < 0 ? -1 : machine.hostTable!.translate(gfn);
  }

  /** Both partitions map the same frames at pages `base`.. of their address spaces (a GPADL). */
  #shareRegion(base: number, pages: number): void {
    for (let p = 0; p < pages; p++) {
      const vpn = base + p;
      this.world.share(this.guest, this.gfn(this.guest, vpn), this.host, this.gfn(this.host, vpn));
    }
  }

  /** Maps `pages` pages from `base` in `machine`'s guest table, backed by host frames now or not. */
  #own(machine: Machine, base: number, pages: number, backed: boolean): void {
    const table = machine.hostTable!;
    for (let p = 0; p < pages; p++) {
      const gfn = this.gfn(machine, base + p);
      if (backed && table.translate(gfn) < 0) machine.hostMapper!.map(table, gfn);
    }
  }

  /** A load of `size` bytes at byte `offset` of page `vpn` by `vcpu`, through its MMU and caches. */
  load(vcpu: Vcpu, vpn: number, offset: number, size: number): void {
    vcpu.mmu.access(vpn, offset, size, AccessKind.LOAD, 0);
  }

  /** A store, likewise (it bumps the version of the frame it lands in). */
  store(vcpu: Vcpu, vpn: number, offset: number, size: number): void {
    vcpu.mmu.access(vpn, offset, size, AccessKind.STORE, 0);
  }

  /**
   * Writes (or reads) `bytes` bytes of the data area (`size` bytes) of the
   * ring at page `base` from `offset`, wrapping at its end, by `vcpu`:
   * packet descriptors, one access per page touched.
   */
  ringAccess(
    vcpu: Vcpu,
    base: number,
    size: number,
    offset: number,
    bytes: number,
    write: boolean,
  ): void {
    let at = offset;
    let left = bytes;
    while (left > 0) {
      const inPage = at % 4096;
      const chunk = Math.min(left, 4096 - inPage, size - at);
      const vpn = base + 1 + Math.floor(at / 4096);
      if (write) this.store(vcpu, vpn, inPage, chunk);
      else this.load(vcpu, vpn, inPage, chunk);
      left -= chunk;
      at = (at + chunk) % size;
    }
  }

  /**
   * A copy of `bytes` bytes by `vcpu` from byte `from` of region `src` to
   * byte `to` of region `dst` (page numbers; ring regions wrap), both
   * translated through its MMU (charged), their lines streamed through its
   * caches, charged at the profile's copy throughput: the in-cache rate, and
   * the DRAM rate for lines that came from memory. `hypervisor`: the
   * hypervisor copies between host frames (no guest translation), charged
   * as hypervisor work.
   */
  copy(
    vcpu: Vcpu,
    src: CopyEnd,
    dst: CopyEnd,
    bytes: number,
    hypervisor: boolean,
  ): void {
    let dram = 0;
    let left = bytes;
    let s = src.offset;
    let d = dst.offset;
    const mmu = vcpu.mmu;
    while (left > 0) {
      const sIn = s % 4096;
      const dIn = d % 4096;
      const chunk = Math.min(left, 4096 - sIn, 4096 - dIn, src.wrap - s, dst.wrap - d);
      const sFrame = this.#frameOf(vcpu, src, s, hypervisor);
      const dFrame = this.#frameOf(vcpu, dst, d, hypervisor);
      // A line of the copy comes at the DRAM rate when either end missed.
      dram += Math.max(mmu.stream(sFrame, sIn, chunk), mmu.stream(dFrame, dIn, chunk));
      left -= chunk;
      s = (s + chunk) % src.wrap;
      d = (d + chunk) % dst.wrap;
    }
    const lines = Math.ceil(bytes / 64);
    const fromDram = Math.min(dram, lines);
    const bus = this.bus;
    const cycles = bus.copySetupCycles +
      (fromDram * 64 * bus.copyDramCyclesPerByte) +
      (bytes - Math.min(bytes, fromDram * 64)) * bus.copyCyclesPerByte;
    vcpu.stats.cycles[hypervisor ? Cycle.HYPERVISOR : Cycle.GUEST_KERNEL] += cycles;
    this.spent[Spend.COPY] += cycles;
  }

  #frameOf(vcpu: Vcpu, end: CopyEnd, at: number, hypervisor: boolean): number {
    const vpn = end.base + Math.floor(at / 4096);
    if (!hypervisor) return vcpu.mmu.translate(vpn, 0);
    return this.frame(end.machine, vpn);
  }

  /**
   * An exit of `reason` by `vcpu` whose handler does `handler` cycles of
   * work (the bus's own handler costs, not the profile's per-reason ones),
   * spent on `spend`.
   */
  exit(vcpu: Vcpu, reason: number, handler: number, spend: number): void {
    const cycles = this.cost.vmExitCycles + handler;
    vcpu.stats.exit(reason, cycles);
    this.spent[spend] += cycles;
  }

  /** `cycles` of kernel (or, with `hypervisor`, hypervisor) work by `vcpu`, spent on `spend`. */
  work(vcpu: Vcpu, cycles: number, spend: number, hypervisor: boolean): void {
    vcpu.stats.cycles[hypervisor ? Cycle.HYPERVISOR : Cycle.GUEST_KERNEL] += cycles;
    this.spent[spend] += cycles;
  }

  /**
   * The signalling hypercall (HvSignalEvent) by `vcpu`, with the
   * hypervisor's injection of the interrupt into the other partition.
   */
  signal(vcpu: Vcpu): void {
    this.exit(
      vcpu,
      ExitReason.HYPERCALL,
      this.bus.signalHandlerCycles + this.bus.interruptInjectionCycles,
      Spend.SIGNAL,
    );
  }
}

/** One side of a copy: a region of a machine, a byte offset in it, and where it wraps. */
export interface CopyEnd {
  /** The machine whose memory it is. */
  machine: Machine;
  /** First page of the region. */
  base: number;
  /** Byte offset in the region. */
  offset: number;
  /** Bytes after which the region wraps to its start (a ring's data area), or Infinity. */
  wrap: number;
}
