/**
 * Dirty logging: how the hypervisor learns which pages of a running guest's
 * memory were written since it last looked — the part of the machine that
 * pre-copy snapshots, migration and replication read.
 *
 * Two methods, as KVM offers them:
 * - write protection: every watched page is write-protected; the first write
 *   exits (`write_protect`), the handler marks the page dirty and makes it
 *   writable again. One exit per page per round.
 * - PML (Intel's page-modification log): the processor records the page in
 *   the vCPU's log as it sets the dirty bit, without an exit; when the log's
 *   entries (512) are used up the vCPU exits (`pml_full`) and the handler
 *   drains them. One exit per 512 pages.
 *
 * Starting to log splits the host's large pages down to 4 KiB (KVM's eager
 * page splitting: dirty pages are tracked at 4 KiB), with the longer 2-D
 * walks that follow; reading the log re-arms it for the pages read and
 * flushes the vCPUs' TLBs, as KVM does after write-protecting or clearing
 * dirty bits.
 *
 * @module
 */

import { type GuestMemory, PageMode } from "../mem/guest_memory.ts";
import { ExitReason } from "../base/exit_reason.ts";
import type { ResolvedDirtyLogConfig } from "./machine_config.ts";
import type { Vcpu } from "./vcpu.ts";

/** What dirty logging needs of its machine. */
export interface DirtyLogHost {
  /** The vCPUs, whose exits the log charges. */
  readonly vcpus: readonly Vcpu[];
  /** Splits the host's large pages backing guest frames `first`..`first + count - 1`; returns how many. */
  splitHostPages(first: number, count: number): number;
  /** Flushes every vCPU's TLBs and walk caches. */
  flushAll(): void;
}

/**
 * The dirty log of a machine's tracked memory.
 *
 * @example Write protection: one exit per page per round; PML: none until the log fills
 * ```ts
 * import { buildMachine } from "./build_machine.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const cost = getProfile("intel-skylake-sp");
 * const wp = buildMachine({ platform: "nested", guestMemoryPages: 1024 }, cost);
 * const log = wp.dirtyLog!;
 * log.start();
 * log.write(0, 7);
 * const out = new Uint32Array(1024);
 * if (log.collect(out, true) !== 1 || out[0] !== 7) throw new Error();
 * if (wp.report().counters.exits_write_protect !== 1) throw new Error();
 * const pml = buildMachine(
 *   { platform: "nested", guestMemoryPages: 1024, dirtyLog: { method: "pml", pmlEntries: 2 } },
 *   cost,
 * );
 * pml.dirtyLog!.start();
 * for (const page of [1, 2, 3]) pml.dirtyLog!.write(0, page);
 * if (pml.report().counters.exits_pml_full !== 1) throw new Error("the second entry fills the log");
 * ```
 */
export class DirtyLog {
  /** The method and the PML log's size. */
  readonly config: ResolvedDirtyLogConfig;
  /** The memory watched. */
  readonly memory: GuestMemory;
  /** 1 for each page written since the log was last read. */
  readonly dirty: Uint8Array;
  /** Pages marked in {@linkcode DirtyLog.dirty}. */
  count = 0;
  /** Host large pages split when logging started, in all. */
  splits = 0;
  /** True while logging. */
  logging = false;
  readonly #host: DirtyLogHost;
  readonly #pmlUsed: Int32Array;
  readonly #pml: boolean;

  /**
   * Creates the log, not logging.
   * @param host the machine
   * @param memory the tracked memory
   * @param config the method
   */
  constructor(host: DirtyLogHost, memory: GuestMemory, config: ResolvedDirtyLogConfig) {
    this.#host = host;
    this.memory = memory;
    this.config = config;
    this.dirty = new Uint8Array(memory.pages);
    this.#pmlUsed = new Int32Array(host.vcpus.length);
    this.#pml = config.method === "pml";
  }

  /**
   * Starts logging: splits the host's large pages, watches every writable
   * page, and flushes the TLBs.
   * @returns host large pages split
   */
  start(): number {
    const split = this.#host.splitHostPages(0, this.memory.pages);
    this.splits += split;
    const mode = this.memory.mode;
    for (let p = 0; p < mode.length; p++) {
      if (mode[p] === PageMode.WRITABLE) mode[p] = PageMode.LOGGED;
    }
    this.logging = true;
    this.#pmlUsed.fill(0);
    this.#host.flushAll();
    return split;
  }

  /**
   * vCPU `vcpu` writes watched page `page`: the page is logged and writable
   * from now on; the exits it takes are charged to the vCPU.
   * @returns the cycles the vCPU spent in exits
   */
  write(vcpu: number, page: number): number {
    this.memory.mode[page] = PageMode.WRITABLE;
    if (this.dirty[page] === 0) {
      this.dirty[page] = 1;
      this.count++;
    }
    if (!this.#pml) return this.#host.vcpus[vcpu].exit(ExitReason.WRITE_PROTECT);
    if (++this.#pmlUsed[vcpu] < this.config.pmlEntries) return 0;
    this.#pmlUsed[vcpu] = 0;
    return this.#host.vcpus[vcpu].exit(ExitReason.PML_FULL);
  }

  /**
   * Reads the log: writes the dirty pages into `out` in ascending order and
   * clears them; with `rearm`, watches them again and flushes the TLBs (the
   * caller kicks the running vCPUs, which also drains their PML logs).
   * @returns pages read
   */
  collect(out: Uint32Array, rearm: boolean): number {
    const dirty = this.dirty;
    const mode = this.memory.mode;
    let n = 0;
    for (let p = 0; p < dirty.length; p++) {
      if (dirty[p] === 1) {
        dirty[p] = 0;
        out[n++] = p;
        if (rearm && mode[p] === PageMode.WRITABLE) mode[p] = PageMode.LOGGED;
      }
    }
    this.count = 0;
    this.#pmlUsed.fill(0);
    if (rearm && n > 0) this.#host.flushAll();
    return n;
  }

  /** Stops logging: every watched page becomes writable; what is logged stays readable. */
  stop(): void {
    const mode = this.memory.mode;
    for (let p = 0; p < mode.length; p++) {
      if (mode[p] === PageMode.LOGGED) mode[p] = PageMode.WRITABLE;
    }
    this.logging = false;
  }
}
