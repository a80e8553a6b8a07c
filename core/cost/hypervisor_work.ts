/**
 * The profiles' estimates of guest-kernel and hypervisor work: shadow-table
 * maintenance done inside an exit already charged (resynchronising a page,
 * prefetching an entry, propagating flags), and the native cost of an
 * inter-processor interrupt. They are the defaults of the `CostModel` fields
 * `shadowResyncPageCycles`, `shadowPrefetchEntryCycles`,
 * `shadowPropagatePageCycles` and `ipiRoundTripCycles`, which a JSON profile
 * can override. No primary measurement was found for any of them; each line
 * says what its estimate rests on.
 *
 * @module
 */

import type { CostModel } from "./cost_model.ts";
import type { BusCosts } from "./bus_costs.ts";

/**
 * Hypervisor cycles to resynchronise one out-of-sync guest table page with
 * its shadow: compare up to 512 guest entries with their shadow entries and
 * zap the ones that changed (KVM `kvm_sync_page`). Estimate: 512 entries at
 * about 4 cycles each (two loads, a compare, a rarely taken branch).
 */
export const RESYNC_PAGE_CYCLES = 2048;

/**
 * Hypervisor cycles to prefetch one more shadow entry from the guest table
 * page a hidden fault already read (KVM `FNAME(pte_prefetch)`): read the
 * neighbouring guest entry, look up its host page, write the shadow entry.
 * Estimate: a few tens of cycles for lines already in cache.
 */
export const PREFETCH_ENTRY_CYCLES = 20;

/**
 * Hypervisor cycles to copy the accessed/dirty flags the hardware set in one
 * shadow table page back into the guest's table page (512 entries). Estimate,
 * the same per-entry cost as {@linkcode RESYNC_PAGE_CYCLES}.
 */
export const PROPAGATE_PAGE_CYCLES = 2048;

/**
 * Guest-kernel cycles of one TLB-shootdown IPI to one target, natively:
 * send, remote interrupt and flush handler, acknowledgement wait. Estimate
 * from secondary sources only ("an IPI round-trip is ~1–3 µs on modern
 * Xeons", several engineering blogs, 2024–2026): 1.5 µs at about 2 GHz.
 * Charged in every mode; virtualised modes add the exits on top.
 */
export const IPI_ROUND_TRIP_CYCLES = 3000;

/**
 * Exit handler work by reason (cycles beyond the exit round trip).
 */
// Handler work is hypervisor software, so both profiles charge the same cycles
// for it; the hardware round trip (vmExitCycles: guest exit to guest resume,
// no hypervisor work) is the profile's. A handler's number is the work between
// the exit and the entry, never a round trip. No primary per-reason
// measurement was found for most reasons: each line says whether its number
// is derived from a cited figure or is an estimate.
export const HANDLER_CYCLES: Readonly<Record<string, number>> = {
  // Estimate: find or build the shadow root for the new CR3 (KVM caches roots
  // by role) and, without tagged TLBs, flush; Adams & Agesen, ASPLOS 2006, show
  // address-space switches among the costliest shadow-paging events, no cycles
  // taken from them.
  cr3_write: 1000,
  // Estimate: zap one shadow PTE and invalidate one page (INVLPG/INVVPID).
  invlpg: 500,
  // Estimate: decode and emulate the guest's store to a write-protected
  // page-table page, then update the shadow PTE; more work than write_protect,
  // which only unprotects and resumes.
  pt_write: 2500,
  // Estimate: software walk of the guest table (4 reads through the
  // hypervisor's map) and a shadow fill with PTE prefetch (KVM
  // PTE_PREFETCH_NUM = 8, shared/REFERENCES.md).
  hidden_fault: 1500,
  // Estimate: inject #PF into the guest (event-injection fields of the
  // VMCS/VMCB); the guest's own handling is guestPageFaultCycles.
  guest_fault: 500,
  // Estimate: EPT violation / NPF: find the host page for the guest-physical
  // page and install the host (EPT/NPT) entry; page zeroing not included.
  nested_fault: 2000,
  // Estimate: emulate the APIC ICR write and kick the target vCPU with a host
  // IPI; kvm-unit-tests x86/vmexit.c `ipi` measures this path per machine, no
  // number reached.
  ipi: 1500,
  // Estimate: dispatch of a paravirtual hypercall beyond the round trip
  // (kvm-unit-tests `vmcall` measures only the round trip).
  hypercall: 300,
  // Derived estimate: a write-protect fault handled by a native kernel costs
  // > 4,000 cycles, a 4 KiB copy about 500 of them (Vogt et al., "Speculative
  // Memory Checkpointing", Middleware 2015, via shared/references/vm-state.md
  // §2, secondary). The hypervisor does the same work (find the page, record
  // it, make it writable); the copy is charged apart as pageCopyCycles:
  // 4,000 - 500 = 3,500, as GUEST_PAGE_FAULT_CYCLES below. No VM exit is
  // subtracted: the native figure never contained one (it contains the native
  // trap's entry and return instead, which no source reached quantifies, so
  // this is an upper bound). Earlier versions subtracted a 2,000-cycle exit.
  write_protect: 3500,
  // Estimate: drain the 512 logged GPAs of a full PML buffer (Intel PML, one
  // exit per 512 dirty pages, vm-state.md §6) into the dirty bitmap at about
  // 10 cycles each: 512 × 10 = 5,120. PML is an Intel VT-x feature; on AMD
  // the number only matters if an experiment models PML there anyway.
  pml_full: 5120,
  // Estimate: decode a doorbell / port write and hand it to the device model
  // (ioeventfd-style); SplitX (WIOV 2011) notes that handling can cost more
  // than the exit's direct cost (≈ 2,000 cycles on Nehalem), no per-reason
  // cycles given.
  io: 2000,
  // Estimate: serve a request on the way back into the guest: a single-context
  // TLB flush (INVEPT/INVVPID) or draining a partly filled PML buffer (at most
  // 511 entries at the 10 cycles each that pml_full assumes). No primary
  // measurement was found; about a fifth of a full PML drain.
  kick: 1000,
  // Estimate: KVM's HLT handler (kvm_emulate_halt) marks the vCPU halted and
  // its thread blocks in kvm_vcpu_block, a trip into the host scheduler; the
  // wake-up that ends it is the bus's haltWakeCycles. KVM's halt-polling
  // documentation (Documentation/virt/kvm/halt-polling.rst) puts a trip
  // through the scheduler at "a few micro-seconds"; the way in is taken as
  // one of them, ≈ 1 µs at about 2 GHz.
  hlt: 2000,
};

/** Guest page-fault handling without the data copy (cycles). */
// Derived estimate: a demand-paging fault path without the data copy: the
// > 4,000-cycle write-protect (CoW) fault minus its ≈ 500-cycle page copy
// (Vogt et al., Middleware 2015, via vm-state.md §2, secondary) = 3,500.
export const GUEST_PAGE_FAULT_CYCLES = 3500;
/** Copying one 4 KiB page (cycles). */
// ≈ 500 cycles to copy a 4 KiB page (Vogt et al., Middleware 2015, via
// vm-state.md §2 and §6, secondary; no per-core figure found).
export const PAGE_COPY_CYCLES = 500;

/** The costs of software, the same in every profile: the hypervisor's and the guest kernel's work. */
export type SoftwareCosts = Pick<
  CostModel,
  | "exitHandlerCycles"
  | "guestPageFaultCycles"
  | "pageCopyCycles"
  | "ipiRoundTripCycles"
  | "shadowResyncPageCycles"
  | "shadowPrefetchEntryCycles"
  | "shadowPropagatePageCycles"
>;

/**
 * Software costs every named profile shares: software runs the same cycles
 * on either vendor's core as far as any source reached, so only the
 * hardware numbers differ between profiles. Each constant above says what
 * its estimate rests on.
 */
export const SOFTWARE_COSTS: SoftwareCosts = {
  exitHandlerCycles: HANDLER_CYCLES,
  guestPageFaultCycles: GUEST_PAGE_FAULT_CYCLES,
  pageCopyCycles: PAGE_COPY_CYCLES,
  ipiRoundTripCycles: IPI_ROUND_TRIP_CYCLES,
  shadowResyncPageCycles: RESYNC_PAGE_CYCLES,
  shadowPrefetchEntryCycles: PREFETCH_ENTRY_CYCLES,
  shadowPropagatePageCycles: PROPAGATE_PAGE_CYCLES,
};

/**
 * The partition bus's software costs, the same in every profile: the
 * hypervisor's work to signal, inject, remap and grant-copy, and the
 * guest's to take an interrupt. No primary per-operation measurement was
 * found for any of them; each says what its estimate rests on. The
 * hardware's (halt wake-up, flush, copy rates) are in each profile.
 */
export const BUS_SOFTWARE_COSTS: Pick<
  BusCosts,
  | "signalHandlerCycles"
  | "interruptInjectionCycles"
  | "interruptEntryCycles"
  | "pteUpdateCycles"
  | "remapHypercallCycles"
  | "shootdownIpiCycles"
  | "grantCopyOpCycles"
> = {
  // Estimate: KVM handles HvSignalEvent as a fast hypercall (kvm_hv_hypercall
  // -> kvm_hvcall_signal_event in arch/x86/kvm/hyperv.c: look up the
  // connection id's eventfd, eventfd_signal, which may wake a host thread);
  // dispatch as exitHandlerCycles.hypercall (300, itself an estimate) plus
  // about 500 for the lookup and the eventfd wake-up. No per-call measurement
  // was found (kvm-unit-tests' vmcall times only the round trip). Wanpeng Li's
  // ICR-write fast path (Linux commit 1e9e2622a1, Skylake server) cut "more
  // than 200+ cpu cycles" from a virtual IPI: handler paths cost hundreds.
  signalHandlerCycles: 800,
  // Estimate: with posted interrupts (Intel APICv, AMD AVIC) the hypervisor
  // sets the vector in the target's posted-interrupt descriptor, sets ON and
  // sends one notification IPI; a running target takes the vector with no
  // exit ("KVM: VMX: Add the deliver posted interrupt algorithm", Yang
  // Zhang). About 500 cycles: two atomics on a shared line and an ICR write.
  interruptInjectionCycles: 500,
  // Estimate: the receiving guest takes one interrupt: IDT vectoring, kernel
  // entry and exit, the handler's prologue and epilogue, IRET, and an EOI
  // that APICv/AVIC virtualise without an exit. No measurement on a server
  // core was reached; a third of ipiRoundTripCycles (3,000, send + handler +
  // ack), and above a single INVLPG's 260 (tlbFlushCycles' source).
  interruptEntryCycles: 1000,
  // Estimate: change one EPT/NPT leaf of a frame the hypervisor owns, in a
  // batch: the KVM TDP MMU sets it with one locked cmpxchg
  // (tdp_mmu_set_spte_atomic; LOCK CMPXCHG m64 measures ≈ 19 cycles of
  // throughput on recent Intel cores, uops.info "CMPXCHG_LOCK (M64, R64)")
  // and handle_changed_spte's bookkeeping (dirty and accessed tracking), a
  // few more stores to cached lines: ≈ 50. The memslot lookup and the lock
  // are per hypercall (remapHypercallCycles), the flush is charged apart.
  pteUpdateCycles: 50,
  // Estimate: fixed work of one remap (or grant-copy) hypercall beyond the
  // round trip: Xen's gnttab_transfer (xen/common/grant_table.c) copies the
  // op in, looks up the frame, steals the page, removes and adds physmap
  // entries under the domains' locks and writes the grant entry back;
  // dispatch (exitHandlerCycles.hypercall, 300) plus about 700 for lookups,
  // ownership changes and locks. Xen flushes after every page it transfers;
  // the bus flushes once per hypercall, a design choice.
  remapHypercallCycles: 1000,
  // Estimate: initiator cycles per remote vCPU of a hypervisor TLB
  // shootdown: KVM's kvm_flush_remote_tlbs IPIs every pCPU running a vCPU of
  // the VM and waits until each has left guest mode: the native IPI round
  // trip (ipiRoundTripCycles, 3,000) plus half a VM-exit round trip (1,360 /
  // 2 = 680). Sanity check: Dave Hansen's tracepoints (linux-mm, Feb 2014,
  // "x86: mm: set TLB flush tunable to sane value") average 1,276 cycles for
  // a one-page native flush_tlb_mm_range and 2,283 for a full one.
  shootdownIpiCycles: 3680,
  // Estimate bounded by a measurement: Xen's work per GNTTABOP_copy op beyond
  // its bytes (gnttab_copy_one: copy the op in, lock, acquire the grant,
  // get_page, map the frames, release, write the status back). Joao Martins'
  // xen-netback commit "use gref mappings for Rx requests" measured 2.04 Mpps
  // with mapped grants against about half with grant copy (pktgen, 64-byte
  // packets): grant copy adds ≈ 0.49 µs per packet, ≈ 1,000 cycles at 2.1
  // GHz with the hypercall's entry and exit; 600 for the op alone.
  grantCopyOpCycles: 600,
};
