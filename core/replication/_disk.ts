// The guest's disk on the production host (private to core/replication):
// 4 KiB blocks with versions, written at a steady rate in guest run time to
// blocks drawn uniformly, and a log of what was written since the last
// capture. Nothing reads the production disk between captures, so the
// writes of a stretch of guest time are made when a capture asks for them:
// the same blocks and versions as writing them one by one, and no agent on
// the clock.

import { Prng } from "../base/prng.ts";

/** The production disk. */
export class ProductionDisk {
  /** Version of every block. */
  readonly version: Uint32Array;
  /** Writes so far. */
  writes = 0;
  readonly #writesPerCycle: number;
  readonly #dirty: Uint8Array;
  readonly #list: Uint32Array;
  #listed = 0;
  #writesAtCapture = 0;
  readonly #rng: Prng;

  /**
   * @param blocks blocks of the disk
   * @param writesPerCycle block writes per cycle of guest run time
   * @param seed seed of the blocks written
   */
  constructor(blocks: number, writesPerCycle: number, seed: number) {
    this.version = new Uint32Array(blocks);
    for (let b = 0; b < blocks; b++) this.version[b] = 1 + (b & 3);
    this.#writesPerCycle = writesPerCycle;
    this.#dirty = new Uint8Array(blocks);
    this.#list = new Uint32Array(blocks);
    this.#rng = new Prng(seed, 0xd15c);
  }

  /** Makes the writes of the guest's first `guestCycles` cycles of run time. */
  writeUntil(guestCycles: number): void {
    const due = Math.floor(guestCycles * this.#writesPerCycle);
    const blocks = this.version.length;
    const rng = this.#rng;
    while (this.writes < due) {
      const b = rng.below(blocks);
      this.version[b] = (this.version[b] + 1) >>> 0;
      if (this.#dirty[b] === 0) {
        this.#dirty[b] = 1;
        this.#list[this.#listed++] = b;
      }
      this.writes++;
    }
  }

  /**
   * Takes the blocks written since the last capture, with their versions now;
   * returns how many writes they stand for (a block written twice ships
   * twice in a write log).
   */
  capture(): { blocks: Uint32Array; versions: Uint32Array; writes: number } {
    const n = this.#listed;
    const blocks = this.#list.slice(0, n).sort();
    const versions = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      versions[i] = this.version[blocks[i]];
      this.#dirty[blocks[i]] = 0;
    }
    this.#listed = 0;
    const writes = this.writes - this.#writesAtCapture;
    this.#writesAtCapture = this.writes;
    return { blocks, versions, writes };
  }
}
