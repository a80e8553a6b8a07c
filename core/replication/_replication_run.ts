// One replication run from start to row (private to core/replication): the
// production and backup hosts on one clock, the guest on the production
// host, the replicator that captures checkpoints and sends them, the
// failures, the failover, and the checks that the backup recovered one
// whole checkpoint and that no released output depends on lost state.

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import { cyclesFromSeconds, msFromCycles } from "../clock/cycle_time.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import type { Machine } from "../machine/machine.ts";
import { World } from "../machine/world.ts";
import { LinkOutage } from "../transfer/link_outage.ts";
import { NetworkLink } from "../transfer/network_link.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../transfer/page_mover.ts";
import { StorageDevice } from "../transfer/storage_device.ts";
import { SampledGuest, type TrapHandler } from "../workload/sampled_guest.ts";
import { MeasurementCache } from "../workload/measurement_cache.ts";
import { fillMemory, steadyWriterWorkload } from "../workload/steady_writer.ts";
import {
  coldStartCycles,
  cyclesPerAccessOf,
  type LoggingStart,
  NO_LOGGING,
  startDirtyLogging,
} from "../workload/translation_sample.ts";
import { Backup, type BackupPeer } from "./_backup.ts";
import { type Checkpoint, itemsOf, releaseCheckpoint } from "./_checkpoint.ts";
import { ProductionDisk } from "./_disk.ts";
import { outputFates, Stops } from "./_timeline.ts";
import type { ReplicationSettings } from "./replication_params.ts";
import type { ReplicationRow } from "./replication_row.ts";

const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];
const MIB = 1048576;
// Full and lazy restores read the image in I/Os of this size.
const RESTORE_IO_BYTES = 1048576;

/**
 * What translation costs the guest on machines built as a run's are, by
 * their inputs: points of a sweep that differ only in replication's own
 * options share one measurement (see core/workload/measurement_cache.ts).
 */
export const TRANSLATION_COSTS: MeasurementCache<{
  logging: LoggingStart;
  refill: number;
  cold: number;
}> = new MeasurementCache(64);

const TAG_CAPTURE = 0;
const TAG_RESUME = 1;
const TAG_FAIL = 2;
const TAG_DETECT = 3;
const TAG_RUNNING = 4;
const TAG_END = 5;
const TAG_BACKUP_LOST = 6;
const TAG_BACKUP_NOTICED = 7;
// Per checkpoint k: its acknowledgement arrives (ACK + 2k), or the give-up check (GIVE_UP + 2k).
const TAG_ACK = 8;
const TAG_GIVE_UP = 9;

/** A replication run. */
export class ReplicationRun implements ClockAgent, PageMoverClient, BackupPeer, TrapHandler {
  readonly #s: ReplicationSettings;
  readonly #cost: CostModel;
  readonly #clock: EventClock;
  readonly #id: number;
  readonly #production: Machine;
  readonly #backupMachine: Machine | null;
  readonly #guest: SampledGuest | null;
  readonly #disk: ProductionDisk;
  readonly #backup: Backup;
  readonly #link: LinkOutage;
  readonly #mover: PageMover;
  readonly #stops = new Stops();
  readonly #checkpoints: Checkpoint[] = [];
  readonly #interval: number;
  readonly #giveUp: number;
  readonly #heartbeat: number;
  readonly #oneWay: number;
  readonly #logging: LoggingStart;
  readonly #refillCycles: number;
  readonly #coldCycles: number;
  readonly #initialMemory: Uint32Array | null;
  readonly #initialDisk: Uint32Array;
  readonly #list: Uint32Array;
  #sending: Checkpoint | null = null;
  #waitingForAck = false;
  #lateCaptures = 0;
  #lastProgress = 0;
  #wireArrived = 0;
  #lastHeard = 0;
  #replicating = true;
  #stoppedAt = Infinity;
  #stopReason = "";
  #productionFailedAt = -1;
  #backupFailedAt = -1;
  #detectAt = -1;
  #restoreCycles = 0;
  #backgroundCycles = 0;
  #runningAt = -1;
  #endAt = -1;

  constructor(s: ReplicationSettings, cost: CostModel, seed: number) {
    this.#s = s;
    this.#cost = cost;
    const ghz = cost.clockGhz;
    const memory = s.method !== "disk";
    const world = new World();
    this.#clock = world.clock;
    const common = { platform: s.platform, vcpus: s.vcpus, guestMemoryPages: s.pages };
    this.#production = world.addMachine(
      { ...common, hostPage: s.hostPage, ...(memory ? { dirtyLog: { method: s.dirtyLog } } : {}) },
      cost,
      world.addHost(),
    );
    this.#production.backGuestMemory(s.pages);
    this.#interval = cyclesFromSeconds(s.intervalMs * 1e-3, ghz);
    this.#giveUp = cyclesFromSeconds(s.giveUpMs * 1e-3, ghz);
    this.#heartbeat = cyclesFromSeconds(s.heartbeatMs * 1e-3, ghz);
    this.#oneWay = cyclesFromSeconds(s.link.roundTripUs * 0.5e-6, ghz);
    this.#list = new Uint32Array(s.pages);
    this.#disk = new ProductionDisk(
      s.diskBlocks,
      s.diskWriteMibS * MIB / PAGE_BYTES / (ghz * 1e9),
      seed,
    );
    this.#initialDisk = this.#disk.version.slice();
    let backupMemory: Uint32Array | null = null;
    if (memory) {
      // The backup holds the guest's memory in a machine of its own (the
      // guest runs there after failover), backed by 4 KiB pages as a host
      // that fills a guest's memory page by page leaves it.
      const backup = world.addMachine({ ...common, hostPage: "4k" }, cost, world.addHost());
      backup.backGuestMemory(s.pages);
      this.#backupMachine = backup;
      const version = this.#production.guestMemory!.version;
      fillMemory(version, 0, seed);
      // Replication starts from a backup that holds the whole guest (the
      // initial copy, a live migration, is done before the run starts).
      backup.guestMemory!.version.set(version);
      backupMemory = backup.guestMemory!.version;
      this.#initialMemory = version.slice();
      const { workload, writeFraction } = steadyWriterWorkload(s, cost, seed);
      const guest = new SampledGuest(this.#production, workload, seed, this);
      this.#guest = guest;
      guest.attach(this.#clock);
      const sample = { accesses: s.translationSampleAccesses, writeFraction, seed };
      const key = JSON.stringify([
        cost,
        s.platform,
        s.hostPage,
        s.vcpus,
        s.pages,
        s.workingSetFraction,
        s.wsRunPages,
        s.dirtyLog,
        sample,
      ]);
      let measuredNow = false;
      const measured = TRANSLATION_COSTS.get(key, () => {
        measuredNow = true;
        const logging = startDirtyLogging(this.#production, guest, sample);
        // Reading the log re-arms it and flushes the TLBs: each checkpoint
        // leaves the vCPUs refilling them, with warm data caches.
        cyclesPerAccessOf(this.#production, guest.workingSet, sample);
        this.#production.flushAll();
        const refill = Math.round(coldStartCycles(this.#production, guest.workingSet, sample));
        const cold = Math.round(coldStartCycles(backup, guest.workingSet, sample));
        return { logging, refill, cold };
      });
      if (!measuredNow) {
        // Measured before on a machine built the same way: start logging as
        // the measurement would have.
        this.#production.dirtyLog!.start();
        guest.slowDown(measured.logging.slowdown);
      }
      this.#logging = measured.logging;
      this.#refillCycles = measured.refill;
      this.#coldCycles = measured.cold;
    } else {
      this.#backupMachine = null;
      this.#guest = null;
      this.#initialMemory = null;
      this.#logging = NO_LOGGING;
      this.#refillCycles = 0;
      this.#coldCycles = 0;
    }
    const linkFrom = s.linkOutageAtMs === undefined
      ? 0
      : cyclesFromSeconds(s.linkOutageAtMs * 1e-3, ghz);
    const linkFor = s.linkOutageMs === undefined
      ? 0
      : cyclesFromSeconds(s.linkOutageMs * 1e-3, ghz);
    this.#link = new LinkOutage(new NetworkLink(s.link, ghz), linkFrom, linkFor);
    this.#mover = new PageMover(this.#clock, this, {
      transport: this.#link,
      queueDepth: s.link.queueDepth,
      batchPages: s.batchPages,
      write: true,
      keys: 1,
    });
    if (s.bandwidthShare < 1) this.#mover.pace(s.bandwidthShare);
    this.#backup = new Backup(
      this.#clock,
      this,
      backupMemory,
      this.#disk.version.slice(),
      cost.pageCopyCycles,
      s.brokenApplyPartial,
    );
    this.#id = this.#clock.addAgent(this);
  }

  /** Runs replication until the guest runs on the backup, or the run's end; returns its row. */
  run(): ReplicationRow {
    const s = this.#s;
    const ghz = this.#cost.clockGhz;
    const at = (ms: number): number => cyclesFromSeconds(ms * 1e-3, ghz);
    if (this.#guest !== null) {
      for (let v = 0; v < s.vcpus; v++) this.#guest.unblock(v, 0);
    }
    this.#clock.schedule(this.#interval, this.#id, TAG_CAPTURE);
    if (s.failure === "production") this.#clock.schedule(at(s.failAtMs), this.#id, TAG_FAIL);
    else {
      if (s.failure === "backup") this.#clock.schedule(at(s.failAtMs), this.#id, TAG_BACKUP_LOST);
      this.#clock.schedule(at(s.durationMs), this.#id, TAG_END);
    }
    const limit = cyclesFromSeconds(s.simTimeLimitS, ghz);
    if (this.#guest !== null) this.#guest.haltAt = limit + 1;
    this.#clock.run(limit);
    return this.#row();
  }

  /** Dirty logging is handled on the spot: nothing traps. */
  onTrap(): void {
    throw new Error("replication: a guest touch trapped, but no page is ever absent or protected");
  }

  /** The guest has no job. */
  onJobDone(): void {}

  wake(clock: EventClock, tag: number): void {
    const t = clock.now;
    if (tag === TAG_CAPTURE) this.#captureDue(t);
    else if (tag === TAG_RESUME) this.#resume(t);
    else if (tag === TAG_FAIL) this.#productionFails(t);
    else if (tag === TAG_DETECT) this.#detect(t);
    else if (tag === TAG_RUNNING) {
      this.#runningAt = t;
      this.#end(t);
    } else if (tag === TAG_END) this.#end(t);
    else if (tag === TAG_BACKUP_LOST) this.#backupFails(t);
    else if (tag === TAG_BACKUP_NOTICED) this.#stopReplicating(t, "backup failed");
    else {
      const k = (tag - TAG_ACK) >> 1;
      if (((tag - TAG_ACK) & 1) === 0) this.#acked(this.#checkpoints[k], t);
      else this.#checkProgress(this.#checkpoints[k], t);
    }
  }

  // ---- the production side ----

  #captureDue(t: number): void {
    if (!this.#replicating || this.#productionFailedAt >= 0) return;
    const last = this.#checkpoints[this.#checkpoints.length - 1];
    if (last !== undefined && last.ackAt < 0) {
      // One checkpoint at a time: the next waits for this one's acknowledgement.
      this.#waitingForAck = true;
      return;
    }
    this.#capture(t);
  }

  #capture(t: number): void {
    const s = this.#s;
    const guest = this.#guest;
    const index = this.#checkpoints.length;
    let pages = new Uint32Array(0);
    let pageVersions = new Uint32Array(0);
    let memoryAt: Uint32Array | null = null;
    let pause = 0;
    if (guest !== null) {
      for (let v = 0; v < s.vcpus; v++) guest.block(v, t);
      const version = this.#production.guestMemory!.version;
      const n = this.#production.dirtyLog!.collect(this.#list, true);
      pages = this.#list.slice(0, n);
      pageVersions = new Uint32Array(n);
      for (let i = 0; i < n; i++) pageVersions[i] = version[pages[i]];
      memoryAt = version.slice();
      const ghz = this.#cost.clockGhz;
      // The bitmap scan reads M / 8 bytes: a few microseconds per GiB, left out.
      pause = cyclesFromSeconds(s.checkpointFixedUs * 1e-6, ghz) +
        Math.ceil(n * (s.protectNsPerPage * ghz + this.#cost.pageCopyCycles)) +
        Math.ceil(s.deviceStateBytes / PAGE_BYTES) * this.#cost.pageCopyCycles;
    }
    this.#disk.writeUntil(this.#stops.runTimeAt(t));
    const disk = this.#disk.capture();
    const stateBytes = guest !== null ? s.deviceStateBytes : 0;
    const items = pages.length + disk.blocks.length;
    const c: Checkpoint = {
      index,
      captureAt: t,
      resumeAt: t + pause,
      pageCount: pages.length,
      pages,
      pageVersions,
      blocks: disk.blocks,
      blockVersions: disk.versions,
      blockBytes: disk.blocks.length > 0
        ? disk.writes * PAGE_BYTES / disk.blocks.length / s.compressionRatio
        : 0,
      stateBytes,
      messages: (stateBytes > 0 ? 1 : 0) + Math.ceil(items / s.batchPages),
      memoryAt,
      diskAt: this.#disk.version.slice(),
      sent: 0,
      wireBytes: 0,
      arrivedAt: -1,
      appliedAt: -1,
      ackAt: -1,
    };
    this.#checkpoints.push(c);
    this.#clock.schedule(t + this.#interval, this.#id, TAG_CAPTURE);
    if (guest !== null) {
      this.#stops.add(t, c.resumeAt + this.#refillCycles);
      this.#clock.schedule(c.resumeAt, this.#id, TAG_RESUME);
    } else this.#send(c, t);
  }

  #resume(t: number): void {
    if (this.#productionFailedAt >= 0) return;
    const c = this.#checkpoints[this.#checkpoints.length - 1];
    // The vCPUs refill the TLBs the log's re-arming flushed: a stall.
    for (let v = 0; v < this.#s.vcpus; v++) this.#guest!.unblock(v, t + this.#refillCycles);
    if (this.#replicating) this.#send(c, t);
  }

  #send(c: Checkpoint, t: number): void {
    this.#sending = c;
    if (c.messages === 0) {
      // Nothing changed: the backup acknowledges an empty checkpoint at once.
      c.arrivedAt = t;
      this.#backup.receive(c, this.#list, 0, t);
      return;
    }
    if (c.stateBytes > 0) {
      c.wireBytes += c.stateBytes;
      this.#mover.send(c.stateBytes, 0);
    }
    this.#lastProgress = t;
    this.#clock.schedule(t + this.#giveUp, this.#id, TAG_GIVE_UP + 2 * c.index);
    this.#mover.pump(t);
  }

  fillUrgent(): boolean {
    return false;
  }

  fillBackground(batch: MoverBatch, _now: number, pacedAllowed: boolean): Background {
    const c = this.#sending;
    if (c === null || !this.#replicating || this.#productionFailedAt >= 0) return Background.NONE;
    const items = itemsOf(c);
    if (c.sent >= items) return Background.NONE;
    if (!pacedAllowed) return Background.WAIT;
    const n = c.pages.length;
    const pageBytes = PAGE_BYTES / this.#s.compressionRatio;
    let bytes = 0;
    while (batch.count < this.#s.batchPages && c.sent < items) {
      bytes += c.sent < n ? pageBytes : c.blockBytes;
      batch.pages[batch.count++] = c.sent++;
    }
    batch.bytes = Math.ceil(bytes);
    batch.paced = true;
    batch.key = c.index;
    c.wireBytes += batch.bytes + batch.count * this.#s.link.perPageBytes;
    return Background.FILLED;
  }

  arrived(batch: MoverBatch, now: number): void {
    // A message whose last byte had not left when the production host failed is lost with it.
    if (this.#productionFailedAt >= 0 && now - this.#oneWay > this.#productionFailedAt) return;
    // Device state is queued with key 0 and no pages; a batch names its checkpoint.
    const c = batch.count > 0 ? this.#checkpoints[batch.key] : this.#sending!;
    this.#lastProgress = now;
    this.#wireArrived += batch.bytes + batch.count * this.#s.link.perPageBytes;
    this.#lastHeard = now;
    this.#backup.receive(c, batch.pages, batch.count, now);
  }

  /** The backup applied `c`: its acknowledgement crosses the link back. */
  applied(c: Checkpoint, now: number): void {
    if (c.index > 0) releaseCheckpoint(this.#checkpoints[c.index - 1]);
    const arrives = this.#link.delayed(now, now + this.#link.link.messageLatency);
    this.#clock.schedule(arrives, this.#id, TAG_ACK + 2 * c.index);
  }

  #acked(c: Checkpoint, t: number): void {
    if (this.#productionFailedAt >= 0 || !this.#replicating) return;
    c.ackAt = t;
    if (this.#waitingForAck) {
      this.#waitingForAck = false;
      this.#lateCaptures++;
      this.#capture(t);
    }
  }

  // A checkpoint still unacknowledged: replication gives up once nothing has
  // reached the backup for giveUpMs (a large checkpoint that keeps moving
  // is not given up on).
  #checkProgress(c: Checkpoint, t: number): void {
    if (c.ackAt >= 0 || !this.#replicating || this.#productionFailedAt >= 0) return;
    if (t - this.#lastProgress < this.#giveUp) {
      this.#clock.schedule(this.#lastProgress + this.#giveUp, this.#id, TAG_GIVE_UP + 2 * c.index);
    } else this.#stopReplicating(t, "gave up");
  }

  #stopReplicating(t: number, reason: string): void {
    if (!this.#replicating) return;
    this.#replicating = false;
    this.#stoppedAt = t;
    this.#stopReason = reason;
    this.#production.dirtyLog?.stop();
  }

  // ---- failures and failover ----

  #productionFails(t: number): void {
    this.#productionFailedAt = t;
    if (this.#guest !== null) this.#guest.haltAt = t;
    if (this.#backupFailedAt >= 0) return;
    this.#detectAt = this.#silentUntil(t);
    this.#clock.schedule(this.#detectAt, this.#id, TAG_DETECT);
  }

  // When a host that failed at `failedAt` is declared failed, as it stands
  // at `now`: `missedBeats` heartbeat intervals after the other last heard
  // from it — its last heartbeat before the failure or, when `heard` is
  // later, another message (Remus's detector is a timeout on the
  // replication stream itself, NSDI 2008, §2.6).
  #declaredFailedAt(failedAt: number, heard: number, now: number): number {
    const hb = this.#heartbeat;
    const lastBeat = Math.floor(failedAt / hb) * hb + this.#link.link.messageLatency;
    return Math.max(now, (heard > lastBeat ? heard : lastBeat) + this.#s.missedBeats * hb);
  }

  // When the backup declares the production host failed, as it stands at `now`.
  #silentUntil(now: number): number {
    const heard = this.#s.method === "remus" ? this.#lastHeard : -Infinity;
    return this.#declaredFailedAt(this.#productionFailedAt, heard, now);
  }

  #detect(t: number): void {
    // A message of the stream that arrived after the failure (it left before) restarts Remus's timeout.
    const until = this.#silentUntil(t);
    if (until > t) {
      this.#detectAt = until;
      this.#clock.schedule(until, this.#id, TAG_DETECT);
      return;
    }
    this.#backup.takeOver(() => this.#failOver(this.#clock.now));
  }

  #backupFails(t: number): void {
    this.#backupFailedAt = t;
    this.#backup.dead = true;
    this.#detectAt = this.#declaredFailedAt(t, -Infinity, t);
    // The production host runs on unprotected once it notices.
    this.#clock.schedule(this.#detectAt, this.#id, TAG_BACKUP_NOTICED);
  }

  #failOver(t: number): void {
    const s = this.#s;
    const ghz = this.#cost.clockGhz;
    const start = t + cyclesFromSeconds(s.activationMs * 1e-3, ghz);
    let restore = 0;
    if (s.method === "disk") restore = cyclesFromSeconds(s.bootS, ghz);
    else if (s.restore !== "resident") {
      const full = this.#readTime(start, s.pages * PAGE_BYTES + s.deviceStateBytes, ghz);
      if (s.restore === "full") restore = full;
      else {
        restore = this.#readTime(start, s.deviceStateBytes, ghz);
        this.#backgroundCycles = full;
      }
    }
    this.#restoreCycles = restore;
    this.#clock.schedule(start + restore, this.#id, TAG_RUNNING);
  }

  // Cycles to read `bytes` from the backup's storage in large I/Os, all queued at once.
  #readTime(now: number, bytes: number, ghz: number): number {
    if (bytes === 0) return 0;
    const dev = new StorageDevice(this.#s.storage, ghz);
    let done = now;
    for (let offset = 0; offset < bytes; offset += RESTORE_IO_BYTES) {
      const size = Math.min(RESTORE_IO_BYTES, bytes - offset);
      done = Math.max(done, dev.submit(now, size, Math.ceil(size / PAGE_BYTES), offset, false));
    }
    return done - now;
  }

  #end(t: number): void {
    this.#endAt = t;
    if (this.#guest !== null && this.#productionFailedAt < 0) this.#guest.haltAt = t;
    this.#clock.stop();
  }

  // ---- the row ----

  #row(): ReplicationRow {
    const s = this.#s;
    const ghz = this.#cost.clockGhz;
    const ms = (c: number): number => msFromCycles(c, ghz);
    const failed = this.#productionFailedAt >= 0;
    // The production host produced until it failed, or until the run ended.
    const end = failed
      ? this.#productionFailedAt
      : this.#endAt >= 0
      ? this.#endAt
      : this.#clock.now;
    const cps = this.#checkpoints;
    const acked = cps.filter((c) => c.ackAt >= 0);
    const sent = cps.filter((c) => c.wireBytes > 0 || c.messages === 0);
    const mean = (xs: number[]): number =>
      xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
    const checkpointBytes = mean(sent.map((c) => c.wireBytes));
    const recovered = this.#backup.recovered;
    const recoveredAt = recovered === null ? 0 : recovered.captureAt;
    const tookOver = this.#runningAt >= 0;
    const fates = outputFates({
      perCycle: s.outputsPerS / (ghz * 1e9),
      end,
      stops: this.#stops,
      held: s.method === "remus",
      captures: cps.map((c) => c.captureAt),
      acks: cps.map((c) => c.ackAt),
      releaseAllFrom: this.#stoppedAt,
      recovered: tookOver ? recoveredAt : -1,
    });
    const { lostPages, lostBlocks } = this.#verify(tookOver);
    const maxCommit = acked.reduce((m, c) => Math.max(m, c.ackAt - c.captureAt), 0);
    const saturated = cps.length > 1 && this.#lateCaptures * 2 > cps.length - 1;
    const outageBefore = s.linkOutageAtMs !== undefined && this.#link.downAt < end;
    const guest = this.#guest;
    const v = s.vcpus;
    const memory = s.method !== "disk";
    return {
      method: s.method,
      interval_ms: s.intervalMs,
      memory_gib: memory ? s.memoryGib : 0,
      disk_gib: s.diskGib,
      vcpus: memory ? v : 0,
      dirty_rate_mib_s: memory ? s.dirtyRateMibS : 0,
      wws_fraction: memory ? s.wwsFraction : 0,
      disk_write_mib_s: s.diskWriteMibS,
      link: s.link.name,
      bandwidth_share: s.bandwidthShare,
      compression_ratio: s.compressionRatio,
      dirty_log: memory ? s.dirtyLog : "none",
      failure: s.failure,
      failure_phase: failed ? this.#phaseAt(this.#productionFailedAt) : "none",
      fail_at_ms: s.failure === "none" ? NaN : s.failAtMs,
      link_outage_ms: s.linkOutageMs ?? 0,
      restore: !tookOver ? "none" : memory ? s.restore : "boot",
      checkpoints: cps.length,
      checkpoints_applied: this.#backup.appliedCount,
      effective_interval_ms: cps.length > 1
        ? ms((cps[cps.length - 1].captureAt - cps[0].captureAt) / (cps.length - 1))
        : NaN,
      dirty_pages_per_checkpoint: mean(cps.map((c) => c.pageCount)),
      checkpoint_mib: checkpointBytes / MIB,
      commit_ms: ms(mean(acked.map((c) => c.ackAt - c.captureAt))),
      // Link use: what crossed it from the first capture (before it nothing
      // is sent) to the end.
      bandwidth_mib_s: cps.length > 0 && end > cps[0].captureAt
        ? this.#wireArrived / MIB / ((end - cps[0].captureAt) / (ghz * 1e9))
        : 0,
      bandwidth_needed_mib_s: checkpointBytes / MIB / (s.intervalMs * 1e-3),
      link_saturated: saturated,
      pause_ms_per_checkpoint: memory ? ms(mean(cps.map((c) => c.resumeAt - c.captureAt))) : 0,
      guest_slowdown: guest !== null && end > 0 ? Math.min(1, guest.lostUntil(end) / (v * end)) : 0,
      output_delay_ms: fates.released > 0 ? ms(fates.delaySum / fates.released) : 0,
      output_delay_max_ms: ms(fates.delayMax),
      outputs: fates.outputs,
      outputs_released: fates.released,
      released_outputs_lost: fates.releasedLost,
      rpo_ms: tookOver ? ms(this.#stops.runTime(recoveredAt, this.#productionFailedAt)) : NaN,
      // The bound holds while the link keeps up: not after an outage began or with epochs stretched.
      rpo_bound_ms: tookOver && !saturated && !outageBefore ? s.intervalMs + ms(maxCommit) : NaN,
      rto_ms: tookOver ? ms(this.#runningAt - this.#productionFailedAt) : NaN,
      detect_ms: tookOver ? ms(this.#detectAt - this.#productionFailedAt) : NaN,
      restore_ms: tookOver ? ms(this.#restoreCycles) : NaN,
      restore_background_ms: tookOver ? ms(this.#backgroundCycles) : 0,
      cold_start_ms: ms(this.#coldCycles),
      ...exitCounts([this.#production]),
      host_pages_split: this.#logging.splits,
      translation_slowdown: this.#logging.slowdown,
      lost_pages: lostPages,
      lost_blocks: lostBlocks,
      torn_checkpoints: tookOver && this.#backup.torn !== null ? 1 : 0,
      outcome: this.#outcome(tookOver),
    };
  }

  // Where replication was when the production host failed at `t`.
  #phaseAt(t: number): string {
    const { from, to } = this.#stops;
    for (let i = 0; i < from.length; i++) if (t >= from[i] && t < to[i]) return "pause";
    let last: Checkpoint | undefined;
    for (const c of this.#checkpoints) if (c.captureAt <= t) last = c;
    if (last === undefined || !this.#replicating && this.#stoppedAt <= t) return "running";
    if (last.arrivedAt < 0 || last.arrivedAt > t) return "transfer";
    if (last.ackAt < 0 || last.ackAt > t) return "commit";
    return "running";
  }

  // The backup's image against the production host's state at the recovered
  // capture, page by page and block by block.
  #verify(tookOver: boolean): { lostPages: number; lostBlocks: number } {
    if (!tookOver) return { lostPages: 0, lostBlocks: 0 };
    const c = this.#backup.recovered;
    let lostPages = 0;
    const image = this.#backup.memory;
    if (image !== null) {
      const want = c === null ? this.#initialMemory! : c.memoryAt!;
      for (let p = 0; p < want.length; p++) if (image[p] !== want[p]) lostPages++;
    }
    let lostBlocks = 0;
    const wantDisk = c === null ? this.#initialDisk : c.diskAt!;
    const disk = this.#backup.disk;
    for (let b = 0; b < wantDisk.length; b++) if (disk[b] !== wantDisk[b]) lostBlocks++;
    return { lostPages, lostBlocks };
  }

  #outcome(tookOver: boolean): string {
    const ms = (c: number): string =>
      `${Number(msFromCycles(c, this.#cost.clockGhz).toPrecision(4))} ms`;
    if (tookOver) {
      const c = this.#backup.recovered;
      return `recovered: the backup runs the guest from ${
        c === null ? "the initial copy" : `checkpoint ${c.index}`
      }`;
    }
    if (this.#productionFailedAt >= 0) {
      return `gave up: the backup had not taken over within ${this.#s.simTimeLimitS} s of simulated time`;
    }
    if (this.#backupFailedAt >= 0) {
      const failedAt = `unprotected: the backup failed at ${ms(this.#backupFailedAt)}`;
      return this.#stoppedAt === Infinity
        ? `${failedAt}; the production host had not noticed by the end of the run`
        : `${failedAt}; the production host noticed at ${
          ms(this.#stoppedAt)
        } and runs on without replication`;
    }
    if (this.#stopReason === "gave up") {
      return `unprotected: a checkpoint went unacknowledged for ${this.#s.giveUpMs} ms; replication stopped at ${
        ms(this.#stoppedAt)
      }`;
    }
    if (this.#endAt < 0) {
      return `gave up: not over within ${this.#s.simTimeLimitS} s of simulated time`;
    }
    return "replicating";
  }
}
