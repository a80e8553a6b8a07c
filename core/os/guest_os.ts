/**
 * The guest OS model: processes with their own page tables, demand paging,
 * munmap with INVLPG or a full flush, fork with copy-on-write, exec, exit,
 * context switches with PCIDs, and TLB shootdowns across vCPUs — turned into
 * the page-table writes, flag reads, CR3 loads and flushes a real kernel
 * (Linux on x86-64) issues, all through a {@linkcode Platform}.
 *
 * Anonymous memory may be mapped with large pages, as Linux's transparent
 * huge pages do: a demand fault maps a 2M (or 1G) page where the page-size
 * policy wants one, nothing smaller is mapped in its range yet, and an
 * aligned block of guest-physical memory is free; a large page is split
 * into 512 smaller ones before part of it is unmapped or copied on write
 * (as `__split_huge_pmd`), and reused whole by its last sharer.
 *
 * Modelling choices: frames are never freed, so a stale translation can
 * never alias a new page; a process's page-table pages are released at exit
 * without per-entry writes (KVM unshadows pages a guest floods with writes,
 * which this model takes as free); new PTEs start with the accessed and
 * dirty flags clear, so the hardware (or the hypervisor) must set them; the
 * 512 entries of a table page a split fills are written before the page is
 * linked in, so no hypervisor watches them (they are counted, not reported).
 *
 * @module
 */

import type { CostModel } from "../cost/cost_model.ts";
import { BumpFrameAllocator, type FrameAllocator } from "../mem/frame_allocator.ts";
import { LEVEL_SPAN, PageTable, PTE_ACCESSED, PTE_DIRTY, PTE_WRITABLE } from "../mmu/page_table.ts";
import { PAGES_4K_PER, PageSize, spanOffset } from "../base/page_size.ts";
import { Cycle, type Stats } from "../cost/stats.ts";
import { AddressSpace } from "./address_space.ts";
import { OS_OP_NAMES, type OsEventChunk, OsOp } from "./os_event.ts";
import type { GuestKernel, Platform } from "./platform.ts";
import type { Shootdown } from "./shootdown.ts";
import { forEachLeaf, tablePath } from "./table_path.ts";

/**
 * Above this many invalidations a range flush becomes a full flush: Linux's
 * `tlb_single_page_flush_ceiling` (arch/x86/mm/tlb.c) is 33.
 */
export const SINGLE_PAGE_FLUSH_CEILING = 33;

/** What page size the kernel would like to map a page with (transparent huge pages). */
export interface GuestPagePolicy {
  /** The page size wanted for the page covering `vpn`, if an aligned block is free. */
  sizeFor(vpn: number): PageSize;
}

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
  /** Where guest-kernel cycles are charged: each vCPU's statistics. */
  stats: readonly Stats[];
  /** Cost profile: guest page-fault and page-copy cycles. */
  cost: CostModel;
  /** Guest-physical memory (data and table pages). Default an unbounded memory of its own. */
  frames?: FrameAllocator;
  /** Page sizes of anonymous memory. Default 4 KiB pages only. */
  pages?: GuestPagePolicy;
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
  /** Large pages split into smaller ones (before a partial unmap or a copy-on-write). */
  splits: number;
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
 * import { createOsEventChunk, OsOp } from "./os_event.ts";
 * import { buildMachine } from "../machine/build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const machine = buildMachine({ guest: "os" }, getProfile("intel-skylake-sp"));
 * const os = machine.os!;
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
 * os.run(c);
 * if (os.counts.cowFaults !== 1 || os.counts.demandFaults !== 1) throw new Error();
 * ```
 */
export class GuestOs implements GuestKernel {
  /** Faults are real: the guest maps on demand, and the platform charges them. */
  readonly prepopulated = false;
  /** Number of vCPUs. */
  readonly vcpus: number;
  /** Guest-physical frames (data pages and table pages). */
  readonly frames: FrameAllocator;
  /** Event counts of the run. */
  readonly counts: GuestOsCounts = {
    demandFaults: 0,
    cowFaults: 0,
    cr3Loads: 0,
    shootdowns: 0,
    pteWrites: 0,
    pteReads: 0,
    splits: 0,
  };
  /** 2M pages mapped by demand faults. */
  largePages = 0;
  /** 4K pages mapped by demand faults and copies. */
  smallPages = 0;
  /** First guest-physical frame of every 2M page mapped, in mapping order. */
  readonly largeFrames: number[] = [];
  #levels: 4 | 5;
  #pcid: boolean;
  #stats: readonly Stats[];
  #faultCycles: number;
  #copyCycles: number;
  #pages: GuestPagePolicy | null;
  #tryAlloc: ((size: PageSize) => number) | null;
  #platform: Platform | null = null;
  #processes = new Map<number, AddressSpace>();
  #loaded: (AddressSpace | null)[];
  #running: Uint8Array;
  #nextMm = 1;
  /** Per guest frame: address spaces mapping it (copy-on-write sharing). */
  #sharers: Int32Array = new Int32Array(1 << 16);
  #targets: Int32Array;
  #shootdown: Shootdown | null = null;
  #path = new Int32Array(6);
  /** Size of the frame the last `#allocData` returned. */
  #frameSize: PageSize = PageSize.SIZE_4K;

  /**
   * Creates a kernel with no processes; every vCPU idle.
   * @param options vCPUs, table depth, memory, page sizes, stats and costs
   */
  constructor(options: GuestOsOptions) {
    this.vcpus = options.vcpus;
    this.#levels = options.levels ?? 4;
    this.#pcid = options.pcid ?? true;
    this.#stats = options.stats;
    this.#faultCycles = options.cost.guestPageFaultCycles;
    this.#copyCycles = options.cost.pageCopyCycles;
    this.frames = options.frames ?? new BumpFrameAllocator();
    this.#pages = options.pages ?? null;
    const frames = this.frames as FrameAllocator & { tryAlloc?(size: PageSize): number };
    this.#tryAlloc = frames.tryAlloc === undefined ? null : (size) => frames.tryAlloc!(size);
    this.#loaded = new Array(options.vcpus).fill(null);
    this.#running = new Uint8Array(options.vcpus);
    this.#targets = new Int32Array(options.vcpus);
  }

  /** Zeroes {@linkcode GuestOs.counts}, as a measured window starts (after a warm-up). */
  resetCounts(): void {
    const c = this.counts;
    c.demandFaults =
      c.cowFaults =
      c.cr3Loads =
      c.shootdowns =
        0;
    c.pteWrites = c.pteReads = c.splits = 0;
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
        platform.access(vcpu, chunk.vpn[i], chunk.kind[i], chunk.arg[i]);
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
    const cycles = this.#stats[vcpu].cycles;
    if (e < 0) {
      this.counts.demandFaults++;
      cycles[Cycle.GUEST_KERNEL] += this.#faultCycles;
      // A leaf may go at any level from the one where the walk found nothing down.
      let size = this.#pages === null ? PageSize.SIZE_4K : this.#pages.sizeFor(vpn);
      if (size > -e - 1) size = (-e - 1) as PageSize;
      const frame = this.#allocData(size);
      const got = this.#frameSize;
      this.#writeLeaf(vcpu, mm, vpn - spanOffset(vpn, PAGES_4K_PER[got]), frame, PTE_WRITABLE, got);
      return;
    }
    if (write === 0 || (pt.flags[e] & PTE_WRITABLE) !== 0) return; // spurious: already fixed
    this.counts.cowFaults++;
    cycles[Cycle.GUEST_KERNEL] += this.#faultCycles;
    let level = this.#path[0];
    if (level > 1) {
      const span = LEVEL_SPAN[level - 1];
      const base = vpn - spanOffset(vpn, span);
      if (!this.#shared(pt.entries[e], span)) {
        // do_huge_pmd_wp_page: the last sharer takes the whole large page back writable.
        this.#readFlags(vcpu, mm, vpn);
        pt.flags[e] |= PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
        this.#notify(vcpu, mm, base, level, pt.tableFrame[Math.floor(e / 512)]);
        this.#flushRange(vcpu, mm, base, span, span);
        return;
      }
      // Shared: split down to 4K, then copy the one page written.
      while (level > 1) level = this.#split(vcpu, mm, vpn, level);
    }
    const e4k = tablePath(pt, vpn, this.#path);
    this.#readFlags(vcpu, mm, vpn);
    const old = pt.entries[e4k];
    const flags = pt.flags[e4k] | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
    if (this.#sharers[old] > 1) {
      // Linux wp_page_copy: a private copy, mapped young and dirty.
      this.#sharers[old]--;
      cycles[Cycle.GUEST_KERNEL] += this.#copyCycles;
      this.#writeLeaf(vcpu, mm, vpn, this.#allocData(PageSize.SIZE_4K), flags, PageSize.SIZE_4K);
    } else {
      // Linux wp_page_reuse: the last sharer takes the page back writable.
      pt.flags[e4k] = flags;
      this.#notify(vcpu, mm, vpn, 1, pt.tableFrame[Math.floor(e4k / 512)]);
    }
    this.#flushRange(vcpu, mm, vpn, 1, 1);
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

  /** A data frame of `size`, or of a smaller size where no aligned block of `size` is free. */
  #allocData(size: PageSize): number {
    let frame = -1;
    while (size > PageSize.SIZE_4K) {
      frame = this.#tryAlloc === null ? this.frames.alloc(size) : this.#tryAlloc(size);
      if (frame >= 0) break;
      size--;
    }
    if (size === PageSize.SIZE_4K) frame = this.frames.alloc(PageSize.SIZE_4K);
    this.#frameSize = size;
    const span = PAGES_4K_PER[size];
    if (frame + span > this.#sharers.length) {
      const grown = new Int32Array(Math.max(frame + span, this.#sharers.length * 2));
      grown.set(this.#sharers);
      this.#sharers = grown;
    }
    this.#sharers.fill(1, frame, frame + span);
    if (size === PageSize.SIZE_4K) this.smallPages++;
    else if (size === PageSize.SIZE_2M) {
      this.largePages++;
      this.largeFrames.push(frame);
    }
    return frame;
  }

  /** Whether any 4 KiB frame of the `span` frames from `frame` is mapped by more than one space. */
  #shared(frame: number, span: number): boolean {
    for (let i = frame; i < frame + span; i++) if (this.#sharers[i] > 1) return true;
    return false;
  }

  #share(frame: number, span: number, delta: number): void {
    for (let i = frame; i < frame + span; i++) this.#sharers[i] += delta;
  }

  #notify(vcpu: number, mm: AddressSpace, vpn: number, level: number, frame: number): void {
    this.counts.pteWrites++;
    this.#platform!.pteWritten(vcpu, mm, vpn, level, frame);
  }

  #readFlags(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.counts.pteReads++;
    this.#platform!.pteRead(vcpu, mm, vpn);
  }

  /**
   * Writes a leaf of `size` at `vpn`, telling the platform of every entry
   * written (new tables included).
   */
  #writeLeaf(
    vcpu: number,
    mm: AddressSpace,
    vpn: number,
    frame: number,
    flags: number,
    size: PageSize,
  ): void {
    const pt = mm.table;
    const path = this.#path;
    const leafLevel = size + 1;
    const before = tablePath(pt, vpn, path);
    const top = before >= 0 ? leafLevel : -before;
    pt.map(vpn, frame, size, flags);
    tablePath(pt, vpn, path);
    for (let level = top; level >= leafLevel; level--) {
      this.#notify(vcpu, mm, vpn, level, pt.tableFrame[path[level]]);
    }
  }

  /**
   * Splits the large leaf at `level` covering `vpn` of `mm` into 512 smaller
   * ones, as `__split_huge_pmd`: the old entry is read, the new table page
   * filled, the entry pointed at it, the large page's translations flushed.
   * @returns the level of the new leaves
   */
  #split(vcpu: number, mm: AddressSpace, vpn: number, level: number): number {
    const pt = mm.table;
    this.#readFlags(vcpu, mm, vpn);
    const span = LEVEL_SPAN[level - 1];
    const base = vpn - spanOffset(vpn, span);
    const parent = tablePath(pt, vpn, this.#path);
    const parentFrame = pt.tableFrame[Math.floor(parent / 512)];
    pt.split(vpn, level);
    this.counts.splits++;
    // The 512 entries of the new table page: written before it is linked in.
    this.counts.pteWrites += 512;
    this.#notify(vcpu, mm, base, level, parentFrame);
    this.#flushRange(vcpu, mm, base, span, span);
    return level - 1;
  }

  /**
   * Makes every vCPU's TLB forget `pages` pages from `vpn` of `mm` (0 pages:
   * all of it), invalidating guest pages of `stride` pages each.
   */
  #flushRange(vcpu: number, mm: AddressSpace, vpn: number, pages: number, stride: number): void {
    const platform = this.#platform!;
    const full = pages === 0 || pages / stride > SINGLE_PAGE_FLUSH_CEILING;
    const generation = ++mm.generation;
    if (this.#loaded[vcpu] === mm) {
      if (full) platform.flushTlb(vcpu, mm);
      else for (let p = 0; p < pages; p += stride) platform.invlpg(vcpu, mm, vpn + p, stride);
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
      // One request object, refilled: a platform does not keep it past the call.
      const request = this.#shootdown ??= { targets: this.#targets, count, mm, vpn, pages, stride };
      request.count = count;
      request.mm = mm;
      request.vpn = vpn;
      request.pages = full ? 0 : pages;
      request.stride = stride;
      platform.shootdown(vcpu, request);
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
    const end = vpn + pages;
    let cleared = 0;
    let stride = -1;
    for (let page = vpn; page < end; page++) {
      const e = tablePath(pt, page, this.#path);
      if (e < 0) continue;
      const level = this.#path[0];
      const span = LEVEL_SPAN[level - 1];
      const base = page - spanOffset(page, span);
      if (level > 1 && (base < vpn || base + span > end)) {
        // Part of a large page: split it, then unmap its pieces one by one.
        this.#split(vcpu, mm, page, level);
        page--;
        continue;
      }
      // zap_pte_range reads the old entry (dirty pages are written back).
      this.#readFlags(vcpu, mm, page);
      this.#share(pt.entries[e], span, -1);
      pt.flags[e] = 0;
      pt.entries[e] = 0;
      this.#notify(vcpu, mm, page, level, pt.tableFrame[this.#path[level]]);
      cleared++;
      stride = stride === -1 || stride === span ? span : 1;
      page = base + span - 1;
    }
    if (cleared > 0) this.#flushRange(vcpu, mm, vpn, pages, stride);
  }

  #scan(vcpu: number, pid: number, vpn: number, pages: number): void {
    const mm = this.#space(pid, "scan");
    for (let page = vpn; page < vpn + pages; page++) {
      if (tablePath(mm.table, page, this.#path) < 0) continue;
      this.#readFlags(vcpu, mm, page);
      const span = LEVEL_SPAN[this.#path[0] - 1];
      page += span - 1 - spanOffset(page, span);
    }
  }

  #fork(vcpu: number, pid: number, child: number): void {
    const parent = this.#space(pid, "fork");
    if (this.#processes.has(child)) throw new OsEventError(`fork: child pid ${child} exists`);
    const mm = this.#newSpace(child);
    this.#processes.set(child, mm);
    const pt = parent.table;
    forEachLeaf(pt, (page, e, level) => {
      // copy_present_pte: read the entry, write-protect it in both, child's old and clean.
      this.#readFlags(vcpu, parent, page);
      const flags = pt.flags[e];
      if ((flags & PTE_WRITABLE) !== 0) {
        pt.flags[e] = flags & ~PTE_WRITABLE;
        this.#notify(vcpu, parent, page, level, pt.tableFrame[Math.floor(e / 512)]);
      }
      this.#share(pt.entries[e], LEVEL_SPAN[level - 1], 1);
      this.#writeLeaf(vcpu, mm, page, pt.entries[e], 0, (level - 1) as PageSize);
    });
    // dup_mmap ends with flush_tlb_mm(oldmm): every vCPU forgets the parent's writable entries.
    this.#flushRange(vcpu, parent, 0, 0, 1);
  }

  #teardown(vcpu: number, mm: AddressSpace): void {
    for (let v = 0; v < this.vcpus; v++) {
      if (this.#loaded[v] === mm) {
        this.#platform!.loadCr3(v, null, false);
        this.#loaded[v] = null;
        this.#running[v] = 0;
      }
    }
    forEachLeaf(mm.table, (page, e, level) => {
      this.#readFlags(vcpu, mm, page);
      this.#share(mm.table.entries[e], LEVEL_SPAN[level - 1], -1);
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
