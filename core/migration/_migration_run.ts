// One live migration from start to row (private to core/migration): the two
// hosts, the guest, what translation costs it on each machine (measured per
// access), the sender and the receiver on one clock, the link failing if
// asked, and the check that the destination holds what the source held at
// the switch.

import { cyclesFromSeconds, msFromCycles } from "../clock/cycle_time.ts";
import type { ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import type { Machine } from "../machine/machine.ts";
import { NetworkLink } from "../transfer/network_link.ts";
import { SampledGuest, type TrapHandler } from "../workload/sampled_guest.ts";
import { fillMemory, steadyWriterWorkload } from "../workload/steady_writer.ts";
import { coldStartCycles, cyclesPerAccessOf } from "../workload/translation_sample.ts";
import { MigrationDestination } from "./_destination.ts";
import { buildHosts, destHostPage, iterates, PAGE_BYTES, postcopies } from "./_migration_guest.ts";
import { MigrationSource, type SourceOwner } from "./_source.ts";
import type { MigrationSettings } from "./migration_params.ts";
import type { MigrationRow } from "./migration_row.ts";

const TAG_RESUME = 0;
const TAG_END = 1;
const TAG_FAIL = 2;

const MIB = 1048576;

/** A migration run: the agent that resumes the guest, ends the run, and fails the link. */
export class MigrationRun implements ClockAgent, SourceOwner, TrapHandler {
  readonly #s: MigrationSettings;
  readonly #cost: CostModel;
  readonly #clock: EventClock;
  readonly #sourceMachine: Machine;
  readonly #destMachine: Machine;
  readonly #guest: SampledGuest;
  readonly #source: MigrationSource;
  readonly #dest: MigrationDestination;
  readonly #id: number;
  readonly #switchoverCycles: number;
  readonly #coldCycles: number;
  readonly #sourceCpa: number;
  readonly #loggingCpa: number;
  readonly #destCpa: number;
  readonly #splits: number;
  #switchAt = -1;
  #totalAt = -1;
  #failedAt = -1;
  #vmLost = false;
  #finished = false;

  constructor(s: MigrationSettings, cost: CostModel, seed: number) {
    this.#s = s;
    this.#cost = cost;
    const { world, source, dest } = buildHosts(s, cost);
    this.#clock = world.clock;
    this.#sourceMachine = source;
    this.#destMachine = dest;
    const { workload, writeFraction } = steadyWriterWorkload(s, cost, seed);
    fillMemory(source.guestMemory!.version, s.zeroPageFraction, seed);
    const guest = new SampledGuest(source, workload, seed, this);
    this.#guest = guest;
    guest.attach(this.#clock);
    // What translation costs the guest, per access: on the source as it is,
    // once dirty logging has split its host pages, and on the destination
    // (cold first: it has run nothing yet; then warm).
    const sample = { accesses: s.translationSampleAccesses, writeFraction, seed };
    const ws = guest.workingSet;
    this.#sourceCpa = cyclesPerAccessOf(source, ws, sample);
    this.#splits = 0;
    this.#loggingCpa = 0;
    if (iterates(s)) {
      this.#splits = source.dirtyLog!.start();
      if (this.#splits > 0) {
        this.#loggingCpa = cyclesPerAccessOf(source, ws, sample);
        guest.slowDown(Math.max(1, this.#loggingCpa / this.#sourceCpa));
      }
    }
    this.#coldCycles = Math.round(coldStartCycles(dest, ws, sample));
    this.#destCpa = cyclesPerAccessOf(dest, ws, sample);
    const ghz = cost.clockGhz;
    const link = new NetworkLink(s.link, ghz);
    this.#dest = new MigrationDestination(
      this.#clock,
      dest,
      guest,
      cyclesFromSeconds(s.faultHandlingUs * 1e-6, ghz),
    );
    this.#source = new MigrationSource(
      s,
      cost,
      this.#clock,
      source,
      guest,
      link,
      this.#dest,
      this,
      this.#splits,
    );
    this.#dest.source = this.#source;
    this.#switchoverCycles = cyclesFromSeconds(s.switchoverMs * 1e-3, ghz);
    this.#id = this.#clock.addAgent(this);
  }

  /** Runs the migration to its end (or the simulated-time limit) and returns its row. */
  run(): MigrationRow {
    const s = this.#s;
    const ghz = this.#cost.clockGhz;
    for (let v = 0; v < s.vcpus; v++) this.#guest.unblock(v, 0);
    this.#source.start(0);
    if (s.linkFailMs !== undefined) {
      this.#clock.schedule(cyclesFromSeconds(s.linkFailMs * 1e-3, ghz), this.#id, TAG_FAIL);
    }
    const limit = cyclesFromSeconds(s.simTimeLimitS, ghz);
    this.#guest.haltAt = limit + 1;
    this.#clock.run(limit);
    if (!this.#finished && this.#clock.pending === 0) {
      throw new Error("migration: the event queue ran dry before the migration ended");
    }
    return this.#row();
  }

  /** Before the switch nothing traps (dirty logging is handled on the spot); after it the destination handles faults. */
  onTrap(vcpu: number, page: number, write: boolean, reason: number, time: number): void {
    this.#dest.onTrap(vcpu, page, write, reason, time);
  }

  /** The guest has no job. */
  onJobDone(): void {}

  handedOver(t: number): void {
    this.#clock.schedule(t + this.#switchoverCycles, this.#id, TAG_RESUME);
  }

  allArrived(t: number): void {
    this.#complete(t);
  }

  wake(clock: EventClock, tag: number): void {
    const t = clock.now;
    if (tag === TAG_RESUME) {
      if (this.#failedAt >= 0) return;
      this.#switchAt = t;
      const slowdown = Math.max(1, this.#destCpa / this.#sourceCpa);
      this.#dest.resume(t, this.#source.expected!, this.#coldCycles, slowdown);
      if (!postcopies(this.#s) || this.#dest.owedLeft === 0) this.#complete(t);
    } else if (tag === TAG_END) {
      this.#finish();
    } else if (tag === TAG_FAIL) {
      this.#fail(t);
    }
  }

  #complete(t: number): void {
    if (this.#totalAt >= 0) return;
    this.#totalAt = t;
    this.#clock.schedule(Math.max(t, this.#switchAt + this.#coldCycles), this.#id, TAG_END);
  }

  #fail(t: number): void {
    if (this.#totalAt >= 0) return; // the migration was over: the link is not needed
    this.#failedAt = t;
    this.#source.fail(t);
    this.#dest.cutOff = true;
    if (this.#dest.resumedAt >= 0) {
      // Post-copy: the guest ran on the destination, which lacks pages only the
      // source has, while the source lacks what the guest wrote since.
      this.#vmLost = true;
    } else {
      // Before the switch the source still holds the whole guest: it runs on.
      if (this.#source.pausedAt >= 0) {
        for (let v = 0; v < this.#s.vcpus; v++) this.#guest.unblock(v, t);
      }
      this.#sourceMachine.dirtyLog?.stop();
    }
    this.#finish();
  }

  #finish(): void {
    this.#guest.haltAt = this.#clock.now;
    this.#finished = true;
    this.#clock.stop();
  }

  #row(): MigrationRow {
    const s = this.#s;
    const ghz = this.#cost.clockGhz;
    const ms = (c: number): number => msFromCycles(c, ghz);
    const src = this.#source;
    const dest = this.#dest;
    const v = s.vcpus;
    const completed = this.#totalAt >= 0;
    const resumed = this.#switchAt >= 0;
    const lost = this.#lostPages(completed, resumed);
    const rate = (pagesPerCycle: number): number => pagesPerCycle * PAGE_BYTES * ghz * 1e9 / MIB;
    return {
      method: s.method,
      memory_gib: s.memoryGib,
      vcpus: v,
      dirty_rate_mib_s: s.dirtyRateMibS,
      wws_fraction: s.wwsFraction,
      working_set_fraction: s.workingSetFraction,
      link: s.link.name,
      stop_rule: iterates(s) ? s.stopRule : "none",
      dirty_log: iterates(s) ? s.dirtyLog : "none",
      auto_converge: s.autoConverge,
      preempt: s.preempt,
      mode: s.platform,
      host_page: s.hostPage,
      dest_host_page: destHostPage(s),
      downtime_ms: resumed ? ms(this.#switchAt - src.pausedAt) : NaN,
      switch_ms: resumed ? ms(this.#switchAt) : NaN,
      total_ms: completed ? ms(this.#totalAt) : NaN,
      postcopy_ms: completed ? ms(this.#totalAt - this.#switchAt) : NaN,
      bytes_sent: src.bytesSent,
      pages_sent: src.pagesSent,
      zero_pages_sent: src.zeroPagesSent,
      rounds: src.rounds,
      // A method without iterations has nothing to converge; an iterating one
      // converged only if its rule found the rest small (not a cap, a
      // timeout, a switch to post-copy, or an abort before any decision).
      converged: !iterates(s) || src.stopReason === "converged",
      stop_reason: src.stopReason === "" ? "none" : src.stopReason,
      throttle_max: src.throttleMax,
      achieved_dirty_rate_mib_s: src.rounds > 0 ? rate(src.liveDirtied / src.decidedAt) : 0,
      measured_bandwidth_mib_s: src.measuredBandwidth * ghz * 1e9 / MIB,
      degraded_ms: resumed ? ms((dest.stallCycles + this.#coldCycles * v) / v) : NaN,
      cold_start_ms: ms(this.#coldCycles),
      remote_faults: dest.faults,
      fault_stall_ms: dest.faults > 0 ? ms(dest.stallCycles / dest.faults) : 0,
      guest_slowdown: completed && this.#totalAt > 0
        ? Math.min(1, this.#guest.lostUntil(this.#totalAt) / (v * this.#totalAt))
        : NaN,
      // Exits of the guest's vCPUs on both machines.
      ...exitCounts([this.#sourceMachine, this.#destMachine]),
      host_pages_split: this.#splits,
      translation_slowdown: this.#loggingCpa > 0 ? this.#loggingCpa / this.#sourceCpa : 1,
      dest_translation_slowdown: this.#destCpa / this.#sourceCpa,
      access_cycles_source: this.#sourceCpa,
      access_cycles_logging: this.#loggingCpa,
      access_cycles_dest: this.#destCpa,
      lost_pages: lost,
      vm_lost: this.#vmLost,
      completed,
      outcome: this.#outcome(completed),
    };
  }

  /**
   * Pages the destination holds wrongly: once the migration completed, every
   * page must be there with the source's version at the switch plus the
   * destination's own writes; a page some access saw wrong counts too.
   */
  #lostPages(completed: boolean, resumed: boolean): number {
    return resumed ? this.#guest.wrongPages(completed) : 0;
  }

  #outcome(completed: boolean): string {
    const ms = (c: number): string =>
      `${Number(msFromCycles(c, this.#cost.clockGhz).toPrecision(4))} ms`;
    if (this.#vmLost) {
      return `VM lost: the link failed ${
        ms(this.#failedAt)
      } after the start, during post-copy, with ${this.#dest.owedLeft} pages still only at the source`;
    }
    if (this.#failedAt >= 0) {
      return `aborted: the link failed ${
        ms(this.#failedAt)
      } after the start, before the switch; the guest runs on at the source`;
    }
    if (!completed) {
      return `gave up: not over within ${this.#s.simTimeLimitS} s of simulated time`;
    }
    const reason = this.#source.stopReason;
    if (reason === "timeout") {
      return "completed: pre-copy did not converge and was paused at the lab's timeout";
    }
    if (reason === "round cap" || reason === "byte cap") {
      return `completed: pre-copy did not converge and was paused at its ${reason}`;
    }
    return "completed";
  }
}
