/**
 * The partition-bus tests' points: the quick grid's copy, remap and policy
 * at every size of the crossover slice, inline and the hypervisor copy up
 * to 4 KiB, the whole signalling slice and the vCPU slice at 4 KiB; and
 * their rows, run once and shared by the test files.
 *
 * @module
 */

import type { Row } from "../../../experiments/experiment.ts";
import { PARTITION_BUS } from "../../../experiments/partition_bus/experiment.ts";
import type { PartitionBusPoint } from "../../../experiments/partition_bus/point.ts";
import { runPoints } from "../fixtures/small_sweep.ts";

/** The tests' points, taken from the quick grid. */
export const SMALL_POINTS: readonly PartitionBusPoint[] = PARTITION_BUS.grids.quick.filter((p) =>
  p.vcpus > 1 ? p.message_bytes === 4096 : p.message_bytes <= 4096 ||
    ["transfer-pages", "remap", "policy"].includes(p.method)
);

let rows: Promise<Row[]> | undefined;

/** The rows of {@linkcode SMALL_POINTS} (seed 1), run on first use. */
export function smallRows(): Promise<Row[]> {
  rows ??= runPoints(PARTITION_BUS, SMALL_POINTS);
  return rows;
}

/** The columns issue #15 asks `partition-bus.csv` to have at least. */
export const ISSUE_COLUMNS: readonly string[] = [
  "method",
  "message_bytes",
  "signalling",
  "offered_msgs_s",
  "throughput_mib_s",
  "msgs_s",
  "latency_p50_us",
  "latency_p99_us",
  "exits_per_msg",
  "interrupts_per_msg",
  "cycles_per_byte",
  "tlb_shootdowns",
  "lost_messages",
];
