// Iterative dirty-logging pre-copy to a file (private to core/snapshot).

import { ExitReason } from "../base/exit_reason.ts";
import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import type { EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { DirtyLog } from "../machine/dirty_log.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../transfer/page_mover.ts";
import { type LoggingStart, startDirtyLogging } from "../workload/translation_sample.ts";
import { PAGE_BYTES } from "./_state_machine.ts";
import { StateRun } from "./_state_run.ts";
import type { SnapshotSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

const LIVE = 0;
const FINAL = 1;
const DONE = 2;

/**
 * Pre-copy to a file: round 0 writes every page while the guest runs with
 * dirty logging (write-protection: the first write to a page in a round
 * exits and marks it dirty); each later round writes the pages dirtied
 * during the previous one. When the dirty pages would fit in the downtime
 * limit at the bandwidth the storage measured (QEMU's stop rule, 100 ms windows), or
 * after `maxRounds`, the guest pauses and the rest is written. Pages are
 * copied when their I/O starts, so a later write only makes them dirty again.
 */
export class PrecopySaver extends StateRun<SnapshotSettings> implements PageMoverClient {
  readonly #image: Uint32Array;
  #expected: Uint32Array | null = null;
  readonly #log: DirtyLog;
  readonly #logging: LoggingStart;
  readonly #list: Uint32Array;
  #listLen = 0;
  #listIdx = 0;
  readonly #mover: PageMover;
  #phase = LIVE;
  #round = 0;
  #nextIssue = 0;
  readonly #tagPump: number;
  readonly #tagRound: number;
  readonly #downtimeCycles: number;
  #pauseStart = 0;

  constructor(s: SnapshotSettings, cost: CostModel, seed: number) {
    super(s, cost, seed, s.dirtyLog);
    this.#log = this.machine.dirtyLog!;
    // Dirty logging starts with the snapshot request, splitting host large pages.
    this.#logging = startDirtyLogging(this.machine, this.guest, {
      accesses: s.translationSampleAccesses,
      writeFraction: s.writeFraction,
      seed,
    });
    this.#image = new Uint32Array(s.pages);
    this.#list = new Uint32Array(s.pages);
    this.#mover = new PageMover(this.events, this, {
      transport: this.dev,
      queueDepth: s.ioDepth,
      batchPages: s.batchPages,
      write: true,
      keys: 0,
    });
    this.#tagPump = 0;
    this.#tagRound = 1;
    this.#downtimeCycles = cyclesFromSeconds(s.downtimeLimitMs * 1e-3, cost.clockGhz);
  }

  run(): StateRow {
    const s = this.s;
    this.fillMemory();
    for (let v = 0; v < s.vcpus; v++) this.guest.unblock(v, 0);
    this.events.schedule(0, this.id, this.#tagRound);
    const gaveUp = this.runClock("snapshot");
    let lost = 0;
    let reason = "";
    if (this.done >= 0) {
      // The image must hold every page's version at the final pause.
      const expected = this.#expected!;
      for (let p = 0; p < s.pages; p++) if (this.#image[p] !== expected[p]) lost++;
      if (gaveUp) reason = "the image was complete, the guest's job was not done";
    } else {
      // Gave up before the snapshot instant: every page written to the image
      // and neither dirtied since nor waiting in this round's list must hold
      // its current version.
      const version = this.mem.version;
      const left = new Uint8Array(s.pages);
      for (let i = this.#listIdx; i < this.#listLen; i++) left[this.#list[i]] = 1;
      let leftCount = 0;
      for (let p = 0; p < s.pages; p++) {
        if (left[p] === 1 || this.#log.dirty[p] === 1) leftCount++;
        else if (this.#image[p] !== version[p]) lost++;
      }
      reason = this.#phase === LIVE
        ? `pre-copy round ${
          this.#round + 1
        } (live rounds capped at ${s.maxRounds}), ${leftCount} pages still to write`
        : `in the final pause, ${leftCount} pages still to write`;
    }
    const pause = this.done >= 0 ? this.done - this.#pauseStart : NaN;
    return this.row("snapshot", gaveUp, reason, {
      pauseCycles: pause,
      firstInstruction: 0,
      bufferPeakPages: 0,
      rounds: this.#round,
      lostPages: lost,
      dirtyLog: s.dirtyLog!,
      logging: this.#logging,
    });
  }

  /** Nothing traps: the machine's dirty log handles the writes it watches. */
  override onTrap(): void {
    throw new Error("pre-copy: a touch trapped, but only the dirty log watches pages");
  }

  wake(sim: EventClock, tag: number): void {
    const t = sim.now;
    if (tag === this.#tagPump) this.#mover.pump(t);
    else this.#startRound(t);
  }

  // Collects the pages to write this round and re-arms dirty logging for them.
  #startRound(t: number): void {
    let n = 0;
    const live = this.#phase === LIVE;
    if (this.#round === 0) {
      // The log watches every page since the request; flushing the TLBs kicks the vCPUs.
      for (let p = 0; p < this.s.pages; p++) this.#list[n++] = p;
      this.guest.kick(ExitReason.KICK);
    } else {
      // Read the log; in a live round re-arm it for the pages read (a TLB flush: kicks).
      n = this.#log.collect(this.#list, live);
      if (live && n > 0) this.guest.kick(ExitReason.KICK);
    }
    this.#listLen = n;
    this.#listIdx = 0;
    // Write-protecting the pages (and, before the first round, splitting the
    // host's large pages into 512 mappings each) is host work before the I/Os.
    const hostNs = n * this.s.protectNsPerPage +
      (this.#round === 0 ? this.#logging.splits * 512 * this.s.splitNsPerEntry : 0);
    const protect = this.#phase === LIVE ? cyclesFromSeconds(hostNs * 1e-9, this.cost.clockGhz) : 0;
    this.#nextIssue = t + protect;
    if (protect > 0) this.events.schedule(this.#nextIssue, this.id, this.#tagPump);
    else this.#mover.pump(t);
    // A final round with no pages and no device state to write is over at once.
    if (this.#phase === FINAL && n === 0 && this.#mover.inFlight === 0) this.#endRound(t);
  }

  /** The next batch of this round's list, copied as it is issued; none before the protection is done. */
  fillBackground(batch: MoverBatch, t: number): Background {
    if (t < this.#nextIssue || this.#listIdx >= this.#listLen) return Background.NONE;
    const version = this.mem.version;
    const end = Math.min(this.#listIdx + this.s.batchPages, this.#listLen);
    for (let i = this.#listIdx; i < end; i++) {
      const p = this.#list[i];
      this.#image[p] = version[p];
      batch.pages[batch.count++] = p;
    }
    this.#listIdx = end;
    this.pagesMoved += batch.count;
    batch.bytes = batch.count * PAGE_BYTES;
    this.imageBytes += batch.bytes;
    return Background.FILLED;
  }

  /** Pre-copy asks for nothing urgently. */
  fillUrgent(): boolean {
    return false;
  }

  /** A batch is written; the round ends when nothing is left in flight or to write. */
  arrived(_batch: MoverBatch, t: number): void {
    this.#mover.pump(t);
    if (this.#mover.inFlight === 0 && this.#listIdx >= this.#listLen) this.#endRound(t);
  }

  #endRound(t: number): void {
    this.#round++;
    if (this.#phase === FINAL) {
      this.#phase = DONE;
      // Dirty logging ends with the snapshot.
      this.#log.stop();
      this.complete(t, true);
      return;
    }
    // QEMU's stop rule, at the bandwidth the transport measured.
    const restCycles = this.#log.count * PAGE_BYTES / this.dev.estimate.bytesPerCycle(t);
    if (this.#round >= this.s.maxRounds || restCycles <= this.#downtimeCycles) {
      // Stop the guest: this instant is the one the image must hold.
      this.#phase = FINAL;
      this.#pauseStart = t;
      for (let v = 0; v < this.s.vcpus; v++) this.guest.block(v, t);
      this.#expected = this.mem.version.slice();
      this.#mover.send(this.s.deviceStateBytes, -1);
      this.imageBytes += this.s.deviceStateBytes;
    }
    this.#startRound(t);
  }

  /** A job of zero length is done at the first instruction: cycle 0. */
  protected override finish(): void {
    if (this.jobDone < 0) this.jobDone = 0;
    super.finish();
  }
}
