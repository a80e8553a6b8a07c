// A Platform decorator for tests: forwards every call to the platform under
// test and checks, at every access and every flag read, the machine against
// two slow references — the composition guest table ∘ host map, and a model
// of page contents kept from the event semantics alone.
import assert from "node:assert/strict";
import type { AddressSpace } from "../../../core/os/address_space.ts";
import type { GuestOs } from "../../../core/os/guest_os.ts";
import type { Platform } from "../../../core/os/platform.ts";
import { forEachLeaf } from "../../../core/os/table_path.ts";
import {
  PTE_ACCESSED,
  PTE_DIRTY,
  PTE_PRESENT,
  PTE_WRITABLE,
} from "../../../core/mmu/page_table.ts";
import type { VirtualMachine } from "../../../core/virt/virtual_machine.ts";
import { ShadowPlatform } from "../../../core/virt/shadow_platform.ts";

const FLAGS = PTE_ACCESSED | PTE_DIRTY;

export class CheckingPlatform implements Platform {
  /** What each page of each address space holds: the number of the last store to it (0: never written). */
  readonly contents = new Map<AddressSpace, Map<number, number>>();
  /** Host frame → number of the last store through it. */
  readonly memory = new Map<number, number>();
  /** Reference flags of each present guest leaf: as the kernel wrote them, plus the accesses since. */
  readonly flags = new Map<AddressSpace, Map<number, number>>();
  checks = 0;
  #stores = 0;
  #inFlight: AddressSpace | null = null;
  #inFlightVpn = -1;
  readonly #inner: Platform;
  readonly #vm: VirtualMachine;
  readonly #os: GuestOs;

  constructor(vm: VirtualMachine) {
    this.#vm = vm;
    this.#inner = vm.platform;
    this.#os = vm.os;
  }

  /** Slow reference: what the guest's table composed with the host map says. */
  compose(mm: AddressSpace, vpn: number): number {
    const guest = mm.table.translate(vpn);
    if (guest < 0) return -1;
    const host = this.#vm.platform.hostTable;
    return host === null ? guest : host.translate(guest);
  }

  #map<T>(m: Map<AddressSpace, Map<number, T>>, mm: AddressSpace): Map<number, T> {
    let inner = m.get(mm);
    if (inner === undefined) m.set(mm, inner = new Map());
    return inner;
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
    ref.set(vpn, (ref.get(vpn) ?? 0) | PTE_ACCESSED | (write !== 0 ? PTE_DIRTY : 0));
    const platform = this.#vm.platform;
    if (platform instanceof ShadowPlatform) {
      const shadow = platform.current[vcpu]!;
      const se = shadow.table.leafEntry(vpn);
      if (se >= 0) {
        assert.equal(shadow.table.entries[se], frame, `shadow entry of ${where} is stale`);
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
    const platform = this.#vm.platform;
    if (!(platform instanceof ShadowPlatform)) return;
    const shadow = platform.current[vcpu];
    if (shadow === null) return;
    forEachLeaf(shadow.table, (vpn, se) => {
      const frame = this.compose(shadow.mm, vpn);
      assert.equal(shadow.table.entries[se], frame, `after a flush point, page ${vpn} is stale`);
    });
  }

  loadCr3(vcpu: number, mm: AddressSpace | null, flush: boolean): void {
    this.#inner.loadCr3(vcpu, mm, flush);
    this.#checkShadow(vcpu);
  }

  pteWritten(vcpu: number, mm: AddressSpace, vpn: number, level: number, tableFrame: number): void {
    if (level === 1) {
      const e = mm.table.leafEntry(vpn);
      const ref = this.#map(this.flags, mm);
      if (e >= 0 && (mm.table.flags[e] & PTE_PRESENT) !== 0) {
        ref.set(vpn, mm.table.flags[e] & FLAGS);
      } else ref.delete(vpn);
    }
    this.#inner.pteWritten(vcpu, mm, vpn, level, tableFrame);
  }

  pteRead(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#inner.pteRead(vcpu, mm, vpn);
    this.checks++;
    const e = mm.table.leafEntry(vpn);
    let expected = this.#map(this.flags, mm).get(vpn) ?? 0;
    // The access being served may already have set the accessed flag by its walk.
    if (mm === this.#inFlight && vpn === this.#inFlightVpn) {
      expected |= mm.table.flags[e] & PTE_ACCESSED;
    }
    assert.equal(
      mm.table.flags[e] & FLAGS,
      expected,
      `guest reads wrong accessed/dirty flags of mm ${mm.id} page ${vpn}`,
    );
  }

  invlpg(vcpu: number, mm: AddressSpace, vpn: number): void {
    this.#inner.invlpg(vcpu, mm, vpn);
  }

  flushTlb(vcpu: number, mm: AddressSpace): void {
    this.#inner.flushTlb(vcpu, mm);
    this.#checkShadow(vcpu);
  }

  shootdown(
    vcpu: number,
    targets: Int32Array,
    count: number,
    mm: AddressSpace,
    vpn: number,
    pages: number,
  ): void {
    this.#inner.shootdown(vcpu, targets, count, mm, vpn, pages);
  }

  /** The child starts with the parent's contents (fork), a fresh space with none (exec). */
  forked(parent: AddressSpace, child: AddressSpace): void {
    this.contents.set(child, new Map(this.#map(this.contents, parent)));
  }

  /** Pages unmapped read as never written. */
  unmapped(mm: AddressSpace, vpn: number, pages: number): void {
    const c = this.#map(this.contents, mm);
    for (let p = 0; p < pages; p++) c.delete(vpn + p);
  }
}
