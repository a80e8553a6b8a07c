/**
 * The written parts of the `partition-bus` report: the headline, the
 * finding, and what the model simulates and leaves out, computed from the
 * rows.
 *
 * @module
 */

import { BUS_OPTIONS_FIELDS } from "../../core/bus/bus_params.ts";
import { formatNumber } from "../../reports/number_format.ts";
import type { Row } from "../experiment.ts";
import { runsOf } from "../seed_runs.ts";
import { CROSSOVER_MAX_BYTES_S, CROSSOVER_MAX_MSGS_S, SIGNAL_BYTES } from "./grid.ts";
import { rateLabel, sizeLabel } from "./_labels.ts";
import {
  capacityRows,
  crossoverOf,
  crossoverRows,
  crossoverValue,
  failuresOf,
  meanOf,
  policyTableRows,
  signallingRows,
  sizesOf,
  vcpuRows,
} from "./_tables.ts";

/** Interrupts per message of one signalling mode and batch at the highest offered rate (NaN when not run). */
function interruptsAtTop(rows: readonly Row[], mode: string, batch: number): number {
  const of = signallingRows(rows).filter((r) => r.signalling === mode && Number(r.batch) === batch);
  const top = Math.max(...of.map((r) => Number(r.offered_msgs_s)));
  return meanOf(of.filter((r) => Number(r.offered_msgs_s) === top), "interrupts_per_msg");
}

/** The highest offered rate of the signalling slice. */
function topRate(rows: readonly Row[]): number {
  return Math.max(...signallingRows(rows).map((r) => Number(r.offered_msgs_s)));
}

/** The correctness sentence: every message once, in order, intact, or a broken mechanism. */
function correctnessSentence(rows: readonly Row[]): string {
  const failures = failuresOf(rows);
  const runs = rows.reduce((s, r) => s + runsOf(r), 0);
  return failures === 0
    ? `Every message of all ${
      formatNumber(runs)
    } runs arrived once, in order and intact, and no sender's vCPU could reach a page remapped away from it.`
    : `${
      formatNumber(failures)
    } messages were lost, duplicated, reordered or corrupted, or remapped pages left reachable: a mechanism is broken; see "Every message once, in order, intact".`;
}

/**
 * The finding in a few sentences: where remap starts to pay, how close the
 * policy comes, what suppression does to interrupts, and correctness.
 */
export function headline(rows: readonly Row[]): string {
  const parts: string[] = [];
  const sizes = sizesOf(crossoverRows(rows).filter((r) => r.receiver_touches === false));
  if (sizes.length > 0) {
    const c = crossoverOf(rows, false);
    const small = sizes[0];
    const large = sizes.at(-1)!;
    const cpb = (m: "transfer-pages" | "remap", b: number) =>
      crossoverValue(rows, m, b, false, "cycles_per_byte");
    parts.push(
      Number.isFinite(c.firstBytes)
        ? `Copying through transfer pages costs ${
          formatNumber(cpb("transfer-pages", small), 1)
        } cycles per byte at ${sizeLabel(small)} against remap's ${
          formatNumber(cpb("remap", small), 1)
        }, and ${formatNumber(cpb("transfer-pages", large), 2)} against ${
          formatNumber(cpb("remap", large), 2)
        } at ${sizeLabel(large)}: remapping pays from about ${
          sizeLabel(c.interpolatedBytes)
        } (the cost profile's estimate puts the policy's threshold at ${
          sizeLabel(c.thresholdBytes)
        }).`
        : `Remap never cost fewer cycles per byte than copying through transfer pages up to ${
          sizeLabel(large)
        }.`,
    );
    const table = policyTableRows(rows).filter((r) => r.receiver === "passes on");
    if (table.length > 0) {
      const worst = Math.max(...table.map((r) => Number(r.ratio)));
      const over = 100 * (worst - 1);
      parts.push(
        `The policy stays within ${
          over < 0.1 ? "0.1" : formatNumber(over, 1)
        } % of the better of the two at every size.`,
      );
    }
  }
  const suppressed = interruptsAtTop(rows, "vmbus", 1);
  const every = interruptsAtTop(rows, "every", 1);
  // Both modes at batch 1 are needed (a shard may hold one only): no "NaN interrupts".
  if (signallingRows(rows).length > 0 && Number.isFinite(suppressed) && Number.isFinite(every)) {
    const top = topRate(rows);
    parts.push(
      `At ${rateLabel(top)} messages/s offered the receiver takes ${
        formatNumber(suppressed, 3)
      } interrupts per message with VMBus's suppression and ${
        formatNumber(every, 2)
      } without, one per message.`,
    );
  }
  parts.push(correctnessSentence(rows));
  return parts.join(" ");
}

/** The finding, slice by slice, in paragraphs. */
export function reading(rows: readonly Row[]): string {
  const paragraphs: string[] = [headline(rows)];
  const cross = crossoverRows(rows);
  if (cross.length > 0) {
    const c = crossoverOf(rows, false);
    const touched = crossoverOf(rows, true);
    const hasTouched = cross.some((r) => r.receiver_touches === true);
    paragraphs.push(
      `The crossover slice sends ${
        formatNumber(BUS_OPTIONS_FIELDS.messages.default({ messageBytes: 64 }))
      } messages of each size (fewer above 32 KiB, at most 64 MiB of payload a run) from a one-vCPU guest to the host partition with VMBus signalling, offered at ${
        formatNumber(CROSSOVER_MAX_MSGS_S)
      } messages/s or ${
        formatNumber(CROSSOVER_MAX_BYTES_S / 2 ** 30)
      } GiB/s of payload, whichever is less, so that every method carries what is offered and the plots compare the work each does. Small messages cost a fixed amount each — the signal, the interrupt, the ring's descriptors — so cycles per byte fall as the size grows, for every method alike. Copies then grow with the byte, at the DRAM rate because the 16 MiB buffer the copies land in is larger than the last-level cache the two partitions share, while a remap grows with the page by only four host-map updates and a walk: ${
        Number.isFinite(c.firstBytes)
          ? `remap becomes the cheaper at ${sizeLabel(c.firstBytes)} (about ${
            sizeLabel(c.interpolatedBytes)
          } interpolated), where the policy's estimate, made from the cost profile before the run, puts its threshold at ${
            sizeLabel(c.thresholdBytes)
          }.`
          : "remap did not become the cheaper at any size of the sweep."
      } Inline messages are copied twice (into the ring and out of it) and stop at ${
        sizeLabel(Math.max(
          ...cross.filter((r) => r.method === "inline").map((r) => Number(r.message_bytes)),
        ))
      }, the largest that fits the ${BUS_OPTIONS_FIELDS.ringPages.default}-page ring; a hypervisor copy pays an exit and a grant-copy operation per message beside its copy, so it is never the cheapest.${
        hasTouched
          ? ` When the receiver reads every byte, a remapped page's lines must come to it from the shared cache (or DRAM) after the flush, while the copy has just put them in its cache: remap ${
            Number.isFinite(touched.firstBytes)
              ? `pays only from ${sizeLabel(touched.firstBytes)}`
              : "never pays in the sweep"
          }, and the policy's estimate knows it (${
            Number.isFinite(touched.thresholdBytes) && touched.thresholdBytes <= 2 ** 24
              ? `threshold ${sizeLabel(touched.thresholdBytes)}`
              : "it never remaps"
          }).`
          : ""
      }`,
    );
  }
  const capacity = capacitySentence(rows);
  if (capacity !== "") paragraphs.push(capacity);
  const sig = signallingRows(rows);
  if (sig.length > 0) {
    const low = Math.min(...sig.map((r) => Number(r.offered_msgs_s)));
    const poll = sig.filter((r) => r.signalling === "poll");
    const everySat = sig.filter((r) =>
      r.signalling === "every" && Number(r.batch) === 1 &&
      Number(r.msgs_s) < 0.9 * Number(r.offered_msgs_s)
    );
    paragraphs.push(
      `The signalling slice sends ${
        sizeLabel(SIGNAL_BYTES)
      } messages through transfer pages at offered rates from ${rateLabel(low)} to ${
        rateLabel(topRate(rows))
      } messages/s. With VMBus's rule (a signal only when the ring goes from empty to non-empty and the reader has not masked its interrupt) or virtio's event index, a lightly loaded bus signals about once per message — each message finds the ring empty and the receiver halted — and the interrupts per message fall towards 0 as the load grows and the receiver finds more waiting each time it drains the ring (${
        formatNumber(interruptsAtTop(rows, "vmbus", 1), 3)
      } at the top rate). Without suppression every doorbell is an interrupt: one per message with batch 1, and one per batch when the sender defers its signal while more messages wait. ${
        everySat.length > 0
          ? `At ${
            rateLabel(Math.min(...everySat.map((r) => Number(r.offered_msgs_s))))
          } messages/s and above, unsuppressed signalling with batch 1 cannot keep up (${
            formatNumber(Math.max(...everySat.map((r) => Number(r.msgs_s))), 0)
          } messages/s delivered): every message costs an exit on each side, and the queue's latency grows without bound. `
          : ""
      }${
        poll.length > 0
          ? `Polling takes no exits and no interrupts and has the lowest latency, but the receiver's vCPU is busy all the time (receiver_busy ${
            formatNumber(meanOf(poll, "receiver_busy"), 2)
          }): at ${rateLabel(low)} messages/s it burns ${
            formatNumber(
              meanOf(poll.filter((r) => Number(r.offered_msgs_s) === low), "poll_cycles_per_msg"),
              0,
            )
          } cycles per message finding nothing.`
          : ""
      }`,
    );
  }
  const vc = vcpuRows(rows);
  if (vc.length > 0) {
    const remap = vc.filter((r) => r.method === "remap");
    const sizes = sizesOf(remap);
    const at = (v: number) =>
      meanOf(
        remap.filter((r) => Number(r.vcpus) === v && Number(r.message_bytes) === sizes[0]),
        "remap_cycles_per_msg",
      );
    const vs = [...new Set(remap.map((r) => Number(r.vcpus)))].sort((a, b) => a - b);
    if (vs.length > 1) {
      paragraphs.push(
        `A remap takes the pages away from every vCPU of the sender: the hypervisor flushes their TLBs, and each vCPU other than the one that asked costs an IPI and its acknowledgement. At ${
          sizeLabel(sizes[0])
        } remapping costs ${formatNumber(at(vs[0]), 0)} cycles per message with ${vs[0]} vCPU and ${
          formatNumber(at(vs.at(-1)!), 0)
        } with ${
          vs.at(-1)
        }, so the size from which it pays grows with the guest; copying does not care how many vCPUs the sender has.`,
      );
    }
  }
  return paragraphs.join("\n\n");
}

/** What the model simulates, and what it leaves out. */
export function modelText(_rows: readonly Row[]): string {
  return [
    `Modelled: a channel of two rings in memory both partitions map — a data ring from the guest to the host partition and a completion ring back — each a header page and ${BUS_OPTIONS_FIELDS.ringPages.default} data pages (netvsc's default), packets of a 16-byte descriptor, payload padded to 8 bytes and an 8-byte trailer, one byte kept free so that full and empty differ. The sender and the receiver are agents on one clock, on their partitions' vCPUs, every ring access charged through their MMUs and caches (the partitions share the last-level cache). VMBus's rules: the writer signals (HvSignalEvent, a hypercall: an exit) only when the ring goes from empty to non-empty and the reader has not masked its interrupt; the reader masks while it drains, unmasks and looks again before it halts; a halted receiver is woken by the interrupt (an HLT exit on the way down, the wake-up's time and work on the way up). Completions come back through the reverse ring under the same rules and free the buffer; the sender takes them lazily before each message and asks for a completion signal only when it waits for buffers. The sender's vCPUs do other work between messages and never halt; a message goes out on them in turn, its steps serialised as under the channel's lock.`,
    `Transfer methods: inline copies the payload into the ring and out of it; transfer pages copy it into a buffer shared once (16 MiB, netvsc's receive buffer) and the receiver copies it out; remap has the hypervisor unmap the sender's pages from its partition, map them into the receiver's, shoot down all the sender's vCPUs (INVEPT flushes whole TLBs: every vCPU but the asking one costs an IPI and its acknowledgement) and give the pages back the same way on completion; a hypervisor copy is a grant-copy hypercall by the receiver. Copies are charged at the profile's copy rates: in-cache, or the DRAM rate when either end missed. By default the receiver passes the payload on untouched, as the host's service hands it to the device by DMA; receiverTouches makes it read every byte. The policy picks transfer pages below its threshold and remap from it, the threshold estimated from the cost profile before the run.`,
    `Not modelled: multi-channel (vRSS) and several queues; interrupt coalescing timers and NAPI budgets (the receiver drains the ring whole); the host-to-guest direction (the guest always sends); the device behind the host's service; Xen's one flush per page of gnttab_transfer (the lab's remap flushes once per message).`,
  ].join("\n\n");
}

/**
 * The capacity slice in a sentence: which method carries the most at the
 * smallest and the largest size, and by how much.
 */
function capacitySentence(rows: readonly Row[]): string {
  const cap = capacityRows(rows);
  if (cap.length === 0) return "";
  const sizes = sizesOf(cap);
  const best = (bytes: number) => {
    const byMethod = new Map<string, number>();
    for (const r of cap.filter((r) => Number(r.message_bytes) === bytes && r.method !== "policy")) {
      const method = String(r.method);
      byMethod.set(
        method,
        meanOf(
          cap.filter((q) => q.method === method && Number(q.message_bytes) === bytes),
          "throughput_mib_s",
        ),
      );
    }
    const ranked = [...byMethod.entries()].sort((a, b) => b[1] - a[1]);
    return { ranked, bytes };
  };
  const phrase = ({ ranked, bytes }: ReturnType<typeof best>) =>
    ranked.length < 2
      ? ""
      : `at ${sizeLabel(bytes)} ${ranked[0][0]} carries the most, ${
        formatNumber(ranked[0][1], 0)
      } MiB/s, ${formatNumber(ranked[0][1] / ranked[1][1], 2)}× the next (${ranked[1][0]})`;
  const first = phrase(best(sizes[0]));
  const last = phrase(best(sizes[sizes.length - 1]));
  const said = [first, last].filter((p) => p !== "").join("; ");
  return `The capacity slice offers every message at once (1e9 messages/s), so that the bus drains a full queue as fast as its busier side allows: what each method can carry. ${
    said.charAt(0).toUpperCase() + said.slice(1)
  }. Small messages are bound by the cost per message — descriptors, signals, the receiver's halts and wake-ups, fewer under load since suppression leaves the receiver draining — large ones by the cost per byte.`;
}
