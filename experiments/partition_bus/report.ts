/**
 * The report of the `partition-bus` experiment: its sections in order, each
 * with the caption that says how to read it.
 *
 * @module
 */

import type { ReportSection } from "../experiment.ts";
import {
  cyclesPerBytePlot,
  latencyPlot,
  notificationPlot,
  throughputPlot,
  vcpuPlot,
} from "./_plots.ts";
import { modelText, reading } from "./_prose.ts";
import {
  correctnessRows,
  crossoverTableRows,
  policyTableRows,
  signallingTableRows,
  vcpuTableRows,
} from "./_tables.ts";
import { partitionBusValidation } from "./_validation.ts";

export { headline as partitionBusHeadline } from "./_prose.ts";
export { partitionBusValidation, type PartitionBusValidationRow } from "./_validation.ts";

const SPREAD = "With several seeds, points are means and bars span the lowest to the highest seed.";

/** The sections of the `partition-bus` report. */
export const PARTITION_BUS_SECTIONS: readonly ReportSection[] = [
  { kind: "text", title: "Finding", text: reading },
  {
    kind: "plot",
    title: "Throughput against message size: what each method can carry",
    caption:
      `Payload delivered per second per method in the capacity slice: every message offered at once (1e9 messages/s), vmbus signalling, batch 1, one sender vCPU, the receiver passing the payload on; the bus drains the queue as fast as its busier side allows. Log scales. ${SPREAD}`,
    plot: throughputPlot,
  },
  {
    kind: "plot",
    title: "Cycles per byte against message size: where remapping pays",
    caption:
      `Cycles of both partitions and the hypervisor per byte delivered, per method (the sender's application writing the payload excluded: it is the same for all). Solid grey rule: the measured crossover, the first size of the sweep at which remap costs fewer cycles per byte than transfer pages; dashed: the policy's threshold, estimated from the cost profile before the run (absent when the policy never remaps). The policy's line should follow the lower of the two. Log scales. ${SPREAD}`,
    plot: cyclesPerBytePlot,
  },
  {
    kind: "table",
    title: "The policy against the better of copy and remap",
    caption:
      "Cycles per byte of transfer pages (copy), remap and the policy at each size of the crossover slice, which of copy and remap was cheaper, the policy over that better one (at most 1.05 is the requirement), and the share of messages the policy remapped.",
    columns: [
      { key: "receiver" },
      { key: "size" },
      { key: "copy", label: "copy", unit: "cycles/byte" },
      { key: "remap", label: "remap", unit: "cycles/byte" },
      { key: "policy", label: "policy", unit: "cycles/byte" },
      { key: "better", label: "better" },
      { key: "ratio", label: "policy / better", digits: 3 },
      { key: "remapped", label: "remapped", unit: "share", digits: 2 },
    ],
    rows: policyTableRows,
  },
  {
    kind: "plot",
    title: "Exits and interrupts per message against the offered rate",
    caption:
      `${"256 B"} messages through transfer pages, one line per signalling mode, one column per batch (the most messages the sender writes per doorbell while more wait). Top: VM exits of both partitions per message (signals, halts, interrupts taken in guest mode); bottom: interrupts the receiver took per message for the data ring. Dotted grey: one per message. With suppression (vmbus, event-idx) both fall well below 1 under load; every doorbell signals without it; polling takes none. Log x scale. ${SPREAD}`,
    plot: notificationPlot,
  },
  {
    kind: "plot",
    title: "Latency against the offered rate",
    caption:
      "From a message's arrival at the sender to the receiver's done with it: median solid, 99th percentile dashed, one line per signalling mode, one panel per batch. A halted receiver's wake-up dominates at light load; a queue forms where a mode cannot keep up. Log scales.",
    plot: latencyPlot,
  },
  {
    kind: "table",
    title: "Signalling, in numbers",
    caption:
      "Per signalling mode, batch and offered rate: messages delivered per second, exits, signalling hypercalls (data and completion rings together) and receiver interrupts per message, latency, the share of the run the receiver's vCPU was busy (1 when it polls) and the cycles per message it spent polling in vain.",
    columns: [
      { key: "signalling" },
      { key: "batch" },
      { key: "offered", unit: "msgs/s" },
      { key: "msgs_s", label: "delivered", unit: "msgs/s", digits: 0 },
      { key: "exits", label: "exits", unit: "per msg", digits: 3 },
      { key: "signals", label: "signals", unit: "per msg", digits: 3 },
      { key: "interrupts", label: "interrupts", unit: "per msg", digits: 3 },
      { key: "p50", label: "p50", unit: "µs", digits: 2 },
      { key: "p99", label: "p99", unit: "µs", digits: 2 },
      { key: "busy", label: "receiver busy", unit: "share", digits: 2 },
      { key: "poll", label: "polling", unit: "cycles/msg", digits: 0 },
    ],
    rows: signallingTableRows,
  },
  {
    kind: "plot",
    title: "What a remap costs as the sender's vCPUs grow",
    caption:
      `Cycles per message of transfer pages and remap against the sending guest's vCPUs, one panel per message size; dashed: remap's own share (host-map updates, the shootdown's IPIs and flushes, the hypercalls). Every vCPU of the sender but the asking one costs an IPI and its acknowledgement per remap; copying is the same whatever the count. Log scales. ${SPREAD}`,
    plot: vcpuPlot,
  },
  {
    kind: "table",
    title: "Shootdowns against vCPUs, in numbers",
    caption:
      "Per method, size and vCPU count: cycles per message, the remap's share of them, cycles per byte, and the shootdowns of the run (one per remapped message, across all the sender's vCPUs).",
    columns: [
      { key: "method" },
      { key: "size" },
      { key: "vcpus", label: "vCPUs" },
      { key: "cycles_per_msg", label: "cycles", unit: "per msg", digits: 0 },
      { key: "remap", label: "remap", unit: "cycles/msg", digits: 0 },
      { key: "cycles_per_byte", label: "cycles", unit: "per byte" },
      { key: "shootdowns", label: "shootdowns" },
    ],
    rows: vcpuTableRows,
  },
  {
    kind: "table",
    title: "The crossover slice, in numbers",
    caption:
      "Per receiver setting, size and method: the offered rate, throughput, cycles per message and per byte, and the cycles per message copying, remapping and signalling (exits, signals, interrupts, wake-ups), and the 99th-percentile latency.",
    columns: [
      { key: "receiver" },
      { key: "size" },
      { key: "method" },
      { key: "offered", unit: "msgs/s" },
      { key: "throughput", label: "throughput", unit: "MiB/s", digits: 0 },
      { key: "cycles_per_msg", label: "cycles", unit: "per msg", digits: 0 },
      { key: "cycles_per_byte", label: "cycles", unit: "per byte" },
      { key: "copy", label: "copying", unit: "cycles/msg", digits: 0 },
      { key: "remap", label: "remapping", unit: "cycles/msg", digits: 0 },
      { key: "signal", label: "signalling", unit: "cycles/msg", digits: 0 },
      { key: "p99", label: "p99", unit: "µs", digits: 1 },
    ],
    rows: crossoverTableRows,
  },
  {
    kind: "table",
    title: "Every message once, in order, intact",
    caption:
      "Per method over every run of the sweep: messages sent and delivered, and what the receiver's checks found. A message lost (left in the ring by a lost wake-up), taken twice, out of order or with a payload that is not what the sender wrote, or a remapped page a sender's vCPU could still reach through its TLB, is a bug: every column after delivered must be 0, and otherwise a mechanism is broken.",
    columns: [
      { key: "method" },
      { key: "runs" },
      { key: "messages", label: "sent" },
      { key: "delivered" },
      { key: "lost_messages", label: "lost" },
      { key: "duplicated_messages", label: "duplicated" },
      { key: "reordered_messages", label: "reordered" },
      { key: "corrupted_messages", label: "corrupted" },
      { key: "stale_translations", label: "stale translations" },
    ],
    rows: correctnessRows,
  },
  { kind: "text", title: "What is modelled, and what is not", text: modelText },
  {
    kind: "validation",
    title: "Validation against published figures",
    intro:
      "The lab's figures beside published ones for the closest cases: where mapping starts to beat copying (Remus), copying against flipping for packet-sized data (Xen's move to copying: Chisnall; Menon et al., ATC 2006), a grant copy's cost per small packet (Martins), interrupts per batch under virtio's event index and VMBus's rule, what polling saves in latency (exitless paravirtual I/O, SYSTOR 2012) and the cost of an exit (SplitX). The published systems are Xen and KVM network paths on older hardware; the lab's is one channel of a VMBus-style bus on the default cost profile with nested paging. Each note says how the cases differ.",
    cases: partitionBusValidation,
  },
];
