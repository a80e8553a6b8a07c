/**
 * The partition bus's section of a cost profile: what signalling between
 * partitions, remapping pages between them and copying their data cost.
 * These are the bus's own numbers, each with its source in the profile;
 * the shadow-paging handler estimates are not reused for them.
 *
 * @module
 */

import type { FieldsOf } from "../base/config_fields.ts";

/** Cycles of the partition bus's operations, in core clock cycles. */
export interface BusCosts {
  /** Hypervisor work of one signalling hypercall (HvSignalEvent), beyond the exit round trip. */
  signalHandlerCycles: number;
  /** Hypervisor work to deliver one virtual interrupt to a vCPU of the other partition. */
  interruptInjectionCycles: number;
  /** The receiving guest's work to take one interrupt: dispatch, handler entry and exit, end of interrupt. */
  interruptEntryCycles: number;
  /** Time from an interrupt to a halted vCPU running its handler: charged as its wait and as its work. */
  haltWakeCycles: number;
  /** Hypervisor work to change one leaf entry of a host (EPT/NPT) map, its bookkeeping included. */
  pteUpdateCycles: number;
  /** Fixed hypervisor work of one remap (or grant-copy) hypercall beyond the exit round trip. */
  remapHypercallCycles: number;
  /** The initiator's cycles per remote vCPU of a TLB shootdown: send the IPI, wait for the acknowledgement. */
  shootdownIpiCycles: number;
  /** One flush of a vCPU's TLB by the hypervisor (the instruction, not the refills after it). */
  tlbFlushCycles: number;
  /** Cycles per byte of a copy by one core whose lines are in the caches (memcpy throughput). */
  copyCyclesPerByte: number;
  /** Cycles per byte of a copy by one core whose lines come from DRAM. */
  copyDramCyclesPerByte: number;
  /** Fixed cycles of one copy call, whatever its size. */
  copySetupCycles: number;
  /** Hypervisor work per grant-copy operation beyond its bytes: look up and check the grant, map both frames. */
  grantCopyOpCycles: number;
}

function cycles(description: string, unit: string = "cycles") {
  return { kind: "number", min: 0, max: 1e9, required: true, unit, description } as const;
}

/** The fields of {@linkcode BusCosts}: what a JSON profile may set under `bus`. */
export const BUS_COST_FIELDS: FieldsOf<BusCosts> = {
  signalHandlerCycles: cycles(
    "hypervisor work of one signalling hypercall (HvSignalEvent) beyond the exit round trip",
  ),
  interruptInjectionCycles: cycles(
    "hypervisor work to deliver one virtual interrupt to a vCPU of the other partition",
  ),
  interruptEntryCycles: cycles(
    "the receiving guest's work to take one interrupt (dispatch, handler entry and exit, EOI)",
  ),
  haltWakeCycles: cycles(
    "time from an interrupt to a halted vCPU running its handler, charged to it as work too",
  ),
  pteUpdateCycles: cycles("hypervisor work to change one leaf entry of a host (EPT/NPT) map"),
  remapHypercallCycles: cycles(
    "fixed hypervisor work of one remap or grant-copy hypercall beyond the exit round trip",
  ),
  shootdownIpiCycles: cycles(
    "initiator cycles per remote vCPU of a TLB shootdown (send the IPI, wait for the acknowledgement)",
  ),
  tlbFlushCycles: cycles("one flush of a vCPU's TLB by the hypervisor, without the refills"),
  copyCyclesPerByte: cycles("one core's copy throughput, lines in the caches", "cycles/byte"),
  copyDramCyclesPerByte: cycles(
    "one core's copy throughput, lines from DRAM (either end)",
    "cycles/byte",
  ),
  copySetupCycles: cycles("fixed cycles of one copy call"),
  grantCopyOpCycles: cycles(
    "hypervisor work per grant-copy operation beyond its bytes (look up, check, map both frames)",
  ),
};
