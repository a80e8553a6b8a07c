/**
 * What each transfer method does to a message's payload, on either side:
 * the sender's application writes it, then it goes inline through the
 * ring, stays in the shared transfer pages, or is remapped into the
 * receiver (with the sender's shootdown, and the pages given back on
 * completion); the receiver copies it out (or the hypervisor copies it, or
 * it finds it mapped), reads it if it touches data, and checks it: taken
 * once, in order, every page holding the version the sender wrote.
 *
 * @module
 */

import { ExitReason } from "../base/exit_reason.ts";
import { Cycle } from "../cost/stats.ts";
import type { Machine } from "../machine/machine.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import { type CopyEnd, Region, Spend } from "./_bus_world.ts";
import type { BusRun } from "./_bus_run.ts";
import type { SendMethod } from "./bus_params.ts";

/** What the receiver must do after taking a message. */
export const Taken = {
  /** Nothing more: the ring space was all it used. */
  DONE: 0,
  /** Complete it: the sender's buffer is free again. */
  COMPLETE: 1,
  /** Give its remapped pages back, then complete it. */
  GIVE_BACK: 2,
} as const;

/** The payloads of a run. */
export class Payloads {
  /** Messages taken once. */
  delivered = 0;
  /** Messages taken again. */
  duplicated = 0;
  /** Messages taken out of order. */
  reordered = 0;
  /** Messages whose pages did not hold what was sent. */
  corrupted = 0;
  /** Remapped pages still reachable through a sender's TLB. */
  stale = 0;
  /** Shootdowns. */
  shootdowns = 0;
  /** Messages sent by remap. */
  remapped = 0;
  /** Messages the receiver finished in its current step. */
  readonly finished: number[] = [];
  readonly #run: BusRun;
  // Per slot page: the version the sender wrote, and the one an inline copy carried.
  readonly #stamp: Float64Array;
  readonly #carried: Float64Array;
  readonly #seen: Uint8Array;
  #expected = 0;

  /** Creates the payloads of `run`. */
  constructor(run: BusRun) {
    this.#run = run;
    const pages = run.slots * run.s.messagePages;
    this.#stamp = new Float64Array(pages);
    this.#carried = new Float64Array(pages);
    this.#seen = new Uint8Array(run.s.messages);
  }

  /** First page of message `id`'s payload in the sender's region for `method`. */
  #sourcePage(id: number, method: SendMethod): number {
    const base = method === "transfer-pages" ? Region.SHARED : Region.PRIVATE;
    return base + (id % this.#run.slots) * this.#run.s.messagePages;
  }

  /**
   * The sender sends message `id` on `cpu`: the application writes its
   * payload into its buffer, then the packet of `bytes` goes into the ring
   * (not yet published) by the message's method.
   */
  send(cpu: Vcpu, id: number, bytes: number): void {
    const s = this.#run.s;
    const bw = this.#run.bw;
    const guest = bw.guest;
    const method = this.#run.methodOf(id);
    const slot = id % this.#run.slots;
    const first = this.#sourcePage(id, method);
    const at = slot * s.messagePages;
    const versions = guest.hostMemory.versions;
    // The application's writes: not the bus's cost, but they leave the
    // payload in the sender's caches and TLB, and its pages' versions new.
    const app = cpu.stats.totalCycles();
    for (let p = 0; p < s.messagePages; p++) {
      const chunk = Math.min(4096, s.messageBytes - p * 4096);
      bw.store(cpu, first + p, 0, 8);
      const frame = bw.frame(guest, first + p);
      cpu.mmu.stream(frame, 0, chunk);
      this.#stamp[at + p] = versions.of(frame);
    }
    // Writing the payload runs at the copy rate of lines in the caches.
    cpu.stats.cycles[Cycle.COMPUTE] += s.messageBytes * bw.bus.copyCyclesPerByte;
    bw.spent[Spend.APP] += cpu.stats.totalCycles() - app;
    const offset = this.#run.data.put(id, bytes);
    const descriptor = method === "inline" ? 16 : bytes - 8;
    bw.ringAccess(cpu, Region.DATA_RING, s.ringBytes, offset, descriptor, true);
    if (method === "inline") {
      bw.copy(
        cpu,
        { machine: guest, base: first, offset: 0, wrap: Infinity },
        this.#ring(guest, offset + 16),
        s.messageBytes,
        false,
      );
      for (let p = 0; p < s.messagePages; p++) this.#carried[at + p] = this.#stamp[at + p];
      return;
    }
    this.#run.slotBusy[slot] = 1;
    if (method === "remap") this.#remap(cpu, first, slot);
  }

  #ring(machine: Machine, offset: number): CopyEnd {
    return {
      machine,
      base: Region.DATA_RING + 1,
      offset: offset % this.#run.s.ringBytes,
      wrap: this.#run.s.ringBytes,
    };
  }

  /**
   * The sender's remap hypercall: its pages go to the receiver's slots,
   * then every vCPU of the sender is shot down.
   */
  #remap(cpu: Vcpu, first: number, slot: number): void {
    const s = this.#run.s;
    const bw = this.#run.bw;
    const { guest, host, bus } = bw;
    const others = guest.vcpus.length - 1;
    bw.exit(
      cpu,
      ExitReason.HYPERCALL,
      bus.remapHypercallCycles + s.messagePages * 2 * bus.pteUpdateCycles + bus.tlbFlushCycles +
        others * bus.shootdownIpiCycles,
      Spend.REMAP,
    );
    const into = Region.RECEIVE + slot * s.messagePages;
    for (let p = 0; p < s.messagePages; p++) {
      bw.world.remap(guest, bw.gfn(guest, first + p), host, bw.gfn(host, into + p));
    }
    this.remapped++;
    if (!s.brokenRemapSkipsShootdown) {
      for (const other of guest.vcpus) {
        if (other !== cpu) bw.exit(other, ExitReason.KICK, bus.tlbFlushCycles, Spend.REMAP);
      }
      this.#invalidate(guest, first, s.messagePages);
      this.shootdowns++;
    }
    for (const vcpu of guest.vcpus) {
      for (let p = 0; p < s.messagePages; p++) if (vcpu.mmu.holds(first + p, 0)) this.stale++;
    }
  }

  /** `machine`'s vCPUs drop every translation to the frames that left pages `first`.. (INVEPT on nested paging). */
  #invalidate(machine: Machine, first: number, pages: number): void {
    const gfns = this.#run.s.platform === "shadow" ? pages : 1;
    for (let p = 0; p < gfns; p++) machine.platform.unmapped(this.#run.bw.gfn(machine, first + p));
  }

  /**
   * The receiver takes message `id` on `cpu` (its packet at `offset` of the
   * data ring): copies or maps the payload in by the method, reads it if it
   * touches data, and checks it.
   * @returns what must follow ({@linkcode Taken})
   */
  receive(cpu: Vcpu, id: number, offset: number): number {
    const s = this.#run.s;
    const bw = this.#run.bw;
    const { guest, host } = bw;
    const method = this.#run.methodOf(id);
    const slot = id % this.#run.slots;
    const at = slot * s.messagePages;
    const dest = Region.DEST + at;
    const versions = host.hostMemory.versions;
    let page = dest;
    const destEnd = { machine: host, base: dest, offset: 0, wrap: Infinity };
    switch (method) {
      case "inline":
        bw.copy(cpu, this.#ring(host, offset + 16), destEnd, s.messageBytes, false);
        for (let p = 0; p < s.messagePages; p++) {
          versions.set(bw.frame(host, dest + p), this.#carried[at + p]);
        }
        break;
      case "transfer-pages":
        // The receiver copies out of the transfer pages both partitions map.
        this.#copyOut(cpu, host, Region.SHARED + at, dest, false);
        break;
      case "hypervisor-copy":
        // The hypervisor copies from the sender's granted pages.
        this.#copyOut(cpu, guest, Region.PRIVATE + at, dest, true);
        break;
      case "remap":
        page = Region.RECEIVE + at;
        break;
    }
    if (s.receiverTouches) {
      for (let p = 0; p < s.messagePages; p++) {
        bw.load(cpu, page + p, 0, Math.min(4096, s.messageBytes - p * 4096));
      }
    }
    this.#check(id, page, at);
    return method === "inline" ? Taken.DONE : method === "remap" ? Taken.GIVE_BACK : Taken.COMPLETE;
  }

  /**
   * A copy of the payload from pages `from`.. of `machine` into the
   * receiver's pages `dest`.. by `cpu` (or by the hypervisor on it), the
   * destination's frames taking the versions of the source's.
   */
  #copyOut(cpu: Vcpu, machine: Machine, from: number, dest: number, hypervisor: boolean): void {
    const s = this.#run.s;
    const bw = this.#run.bw;
    const host = bw.host;
    const versions = host.hostMemory.versions;
    bw.copy(
      cpu,
      { machine, base: from, offset: 0, wrap: Infinity },
      { machine: host, base: dest, offset: 0, wrap: Infinity },
      s.messageBytes,
      hypervisor,
    );
    for (let p = 0; p < s.messagePages; p++) {
      versions.set(bw.frame(host, dest + p), versions.of(bw.frame(machine, from + p)));
    }
  }

  #check(id: number, page: number, at: number): void {
    const bw = this.#run.bw;
    const versions = bw.host.hostMemory.versions;
    for (let p = 0; p < this.#run.s.messagePages; p++) {
      const frame = bw.frame(bw.host, page + p);
      if (frame < 0 || versions.of(frame) !== this.#stamp[at + p]) {
        this.corrupted++;
        break;
      }
    }
    if (this.#seen[id] !== 0) {
      this.duplicated++;
      return;
    }
    this.#seen[id] = 1;
    this.delivered++;
    if (id !== this.#expected) this.reordered++;
    this.#expected = id + 1;
    this.finished.push(id);
  }

  /**
   * The receiver gives the remapped pages of messages `ids` back to the
   * sender in one hypercall, dropping its own translations to them.
   */
  giveBack(cpu: Vcpu, ids: readonly number[]): void {
    const s = this.#run.s;
    const bw = this.#run.bw;
    const { guest, host, bus } = bw;
    const pages = ids.length * s.messagePages;
    bw.exit(
      cpu,
      ExitReason.HYPERCALL,
      bus.remapHypercallCycles + pages * 2 * bus.pteUpdateCycles + bus.tlbFlushCycles,
      Spend.REMAP,
    );
    for (const id of ids) {
      const at = (id % this.#run.slots) * s.messagePages;
      for (let p = 0; p < s.messagePages; p++) {
        const from = Region.RECEIVE + at + p;
        bw.world.remap(host, bw.gfn(host, from), guest, bw.gfn(guest, Region.PRIVATE + at + p));
      }
      this.#invalidate(host, Region.RECEIVE + at, s.messagePages);
    }
  }
}
