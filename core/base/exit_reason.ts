/**
 * Reasons for a VM exit. Counters and cycles are kept per reason in typed
 * arrays indexed by these codes; the names are the column names users see.
 *
 * @module
 */

/** Exit-reason codes. */
export const ExitReason = {
  /** Guest wrote CR3 (address-space switch), trapped in shadow mode. */
  CR3_WRITE: 0,
  /** Guest executed INVLPG, trapped in shadow mode. */
  INVLPG: 1,
  /** Guest wrote a write-protected page-table page (shadow mode). */
  PT_WRITE: 2,
  /** A page fault the guest never sees: the shadow table lacked an entry. */
  HIDDEN_FAULT: 3,
  /** A page fault reflected (injected) into the guest. */
  GUEST_FAULT: 4,
  /** Nested paging: a guest-physical page with no host mapping (EPT violation / NPF). */
  NESTED_FAULT: 5,
  /** An inter-processor interrupt sent by the guest (e.g. a TLB shootdown). */
  IPI: 6,
  /** A hypercall (e.g. a paravirtual remote TLB flush). */
  HYPERCALL: 7,
  /** A write to a write-protected guest page during snapshot or dirty tracking. */
  WRITE_PROTECT: 8,
  /** Page-modification-log full (one exit per 512 logged dirty pages). */
  PML_FULL: 9,
  /** Device or bus I/O (a doorbell or port write). */
  IO: 10,
  /**
   * The hypervisor kicked a running vCPU out of the guest to serve a request:
   * a remote TLB flush after it write-protected guest memory or cleared dirty
   * bits (KVM_REQ_TLB_FLUSH), draining a PML buffer before the dirty log is read.
   */
  KICK: 11,
} as const;

/** One of the values of {@linkcode ExitReason}. */
export type ExitReason = typeof ExitReason[keyof typeof ExitReason];

/** Number of exit reasons; sizes the per-reason arrays. */
export const EXIT_REASON_COUNT = 12;

/** Snake-case names of exit reasons, indexed by code; used as report column suffixes. */
export const EXIT_REASON_NAMES: readonly string[] = [
  "cr3_write",
  "invlpg",
  "pt_write",
  "hidden_fault",
  "guest_fault",
  "nested_fault",
  "ipi",
  "hypercall",
  "write_protect",
  "pml_full",
  "io",
  "kick",
];
