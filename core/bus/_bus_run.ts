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

import { Prng } from "../base/prng.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { TRANSLATION_CYCLE_NAMES } from "../cost/stats.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import { BusWorld, completionRingBytes, slotsOf, Spend } from "./_bus_world.ts";
import { Receiver } from "./_receiver.ts";
import { Sender } from "./_sender.ts";
import { type BusSettings, packetBytes, type SendMethod } from "./bus_params.ts";
import type { BusRow } from "./bus_row.ts";
import { policyThresholdBytes } from "./policy.ts";
import { Ring } from "./ring.ts";
import { Payloads } from "./_payloads.ts";

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
  /** What each method does to the payloads, and the checks of what arrived. */
  readonly payloads: Payloads;
  /** Signalling hypercalls. */
  signals = 0;
  /** Ring-full waits. */
  ringFullWaits = 0;
  /** Buffer waits. */
  bufferWaits = 0;
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
    this.doneAt = new Float64Array(settings.messages).fill(NaN);
    this.payloads = new Payloads(this);
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

  #row(): BusRow {
    const s = this.s;
    const bw = this.bw;
    const cost = bw.cost;
    const delivered = this.payloads.delivered;
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
      mode: s.platform,
      receiver_touches: s.receiverTouches,
      messages: s.messages,
      delivered,
      lost_messages: s.messages - delivered,
      duplicated_messages: this.payloads.duplicated,
      reordered_messages: this.payloads.reordered,
      corrupted_messages: this.payloads.corrupted,
      stale_translations: this.payloads.stale,
      throughput_mib_s: seconds > 0 ? bytes / 1048576 / seconds : NaN,
      msgs_s: seconds > 0 ? delivered / seconds : NaN,
      latency_p50_us: us(quantile(latencies, 0.5)),
      latency_p99_us: us(quantile(latencies, 0.99)),
      latency_mean_us: us(latencies.reduce((a, b) => a + b, 0) / latencies.length),
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
      tlb_shootdowns: this.payloads.shootdowns,
      walks_per_msg: per(guest.counters.walks + host.counters.walks),
      remapped_messages: this.payloads.remapped,
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
