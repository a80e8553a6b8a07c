// A Platform decorator for tests: forwards every call to the platform under
// test and checks, at every access and every flag read, the machine against
// slow references — the composition guest table ∘ host map, a model of page
// contents kept from the event semantics alone, and the accessed/dirty flags
// each guest leaf must show — whatever the page sizes of guest and host.
import assert from "node:assert/strict";
import type { Machine } from "../../../core/machine/machine.ts";
import type { Mmu } from "../../../core/mmu/mmu.ts";
import {
  ENTRIES_PER_TABLE,
  LEVEL_SPAN,
  type PageTable,
  PTE_ACCESSED,
  PTE_DIRTY,
  PTE_LEAF,
  PTE_PRESENT,
  PTE_WRITABLE,
  radixIndex,
} from "../../../core/mmu/page_table.ts";
import type { AddressSpace } from "../../../core/os/address_space.ts";
import type { Shootdown } from "../../../core/os/shootdown.ts";
import type { GuestOs } from "../../../core/os/guest_os.ts";
import type { Platform } from "../../../core/os/platform.ts";
import { forEachLeaf } from "../../../core/os/table_path.ts";
import { ShadowPlatform } from "../../../core/platforms/shadow_platform.ts";

const FLAGS = PTE_ACCESSED | PTE_DIRTY;

/** Calls `visit(base, entry, level)` for every leaf under the level-`level` entry covering `vpn`. */
function leavesUnder(
  table: PageTable,
  vpn: number,
  level: number,
  visit: (base: number, entry: number, level: number) => void,
): void {
  const lo = vpn >>> 0;
  const hi = (vpn - lo) / 4294967296;
  let id = table.root;
  for (let l = table.levels; l > level; l--) {
    const e = id * ENTRIES_PER_TABLE + radixIndex(lo, hi, l);
    const f = table.flags[e];
    if ((f & PTE_PRESENT) === 0) return;
    if ((f & PTE_LEAF) !== 0) return visit(vpn - vpn % LEVEL_SPAN[l - 1], e, l);
    id = table.entries[e];
  }
  const under = (e: number, l: number, base: number): void => {
    const f = table.flags[e];
    if ((f & PTE_PRESENT) === 0) return;
    if ((f & PTE_LEAF) !== 0) return visit(base, e, l);
    const child = table.entries[e] * ENTRIES_PER_TABLE;
    for (let i = 0; i < ENTRIES_PER_TABLE; i++) {
      under(child + i, l - 1, base + i * LEVEL_SPAN[l - 2]);
    }
  };
  under(
    id * ENTRIES_PER_TABLE + radixIndex(lo, hi, level),
    level,
    vpn - vpn % LEVEL_SPAN[level - 1],
  );
}

export class CheckingPlatform implements Platform {
  /** What each page of each address space holds: the number of the last store to it (0: never written). */
  readonly contents = new Map<AddressSpace, Map<number, number>>();
  /** Host frame → number of the last store through it. */
  readonly memory = new Map<number, number>();
  /** Reference flags of each present guest leaf (key: base page × 4 + level). */
  readonly flags = new Map<AddressSpace, Map<number, number>>();
  checks = 0;
  #stores = 0;
  #inFlight: AddressSpace | null = null;
  #inFlightVpn = -1;
  readonly #inner: Platform;
  readonly #machine: Machine;
  readonly #os: GuestOs;

  constructor(machine: Machine) {
    this.#machine = machine;
    this.#inner = machine.platform;
    this.#os = machine.os!;
  }

  get name(): string {
    return this.#inner.name;
  }

  get mmus(): readonly Mmu[] {
    return this.#inner.mmus;
  }

  get hostTable(): PageTable | null {
    return this.#inner.hostTable;
  }

  get shadowTableBytes(): number {
    return this.#inner.shadowTableBytes;
  }

  /** Slow reference: what the guest's table composed with the host map says. */
  compose(mm: AddressSpace, vpn: number): number {
    const guest = mm.table.translate(vpn);
    if (guest < 0) return -1;
    const host = this.#inner.hostTable;
    return host === null ? guest : host.translate(guest);
  }

  #map<T>(m: Map<AddressSpace, Map<number, T>>, mm: AddressSpace): Map<number, T> {
    let inner = m.get(mm);
    if (inner === undefined) m.set(mm, inner = new Map());
    return inner;
  }

  /** The reference key of the guest leaf covering `vpn`, or -1. */
  #leafKey(mm: AddressSpace, vpn: number): number {
    const table = mm.table;
    if (table.leafEntry(vpn) < 0) return -1;
    const level = table.lastSize + 1;
    return (vpn - vpn % LEVEL_SPAN[level - 1]) * 4 + level;
  }

  access(vcpu: number, vpn: number, write: number): number {
    const mm = this.#os.loaded(vcpu)!;
    this.#inFlight = mm;
    this.#inFlightVpn = vpn;
    const frame = this.#inner.access(vcpu, vpn, write);
    this.#inFlight = null;
    this.checks++;
    const where = `mm ${mm.id} page ${vpn} on vCPU ${vcpu}`;
    assert.equal(frame, this.compose(mm, vpn), `translation ≠ guest ∘ host for ${where}`);
    const e = mm.table.leafEntry(vpn);
    if (write !== 0) {
      assert.ok((mm.table.flags[e] & PTE_WRITABLE) !== 0, `store through read-only ${where}`);
      const n = ++this.#stores;
      this.memory.set(frame, n);
      this.#map(this.contents, mm).set(vpn, n);
    } else {
      assert.equal(
        this.memory.get(frame) ?? 0,
        this.#map(this.contents, mm).get(vpn) ?? 0,
        `load of ${where} reads another page's data`,
      );
    }
    const ref = this.#map(this.flags, mm);
    const key = this.#leafKey(mm, vpn);
    ref.set(key, (ref.get(key) ?? 0) | PTE_ACCESSED | (write !== 0 ? PTE_DIRTY : 0));
    const platform = this.#inner;
    if (platform instanceof ShadowPlatform) {
      const shadow = platform.current[vcpu]!;
      const se = shadow.table.leafEntry(vpn);
      if (se >= 0) {
        assert.equal(shadow.table.translate(vpn), frame, `shadow entry of ${where} is stale`);
        mm.table.translate(vpn);
        const guestSize = mm.table.lastSize;
        this.hostTable!.translate(mm.table.translate(vpn));
        const hostSize = this.hostTable!.lastSize;
        assert.ok(
          shadow.table.lastSize <= Math.min(guestSize, hostSize),
          `shadow page of ${where} larger than guest or host page`,
        );
        if ((shadow.table.flags[se] & PTE_WRITABLE) !== 0) {
          assert.ok(
            (mm.table.flags[e] & PTE_WRITABLE) !== 0,
            `shadow writable, guest not: ${where}`,
          );
        }
      }
    }
    return frame;
  }

  /** Every entry of the shadow table loaded on `vcpu` agrees with guest ∘ host (after a flush point). */
  #checkShadow(vcpu: number): void {
    const platform = this.#inner;
    if (!(platform instanceof ShadowPlatform)) return;
    const shadow = platform.current[vcpu];
    if (shadow === null) return;
    forEachLeaf(shadow.table, (vpn, se) => {
      const frame = this.compose(shadow.mm, vpn);
      assert.equal(shadow.table.entries[se], frame, `after a flush point, page ${vpn} is stale`);
    });
  }

  start(vcpu: number, mm: AddressSpace): void {
    this.#inner.start(vcpu, mm);
  }

  unmapped(gfn: number): void {
    this.#inner.unmapped(gfn);
  }

  remapped(gfn: number, hostFrame: number): void {
    this.#inner.remapped(gfn, hostFrame);
  }

  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    this.#inner.loadCr3(vcpu, mm, flush);
    this.#checkShadow(vcpu);
  }

  pteWritten(vcpu: number, mm: AddressSpace, vpn: number, level: number, tableFrame: number): void {
    // Every leaf under the written entry now shows the flags the kernel wrote.
    const ref = this.#map(this.flags, mm);
    const span = LEVEL_SPAN[level - 1];
    const base = vpn - vpn % span;
    for (const key of [...ref.keys()]) {
      const page = Math.floor(key / 4);
      if (page >= base && page < base + span) ref.delete(key);
    }
    leavesUnder(mm.table, vpn, level, (leaf, e, l) => {
      ref.set(leaf * 4 + l, mm.table.flags[e] & FLAGS);
    });
    this.#inner.pteWritten(vcpu, mm, vpn, level, tableFrame);
  }

  pteRead(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#inner.pteRead(vcpu, mm, vpn);
    this.checks++;
    const e = mm.table.leafEntry(vpn);
    const key = this.#leafKey(mm, vpn);
    let expected = this.#map(this.flags, mm).get(key) ?? 0;
    // The access being served may already have set the accessed flag by its walk.
    if (mm === this.#inFlight && this.#leafKey(mm, this.#inFlightVpn) === key) {
      expected |= mm.table.flags[e] & PTE_ACCESSED;
    }
    assert.equal(
      mm.table.flags[e] & FLAGS,
      expected,
      `guest reads wrong accessed/dirty flags of mm ${mm.id} page ${vpn}`,
    );
  }

  invlpg(vcpu: number, mm: AddressSpace, vpn: number, pages: number): void {
    this.#inner.invlpg(vcpu, mm, vpn, pages);
  }

  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.#inner.flushTlb(vcpu, mm);
    this.#checkShadow(vcpu);
  }

  shootdown(vcpu: number, request: Shootdown): void {
    this.#inner.shootdown(vcpu, request);
  }

  /** The child starts with the parent's contents (fork), a fresh space with none (exec). */
  forked(parent: AddressSpace, child: AddressSpace): void {
    this.contents.set(child, new Map(this.#map(this.contents, parent)));
  }

  /** Pages unmapped read as never written. */
  unmapped4k(mm: AddressSpace, vpn: number, pages: number): void {
    const c = this.#map(this.contents, mm);
    for (let p = 0; p < pages; p++) c.delete(vpn + p);
  }

  /**
   * Runs `promote` (the hypervisor's promotion pass), then moves the content
   * model along with the pages the host copied to new frames.
   */
  promote(promote: () => number, _spaces: readonly AddressSpace[]): void {
    // A promotion copies every 4 KiB page of a region to a new 2M frame, the
    // pages no process maps included: the data follows each guest frame.
    const host = this.#inner.hostTable;
    if (host === null) {
      assert.equal(promote(), 0, "nothing to promote natively");
      return;
    }
    const gfns = this.#machine.memory!.config.guestMemoryMib * 256;
    const before = new Int32Array(gfns);
    for (let g = 0; g < gfns; g++) before[g] = host.translate(g);
    if (promote() === 0) return;
    const moved = new Map<number, number | undefined>();
    for (let g = 0; g < gfns; g++) {
      const now = host.translate(g);
      if (before[g] >= 0 && now !== before[g]) moved.set(now, this.memory.get(before[g]));
    }
    for (const [frame, store] of moved) {
      if (store === undefined) this.memory.delete(frame);
      else this.memory.set(frame, store);
    }
    assert.ok(this.#machine.memory !== null);
  }
}
