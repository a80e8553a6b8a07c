// The source host's side of a migration (private to core/migration): the
// sender that pauses the guest, iterates pre-copy rounds over the dirty
// log, decides when to stop, and in post-copy pushes what the destination
// still needs while serving its requests first.

import { ExitReason } from "../base/exit_reason.ts";
import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { DirtyLog } from "../machine/dirty_log.ts";
import type { Machine } from "../machine/machine.ts";
import type { GuestMemory } from "../mem/guest_memory.ts";
import type { NetworkLink } from "../transfer/network_link.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../transfer/page_mover.ts";
import { PreemptChannel } from "../transfer/preempt_channel.ts";
import type { SampledGuest } from "../workload/sampled_guest.ts";
import type { MigrationDestination, PageSource } from "./_destination.ts";
import { iterates, PAGE_BYTES } from "./_migration_guest.ts";
import type { MigrationSettings } from "./migration_params.ts";
import { AutoConverge, stopsNow } from "./stop_rule.ts";

/** The sender's phases. */
export const Phase = {
  /** Not started. */
  IDLE: 0,
  /** Pre-copy rounds while the guest runs. */
  LIVE: 1,
  /** The guest is paused; the rest and the device state are on their way. */
  FINAL: 2,
  /** The guest runs on the destination; the source owes it pages. */
  POST: 3,
  /** Everything the destination needs was sent. */
  OVER: 4,
} as const;

/** What the sender tells the run. */
export interface SourceOwner {
  /** What the destination needs to resume the guest has arrived at `t`. */
  handedOver(t: number): void;
  /** The last page the destination was owed arrived at `t`. */
  allArrived(t: number): void;
}

const STATE_KEY = -1;
const LIVE_KEY = -2;
const POST_KEY = -3;

const TAG_START = 0;
const TAG_ROUND = 1;
const TAG_PUMP = 2;
const TAG_REQUEST = 3;

/** The sender on the source host: an agent of the clock and the client of its page movers. */
export class MigrationSource implements ClockAgent, PageMoverClient, PageSource {
  /** The phase. */
  phase: number = Phase.IDLE;
  /** Live rounds sent (round 0 sends all memory). */
  rounds = 0;
  /** Bytes put on the wire: payloads, page headers and device state. */
  bytesSent = 0;
  /** Pages sent, resends counted. */
  pagesSent = 0;
  /** Pages sent as a header alone. */
  zeroPagesSent = 0;
  /** Cycle the guest was paused on the source, or -1. */
  pausedAt = -1;
  /** Why pre-copy stopped: its rule's reason, `timeout` (the lab's bound), `post-copy` (hybrid switched), or "" without iterations. */
  stopReason = "";
  /** Highest throttle auto-converge set. */
  throttleMax = 0;
  /** Distinct pages dirtied during the live rounds. */
  liveDirtied = 0;
  /** Bandwidth measured at the last stop decision (bytes per cycle). */
  measuredBandwidth = 0;
  /** The source's memory at the pause: what the destination must end up with. */
  expected: Uint32Array | null = null;
  /** True once the link failed. */
  failed = false;
  /** Cycle of the last stop decision. */
  decidedAt = 0;
  readonly #s: MigrationSettings;
  readonly #clock: EventClock;
  readonly #id: number;
  readonly #mem: GuestMemory;
  readonly #guest: SampledGuest;
  readonly #log: DirtyLog | null;
  readonly #link: NetworkLink;
  readonly #dest: MigrationDestination;
  readonly #owner: SourceOwner;
  readonly #mover: PageMover;
  readonly #urgent: PageMover;
  readonly #versions = new Map<MoverBatch, Uint32Array>();
  readonly #list: Uint32Array;
  #listLen = 0;
  #listIdx = 0;
  #issueAt = 0;
  #roundEndDue = false;
  #roundPages = 0;
  #roundBytes = 0;
  #prevPending = -1;
  #unsent: Uint8Array | null = null;
  #cursor = 0;
  #stateArrived = false;
  readonly #autoConverge: AutoConverge | null;
  readonly #downtimeCycles: number;
  readonly #timeoutAt: number;
  readonly #splitCycles: number;
  readonly #protectCyclesPerPage: number;
  readonly #perPageBytes: number;

  constructor(
    s: MigrationSettings,
    cost: CostModel,
    clock: EventClock,
    machine: Machine,
    guest: SampledGuest,
    link: NetworkLink,
    dest: MigrationDestination,
    owner: SourceOwner,
    splits: number,
  ) {
    this.#s = s;
    this.#clock = clock;
    this.#mem = machine.guestMemory!;
    this.#guest = guest;
    this.#log = iterates(s) ? machine.dirtyLog : null;
    this.#link = link;
    this.#dest = dest;
    this.#owner = owner;
    this.#list = new Uint32Array(s.pages);
    this.#perPageBytes = link.profile.perPageBytes;
    const batchBytes = s.batchPages * PAGE_BYTES;
    this.#mover = new PageMover(clock, this, {
      transport: link,
      queueDepth: Math.max(1, Math.ceil(s.sendWindowBytes / batchBytes)),
      batchPages: s.batchPages,
      write: true,
      keys: s.pages,
    });
    // The preempt channel carries one requested page per message.
    const urgentClient: PageMoverClient = {
      fillUrgent: (key, batch) => this.fillUrgent(key, batch),
      fillBackground: () => Background.NONE,
      arrived: (batch, now) => this.arrived(batch, now),
    };
    this.#urgent = new PageMover(clock, urgentClient, {
      transport: s.preempt ? new PreemptChannel(link) : link,
      queueDepth: 16,
      batchPages: 1,
      write: true,
      keys: s.pages,
    });
    this.#autoConverge = s.autoConverge ? new AutoConverge() : null;
    const ghz = cost.clockGhz;
    this.#downtimeCycles = cyclesFromSeconds(s.downtimeLimitMs * 1e-3, ghz);
    const passCycles = s.pages * PAGE_BYTES / link.bytesPerCycle(true);
    this.#timeoutAt = s.timeoutPasses * passCycles;
    this.#splitCycles = cyclesFromSeconds(splits * 512 * s.splitNsPerEntry * 1e-9, ghz);
    this.#protectCyclesPerPage = s.protectNsPerPage * 1e-9 * ghz * 1e9;
    this.#id = clock.addAgent(this);
  }

  /** Starts the migration at cycle `at`. */
  start(at: number): void {
    this.#clock.schedule(at, this.#id, TAG_START);
  }

  /** The link failed at `t`: nothing more is sent, and nothing in flight arrives. */
  fail(_t: number): void {
    this.failed = true;
  }

  /** The destination asks for `page` at `now`: the request crosses the link first. */
  request(page: number, now: number): void {
    this.#clock.schedule(now + this.#link.messageLatency, this.#id, TAG_REQUEST + page);
  }

  wake(clock: EventClock, tag: number): void {
    const t = clock.now;
    if (tag === TAG_START) this.#start(t);
    else if (tag === TAG_ROUND) this.#endRound(t);
    else if (tag === TAG_PUMP) this.#mover.pump(t);
    else if (!this.failed) {
      const page = tag - TAG_REQUEST;
      if (this.#unsent !== null && this.#unsent[page] === 1) {
        (this.#s.preempt ? this.#urgent : this.#mover).request(page, t);
      }
    }
  }

  #start(t: number): void {
    const s = this.#s;
    if (s.method === "stop-and-copy") {
      this.#pause(t);
      for (let p = 0; p < s.pages; p++) this.#list[p] = p;
      this.#final(t, s.pages);
      return;
    }
    if (s.method === "post-copy") {
      this.#switchToPostcopy(t);
      return;
    }
    this.phase = Phase.LIVE;
    for (let p = 0; p < s.pages; p++) this.#list[p] = p;
    // Starting the log write-protected every page and split the host's large
    // pages: host work before the first page goes out; the TLB flush kicks the vCPUs.
    this.#guest.kick(ExitReason.KICK);
    this.#beginRound(t, s.pages, this.#splitCycles);
  }

  #beginRound(t: number, n: number, hostCycles: number): void {
    this.#listLen = n;
    this.#listIdx = 0;
    this.#roundPages = 0;
    this.#roundBytes = 0;
    this.#issueAt = t + Math.ceil(hostCycles + n * this.#protectCyclesPerPage);
    if (this.#issueAt > t) this.#clock.schedule(this.#issueAt, this.#id, TAG_PUMP);
    else this.#mover.pump(t);
  }

  #endRound(t: number): void {
    this.#roundEndDue = false;
    if (this.failed || this.phase !== Phase.LIVE) return;
    const s = this.#s;
    const log = this.#log!;
    this.rounds++;
    const pending = log.count;
    this.liveDirtied += pending;
    const bandwidth = this.#link.estimate.bytesPerCycle(t);
    this.measuredBandwidth = bandwidth;
    this.decidedAt = t;
    const reason = stopsNow(s.stopRule, {
      rounds: this.rounds,
      roundPages: this.#roundPages,
      pendingPages: pending,
      sentBytes: this.bytesSent,
      memoryBytes: s.pages * PAGE_BYTES,
      bandwidth,
      downtimeCycles: this.#downtimeCycles,
    });
    const stop = reason !== null;
    const timedOut = t >= this.#timeoutAt;
    if (!stop && this.#autoConverge !== null) {
      const throttle = this.#autoConverge.afterSync(pending * PAGE_BYTES, this.#roundBytes);
      if (throttle !== this.#guest.throttled) {
        this.#guest.throttle(throttle);
        if (throttle > this.throttleMax) this.throttleMax = throttle;
      }
    }
    if (s.method === "hybrid" && !stop) {
      const stalled = s.hybridRounds > 0
        ? this.rounds >= s.hybridRounds
        : this.#prevPending >= 0 && pending >= 0.9 * this.#prevPending;
      if (stalled || timedOut) {
        this.stopReason = timedOut && !stalled ? "timeout" : "post-copy";
        this.#switchToPostcopy(t);
        return;
      }
    }
    this.#prevPending = pending;
    if (stop || timedOut) {
      this.stopReason = reason ?? "timeout";
      this.#pause(t);
      const n = log.collect(this.#list, false);
      log.stop();
      this.#final(t, n);
      return;
    }
    // Read the log and re-arm it for the pages read (a TLB flush: the vCPUs are kicked).
    const n = log.collect(this.#list, true);
    if (n > 0) this.#guest.kick(ExitReason.KICK);
    this.#beginRound(t, n, 0);
  }

  /** The guest stops on the source at `t`: this instant is the one the destination must hold. */
  #pause(t: number): void {
    this.pausedAt = t;
    for (let v = 0; v < this.#guest.vcpus; v++) this.#guest.block(v, t);
    this.expected = this.#mem.version.slice();
  }

  /** Sends the device state and the `n` pages in the list while the guest is paused. */
  #final(t: number, n: number): void {
    this.phase = Phase.FINAL;
    this.#listLen = n;
    // The bug under test: forget one page dirtied in the last live round.
    this.#listIdx = this.#s.brokenSkipLastDirty && n > 0 ? 1 : 0;
    this.#issueAt = t;
    this.#sendState(this.#s.deviceStateBytes);
    this.#mover.pump(t);
    this.#checkFinal(t);
  }

  #sendState(bytes: number): void {
    this.bytesSent += bytes;
    this.#stateArrived = bytes === 0;
    this.#mover.send(bytes, STATE_KEY);
  }

  #checkFinal(t: number): void {
    if (
      this.phase === Phase.FINAL && this.#stateArrived && this.#listIdx >= this.#listLen &&
      this.#mover.inFlight === 0
    ) {
      this.phase = Phase.OVER;
      this.#owner.handedOver(t);
    }
  }

  /**
   * The guest stops at `t` and will run on the destination with only its
   * CPU and device state: the pages it dirtied since they were last sent
   * (all of them, without pre-copy rounds) are owed and pushed from now on.
   */
  #switchToPostcopy(t: number): void {
    const s = this.#s;
    this.#pause(t);
    this.phase = Phase.POST;
    const owed = new Uint8Array(s.pages);
    let stateBytes = s.deviceStateBytes;
    if (this.#log !== null) {
      const n = this.#log.collect(this.#list, false);
      this.#log.stop();
      for (let i = 0; i < n; i++) owed[this.#list[i]] = 1;
      // The destination learns which pages to discard: a bitmap of guest memory.
      stateBytes += Math.ceil(s.pages / 8);
    } else owed.fill(1);
    this.#unsent = owed.slice();
    this.#dest.beginSwitch(owed);
    this.#cursor = 0;
    this.#sendState(stateBytes);
    if (this.#stateArrived) this.#owner.handedOver(t);
    this.#mover.pump(t);
  }

  /** Sends requested `page` alone, unless it went already. */
  fillUrgent(page: number, batch: MoverBatch): boolean {
    const unsent = this.#unsent;
    if (this.failed || unsent === null || unsent[page] === 0) return false;
    unsent[page] = 0;
    const versions = this.#versionsOf(batch);
    batch.pages[0] = page;
    versions[0] = this.#mem.version[page];
    batch.count = 1;
    batch.key = POST_KEY;
    this.#charge(batch, versions);
    // QEMU restarts its background scan at the requested page: its neighbours follow.
    this.#cursor = page + 1 < unsent.length ? page + 1 : 0;
    return true;
  }

  /** The next batch: this round's list, or, in post-copy, the next pages still owed. */
  fillBackground(batch: MoverBatch, t: number): Background {
    if (this.failed) return Background.NONE;
    const phase = this.phase;
    if (phase === Phase.LIVE || phase === Phase.FINAL) {
      if (t < this.#issueAt) return Background.NONE;
      if (this.#listIdx < this.#listLen) {
        this.#fillList(batch);
        return Background.FILLED;
      }
      if (phase === Phase.LIVE && !this.#roundEndDue) {
        this.#roundEndDue = true;
        this.#clock.schedule(t, this.#id, TAG_ROUND);
      }
      return Background.NONE;
    }
    if (phase !== Phase.POST) return Background.NONE;
    const unsent = this.#unsent!;
    const versions = this.#versionsOf(batch);
    const version = this.#mem.version;
    const n = unsent.length;
    let p = this.#cursor;
    for (let looked = 0; looked < n && batch.count < this.#s.batchPages; looked++) {
      if (unsent[p] === 1) {
        unsent[p] = 0;
        versions[batch.count] = version[p];
        batch.pages[batch.count++] = p;
      }
      if (++p === n) p = 0;
    }
    this.#cursor = p;
    if (batch.count === 0) return Background.NONE;
    batch.key = POST_KEY;
    this.#charge(batch, versions);
    return Background.FILLED;
  }

  #fillList(batch: MoverBatch): void {
    const versions = this.#versionsOf(batch);
    const version = this.#mem.version;
    const end = Math.min(this.#listIdx + this.#s.batchPages, this.#listLen);
    for (let i = this.#listIdx; i < end; i++) {
      const p = this.#list[i];
      versions[batch.count] = version[p];
      batch.pages[batch.count++] = p;
    }
    this.#listIdx = end;
    batch.key = LIVE_KEY;
    this.#charge(batch, versions);
  }

  // The batch's payload: zero pages as headers alone, the rest compressed.
  #charge(batch: MoverBatch, versions: Uint32Array): void {
    const s = this.#s;
    let zero = 0;
    if (s.zeroPages) { for (let i = 0; i < batch.count; i++) if (versions[i] === 0) zero++; }
    batch.bytes = Math.ceil((batch.count - zero) * PAGE_BYTES / s.compressionRatio);
    const wire = batch.bytes + batch.count * this.#perPageBytes;
    this.bytesSent += wire;
    this.pagesSent += batch.count;
    this.zeroPagesSent += zero;
    this.#roundPages += batch.count;
    this.#roundBytes += wire;
  }

  /** The versions a batch carries, one array per batch slot. */
  #versionsOf(batch: MoverBatch): Uint32Array {
    let v = this.#versions.get(batch);
    if (v === undefined) {
      v = new Uint32Array(batch.pages.length);
      this.#versions.set(batch, v);
    }
    return v;
  }

  /** A batch reached the destination at `t` (lost if the link failed first). */
  arrived(batch: MoverBatch, t: number): void {
    if (this.failed) return;
    if (batch.key === STATE_KEY) {
      this.#stateArrived = true;
      if (this.phase === Phase.POST) this.#owner.handedOver(t);
    } else {
      this.#dest.receive(
        batch.pages,
        this.#versionsOf(batch),
        batch.count,
        t,
        batch.key === LIVE_KEY,
      );
    }
    if (this.phase === Phase.FINAL) this.#checkFinal(t);
    else if (this.phase === Phase.POST && this.#dest.resumedAt >= 0 && this.#dest.owedLeft === 0) {
      this.phase = Phase.OVER;
      this.#owner.allArrived(t);
    }
  }
}
