/**
 * The `partition-bus` experiment: what moving a message from a guest to the
 * host partition costs per method (inline, transfer pages, remap,
 * hypervisor copy, a size policy), message size, offered rate, batch,
 * signalling mode and sender vCPUs, and where remapping starts to beat
 * copying.
 *
 * @module
 */

import { defineExperiment, type TypedExperiment } from "../define_experiment.ts";
import { PARTITION_BUS_GRIDS } from "./grid.ts";
import { PARTITION_BUS_PARAMETERS, type PartitionBusPoint } from "./point.ts";
import { PARTITION_BUS_SECTIONS, partitionBusHeadline } from "./report.ts";
import { runPartitionBusPoint } from "./run.ts";

/**
 * The `partition-bus` experiment: every transfer method at message sizes
 * from 64 B to 1 MiB (the crossover between copying and remapping, and the
 * policy beside both), every signalling mode at offered rates from 10,000
 * to 4 million messages a second with and without batching, and remap
 * against copying as the sender's vCPUs grow.
 *
 * @example Run one point in-process
 * ```ts
 * import { PARTITION_BUS } from "./experiment.ts";
 * import { getProfile } from "../../core/cost/profiles.ts";
 * const point = PARTITION_BUS.grids.quick.find((p) =>
 *   p.method === "transfer-pages" && p.message_bytes === 4096 && p.vcpus === 1
 * )!;
 * const row = await PARTITION_BUS.run(point, { seed: 1, cost: getProfile("intel-skylake-sp") });
 * if (row.lost_messages !== 0 || row.corrupted_messages !== 0) throw new Error("a message went wrong");
 * ```
 */
export const PARTITION_BUS: TypedExperiment<PartitionBusPoint> = defineExperiment({
  id: "partition-bus",
  title: "Partition bus: copying, remapping and signalling between a guest and the host partition",
  question:
    "What does moving a message from a guest to the host partition cost in cycles, exits, interrupts and latency per transfer method, message size, offered rate, batch, signalling mode and sender vCPUs, and from which size does remapping the pages beat copying them?",
  parameters: PARTITION_BUS_PARAMETERS,
  grids: PARTITION_BUS_GRIDS,
  cell: (point) => `${point.method}/${point.message_bytes >= 65536 ? "large" : "small"}`,
  run: runPartitionBusPoint,
  runModule: new URL("./run.ts", import.meta.url).href,
  headline: partitionBusHeadline,
  sections: PARTITION_BUS_SECTIONS,
});
