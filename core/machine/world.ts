/**
 * Several machines on one discrete-event clock: hosts, each with its own
 * memory, and machines on them — VMs on different hosts (a migration's
 * source and destination, a replication's production and backup) or
 * partitions of one host (a guest and the host partition of a bus) — each
 * with its own vCPUs, memory and exit accounting. Machines on one host can
 * share a page (both map the same host frame) or hand one over (the giver's
 * mapping goes, its cached translations with it); machines on different
 * hosts can only copy one.
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { HostMemory, type HostMemoryOptions } from "../mem/host_memory.ts";
import { PTE_WRITABLE } from "../mmu/page_table.ts";
import { PageSize } from "../base/page_size.ts";
import { EventClock } from "../clock/event_clock.ts";
import { Cycle } from "../cost/stats.ts";
import type { AccessGenerator } from "../base/access_chunk.ts";
import { buildMachine } from "./build_machine.ts";
import type { Machine } from "./machine.ts";
import type { MachineConfig } from "./machine_config.ts";

/** Thrown when a page operation between two machines cannot mean anything; one line. */
export class WorldError extends Error {
  /**
   * Creates the error.
   * @param message what cannot be done, and why
   */
  constructor(message: string) {
    super(message);
    this.name = "WorldError";
  }
}

/**
 * Machines on one clock.
 *
 * @example Two partitions of one host share a page
 * ```ts
 * import { World } from "./world.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const world = new World();
 * const host = world.addHost();
 * const cost = getProfile("intel-skylake-sp");
 * const guest = world.addMachine({ platform: "nested" }, cost, host);
 * const service = world.addMachine({ platform: "nested" }, cost, host);
 * const frame = world.share(guest, 0x100, service, 0x900);
 * if (service.hostTable!.translate(0x900) !== frame) throw new Error();
 * ```
 */
export class World {
  /** The one clock every vCPU and agent runs on (cycles). */
  readonly clock: EventClock = new EventClock();
  /** The hosts, in the order added. */
  readonly hosts: HostMemory[] = [];
  /** The machines, in the order added. */
  readonly machines: Machine[] = [];

  /** Adds a host with its own memory (unbounded by default). */
  addHost(options: HostMemoryOptions = {}): HostMemory {
    const host = new HostMemory(options);
    this.hosts.push(host);
    return host;
  }

  /**
   * Builds a machine on `host` (a new host of its own when omitted); with
   * `sameSocketAs`, a machine of the same host whose last-level cache its
   * vCPUs share (partitions running on one socket).
   * @throws {ConfigError} for an invalid configuration
   * @throws {WorldError} for a host of another world
   */
  addMachine(
    config: MachineConfig,
    cost: CostModel,
    host?: HostMemory,
    sameSocketAs?: Machine,
  ): Machine {
    if (host !== undefined && !this.hosts.includes(host)) {
      throw new WorldError("the host is not one of this world's (use addHost)");
    }
    if (sameSocketAs !== undefined && sameSocketAs.hostMemory !== host) {
      throw new WorldError("machines on one socket must be on one host");
    }
    const llc = sameSocketAs?.vcpus[0].mmu.caches?.llc;
    const machine = buildMachine(config, cost, host, llc);
    // Pages move between the machines of a world: their contents are tracked.
    machine.trackVersions();
    if (host === undefined) this.hosts.push(machine.hostMemory);
    this.machines.push(machine);
    return machine;
  }

  /**
   * Starts `workload` on every vCPU of `machine` (a first-touch guest) at
   * cycle `at`: the vCPUs take chunks from it in turn as their clocks come up.
   */
  start(machine: Machine, workload: AccessGenerator, at: number = this.clock.now): void {
    if (!this.machines.includes(machine)) throw new WorldError("the machine is not in this world");
    if (machine.firstTouch === null) {
      throw new WorldError("only a first-touch guest runs an access stream on the clock");
    }
    for (const vcpu of machine.vcpus) vcpu.start(this.clock, workload, at);
  }

  /**
   * Runs the clock until nothing is pending or the next event lies after
   * `until` (cycles).
   * @returns events handled
   */
  run(until: number = Infinity): number {
    return this.clock.run(until);
  }

  /**
   * Maps guest-physical frame `gfn` of `owner` into `other` at `otherGfn`:
   * both then reach the same host frame (the owner's backing, backed now if
   * it was not yet). Whatever `other` had at `otherGfn` is replaced; the
   * frame it had is not freed (a frame may be shared, and the host counts
   * no references).
   * @returns the shared host frame
   * @throws WorldError unless both machines have a host layer on the same host
   */
  share(owner: Machine, gfn: number, other: Machine, otherGfn: number): number {
    return this.#link(owner, gfn, other, otherGfn, "share");
  }

  #link(owner: Machine, gfn: number, other: Machine, otherGfn: number, what: string): number {
    this.#sameHost(owner, other, what);
    const frame = this.#backing(owner, gfn);
    this.#take(other, otherGfn);
    other.hostTable!.map(otherGfn, frame, PageSize.SIZE_4K, PTE_WRITABLE);
    other.memory?.host?.given(otherGfn);
    return frame;
  }

  /**
   * Moves the host frame behind `gfn` of `from` to `to` at `toGfn`: the
   * giver's mapping goes (split from a large page first), and with it every
   * translation its vCPUs cached (charged to the giver as an invalidation).
   * @returns the host frame handed over
   * @throws WorldError unless both machines have a host layer on the same host
   */
  handOver(from: Machine, gfn: number, to: Machine, toGfn: number): number {
    const frame = this.remap(from, gfn, to, toGfn);
    this.#invalidated(from, gfn);
    return frame;
  }

  /**
   * The host-map half of {@linkcode World.handOver}: the frame behind `gfn`
   * of `from` is unmapped from it (split from a large page first) and
   * mapped into `to` at `toGfn`, and nothing else — the giver's vCPUs may
   * still hold translations to the frame until the caller shoots them down
   * (`from.platform.unmapped(gfn)`), and nothing is charged: a mechanism
   * that remaps pages (the partition bus) charges its own costs.
   * @returns the host frame moved
   * @throws WorldError unless both machines have a host layer on the same host
   */
  remap(from: Machine, gfn: number, to: Machine, toGfn: number): number {
    const frame = this.#link(from, gfn, to, toGfn, "hand over");
    this.#split(from, gfn);
    from.hostTable!.unmap(gfn);
    from.memory?.host?.taken(gfn);
    return frame;
  }

  /**
   * Copies the contents of `gfn` of `from` into `toGfn` of `to` (machines on
   * any hosts): the destination's backing gets the source's version.
   * @returns the destination host frame
   */
  copy(from: Machine, gfn: number, to: Machine, toGfn: number): number {
    const source = this.#backing(from, gfn);
    const target = this.#backing(to, toGfn);
    to.hostMemory.versions.set(target, from.hostMemory.versions.of(source));
    return target;
  }

  #sameHost(a: Machine, b: Machine, what: string): void {
    if (a.hostTable === null || b.hostTable === null) {
      throw new WorldError(`cannot ${what} a page with a native machine: it has no host map`);
    }
    if (a.hostMemory !== b.hostMemory) {
      throw new WorldError(`cannot ${what} a page between two hosts: copy it instead`);
    }
    if (a === b) throw new WorldError(`cannot ${what} a page of a machine with itself`);
  }

  /** The host frame behind `gfn` of `machine`, backed now if it was not yet (natively: `gfn`). */
  #backing(machine: Machine, gfn: number): number {
    const table = machine.hostTable;
    if (table === null) return gfn;
    let frame = table.translate(gfn);
    if (frame < 0) {
      machine.hostMapper!.map(table, gfn);
      frame = table.translate(gfn);
    }
    return frame;
  }

  #split(machine: Machine, gfn: number): void {
    machine.splitHostPage(gfn);
  }

  /** Removes `machine`'s backing of `gfn`, if any, before it is replaced. */
  #take(machine: Machine, gfn: number): void {
    const table = machine.hostTable!;
    if (table.translate(gfn) < 0) return;
    this.#split(machine, gfn);
    table.unmap(gfn);
    machine.memory?.host?.taken(gfn);
    this.#invalidated(machine, gfn);
  }

  /** `machine` lost `gfn`: its platform drops cached translations, at the cost of one invalidation. */
  #invalidated(machine: Machine, gfn: number): void {
    machine.platform.unmapped(gfn);
    // Estimate, as for a promotion's remap (core/mapping/memory_system.ts): the
    // invalidation is charged like the profile's INVLPG handler.
    machine.stats.cycles[Cycle.HYPERVISOR] += machine.cost.exitHandlerCycles.invlpg;
  }
}
