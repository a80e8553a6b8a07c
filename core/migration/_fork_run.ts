// A VM fork with lazy child memory, run on one clock (private to
// core/migration): the parent, its children, the link between their hosts.

import { ExitReason } from "../base/exit_reason.ts";
import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import { Prng } from "../base/prng.ts";
import { cyclesFromSeconds, msFromCycles } from "../clock/cycle_time.ts";
import { type ClockAgent, EventClock } from "../clock/event_clock.ts";
import type { CostModel } from "../cost/cost_model.ts";
import { buildMachine } from "../machine/build_machine.ts";
import { exitCounts } from "../machine/exit_counts.ts";
import type { Machine } from "../machine/machine.ts";
import { type GuestMemory, PageMode } from "../mem/guest_memory.ts";
import { NetworkLink } from "../transfer/network_link.ts";
import {
  type GuestWorkload,
  SampledGuest,
  touchCyclesOf,
  type TrapHandler,
} from "../workload/sampled_guest.ts";
import { ForkImage } from "./fork_image.ts";
import { ForkLayout, guestTablePages } from "./fork_layout.ts";
import type { ForkSettings } from "./fork_params.ts";
import type { ForkRow } from "./fork_row.ts";

/** Bytes of a guest page. */
const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];

// Event kinds; a tag is kind + KINDS × index.
const FAULT = 0; // a child vCPU's fault reaches the hypervisor: index child × vcpus + vcpu
const ARRIVE = 1; // a demand-fetched page arrives: index child × pages + page (multicast: page)
const BATCH = 2; // a prefetch message arrives: index into the batch records
const DESCRIPTOR = 3; // a descriptor reached the children's host: index child (multicast: children)
const CREATED = 4; // a child is built on its host: index child
const START = 5; // a child's prefetch is installed: index child
const PARENT_FAULT = 6; // a stunned parent's write fault: index vcpu
const CAPTURED = 7; // the parent's pause ends
const KINDS = 8;

// A child's phases.
const WAITING = 0; // for its descriptor or its creation
const PREFETCHING = 1;
const STARTING = 2; // prefetch installed, first instruction scheduled
const RUNNING = 3;
const DONE = 4;

/** Prefetch messages in flight per child: enough to hide a round trip while sharing the link. */
const PREFETCH_WINDOW = 2;
/** Descriptors in flight at once from the parent's host: one behind the other, the link kept busy. */
const DESCRIPTOR_WINDOW = 2;

/** Seed stream of the children's seeds. */
const CHILD_SEED_STREAM = 0xc41d;
/** Seed stream of the parent's memory at the fork. */
const MEMORY_STREAM = 0x3e3;

/** A prefetch message: whose, and the pages it carries. */
interface BatchRecord {
  child: number;
  pages: Uint32Array;
}

/** Sends one child's traps and job end to the run. */
class ChildHandler implements TrapHandler {
  readonly #run: ForkRun;
  readonly #child: number;
  constructor(run: ForkRun, child: number) {
    this.#run = run;
    this.#child = child;
  }
  onTrap(vcpu: number, page: number, write: boolean, reason: number, time: number): void {
    this.#run.childTrap(this.#child, vcpu, page, write, reason, time);
  }
  onJobDone(time: number): void {
    this.#run.childDone(this.#child, time);
  }
}

/**
 * One fork: the parent's memory as a running guest left it, captured at
 * instant 0 into a descriptor (CPU and device state, the guest's page-table
 * pages) while the parent stops; then each child is built from a descriptor
 * on the children's host (one child after another), optionally brings in the
 * working set, and runs its own sampled guest with every page absent. A
 * touch of an absent page exits and is served: locally by mapping the
 * parent's frame shared (a later write copies it) or, remotely, by fetching
 * the page over the one link all children share; a fresh page, with
 * `skipFresh`, by mapping a zeroed page. A stunned parent runs on, its first
 * write to each page copying it so that the image keeps the fork instant.
 */
export class ForkRun implements ClockAgent {
  readonly #s: ForkSettings;
  readonly #cost: CostModel;
  readonly #events = new EventClock();
  readonly #id: number;
  readonly #layout: ForkLayout;
  readonly #parent: Machine;
  readonly #parentGuest: SampledGuest | null;
  readonly #image: ForkImage;
  readonly #forkVersions: Uint32Array;
  readonly #expected: Uint32Array;
  readonly #machines: Machine[] = [];
  readonly #mems: GuestMemory[] = [];
  readonly #guests: SampledGuest[] = [];
  readonly #ready: ((page: number) => boolean)[] = [];
  readonly #pending: Uint8Array[] = [];
  readonly #onWire: Uint8Array | null;
  readonly #link: NetworkLink | null;
  readonly #jobTouches: number;
  readonly #vcpus: number;
  readonly #faultPage: Int32Array;
  readonly #faultWrite: Uint8Array;
  readonly #parentFaultPage: Int32Array;
  readonly #phase: Uint8Array;
  readonly #startAt: Float64Array;
  readonly #jobDoneAt: Float64Array;
  readonly #lostAtDone: Float64Array;
  readonly #prefetchLeft: Int32Array;
  readonly #wsCursor: Int32Array;
  readonly #batchesInFlight: Int32Array;
  readonly #installFree: Float64Array;
  readonly #batches: BatchRecord[] = [];
  // Cycles of the host work the fork does.
  readonly #copy: number;
  readonly #descriptorPages: number;
  readonly #descriptorBytes: number;
  readonly #pause: number;
  readonly #handling: number;
  // The children's host builds one child at a time: when it is free next.
  #hostFree = 0;
  #nextDescriptor = 0;
  #done = 0;
  #finished = false;
  #pagesFetched = 0;
  #pagesSkipped = 0;
  #remoteFaults = 0;
  #localFaults = 0;
  #cowCopies = 0;

  constructor(s: ForkSettings, cost: CostModel, seed: number) {
    this.#s = s;
    this.#cost = cost;
    const n = s.children;
    const v = s.vcpus;
    this.#vcpus = v;
    this.#layout = new ForkLayout(
      s.pages,
      s.workingSetFraction,
      s.wsRunPages,
      s.writableFraction,
      s.freshFraction,
      seed,
    );
    const touchCycles = touchCyclesOf(s.accessesPerTouch, cost);
    this.#jobTouches = Math.ceil(s.jobMs * cost.clockGhz * 1e6 / touchCycles);
    const workload = (guestSeed: number): GuestWorkload => ({
      writeFraction: s.writeFraction,
      workingSetFraction: s.workingSetFraction,
      wsRunPages: s.wsRunPages,
      touchCycles,
      jobTouches: this.#jobTouches,
      writeOrder: this.#layout.writeOrder(guestSeed),
      workingSet: this.#layout.workingSet,
    });
    // The guests run on the clock before the run: their wakes win ties with
    // the run's events at the same cycle, as a vCPU's touch does in a state run.
    this.#parent = this.#machine();
    const pmem = this.#parent.guestMemory!;
    const rng = new Prng(seed, MEMORY_STREAM);
    for (let p = 0; p < s.pages; p++) pmem.version[p] = 1 + (rng.nextU32() >>> 12);
    this.#forkVersions = pmem.version.slice();
    this.#image = new ForkImage(pmem);
    this.#expected = this.#forkVersions.slice();
    if (s.skipFresh) {
      const fresh = this.#layout.fresh;
      for (let p = 0; p < s.pages; p++) if (fresh[p] === 1) this.#expected[p] = 0;
    }
    this.#parentFaultPage = new Int32Array(v).fill(-1);
    if (s.parent === "stunned") {
      this.#parentGuest = new SampledGuest(this.#parent, workload(seed), seed, {
        onTrap: (vcpu: number, page: number, _w: boolean, _r: number, time: number): void => {
          this.#parentFaultPage[vcpu] = page;
          this.#events.schedule(time, this.#id, PARENT_FAULT + KINDS * vcpu);
        },
        onJobDone(): void {},
      });
      this.#parentGuest.attach(this.#events);
      this.#parentGuest.verifyAgainst(this.#forkVersions);
    } else this.#parentGuest = null;
    const seeds = new Prng(seed, CHILD_SEED_STREAM);
    for (let c = 0; c < n; c++) {
      const machine = this.#machine();
      const mem = machine.guestMemory!;
      mem.makeAllAbsent();
      const childSeed = seeds.nextU32();
      const guest = new SampledGuest(
        machine,
        workload(childSeed),
        childSeed,
        new ChildHandler(this, c),
      );
      guest.attach(this.#events);
      guest.verifyAgainst(this.#expected);
      this.#machines.push(machine);
      this.#mems.push(mem);
      this.#guests.push(guest);
      this.#ready.push((page: number) => mem.mode[page] !== PageMode.ABSENT);
      this.#pending.push(new Uint8Array(s.link !== null && !s.multicast ? s.pages : 0));
    }
    this.#id = this.#events.addAgent(this);
    this.#onWire = s.link !== null && s.multicast ? new Uint8Array(s.pages) : null;
    this.#link = s.link === null ? null : new NetworkLink(s.link, cost.clockGhz);
    this.#faultPage = new Int32Array(n * v).fill(-1);
    this.#faultWrite = new Uint8Array(n * v);
    this.#phase = new Uint8Array(n).fill(WAITING);
    this.#startAt = new Float64Array(n).fill(-1);
    this.#jobDoneAt = new Float64Array(n).fill(-1);
    this.#lostAtDone = new Float64Array(n);
    this.#prefetchLeft = new Int32Array(n);
    this.#wsCursor = new Int32Array(n);
    this.#batchesInFlight = new Int32Array(n);
    this.#installFree = new Float64Array(n);
    this.#copy = cost.pageCopyCycles;
    this.#descriptorPages = Math.ceil(s.deviceStateBytes / PAGE_BYTES) + guestTablePages(s.pages);
    this.#descriptorBytes = s.deviceStateBytes + guestTablePages(s.pages) * PAGE_BYTES;
    const ghz = cost.clockGhz;
    // The parent stops while its descriptor is copied out; a stunned parent
    // also write-protects its memory and stays stunned for stunMs.
    this.#pause = this.#descriptorPages * this.#copy +
      (s.parent === "stunned"
        ? cyclesFromSeconds(s.pages * s.protectNsPerPage * 1e-9 + s.stunMs * 1e-3, ghz)
        : 0);
    this.#handling = s.link === null
      ? 0
      : cyclesFromSeconds(s.faultHandlingUs * 1e-6, ghz) + this.#copy;
  }

  /** A machine of the run: nested paging, its guest memory tracked. */
  #machine(): Machine {
    // The sampled guest does not run accesses through the MMU: no caches.
    return buildMachine({
      platform: "nested",
      vcpus: this.#s.vcpus,
      guestMemoryPages: this.#s.pages,
      caches: false,
    }, this.#cost);
  }

  /** Runs the fork to the end of every child's job, or to the time limit. */
  run(): ForkRow {
    const s = this.#s;
    if (this.#parentGuest !== null) {
      this.#parent.guestMemory!.protectAll();
      this.#parent.flushAll();
    }
    this.#events.schedule(this.#pause, this.#id, CAPTURED);
    const limit = cyclesFromSeconds(s.simTimeLimitS, this.#cost.clockGhz);
    for (const g of this.#guests) g.haltAt = limit + 1;
    if (this.#parentGuest !== null) this.#parentGuest.haltAt = limit + 1;
    this.#events.run(limit);
    const gaveUp = !this.#finished;
    if (gaveUp && this.#events.pending === 0) {
      throw new Error("fork: the event queue ran dry before the children were done");
    }
    return this.#row(gaveUp);
  }

  wake(clock: EventClock, tag: number): void {
    const t = clock.now;
    const kind = tag % KINDS;
    const index = (tag - kind) / KINDS;
    switch (kind) {
      case FAULT:
        this.#fault(Math.floor(index / this.#vcpus), index % this.#vcpus, t);
        break;
      case ARRIVE:
        this.#arrive(index, t);
        break;
      case BATCH:
        this.#batchArrived(index, t);
        break;
      case DESCRIPTOR:
        this.#descriptorArrived(index, t);
        break;
      case CREATED:
        this.#created(index, t);
        break;
      case START:
        this.#start(index, t);
        break;
      case PARENT_FAULT:
        this.#parentFault(index, t);
        break;
      case CAPTURED:
        this.#captured(t);
        break;
    }
  }

  /** A child's vCPU trapped on `page`: its fault is handled at `time`. */
  childTrap(
    c: number,
    vcpu: number,
    page: number,
    write: boolean,
    reason: number,
    time: number,
  ): void {
    const k = c * this.#vcpus + vcpu;
    this.#faultPage[k] = page;
    this.#faultWrite[k] = write ? 1 : 0;
    if (reason === ExitReason.NESTED_FAULT) {
      // Counted where the page will come from, even if it comes before the exit is handled.
      if (this.#link === null || (write && this.#s.skipFresh && this.#layout.fresh[page] === 1)) {
        this.#localFaults++;
      } else this.#remoteFaults++;
    }
    this.#events.schedule(time, this.#id, FAULT + KINDS * k);
  }

  /** Child `c` has done its job at `time`: it halts; the run ends with the last child. */
  childDone(c: number, time: number): void {
    if (this.#phase[c] === DONE) return;
    this.#phase[c] = DONE;
    this.#jobDoneAt[c] = time;
    const guest = this.#guests[c];
    this.#lostAtDone[c] = guest.lostUntil(time);
    guest.haltAt = time;
    if (++this.#done === this.#s.children) {
      this.#finished = true;
      if (this.#parentGuest !== null) this.#parentGuest.haltAt = this.#events.now;
      this.#events.stop();
    }
  }

  // The parent's pause is over: the descriptors go out; a stunned parent runs on.
  #captured(t: number): void {
    if (this.#parentGuest !== null) {
      for (let v = 0; v < this.#vcpus; v++) this.#parentGuest.unblock(v, t);
    }
    const link = this.#link;
    if (link === null) {
      for (let c = 0; c < this.#s.children; c++) this.#build(c, t);
    } else if (this.#s.multicast) {
      const at = link.submit(t, this.#descriptorBytes, 0, 0, false);
      this.#events.schedule(at, this.#id, DESCRIPTOR + KINDS * this.#s.children);
    } else {
      for (let i = 0; i < DESCRIPTOR_WINDOW; i++) this.#sendDescriptor(t);
    }
  }

  // The children's host pulls each descriptor (a request, then the answer,
  // as the link models a fetch), so descriptors and demand pages queue on
  // one wire toward the children, in the order they were asked for.
  #sendDescriptor(t: number): void {
    const c = this.#nextDescriptor;
    if (c >= this.#s.children) return;
    this.#nextDescriptor++;
    const at = this.#link!.submit(t, this.#descriptorBytes, 0, 0, false);
    this.#events.schedule(at, this.#id, DESCRIPTOR + KINDS * c);
  }

  #descriptorArrived(index: number, t: number): void {
    if (index === this.#s.children) {
      for (let c = 0; c < this.#s.children; c++) this.#build(c, t);
      return;
    }
    this.#sendDescriptor(t);
    this.#build(index, t);
  }

  // The children's host (the parent's, or the one other host every remote
  // child runs on) builds child `c` from its descriptor once it is free: it
  // copies the descriptor in, and a local prefetch maps the working set.
  #build(c: number, t: number): void {
    const s = this.#s;
    let work = this.#descriptorPages * this.#copy;
    if (s.prefetch && s.link === null) {
      work += cyclesFromSeconds(
        this.#layout.workingSet.length * s.mapNsPerPage * 1e-9,
        this.#cost.clockGhz,
      );
    }
    this.#hostFree = Math.max(this.#hostFree, t) + work;
    this.#events.schedule(this.#hostFree, this.#id, CREATED + KINDS * c);
  }

  #created(c: number, t: number): void {
    const s = this.#s;
    if (!s.prefetch) {
      this.#start(c, t);
      return;
    }
    const ws = this.#layout.workingSet;
    const mem = this.#mems[c];
    if (s.link === null) {
      // Mapped on the way (charged in #build): shared with the parent, read-only.
      for (let i = 0; i < ws.length; i++) this.#mapShared(mem, ws[i]);
      this.#pagesFetched += ws.length;
      this.#start(c, t);
      return;
    }
    let left = 0;
    for (let i = 0; i < ws.length; i++) if (mem.mode[ws[i]] === PageMode.ABSENT) left++;
    this.#prefetchLeft[c] = left;
    this.#installFree[c] = t;
    if (left === 0) {
      this.#start(c, t);
      return;
    }
    this.#phase[c] = PREFETCHING;
    this.#prefetch(c, t);
  }

  // Child `c` asks for its next working-set pages, up to its window.
  #prefetch(c: number, t: number): void {
    const ws = this.#layout.workingSet;
    const mem = this.#mems[c];
    const sent = this.#onWire ?? this.#pending[c];
    const b = this.#s.batchPages;
    while (this.#batchesInFlight[c] < PREFETCH_WINDOW) {
      let i = this.#wsCursor[c];
      const pages = new Uint32Array(b);
      let count = 0;
      for (; i < ws.length && count < b; i++) {
        const p = ws[i];
        if (mem.mode[p] !== PageMode.ABSENT || sent[p] === 1) continue;
        sent[p] = 1;
        pages[count++] = p;
      }
      this.#wsCursor[c] = i;
      if (count === 0) return;
      const at = this.#link!.submit(t, count * PAGE_BYTES, count, 0, false);
      this.#pagesFetched += count;
      this.#batches.push({ child: c, pages: pages.subarray(0, count) });
      this.#events.schedule(at, this.#id, BATCH + KINDS * (this.#batches.length - 1));
      this.#batchesInFlight[c]++;
    }
  }

  #batchArrived(index: number, t: number): void {
    const batch = this.#batches[index];
    const c = batch.child;
    const pages = batch.pages;
    for (let i = 0; i < pages.length; i++) this.#deliver(pages[i], c, t);
    this.#batchesInFlight[c]--;
    if (this.#phase[c] === PREFETCHING) this.#prefetch(c, t);
  }

  // Page `p` reached the children's host for child `c` (every child lacking
  // it, with multicast) at `t`.
  #deliver(p: number, c: number, t: number): void {
    if (this.#onWire === null) {
      this.#pending[c][p] = 0;
      this.#install(c, p, t);
      return;
    }
    for (let k = 0; k < this.#s.children; k++) this.#install(k, p, t);
  }

  // Installs page `p` in child `c` (a private copy of the image's) if it lacks it.
  #install(c: number, p: number, t: number): void {
    const mem = this.#mems[c];
    if (mem.mode[p] !== PageMode.ABSENT) return;
    mem.install(p, this.#image.versionOf(p));
    if (this.#phase[c] === PREFETCHING && this.#layout.inWorkingSet[p] === 1) {
      this.#installFree[c] = Math.max(this.#installFree[c], t) + this.#copy;
      if (--this.#prefetchLeft[c] === 0) {
        this.#phase[c] = STARTING;
        this.#events.schedule(this.#installFree[c], this.#id, START + KINDS * c);
      }
    }
  }

  // The child's first instruction.
  #start(c: number, t: number): void {
    this.#phase[c] = RUNNING;
    this.#startAt[c] = t;
    const guest = this.#guests[c];
    for (let v = 0; v < this.#vcpus; v++) guest.unblock(v, t);
    if (this.#jobTouches === 0) this.childDone(c, t);
  }

  // Maps the image's frame of `p` into a local child, shared and read-only.
  #mapShared(mem: GuestMemory, p: number): void {
    if (mem.mode[p] !== PageMode.ABSENT) return;
    mem.install(p, this.#image.versionOf(p));
    mem.protect(p);
  }

  // Child `c`'s vCPU `v` faulted; the exit is charged and reached the hypervisor at `t`.
  #fault(c: number, v: number, t: number): void {
    const k = c * this.#vcpus + v;
    const p = this.#faultPage[k];
    const write = this.#faultWrite[k] === 1;
    const mem = this.#mems[c];
    const guest = this.#guests[c];
    const mode = mem.mode[p];
    if (this.#s.brokenSkipFetch && mode === PageMode.ABSENT) {
      // The bug under test: an empty page mapped instead of the parent's.
      mem.install(p, 0);
      guest.unblock(v, t);
      return;
    }
    const fresh = write && this.#s.skipFresh && this.#layout.fresh[p] === 1;
    if (mode === PageMode.WRITABLE) {
      guest.unblock(v, t);
      return;
    }
    if (mode === PageMode.WRITE_PROTECTED) {
      if (write) {
        // A local child's first write to a shared frame: its own copy.
        this.#cowCopies++;
        mem.unprotect(p);
        guest.unblock(v, t + this.#copy);
      } else guest.unblock(v, t);
      return;
    }
    if (fresh) {
      // SnowFlock's avoidance: nothing of the parent's to keep; a zeroed page
      // (clearing it charged as a copy: as many bytes written, an upper bound).
      mem.install(p, 0);
      this.#pagesSkipped++;
      guest.unblock(v, t + this.#copy);
      return;
    }
    if (this.#link === null) {
      this.#pagesFetched++;
      if (write) {
        mem.install(p, this.#image.versionOf(p));
        this.#cowCopies++;
        guest.unblock(v, t + this.#copy);
      } else {
        this.#mapShared(mem, p);
        guest.unblock(v, t);
      }
      return;
    }
    guest.waitFor(v, p);
    const sent = this.#onWire ?? this.#pending[c];
    if (sent[p] === 1) return; // on its way already
    sent[p] = 1;
    this.#pagesFetched++;
    const at = this.#link.submit(t, PAGE_BYTES, 1, 0, false) + this.#handling;
    const index = this.#onWire === null ? c * this.#s.pages + p : p;
    this.#events.schedule(at, this.#id, ARRIVE + KINDS * index);
  }

  #arrive(index: number, t: number): void {
    if (this.#onWire === null) {
      const pages = this.#s.pages;
      const c = Math.floor(index / pages);
      this.#deliver(index - c * pages, c, t);
      this.#guests[c].releaseWaiters(this.#ready[c], t);
      return;
    }
    this.#deliver(index, 0, t);
    for (let c = 0; c < this.#s.children; c++) this.#guests[c].releaseWaiters(this.#ready[c], t);
  }

  // A stunned parent's first write to a page since the fork: the image keeps a copy.
  #parentFault(v: number, t: number): void {
    const p = this.#parentFaultPage[v];
    const mem = this.#parent.guestMemory!;
    let extra = 0;
    if (mem.mode[p] === PageMode.WRITE_PROTECTED) {
      // The bug under test writes the shared frame in place.
      if (!this.#s.brokenSkipParentCopy) this.#image.keep(p);
      mem.unprotect(p);
      extra = this.#copy;
    }
    this.#parentGuest!.unblock(v, t + extra);
  }

  /** Pages, over the children and a running parent, whose version is not the one promised. */
  #lostPages(): number {
    let lost = 0;
    for (const guest of this.#guests) lost += guest.wrongPages();
    return lost + (this.#parentGuest?.wrongPages() ?? 0);
  }

  #row(gaveUp: boolean): ForkRow {
    const s = this.#s;
    const ms = (c: number): number => msFromCycles(c, this.#cost.clockGhz);
    const n = s.children;
    let started = 0;
    let firstSum = 0;
    let firstMax = 0;
    let doneMax = 0;
    let stallSum = 0;
    for (let c = 0; c < n; c++) {
      const at = this.#startAt[c];
      if (at < 0) continue;
      started++;
      firstSum += at;
      if (at > firstMax) firstMax = at;
      if (this.#jobDoneAt[c] >= 0) {
        if (this.#jobDoneAt[c] > doneMax) doneMax = this.#jobDoneAt[c];
        // Lost from cycle 0 counts the wait for the first instruction: not a stall.
        stallSum += (this.#lostAtDone[c] - this.#vcpus * at) / this.#vcpus;
      }
    }
    const exits = exitCounts([this.#parent, ...this.#machines]);
    const left = started < n
      ? `${started} of ${n} children started, ${this.#done} done their job`
      : `${this.#done} of ${n} children done their job`;
    return {
      children: n,
      placement: s.placement,
      link: s.link === null ? "none" : s.link.name,
      prefetch: s.prefetch,
      skip_fresh: s.skipFresh,
      multicast: s.multicast,
      parent: s.parent,
      memory_gib: s.memoryGib,
      vcpus: s.vcpus,
      working_set_fraction: s.workingSetFraction,
      write_fraction: s.writeFraction,
      writable_fraction: s.writableFraction,
      fresh_fraction: s.freshFraction,
      descriptor_bytes: this.#descriptorBytes,
      parent_pause_ms: ms(this.#pause),
      first_instruction_ms: started === n ? ms(firstSum / n) : NaN,
      last_first_instruction_ms: started === n ? ms(firstMax) : NaN,
      pages_fetched: this.#pagesFetched,
      pages_skipped: this.#pagesSkipped,
      bytes_sent: this.#link === null ? 0 : this.#link.bytes,
      remote_faults: this.#remoteFaults,
      local_faults: this.#localFaults,
      cow_copies: this.#cowCopies,
      parent_cow_copies: this.#image.copies,
      stall_ms: gaveUp ? NaN : ms(stallSum / n),
      job_done_ms: gaveUp ? NaN : ms(doneMax),
      ...exits,
      exits_nested_fault: exits.exits_nested_fault,
      exits_write_protect: exits.exits_write_protect,
      lost_pages: this.#lostPages(),
      finished: !gaveUp,
      gave_up_reason: gaveUp
        ? `did not finish within ${s.simTimeLimitS} s of simulated time: ${left}`
        : "",
    };
  }
}
