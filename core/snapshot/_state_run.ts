// What every snapshot and restore run is made of (private to core/snapshot):
// the machine and its sampled guest, the storage device, the clock they share
// with the mechanism, the run's end (finished, or given up at the simulated-
// time limit), and the measurements every row carries. The savers and the
// restorer extend it with their own page states and orders.

import { cyclesFromSeconds } from "../clock/cycle_time.ts";
import { type ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { DirtyLogMethod } from "../machine/machine_config.ts";
import type { Machine } from "../machine/machine.ts";
import type { GuestMemory } from "../mem/guest_memory.ts";
import { StorageDevice } from "../transfer/storage_device.ts";
import { SampledGuest, type TrapHandler } from "../workload/sampled_guest.ts";
import { buildStateMachine, workloadOf } from "./_state_machine.ts";
import { buildRow, type RunTotals } from "./_state_row_builder.ts";
import type { RestoreSettings, SnapshotSettings } from "./state_params.ts";
import type { StateRow } from "./state_row.ts";

/** The measurements a mechanism adds to the ones {@linkcode StateRun} keeps. */
export type MechanismTotals = Omit<
  RunTotals,
  "done" | "jobDone" | "lost" | "ios" | "imageBytes" | "pagesMoved" | "finished" | "gaveUpReason"
>;

/**
 * The skeleton of a state run. A subclass registers no agent of its own: the
 * run is the agent (vCPU faults arrive as `wake` tags below `s.vcpus`).
 */
export abstract class StateRun<S extends SnapshotSettings | RestoreSettings>
  implements ClockAgent, TrapHandler {
  /** The validated settings. */
  protected readonly s: S;
  /** The cost profile. */
  protected readonly cost: CostModel;
  /** The clock the guest, the mechanism and its page mover run on. */
  protected readonly events: EventClock = new EventClock();
  /** The machine the guest runs on. */
  protected readonly machine: Machine;
  /** The machine's tracked guest memory. */
  protected readonly mem: GuestMemory;
  /** The guest driving the machine's vCPUs. */
  protected readonly guest: SampledGuest;
  /** Where the image lives. */
  protected readonly dev: StorageDevice;
  /** This run's agent id on the clock. */
  protected readonly id: number;
  /** The page each vCPU trapped on, until its fault is handled. */
  protected readonly faultPage: Int32Array;
  /** Image bytes moved so far. */
  protected imageBytes = 0;
  /** Pages moved so far. */
  protected pagesMoved = 0;
  /** Cycle at which the mechanism finished, or -1. */
  protected done = -1;
  /** vCPU cycles lost up to `done`, all vCPUs together. */
  protected lostAtDone = 0;
  /** Cycle at which the guest's job finished, or -1. */
  protected jobDone = -1;
  #finished = false;

  constructor(s: S, cost: CostModel, seed: number, dirtyLog: DirtyLogMethod | null) {
    this.s = s;
    this.cost = cost;
    this.machine = buildStateMachine(s, cost, dirtyLog);
    this.mem = this.machine.guestMemory!;
    this.guest = new SampledGuest(this.machine, workloadOf(s, cost), seed, this);
    this.dev = new StorageDevice(s.storage, cost.clockGhz);
    this.guest.attach(this.events);
    this.id = this.events.addAgent(this);
    this.faultPage = new Int32Array(s.vcpus).fill(-1);
  }

  /** Handles the event with `tag` (a vCPU's fault when below `s.vcpus`). */
  abstract wake(clock: EventClock, tag: number): void;

  /** A vCPU trapped on `page`: its fault is handled at `time`. */
  onTrap(vcpu: number, page: number, _write: boolean, _reason: number, time: number): void {
    this.faultPage[vcpu] = page;
    this.events.schedule(time, this.id, vcpu);
  }

  /** The guest's job is done; the run ends if the mechanism is too. */
  onJobDone(time: number): void {
    this.jobDone = time;
    if (this.done >= 0) this.finish();
  }

  /** Memory as a running guest left it: every page written a few times. */
  protected fillMemory(): void {
    const version = this.mem.version;
    for (let p = 0; p < version.length; p++) version[p] = 1 + (p & 7);
  }

  /**
   * Runs the clock until the run finishes or reaches the settings'
   * simulated-time limit; returns true when it gave up at the limit.
   * @throws Error when the queue ran dry before the mechanism was done: a model bug, never bad input
   */
  protected runClock(what: string): boolean {
    const limit = cyclesFromSeconds(this.s.simTimeLimitS, this.cost.clockGhz);
    // A run may finish before the clock starts (nothing to do): the guest
    // stays halted. haltAt is one cycle past the limit so that touches at the
    // limit itself still run, as without a limit.
    if (!this.#finished) this.guest.haltAt = limit + 1;
    this.events.run(limit);
    // Events left after the limit: the run gave up there.
    const gaveUp = !this.#finished && this.events.pending > 0;
    if (this.done < 0 && !gaveUp) {
      throw new Error(`${what}: the event queue ran dry before the ${what} finished`);
    }
    return gaveUp;
  }

  /** The mechanism is done at `t`: it records the guest's losses so far. */
  protected markDone(t: number): void {
    this.done = t;
    this.lostAtDone = this.guest.lostUntil(t);
  }

  /**
   * The mechanism is done at `t`; with `resume` the vCPUs it kept paused go
   * on. The run ends if the guest's job is done too.
   */
  protected complete(t: number, resume: boolean): void {
    this.done = t;
    if (resume) { for (let v = 0; v < this.s.vcpus; v++) this.guest.unblock(v, t); }
    this.lostAtDone = this.guest.lostUntil(t);
    if (this.jobDone >= 0 || this.guest.jobDone) this.finish();
  }

  /** Mechanism and job are done: the guest halts and the clock stops now. */
  protected finish(): void {
    this.guest.haltAt = this.events.now;
    this.#finished = true;
    this.events.stop();
  }

  /**
   * The result row: the run's own measurements plus the mechanism's. For a
   * run that gave up, `left` says what was left to do at the limit.
   */
  protected row(
    phase: "snapshot" | "restore",
    gaveUp: boolean,
    left: string,
    totals: MechanismTotals,
  ): StateRow {
    const s = this.s;
    return buildRow(phase, s.method, s, this.cost, this.machine, {
      ...totals,
      done: this.done,
      jobDone: this.jobDone >= 0 || !gaveUp ? this.jobDone : NaN,
      lost: this.lostAtDone,
      ios: this.dev.ios,
      imageBytes: this.imageBytes,
      pagesMoved: this.pagesMoved,
      finished: !gaveUp,
      gaveUpReason: gaveUp
        ? `did not finish within ${s.simTimeLimitS} s of simulated time: ${left}`
        : "",
    });
  }
}
