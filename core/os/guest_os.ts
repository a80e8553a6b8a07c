/**
 * The guest OS model: processes with their own page tables, demand paging,
 * munmap with INVLPG or a full flush, fork with copy-on-write, exec, exit,
 * context switches with PCIDs, and TLB shootdowns across vCPUs — turned into
 * the page-table writes, flag reads, CR3 loads and flushes a real kernel
 * (Linux on x86-64) issues, all through a {@linkcode Platform}.
 *
 * Modelling choices: frames are never reused (a bump allocator), so a stale
 * translation can never alias a new page; a process's page-table pages are
 * released at exit without per-entry writes (KVM unshadows pages a guest
 * floods with writes, which this model takes as free); new PTEs start with
 * the accessed and dirty flags clear, so the hardware (or the hypervisor)
 * must set them.
 *
 * @module
 */

import type { CostModel } from "../cost.ts";
import { BumpFrameAllocator } from "../mem/frame_allocator.ts";
import { PageTable, PTE_ACCESSED, PTE_DIRTY, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PageSize } from "../page_size.ts";
import { Cycle, type Stats } from "../stats.ts";
import { AddressSpace } from "./address_space.ts";
import { OS_OP_NAMES, type OsEventChunk, OsOp } from "./os_event.ts";
import type { GuestKernel, Platform } from "./platform.ts";
import { forEachLeaf, tablePath } from "./table_path.ts";

/**
 * Above this many pages a range flush becomes a full flush: Linux's
 * `tlb_single_page_flush_ceiling` (arch/x86/mm/tlb.c) is 33.
 */
export const SINGLE_PAGE_FLUSH_CEILING = 33;

/** Options of a {@linkcode GuestOs}. */
export interface GuestOsOptions {
  /** Number of vCPUs (1 to 64). */
  vcpus: number;
  /** Radix levels of guest page tables: 4 or 5. Default 4. */
  levels?: 4 | 5;
  /**
   * Whether the kernel tags address spaces with PCIDs. Default true; without,
   * every CR3 load flushes the TLB (Linux before 4.14, or CPUs without PCID).
   */
  pcid?: boolean;
  /** Where guest-kernel cycles are charged. */
  stats: Stats;
  /** Cost profile: guest page-fault and page-copy cycles. */
  cost: CostModel;
}

/** Counts of guest-kernel events in a run. */
export interface GuestOsCounts {
  /** Demand-paging faults (a page mapped on first touch). */
  demandFaults: number;
  /** Copy-on-write faults (a write to a page shared since fork). */
  cowFaults: number;
  /** Context switches that loaded CR3. */
  cr3Loads: number;
  /** Shootdowns sent (one per operation, whatever the number of targets). */
  shootdowns: number;
  /** Page-table entries the kernel wrote. */
  pteWrites: number;
  /** Page-table entries whose flags the kernel read. */
  pteReads: number;
}

/** Thrown when an event stream is inconsistent (a generator bug), naming the event. */
export class OsEventError extends Error {
  /**
   * Creates the error.
   * @param message what is wrong with which event
   */
  constructor(message: string) {
    super(message);
    this.name = "OsEventError";
  }
}

/**
 * The guest kernel. Build it, {@linkcode GuestOs.attach} a platform, then
 * {@linkcode GuestOs.run} event chunks.
 *
 * @example Two processes, a fork, a copy-on-write fault
 * ```ts
 * import { GuestOs } from "./guest_os.ts";
 * import { createOsEventChunk, OsOp } from "./os_event.ts";
 * import { buildVirtualMachine } from "../virt/virtual_machine.ts";
 * import { getProfile } from "../cost.ts";
 * const vm = buildVirtualMachine({ mode: "native", vcpus: 1 }, getProfile("intel-skylake-sp"));
 * const c = createOsEventChunk(8);
 * const put = (op: number, pid: number, vpn = 0, arg = 0, kind = 0) => {
 *   const i = c.length++;
 *   c.op[i] = op; c.pid[i] = pid; c.vpn[i] = vpn; c.arg[i] = arg; c.kind[i] = kind; c.vcpu[i] = 0;
 * };
 * put(OsOp.SPAWN, 1);
 * put(OsOp.SWITCH, 1);
 * put(OsOp.ACCESS, 1, 0x100, 0, 1);
 * put(OsOp.FORK, 1, 0, 2);
 * put(OsOp.ACCESS, 1, 0x100, 0, 1);
 * vm.os.run(c);
 * if (vm.os.counts.cowFaults !== 1 || vm.os.counts.demandFaults !== 1) throw new Error();
 * ```
 */
export class GuestOs implements GuestKernel {
  /** Number of vCPUs. */
  readonly vcpus: number;
  /** Guest-physical frames (data pages and table pages). */
  readonly frames: BumpFrameAllocator = new BumpFrameAllocator();
  /** Event counts of the run. */
  readonly counts: GuestOsCounts = {
    demandFaults: 0,
    cowFaults: 0,
    cr3Loads: 0,
    shootdowns: 0,
    pteWrites: 0,
    pteReads: 0,
  };
  #levels: 4 | 5;
  #pcid: boolean;
  #stats: Stats;
  #faultCycles: number;
  #copyCycles: number;
  #platform: Platform | null = null;
  #processes = new Map<number, AddressSpace>();
  #loaded: (AddressSpace | null)[];
  #running: Uint8Array;
  #nextMm = 1;
  /** Per guest frame: address spaces mapping it (copy-on-write sharing). */
  #sharers: Int32Array = new Int32Array(1 << 16);
  #targets: Int32Array;
  #path = new Int32Array(6);

  /**
   * Creates a kernel with no processes; every vCPU idle.
   * @param options vCPUs, table depth, stats and costs
   */
  constructor(options: GuestOsOptions) {
    this.vcpus = options.vcpus;
    this.#levels = options.levels ?? 4;
    this.#pcid = options.pcid ?? true;
    this.#stats = options.stats;
    this.#faultCycles = options.cost.guestPageFaultCycles;
    this.#copyCycles = options.cost.pageCopyCycles;
    this.#loaded = new Array(options.vcpus).fill(null);
    this.#running = new Uint8Array(options.vcpus);
    this.#targets = new Int32Array(options.vcpus);
  }

  /** Connects the hardware the kernel runs on; required before {@linkcode GuestOs.run}. */
  attach(platform: Platform): void {
    this.#platform = platform;
  }

  /** The address space of process `pid`, or undefined. */
  process(pid: number): AddressSpace | undefined {
    return this.#processes.get(pid);
  }

  /** Bytes of the page-table pages of the live processes. */
  tableBytes(): number {
    let bytes = 0;
    for (const mm of this.#processes.values()) bytes += mm.table.bytes;
    return bytes;
  }

  /** The address space loaded on `vcpu` (also while idle), or null. */
  loaded(vcpu: number): AddressSpace | null {
    return this.#loaded[vcpu];
  }

  /** Whether `vcpu` runs a process. */
  running(vcpu: number): boolean {
    return this.#running[vcpu] === 1;
  }

  /** Runs every event of a chunk. */
  run(chunk: OsEventChunk): void {
    const platform = this.#platform;
    if (platform === null) throw new Error("GuestOs.run() before attach()");
    const n = chunk.length;
    const op = chunk.op;
    for (let i = 0; i < n; i++) {
      if (op[i] === OsOp.ACCESS) {
        const vcpu = chunk.vcpu[i];
        if (this.#running[vcpu] === 0) {
          throw new OsEventError(`access on idle vCPU ${vcpu} (event ${i})`);
        }
        platform.access(vcpu, chunk.vpn[i], chunk.kind[i]);
      } else {
        this.event(op[i], chunk.vcpu[i], chunk.pid[i], chunk.vpn[i], chunk.arg[i]);
      }
    }
  }

  /** Runs one event other than an access (see {@linkcode OsOp} for the operands). */
  event(op: number, vcpu: number, pid: number, vpn: number, arg: number): void {
    if (vcpu >= this.vcpus) throw new OsEventError(`${OS_OP_NAMES[op]}: no vCPU ${vcpu}`);
    switch (op) {
      case OsOp.SPAWN:
        if (this.#processes.has(pid)) throw new OsEventError(`spawn: pid ${pid} exists`);
        this.#processes.set(pid, this.#newSpace(pid));
        return;
      case OsOp.EXEC:
        return this.#exec(vcpu, pid);
      case OsOp.FORK:
        return this.#fork(vcpu, pid, arg);
      case OsOp.EXIT:
        return this.#exit(vcpu, pid);
      case OsOp.SWITCH:
        return this.#switch(vcpu, pid);
      case OsOp.MUNMAP:
        return this.#munmap(vcpu, pid, vpn, arg);
      case OsOp.SCAN:
        return this.#scan(vcpu, pid, vpn, arg);
      default:
        throw new OsEventError(`unknown operation ${op}`);
    }
  }

  /** Handles a page fault raised by the hardware on `vcpu` (see {@linkcode GuestKernel.pageFault}). */
  pageFault(vcpu: number, vpn: number, write: number): void {
    const mm = this.#loaded[vcpu];
    if (mm === null) throw new OsEventError(`page fault on vCPU ${vcpu} with no address space`);
    const pt = mm.table;
    const e = tablePath(pt, vpn, this.#path);
    const cycles = this.#stats.cycles;
    if (e < 0) {
      this.counts.demandFaults++;
      cycles[Cycle.GUEST_KERNEL] += this.#faultCycles;
      const frame = this.#allocData();
      this.#writeLeaf(vcpu, mm, vpn, frame, PTE_WRITABLE);
      return;
    }
    if (write === 0 || (pt.flags[e] & PTE_WRITABLE) !== 0) return; // spurious: already fixed
    this.counts.cowFaults++;
    cycles[Cycle.GUEST_KERNEL] += this.#faultCycles;
    this.#readFlags(vcpu, mm, vpn);
    const old = pt.entries[e];
    const flags = pt.flags[e] | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
    if (this.#sharers[old] > 1) {
      // Linux wp_page_copy: a private copy, mapped young and dirty.
      this.#sharers[old]--;
      cycles[Cycle.GUEST_KERNEL] += this.#copyCycles;
      this.#writeLeaf(vcpu, mm, vpn, this.#allocData(), flags);
    } else {
      // Linux wp_page_reuse: the last sharer takes the page back writable.
      pt.flags[e] = flags;
      this.#notify(vcpu, mm, vpn, 1, pt.tableFrame[Math.floor(e / 512)]);
    }
    this.#flushRange(vcpu, mm, vpn, 1);
  }

  #newSpace(pid: number): AddressSpace {
    return new AddressSpace(
      this.#nextMm++,
      pid,
      new PageTable(this.#levels, this.frames),
      this.vcpus,
    );
  }

  #space(pid: number, op: string): AddressSpace {
    const mm = this.#processes.get(pid);
    if (mm === undefined) throw new OsEventError(`${op}: no process ${pid}`);
    return mm;
  }

  #allocData(): number {
    const frame = this.frames.alloc(PageSize.SIZE_4K);
    if (frame >= this.#sharers.length) {
      const grown = new Int32Array(Math.max(frame + 1, this.#sharers.length * 2));
      grown.set(this.#sharers);
      this.#sharers = grown;
    }
    this.#sharers[frame] = 1;
    return frame;
  }

  #notify(vcpu: number, mm: AddressSpace, vpn: number, level: number, frame: number): void {
    this.counts.pteWrites++;
    this.#platform!.pteWritten(vcpu, mm, vpn, level, frame);
  }

  #readFlags(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.counts.pteReads++;
    this.#platform!.pteRead(vcpu, mm, vpn);
  }

  /** Writes a 4 KiB leaf, telling the platform of every entry written (new tables included). */
  #writeLeaf(vcpu: number, mm: AddressSpace, vpn: number, frame: number, flags: number): void {
    const pt = mm.table;
    const path = this.#path;
    const before = tablePath(pt, vpn, path);
    const top = before >= 0 ? 1 : -before;
    pt.map(vpn, frame, PageSize.SIZE_4K, flags);
    tablePath(pt, vpn, path);
    for (let level = top; level >= 1; level--) {
      this.#notify(vcpu, mm, vpn, level, pt.tableFrame[path[level]]);
    }
  }

  /** Makes every vCPU's TLB forget `pages` pages from `vpn` of `mm` (0 pages: all of it). */
  #flushRange(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void {
    const platform = this.#platform!;
    const full = pages === 0 || pages > SINGLE_PAGE_FLUSH_CEILING;
    const generation = ++mm.generation;
    if (this.#loaded[vcpu] === mm) {
      if (full) platform.flushTlb(vcpu, mm);
      else for (let p = 0; p < pages; p++) platform.invlpg(vcpu, mm, vpn + p);
      mm.seen[vcpu] = generation;
    }
    let count = 0;
    for (let v = 0; v < this.vcpus; v++) {
      if (v !== vcpu && this.#loaded[v] === mm) {
        this.#targets[count++] = v;
        mm.seen[v] = generation;
      }
    }
    if (count > 0) {
      this.counts.shootdowns++;
      platform.shootdown(vcpu, this.#targets, count, mm, vpn, full ? 0 : pages);
    }
  }

  #switch(vcpu: number, pid: number): void {
    if (pid < 0) {
      // Idle: Linux keeps the last address space loaded (lazy TLB mode).
      this.#running[vcpu] = 0;
      return;
    }
    const mm = this.#space(pid, "switch");
    this.#running[vcpu] = 1;
    if (this.#loaded[vcpu] === mm) {
      if (mm.seen[vcpu] !== mm.generation) this.#platform!.flushTlb(vcpu, mm);
    } else {
      this.counts.cr3Loads++;
      this.#platform!.loadCr3(vcpu, mm, !this.#pcid || mm.seen[vcpu] !== mm.generation);
      this.#loaded[vcpu] = mm;
    }
    mm.seen[vcpu] = mm.generation;
  }

  #munmap(vcpu: number, pid: number, vpn: number, pages: number): void {
    const mm = this.#space(pid, "munmap");
    const pt = mm.table;
    let cleared = 0;
    for (let p = 0; p < pages; p++) {
      const e = tablePath(pt, vpn + p, this.#path);
      if (e < 0) continue;
      // zap_pte_range reads the old entry (dirty pages are written back).
      this.#readFlags(vcpu, mm, vpn + p);
      this.#sharers[pt.entries[e]]--;
      pt.flags[e] = 0;
      pt.entries[e] = 0;
      this.#notify(vcpu, mm, vpn + p, 1, pt.tableFrame[this.#path[1]]);
      cleared++;
    }
    if (cleared > 0) this.#flushRange(vcpu, mm, vpn, pages);
  }

  #scan(vcpu: number, pid: number, vpn: number, pages: number): void {
    const mm = this.#space(pid, "scan");
    for (let p = 0; p < pages; p++) {
      if (tablePath(mm.table, vpn + p, this.#path) >= 0) this.#readFlags(vcpu, mm, vpn + p);
    }
  }

  #fork(vcpu: number, pid: number, child: number): void {
    const parent = this.#space(pid, "fork");
    if (this.#processes.has(child)) throw new OsEventError(`fork: child pid ${child} exists`);
    const mm = this.#newSpace(child);
    this.#processes.set(child, mm);
    const pt = parent.table;
    forEachLeaf(pt, (page, e) => {
      // copy_present_pte: read the entry, write-protect it in both, child's old and clean.
      this.#readFlags(vcpu, parent, page);
      const flags = pt.flags[e];
      if ((flags & PTE_WRITABLE) !== 0) {
        pt.flags[e] = flags & ~PTE_WRITABLE;
        this.#notify(vcpu, parent, page, 1, pt.tableFrame[Math.floor(e / 512)]);
      }
      this.#sharers[pt.entries[e]]++;
      this.#writeLeaf(vcpu, mm, page, pt.entries[e], 0);
    });
    // dup_mmap ends with flush_tlb_mm(oldmm): every vCPU forgets the parent's writable entries.
    this.#flushRange(vcpu, parent, 0, 0);
  }

  #teardown(vcpu: number, mm: AddressSpace): void {
    for (let v = 0; v < this.vcpus; v++) {
      if (this.#loaded[v] === mm) {
        this.#platform!.loadCr3(v, null, false);
        this.#loaded[v] = null;
        this.#running[v] = 0;
      }
    }
    forEachLeaf(mm.table, (page, e) => {
      this.#readFlags(vcpu, mm, page);
      this.#sharers[mm.table.entries[e]]--;
    });
  }

  #exit(vcpu: number, pid: number): void {
    const mm = this.#space(pid, "exit");
    this.#teardown(vcpu, mm);
    this.#processes.delete(pid);
  }

  #exec(vcpu: number, pid: number): void {
    const old = this.#space(pid, "exec");
    const wasRunning = this.#loaded[vcpu] === old && this.#running[vcpu] === 1;
    this.#teardown(vcpu, old);
    const mm = this.#newSpace(pid);
    this.#processes.set(pid, mm);
    if (wasRunning) {
      this.counts.cr3Loads++;
      this.#platform!.loadCr3(vcpu, mm, !this.#pcid);
      this.#loaded[vcpu] = mm;
      this.#running[vcpu] = 1;
    }
  }
}
