/**
 * The `snapshot` experiment beside published figures: for each case the
 * closest published number (shared/references/vm-state.md, and the
 * userfaultfd measurement the copy-before-write fault is charged from), its
 * citation, and how the lab's comparable figure is computed from the rows.
 * Data and arithmetic only; the report's validation section renders it.
 *
 * No published measurement was found of a QEMU background snapshot's pause,
 * guest overhead or total time (vm-state.md §2 and §8 list them as not
 * found), so the snapshot cases compare what was published: the cost of one
 * write fault, and a pre-copy's final pause. The total-time cases are the
 * storage reads of a restore, which REAP measured.
 *
 * @module
 */

import { getProfile } from "../../core/cost/profiles.ts";
import { RESTORE_OPTIONS_FIELDS } from "../../core/snapshot/state_params.ts";
import type { Row } from "../experiment.ts";
import { variantOf } from "./_labels.ts";
import { faultStallUs, plotted } from "./_tables.ts";
import type { ValidationCase } from "../../reports/report_section.ts";

/** One case of the validation: the lab's figure beside the published one. */
export type SnapshotValidationRow = ValidationCase;

/** A case before its lab figure is computed. */
interface Case extends Omit<SnapshotValidationRow, "lab"> {
  /** The lab's figure from the plotted rows of `phase`; NaN when the rows lack it. */
  lab: (rows: readonly Row[]) => number;
}

/** The plotted row of a variant on a storage at the batch size nearest `batch` (log distance). */
function nearestBatch(
  rows: readonly Row[],
  variant: string,
  storage: string,
  batch: number,
): Row | undefined {
  const of = rows.filter((r) => variantOf(r) === variant && r.storage === storage);
  let best: Row | undefined;
  for (const r of of) {
    const d = Math.abs(Math.log(Number(r.batch_pages) / batch));
    if (best === undefined || d < Math.abs(Math.log(Number(best.batch_pages) / batch))) best = r;
  }
  return best;
}

/** The guest work of a restore point (ms): the experiment leaves `jobMs` at its default. */
const JOB_MS = RESTORE_OPTIONS_FIELDS.jobMs.default;

const CASES: readonly Case[] = [
  {
    case: "Copy-before-write write fault, QEMU's rule: stall per fault",
    published: 4.74,
    unit: "µs",
    citation:
      'Peter Xu, "Userfaultfd-wp Latency Measurements" (xzpeter.org, 2020-08-27): Linux 5.9, Intel i7-8665U at 1.9 GHz, one writing thread and one uffd-wp handler thread, 2.43 + 1.16 + 1.15 µs',
    note:
      "Lab: all vCPUs' stall outside the pause over the write-protect exits (stall_ms × vcpus / exits_write_protect), averaged over the plotted QEMU-rule runs. The lab charges this very round trip (uffdRoundTripUs) and adds the VM exit with its handler and one page copy, so it is not an independent check: the ratio shows what a guest adds to a native uffd-wp fault, and that no wait for storage hides in the stall.",
    lab: (rows) => {
      const stalls = plotted(rows, "snapshot").filter((r) => variantOf(r) === "concurrent-cow")
        .map(faultStallUs).filter(Number.isFinite);
      return stalls.length === 0 ? NaN : stalls.reduce((a, b) => a + b, 0) / stalls.length;
    },
  },
  {
    case: "Copy-before-write write fault against a native copy-on-write fault",
    published: 4000,
    unit: "cycles",
    citation:
      'Vogt et al., "Speculative Memory Checkpointing", Middleware 2015: a copy-on-write write-protect fault costs more than 4,000 cycles, a 4 KiB copy about 500 (via a third-party summary; shared/references/vm-state.md §2, tag S)',
    note:
      "Lab: the stall per fault of the case above in cycles of the rows' cost profile. The published figure is a lower bound for an in-kernel fault of a native process; the lab's fault also crosses a VM exit and the userfaultfd round trip to a user-space saver thread, so it is expected to be several times larger.",
    lab: (rows) => {
      const cow = plotted(rows, "snapshot").filter((r) => variantOf(r) === "concurrent-cow");
      const stalls = cow.map(faultStallUs).filter(Number.isFinite);
      if (stalls.length === 0 || cow[0].profile === undefined) return NaN;
      let ghz: number;
      try {
        ghz = getProfile(String(cow[0].profile)).clockGhz;
      } catch {
        return NaN; // a profile given as a file: its clock is not in the rows
      }
      return 1000 * ghz * stalls.reduce((a, b) => a + b, 0) / stalls.length;
    },
  },
  {
    case: "Pre-copy final pause, NVMe, 64-page batches",
    published: 5,
    unit: "ms",
    citation:
      "OPNFV kvmfornfv, docs/userguide/live_migration.userguide.rst: QEMU 2.4 live migration of a guest running DPDK L2 forwarding over 10 GbE, downtime 26 ms, 5 ms once dirty-log teardown was moved out of the stop phase (shared/references/vm-state.md §1)",
    note:
      "Lab: pause_ms of the plotted dirty-precopy run (write protection) on nvme-ssd at the batch size nearest 64 pages: the final round's dirty pages and device state. The published pause is a migration over a 10 GbE link (1.25 GB/s, against the NVMe profile's 1.8 GB/s writes) with a 10 ms downtime target and another guest; the lab stops at QEMU's default 300 ms limit and tears nothing down in the pause, so the tuned 5 ms is the comparable figure.",
    lab: (rows) =>
      Number(
        nearestBatch(plotted(rows, "snapshot"), "dirty-precopy", "nvme-ssd", 64)?.pause_ms ?? NaN,
      ),
  },
  {
    case: "Full restore, SATA SSD, largest batch: read rate",
    published: 533,
    unit: "MB/s",
    citation:
      'Ustiugov et al., "Benchmarking, Analysis, and Optimization of Serverless Function Snapshots" (REAP), ASPLOS 2021, §6.2: a working-set file read with O_DIRECT in one read of more than 8 MB, 533 MB/s on an Intel SATA3 SSD (shared/references/vm-state.md §2)',
    note:
      "Lab: image_bytes / first_instruction_ms of the plotted full restore on sata-ssd at the largest batch size (its read of the whole image, one I/O in flight). REAP's single read is larger than any batch of the lab, and its SSD is another Intel SATA model than the profile's S4500.",
    lab: (rows) => {
      const of = plotted(rows, "restore").filter((r) =>
        r.method === "full" && r.storage === "sata-ssd"
      );
      if (of.length === 0) return NaN;
      const r = of.reduce((a, b) => Number(b.batch_pages) > Number(a.batch_pages) ? b : a);
      return Number(r.image_bytes) / Number(r.first_instruction_ms) / 1000;
    },
  },
  {
    case: "Lazy restore, SATA SSD, 1-page batches: effective fetch rate",
    published: 43,
    unit: "MB/s",
    citation:
      "REAP (Ustiugov et al., ASPLOS 2021), §6.2, Fig. 7: vanilla Firecracker lazy restore of helloworld, 8 MB of working set faulted in 4 KiB pages during 182 ms of processing, 43 MB/s (shared/references/vm-state.md §2)",
    note:
      `Lab: image_bytes / (job_done_ms − first_instruction_ms − ${JOB_MS} ms of guest work) of the plotted lazy restore on sata-ssd at the smallest batch size: the pages the guest faulted in over the time its job was held up. REAP's function is one thread and its 182 ms include its own (small) work; the lab's guest has 2 vCPUs whose faults may overlap.`,
    lab: (rows) => {
      const r = nearestBatch(plotted(rows, "restore"), "lazy", "sata-ssd", 1);
      if (r === undefined) return NaN;
      const held = Number(r.job_done_ms) - Number(r.first_instruction_ms) - JOB_MS;
      return held > 0 ? Number(r.image_bytes) / held / 1000 : NaN;
    },
  },
];

/**
 * The validation cases of the `snapshot` experiment, each with the lab's
 * figure computed from `rows` (the plotted guest: the default guest at the
 * largest memory). A case whose rows are missing from the sweep is left
 * out.
 *
 * @example
 * ```ts
 * import { snapshotValidation } from "./report.ts";
 * if (snapshotValidation([]).length !== 0) throw new Error("no rows, no cases");
 * ```
 */
export function snapshotValidation(rows: readonly Row[]): SnapshotValidationRow[] {
  const out: SnapshotValidationRow[] = [];
  for (const c of CASES) {
    const lab = c.lab(rows);
    if (!Number.isFinite(lab)) continue;
    out.push({
      case: c.case,
      lab,
      published: c.published,
      unit: c.unit,
      citation: c.citation,
      note: c.note,
    });
  }
  return out;
}
