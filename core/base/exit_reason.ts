/**
 * Reasons for a VM exit. Counters and cycles are kept per reason in typed
 * arrays indexed by these codes; the names are the column names users see.
 * The codes, the count and the names come from one list.
 *
 * @module
 */

import { type EnumCodes, enumCodes } from "./enumeration.ts";

/** Snake-case names of exit reasons, indexed by code; used as report column suffixes. */
export const EXIT_REASON_NAMES = [
  // Guest wrote CR3 (address-space switch), trapped in shadow mode.
  "cr3_write",
  // Guest executed INVLPG, trapped in shadow mode.
  "invlpg",
  // Guest wrote a write-protected page-table page (shadow mode).
  "pt_write",
  // A page fault the guest never sees: the shadow table lacked an entry.
  "hidden_fault",
  // A page fault reflected (injected) into the guest.
  "guest_fault",
  // Nested paging: a guest-physical page with no host mapping (EPT violation / NPF).
  "nested_fault",
  // An inter-processor interrupt sent by the guest (e.g. a TLB shootdown).
  "ipi",
  // A hypercall (e.g. a paravirtual remote TLB flush).
  "hypercall",
  // A write to a write-protected guest page during snapshot or dirty tracking.
  "write_protect",
  // Page-modification-log full (one exit per 512 logged dirty pages).
  "pml_full",
  // Device or bus I/O (a doorbell or port write).
  "io",
  // The hypervisor kicked a running vCPU out of the guest to serve a request:
  // a remote TLB flush after it write-protected guest memory or cleared dirty
  // bits (KVM_REQ_TLB_FLUSH), draining a PML buffer before the dirty log is read.
  "kick",
  // The guest halted its vCPU (HLT) with nothing to do: a partition-bus
  // reader waiting for a signal.
  "hlt",
] as const;

/** Name of an exit reason. */
export type ExitReasonName = typeof EXIT_REASON_NAMES[number];

/** Exit-reason codes: `ExitReason.CR3_WRITE` is 0, in the order of {@linkcode EXIT_REASON_NAMES}. */
export const ExitReason: EnumCodes<typeof EXIT_REASON_NAMES> = enumCodes(EXIT_REASON_NAMES);

/** One of the values of {@linkcode ExitReason}. */
export type ExitReason = typeof ExitReason[keyof typeof ExitReason];

/** Number of exit reasons; sizes the per-reason arrays. */
export const EXIT_REASON_COUNT: number = EXIT_REASON_NAMES.length;
