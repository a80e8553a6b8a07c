/**
 * One partition-bus run: the partitions and their memory
 * ({@linkcode BusWorld}), the two rings, the sender and receiver agents on
 * the one clock, messages arriving at the offered rate, and what each
 * method does to a message's payload on either side. At the end every
 * message is checked — taken once, in order, its pages holding what the
 * sender wrote — and the row is made.
 *
 * @module
 */

import { ExitReason } from "../base/exit_reason.ts";
import { Prng } from "../base/prng.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { Cycle, TRANSLATION_CYCLE_NAMES } from "../cost/stats.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import type { Machine } from "../machine/machine.ts";
import type { Vcpu } from "../machine/vcpu.ts";
import {
  BusWorld,
  completionRingBytes,
  type CopyEnd,
  Region,
  slotsOf,
  Spend,
} from "./_bus_world.ts";
import { Receiver } from "./_receiver.ts";
import { Sender } from "./_sender.ts";
import { type BusSettings, packetBytes, type SendMethod } from "./bus_params.ts";
import type { BusRow } from "./bus_row.ts";
import { policyThresholdBytes } from "./policy.ts";
import { Ring } from "./ring.ts";

/** What the receiver must do after taking a message. */
export const Taken = {
  /** Nothing more: the ring space was all it used. */
  DONE: 0,
  /** Complete it: the sender's buffer is free again. */
  COMPLETE: 1,
  /** Give its remapped pages back, then complete it. */
  GIVE_BACK: 2,
} as const;

/** A run. */
export class BusRun {
  /** Settings. */
  readonly s: BusSettings;
  /** The partitions and the charging of bus work. */
  readonly bw: BusWorld;
  /** The data ring, sender to receiver. */
  readonly data: Ring;
  /** The completion ring, receiver to sender. */
  readonly completions: Ring;
  /** When each message arrives at the sender (cycles). */
  readonly arrivals: Float64Array;
  /** When the receiver was done with each message (cycles; NaN until then). */
  readonly doneAt: Float64Array;
  /** Buffer slots: one message's pages each. */
  readonly slots: number;
  /** Per slot: 1 while lent to the receiver. */
  readonly slotBusy: Uint8Array;
  /** The sender. */
  readonly sender: Sender;
  /** The receiver. */
  readonly receiver: Receiver;
  /** The method every message is sent with (the policy's choice for the message size). */
  readonly sendMethod: SendMethod;
  /** The policy's threshold (bytes), or NaN for other methods. */
  readonly threshold: number;
  /** Signalling hypercalls. */
  signals = 0;
  /** Ring-full waits. */
  ringFullWaits = 0;
  /** Buffer waits. */
  bufferWaits = 0;
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
  // Per slot page: the version the sender wrote, and the one an inline copy carried.
  readonly #stamp: Float64Array;
  readonly #carried: Float64Array;
  readonly #seen: Uint8Array;
  #expected = 0;
  readonly #rng: Prng;

  /** Builds the run's partitions, rings and agents. */
  constructor(settings: BusSettings, cost: CostModel, seed: number) {
    this.s = settings;
    this.bw = new BusWorld(settings, cost);
    this.data = new Ring(settings.ringBytes);
    this.slots = slotsOf(settings);
    this.completions = new Ring(completionRingBytes(settings));
    // The sender wants no completion signal until it waits for buffers.
    this.completions.interruptMask = 1;
    this.completions.eventIndex = -1;
    this.threshold = settings.method === "policy"
      ? (settings.policyThresholdBytes ?? policyThresholdBytes(settings, cost))
      : NaN;
    this.sendMethod = settings.method === "policy"
      ? (settings.messageBytes >= this.threshold ? "remap" : "transfer-pages")
      : settings.method;
    this.slotBusy = new Uint8Array(this.slots);
    const pages = this.slots * settings.messagePages;
    this.#stamp = new Float64Array(pages);
    this.#carried = new Float64Array(pages);
    this.#seen = new Uint8Array(settings.messages);
    this.doneAt = new Float64Array(settings.messages).fill(NaN);
    this.#rng = new Prng(seed, 1);
    this.arrivals = poissonArrivals(settings, cost, new Prng(seed, 0));
    this.sender = new Sender(this);
    this.receiver = new Receiver(this);
    const clock = this.bw.world.clock;
    this.sender.agent = clock.addAgent(this.sender);
    this.receiver.agent = clock.addAgent(this.receiver);
  }

  /** Runs every message through and makes the row. */
  run(): BusRow {
    const clock = this.bw.world.clock;
    clock.schedule(this.arrivals[0], this.sender.agent);
    if (this.s.signalling === "poll") this.receiver.wake(clock);
    clock.run();
    return this.#row();
  }

  /** Extra cycles of one step (tests' jitter), 0 unless asked for. */
  jitter(): number {
    const j = this.s.jitterCycles;
    return j === 0 ? 0 : Math.floor(this.#rng.next() * j);
  }

  /** The method message `id` goes by. */
  methodOf(_id: number): SendMethod {
    return this.sendMethod;
  }

  /** Bytes message `id`'s packet takes in the data ring. */
  packetBytesOf(id: number): number {
    switch (this.methodOf(id)) {
      case "inline":
        return packetBytes(this.s.messageBytes, 0);
      case "transfer-pages":
        // One range of the transfer-page set.
        return packetBytes(0, 1);
      default:
        // The page list (a GPA-direct packet).
        return packetBytes(0, this.s.messagePages);
    }
  }

  /** First page of message `id`'s payload in the sender's region for `method`. */
  #sourcePage(id: number, method: SendMethod): number {
    const base = method === "transfer-pages" ? Region.SHARED : Region.PRIVATE;
    return base + (id % this.slots) * this.s.messagePages;
  }

  /**
   * The sender sends message `id` on `cpu`: the application writes its
   * payload into its buffer, then the packet of `bytes` goes into the ring
   * (not yet published) by the message's method.
   */
  send(cpu: Vcpu, id: number, bytes: number): void {
    const s = this.s;
    const bw = this.bw;
    const guest = bw.guest;
    const method = this.methodOf(id);
    const slot = id % this.slots;
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
    const offset = this.data.put(id, bytes);
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
    this.slotBusy[slot] = 1;
    if (method === "remap") this.#remap(cpu, first, slot);
  }

  #ring(machine: Machine, offset: number): CopyEnd {
    return {
      machine,
      base: Region.DATA_RING + 1,
      offset: offset % this.s.ringBytes,
      wrap: this.s.ringBytes,
    };
  }

  /**
   * The sender's remap hypercall: its pages go to the receiver's slots,
   * then every vCPU of the sender is shot down.
   */
  #remap(cpu: Vcpu, first: number, slot: number): void {
    const s = this.s;
    const bw = this.bw;
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
    const gfns = this.s.platform === "shadow" ? pages : 1;
    for (let p = 0; p < gfns; p++) machine.platform.unmapped(this.bw.gfn(machine, first + p));
  }

  /**
   * The receiver takes message `id` on `cpu` (its packet at `offset` of the
   * data ring): copies or maps the payload in by the method, reads it if it
   * touches data, and checks it.
   * @returns what must follow ({@linkcode Taken})
   */
  receive(cpu: Vcpu, id: number, offset: number): number {
    const s = this.s;
    const bw = this.bw;
    const { guest, host } = bw;
    const method = this.methodOf(id);
    const slot = id % this.slots;
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
      case "transfer-pages": {
        const shared = Region.SHARED + at;
        bw.copy(
          cpu,
          { machine: host, base: shared, offset: 0, wrap: Infinity },
          destEnd,
          s.messageBytes,
          false,
        );
        for (let p = 0; p < s.messagePages; p++) {
          versions.set(bw.frame(host, dest + p), versions.of(bw.frame(host, shared + p)));
        }
        break;
      }
      case "hypervisor-copy": {
        const source = Region.PRIVATE + at;
        bw.copy(
          cpu,
          { machine: guest, base: source, offset: 0, wrap: Infinity },
          destEnd,
          s.messageBytes,
          true,
        );
        for (let p = 0; p < s.messagePages; p++) {
          versions.set(bw.frame(host, dest + p), versions.of(bw.frame(guest, source + p)));
        }
        break;
      }
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

  #check(id: number, page: number, at: number): void {
    const bw = this.bw;
    const versions = bw.host.hostMemory.versions;
    for (let p = 0; p < this.s.messagePages; p++) {
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
    const s = this.s;
    const bw = this.bw;
    const { guest, host, bus } = bw;
    const pages = ids.length * s.messagePages;
    bw.exit(
      cpu,
      ExitReason.HYPERCALL,
      bus.remapHypercallCycles + pages * 2 * bus.pteUpdateCycles + bus.tlbFlushCycles,
      Spend.REMAP,
    );
    for (const id of ids) {
      const at = (id % this.slots) * s.messagePages;
      for (let p = 0; p < s.messagePages; p++) {
        const from = Region.RECEIVE + at + p;
        bw.world.remap(host, bw.gfn(host, from), guest, bw.gfn(guest, Region.PRIVATE + at + p));
      }
      this.#invalidate(host, Region.RECEIVE + at, s.messagePages);
    }
  }

  #row(): BusRow {
    const s = this.s;
    const bw = this.bw;
    const cost = bw.cost;
    const delivered = this.delivered;
    const per = (x: number) => (delivered > 0 ? x / delivered : NaN);
    const guest = bw.guest.report();
    const host = bw.host.report();
    const total = guest.cycles.total + host.cycles.total - bw.spent[Spend.APP];
    let translation = 0;
    for (const name of TRANSLATION_CYCLE_NAMES) {
      translation += guest.cycles[name] + host.cycles[name];
    }
    const exits = exitCounts([bw.guest, bw.host]).exits;
    const latencies: number[] = [];
    let last = 0;
    for (let i = 0; i < s.messages; i++) {
      const done = this.doneAt[i];
      if (Number.isNaN(done)) continue;
      latencies.push(done - this.arrivals[i]);
      if (done > last) last = done;
    }
    latencies.sort((a, b) => a - b);
    const us = (cycles: number) => cycles / (cost.clockGhz * 1000);
    const runCycles = last - this.arrivals[0];
    const seconds = runCycles / (cost.clockGhz * 1e9);
    const bytes = delivered * s.messageBytes;
    return {
      method: s.method,
      message_bytes: s.messageBytes,
      signalling: s.signalling,
      offered_msgs_s: s.offeredMsgsS,
      batch: s.batch,
      vcpus: s.vcpus,
      platform: s.platform,
      receiver_touches: s.receiverTouches,
      messages: s.messages,
      delivered,
      lost_messages: s.messages - delivered,
      duplicated_messages: this.duplicated,
      reordered_messages: this.reordered,
      corrupted_messages: this.corrupted,
      stale_translations: this.stale,
      throughput_mib_s: seconds > 0 ? bytes / 1048576 / seconds : NaN,
      msgs_s: seconds > 0 ? delivered / seconds : NaN,
      latency_us_p50: us(quantile(latencies, 0.5)),
      latency_us_p99: us(quantile(latencies, 0.99)),
      latency_us_mean: us(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      exits_per_msg: per(exits),
      signals_per_msg: per(this.signals),
      interrupts_per_msg: per(this.receiver.interrupts),
      sender_interrupts_per_msg: per(this.sender.interrupts),
      cycles_per_msg: per(total),
      cycles_per_byte: bytes > 0 ? total / bytes : NaN,
      sender_cycles_per_msg: per(guest.cycles.total - bw.spent[Spend.APP]),
      receiver_cycles_per_msg: per(host.cycles.total),
      copy_cycles_per_msg: per(bw.spent[Spend.COPY]),
      signal_cycles_per_msg: per(bw.spent[Spend.SIGNAL]),
      remap_cycles_per_msg: per(bw.spent[Spend.REMAP]),
      translation_cycles_per_msg: per(translation),
      poll_cycles_per_msg: per(bw.spent[Spend.POLL]),
      tlb_shootdowns: this.shootdowns,
      walks_per_msg: per(guest.counters.walks + host.counters.walks),
      remapped_messages: this.remapped,
      ring_full_waits: this.ringFullWaits,
      buffer_waits: this.bufferWaits,
      receiver_busy: runCycles > 0 ? Math.min(1, this.receiver.busyCycles / runCycles) : NaN,
      policy_threshold_bytes: this.threshold,
      run_us: us(runCycles),
    };
  }
}

/** The `q` quantile of sorted `values` (nearest rank), NaN when empty. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  return values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
}

/** Arrival cycles of the run's messages: a Poisson process at the offered rate. */
function poissonArrivals(s: BusSettings, cost: CostModel, rng: Prng): Float64Array {
  const arrivals = new Float64Array(s.messages);
  const meanGap = (cost.clockGhz * 1e9) / s.offeredMsgsS;
  let t = 0;
  for (let i = 0; i < s.messages; i++) {
    arrivals[i] = Math.round(t);
    t += -Math.log(1 - rng.next()) * meanGap;
  }
  return arrivals;
}
