/**
 * The storage model: one device with a transfer bandwidth, a fixed latency
 * per I/O, and a number of I/Os it works on at once. A batch of pages is one
 * I/O.
 *
 * An I/O submitted at time `t` waits for a free slot (at most `queueDepth`
 * I/Os in the device), then for the transfer pipe (one I/O's bytes at a time,
 * at the profile's bandwidth), then completes one latency after its transfer
 * ends. Latencies of different I/Os overlap; transfers do not. So one 4 KiB
 * I/O at a time runs at `4096 / (latency + 4096 / bandwidth)` bytes per
 * second, and many large I/Os in flight reach the bandwidth. I/Os are served
 * in submission order, which the discrete-event clock makes time order.
 *
 * @module
 */

import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import { BANDWIDTH_WINDOW_S, BandwidthEstimate } from "./bandwidth_estimate.ts";
import type { Transport } from "./transport.ts";
import type { StorageProfile } from "./storage_profile.ts";
import { validateStorageProfile } from "./storage_profile.ts";

/**
 * A storage device on the cycle clock of a cost profile.
 *
 * @example One 4 KiB sequential write on the NVMe profile at 2 GHz
 * ```ts
 * import { StorageDevice } from "./storage_device.ts";
 * import { STORAGE_PROFILES } from "./storage_profile.ts";
 * const dev = new StorageDevice(STORAGE_PROFILES["nvme-ssd"], 2);
 * const done = dev.submit(0, 4096, 1, 0, true);
 * // 4096 B at 1.8 GB/s = 2.2756 µs = 4,552 cycles (rounded up), then 13 µs = 26,000 cycles.
 * if (done !== 4552 + 26000) throw new Error(String(done));
 * ```
 */
export class StorageDevice implements Transport {
  /** The profile this device models. */
  readonly profile: StorageProfile;
  /** The profile's name. */
  readonly name: string;
  /** The bandwidth measured on the device. */
  readonly estimate: BandwidthEstimate;
  /** I/Os submitted so far. */
  ios = 0;
  /** Bytes submitted so far. */
  bytes = 0;
  #slotFree: Float64Array;
  #pipeFree = 0;
  #end = 0;
  #readCyclesPerByte: number;
  #writeCyclesPerByte: number;
  #randomRead: number;
  #seqRead: number;
  #randomWrite: number;
  #seqWrite: number;

  /**
   * Creates an idle device: every slot and the transfer pipe free at cycle 0.
   *
   * @param profile the device's speed; validated here.
   * @param clockGhz clock of the cost profile whose cycles the device counts in.
   */
  constructor(profile: StorageProfile, clockGhz: number) {
    validateStorageProfile(profile);
    this.profile = profile;
    this.name = profile.name;
    this.estimate = new BandwidthEstimate(cyclesFromSeconds(BANDWIDTH_WINDOW_S, clockGhz));
    this.#slotFree = new Float64Array(profile.queueDepth);
    this.#readCyclesPerByte = clockGhz * 1e9 / profile.readBytesPerSecond;
    this.#writeCyclesPerByte = clockGhz * 1e9 / profile.writeBytesPerSecond;
    this.#randomRead = cyclesFromSeconds(profile.randomReadLatencyUs * 1e-6, clockGhz);
    this.#seqRead = cyclesFromSeconds(profile.sequentialReadLatencyUs * 1e-6, clockGhz);
    this.#randomWrite = cyclesFromSeconds(profile.randomWriteLatencyUs * 1e-6, clockGhz);
    this.#seqWrite = cyclesFromSeconds(profile.sequentialWriteLatencyUs * 1e-6, clockGhz);
  }

  /**
   * Submits one I/O of `bytes` at byte `offset` of the image at time `now`
   * (cycles) and returns the time it completes (cycles). An I/O whose offset
   * is where the previous one ended gets the sequential latency. The pages
   * an I/O carries cost nothing beyond their bytes.
   *
   * @example Two back-to-back reads: the second queues for the transfer pipe but is sequential
   * ```ts
   * import { StorageDevice } from "./storage_device.ts";
   * import { STORAGE_PROFILES } from "./storage_profile.ts";
   * const dev = new StorageDevice(STORAGE_PROFILES["sata-ssd"], 1);
   * // 8 KiB at 500 MB/s = 16,384 cycles at 1 GHz; random read latency 110 µs.
   * const a = dev.submit(0, 8192, 2, 4096, false);
   * // Its transfer follows the first one's; sequential read latency 36 µs.
   * const b = dev.submit(0, 8192, 2, 12288, false);
   * if (a !== 16384 + 110000 || b !== 2 * 16384 + 36000 || dev.ios !== 2) throw new Error();
   * ```
   */
  submit(now: number, bytes: number, _pages: number, offset: number, write: boolean): number {
    const slots = this.#slotFree;
    let k = 0;
    for (let i = 1; i < slots.length; i++) if (slots[i] < slots[k]) k = i;
    const start = slots[k] > now ? slots[k] : now;
    const xferStart = this.#pipeFree > start ? this.#pipeFree : start;
    const perByte = write ? this.#writeCyclesPerByte : this.#readCyclesPerByte;
    const xferEnd = xferStart + Math.ceil(bytes * perByte);
    this.#pipeFree = xferEnd;
    const sequential = offset === this.#end;
    const latency = write
      ? (sequential ? this.#seqWrite : this.#randomWrite)
      : (sequential ? this.#seqRead : this.#randomRead);
    const done = xferEnd + latency;
    slots[k] = done;
    this.#end = offset + bytes;
    this.ios++;
    this.bytes += bytes;
    return done;
  }

  /** Nominal bandwidth (bytes per cycle) of reads or writes. */
  bytesPerCycle(write: boolean): number {
    return 1 / (write ? this.#writeCyclesPerByte : this.#readCyclesPerByte);
  }

  /**
   * Time (cycles) at which the device could start another I/O's transfer:
   * the later of the transfer pipe and the earliest free slot.
   *
   * @example
   * ```ts
   * import { StorageDevice } from "./storage_device.ts";
   * import { STORAGE_PROFILES } from "./storage_profile.ts";
   * const dev = new StorageDevice(STORAGE_PROFILES["nvme-ssd"], 1);
   * if (dev.readyAt() !== 0) throw new Error();
   * ```
   */
  readyAt(): number {
    let free = this.#slotFree[0];
    for (let i = 1; i < this.#slotFree.length; i++) {
      if (this.#slotFree[i] < free) free = this.#slotFree[i];
    }
    return free > this.#pipeFree ? free : this.#pipeFree;
  }
}
