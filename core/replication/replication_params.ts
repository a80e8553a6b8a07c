/**
 * Parameters of a replication run: plain JSON-serialisable options where
 * every field has a default (`{}` is valid), declared field by field
 * ({@linkcode REPLICATION_OPTIONS_FIELDS}), and their validation into
 * resolved settings. Bad values, and options the chosen method or failure
 * cannot use, throw a one-line `ConfigError` naming the field.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  refuseOtherModes,
  type ResolvedSoFar,
  validateConfig,
} from "../base/config_fields.ts";
import { DIRTY_LOG_METHODS } from "../machine/machine_config.ts";
import {
  checkGuestMemory,
  checkPmlPlatform,
  pagesOfGib,
  SNAPSHOT_OPTIONS_FIELDS,
  STATE_OPTIONS_FIELDS,
} from "../snapshot/state_params.ts";
import { LINK_PROFILE_FIELDS, LINK_PROFILES, type LinkProfile } from "../transfer/link_profile.ts";
import type { StorageProfile } from "../transfer/storage_profile.ts";

/**
 * Replication methods:
 * - `remus`: high-frequency checkpoints of memory, CPU and device state,
 *   and the disk writes of the epoch; the guest's outputs are held until
 *   the backup acknowledges the checkpoint that produced them (Cully et
 *   al., NSDI 2008).
 * - `async`: the same checkpoints at longer intervals, outputs released at
 *   once (US20110047548's periodic replication): what the backup can lose
 *   is what the guest did since the last applied checkpoint, including what
 *   its clients saw.
 * - `disk`: only the disk's writes are shipped, every interval (Hyper-V
 *   Replica's log shipping); the backup boots the guest from its replica
 *   disk, which is crash-consistent, so memory is not recovered.
 */
export const REPLICATION_METHODS = ["remus", "async", "disk"] as const;
/** A replication method. */
export type ReplicationMethod = typeof REPLICATION_METHODS[number];

/** What fails in a run. */
export const FAILURES = ["production", "backup", "none"] as const;
/** A failure. */
export type Failure = typeof FAILURES[number];

/**
 * How the backup brings the guest's memory back at failover:
 * - `resident`: the backup applies every checkpoint to a paused copy of the
 *   guest in its memory (Remus), so it only unpauses it;
 * - `full`: the backup keeps the image on its storage and reads all of it
 *   before the guest runs;
 * - `lazy`: it reads the CPU and device state, starts the guest, and reads
 *   the pages in the background (a touch of a page not yet read waits).
 */
export const RESTORES = ["resident", "full", "lazy"] as const;
/** A restore. */
export type Restore = typeof RESTORES[number];

/** Methods that checkpoint memory (and so log dirty pages and pause the guest). */
const MEMORY_METHODS: readonly ReplicationMethod[] = ["remus", "async"];

// Defaults per method, from the systems they model.
const DEFAULT_INTERVAL_MS: Readonly<Record<ReplicationMethod, number>> = {
  // Xen's `xl remus -i MS`: 200 ms unless given (xl man page,
  // tools/xl/xl_cmdtable.c; vm-state.md §4).
  remus: 200,
  // QEMU COLO's periodic checkpoint, x-checkpoint-delay = 200 * 100 ms
  // (migration/options.c; vm-state.md §4): the nearest published default
  // for a periodic memory checkpoint.
  async: 20000,
  // Hyper-V Replica's middle frequency of 30 s, 5 min and 15 min (MS Learn;
  // vm-state.md §4).
  disk: 300000,
};

/** The fields of {@linkcode ReplicationOptions}. */
export const REPLICATION_OPTIONS_FIELDS = {
  method: {
    kind: "enum",
    values: REPLICATION_METHODS,
    default: "remus",
    description:
      "remus (frequent checkpoints of memory, devices and disk; outputs held until the checkpoint is acknowledged), async (the same at longer intervals, outputs released at once), disk (the disk's writes shipped every interval; the backup boots from its replica disk)",
  },
  intervalMs: {
    kind: "number",
    above: 0,
    max: 1e8,
    default: (v: ResolvedSoFar) => DEFAULT_INTERVAL_MS[v.method as ReplicationMethod],
    defaultText:
      "remus 200 (xl remus), async 20000 (QEMU COLO's periodic checkpoint), disk 300000 (Hyper-V Replica's 5 min)",
    unit: "ms",
    description:
      "time from one checkpoint's capture to the next (longer when the previous one is not yet acknowledged)",
  },
  memoryGib: STATE_OPTIONS_FIELDS.memoryGib,
  vcpus: STATE_OPTIONS_FIELDS.vcpus,
  dirtyRateMibS: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 64,
    unit: "MiB/s",
    description:
      "rate at which the running guest dirties distinct pages of its writable working set, unhindered (write-protect exits and pauses slow it)",
  },
  wwsFraction: {
    kind: "number",
    above: 0,
    max: 1,
    default: 0.1,
    description:
      "writable working set: the fraction of memory the guest writes, page after page in a fixed shuffled order (what one checkpoint can carry at most)",
  },
  workingSetFraction: {
    ...STATE_OPTIONS_FIELDS.workingSetFraction,
    description: "fraction of guest memory the guest reads",
  },
  wsRunPages: STATE_OPTIONS_FIELDS.wsRunPages,
  accessesPerTouch: {
    ...STATE_OPTIONS_FIELDS.accessesPerTouch,
    default: 100000,
    description:
      "guest accesses each simulated touch stands for (a vCPU works accessesPerTouch × baseCyclesPerAccess cycles between touches; shorter when the dirty rate needs more touches: at most half of the touches write); coarse by default so that intervals of minutes stay quick to simulate",
  },
  diskGib: {
    kind: "number",
    above: 0,
    max: 65536,
    default: 8,
    unit: "GiB",
    description: "the guest's disk, in 4 KiB blocks",
  },
  diskWriteMibS: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 4,
    unit: "MiB/s",
    description:
      "rate of the guest's 4 KiB disk writes, to blocks drawn uniformly from the disk, in guest run time (an estimate of a moderately busy server)",
  },
  outputsPerS: {
    kind: "number",
    min: 0,
    max: 1e7,
    default: 1000,
    unit: "outputs/s",
    description:
      "rate of the guest's client-visible outputs (network packets), each depending on the state at its instant, in guest run time",
  },
  compressionRatio: {
    kind: "number",
    min: 1,
    max: 1000,
    default: 1,
    description:
      "a checkpoint's page and block payload on the wire is its bytes divided by this; 1 sends them as they are",
  },
  bandwidthShare: {
    kind: "number",
    above: 0,
    max: 1,
    default: 1,
    description:
      "share of the link's bandwidth the stream's pages and blocks may use (the device state goes unpaced)",
  },
  link: {
    kind: "preset",
    presets: LINK_PROFILES,
    fields: LINK_PROFILE_FIELDS,
    default: "1gbe",
    // Remus ran its replication over gigabit links (vm-state.md §4).
    description: "network link between the production and backup hosts",
  },
  batchPages: {
    kind: "integer",
    min: 1,
    max: 1024,
    default: 64,
    unit: "pages",
    description: "pages (or disk blocks) per message of the replication stream (an estimate)",
  },
  deviceStateBytes: {
    ...STATE_OPTIONS_FIELDS.deviceStateBytes,
    default: 49152,
    // Remus (NSDI 2008, Fig. 5): a checkpoint with one dirty page took about
    // 0.5 ms to transmit over GbE, so its CPU and device state is at most
    // ~55 KB (0.44 ms at 125 MB/s once the half round trip is taken off):
    // 48 KiB, an estimate under that bound. A whole snapshot's 1 MiB
    // estimate would be far too heavy for a checkpoint every 25 ms.
    description:
      "CPU and device state in each checkpoint (an estimate under the ~55 KB that Remus's one-page checkpoint could carry in its 0.5 ms on GbE)",
  },
  checkpointFixedUs: {
    kind: "number",
    min: 0,
    max: 1e7,
    default: 500,
    unit: "µs",
    // Remus (Cully et al., NSDI 2008, Fig. 5): a checkpoint with one dirty
    // page kept the guest suspended about 0.5 ms (read off the graph), on a
    // 3.2 GHz Pentium 4 with Remus's ~100 µs event-channel suspend (§2.3).
    description:
      "fixed host work of pausing and resuming the guest at each checkpoint, beside re-protecting and copying the dirty pages and saving the device state; Remus's pause with one dirty page (NSDI 2008, Fig. 5)",
  },
  dirtyLog: {
    kind: "enum",
    values: DIRTY_LOG_METHODS,
    default: "write-protect",
    description:
      "how the production host learns which pages were dirtied: write-protect (an exit on a page's first write per epoch) or pml (Intel's page-modification log: an exit per 512 logged pages)",
  },
  protectNsPerPage: SNAPSHOT_OPTIONS_FIELDS.protectNsPerPage,
  failure: {
    kind: "enum",
    values: FAILURES,
    default: "production",
    description:
      "what fails: the production host (the backup takes over), the backup host (the production host runs on unprotected), or nothing",
  },
  failAtMs: {
    kind: "number",
    min: 0,
    max: 1e9,
    default: (v: ResolvedSoFar) => 2.5 * (v.intervalMs as number),
    defaultText: "2.5 intervals",
    unit: "ms",
    description: "when the failing host fails, after replication starts",
  },
  linkOutageAtMs: {
    kind: "number",
    min: 0,
    max: 1e9,
    unit: "ms",
    description:
      "the link between the hosts goes down this long after replication starts (absent: never)",
  },
  linkOutageMs: {
    kind: "number",
    above: 0,
    max: 1e9,
    unit: "ms",
    description: "how long the link stays down (with linkOutageAtMs)",
  },
  giveUpMs: {
    kind: "number",
    above: 0,
    max: 1e9,
    default: 10000,
    unit: "ms",
    description:
      "the production host stops replicating (and releases held outputs) once a checkpoint has gone this long unacknowledged (an estimate)",
  },
  heartbeatMs: {
    kind: "number",
    above: 0,
    max: 1e7,
    default: 1000,
    unit: "ms",
    // Windows Server Failover Clustering's SameSubnetDelay is 1,000 ms (MS
    // Learn, cluster common properties); vSphere HA's heartbeats are 1 s too.
    description:
      "interval of the heartbeats by which each host watches the other (a failover cluster's 1 s)",
  },
  missedBeats: {
    kind: "integer",
    min: 1,
    max: 1000,
    // WSFC's SameSubnetThreshold is 10 on Windows Server 2016 (Azure SQL HADR
    // and Azure VMware Solution WSFC docs; 5 before 2016, 20 from 2019).
    // Remus detects failure by a timeout on the replication stream itself
    // (NSDI 2008, §2.6; the lab restarts it at every message of the stream)
    // whose value is not published: one missed second, corosync's token
    // timeout before 2020 (1,000 ms), stands in for it.
    default: (v: ResolvedSoFar) => v.method === "remus" ? 1 : 10,
    defaultText:
      "remus 1 (a one-second timeout on the stream, restarted by every message), async and disk 10 (WSFC 2016)",
    unit: "beats",
    description:
      "heartbeat intervals without word from a host before it is declared failed (for remus, any message of the replication stream counts as word)",
  },
  durationMs: {
    kind: "number",
    above: 0,
    max: 1e9,
    // After a backup failure the run goes on until the production host has
    // noticed it (missed heartbeats) and then for 5 more intervals.
    default: (v: ResolvedSoFar) =>
      v.failure === "none" ? 5 * (v.intervalMs as number) : (v.failAtMs as number) +
        ((v.missedBeats as number) + 1) * (v.heartbeatMs as number) + 5 * (v.intervalMs as number),
    defaultText:
      "5 intervals; after a backup failure, until the production host notices it and 5 intervals more",
    unit: "ms",
    description:
      "how long the run lasts when the production host does not fail (when it does, the run ends once the guest runs on the backup)",
  },
  activationMs: {
    kind: "number",
    min: 0,
    max: 1e7,
    default: 100,
    unit: "ms",
    description:
      "work from the decision to fail over to the start of the restore: fencing the failed host, taking over its addresses, preparing the guest (an estimate; Remus measured about 1 s for detection and activation together)",
  },
  restore: {
    kind: "enum",
    values: RESTORES,
    default: "resident",
    description:
      "how the backup brings memory back: resident (checkpoints were applied to a paused guest in its memory), full (read the whole image from its storage first), lazy (start, then read pages in the background)",
  },
  storage: {
    ...SNAPSHOT_OPTIONS_FIELDS.storage,
    description: "the backup's storage the image is read from (full and lazy restore)",
  },
  bootS: {
    kind: "number",
    min: 0,
    max: 1e5,
    default: 10,
    unit: "s",
    // No published boot time of a full server VM was found; creating a
    // Google Compute Engine VM took 9.4–9.6 s in one person's measurement
    // (a secondary source), the nearest figure.
    description:
      "time to boot the guest from its replica disk (disk replication; an estimate near a cloud VM's ~10 s start)",
  },
  platform: STATE_OPTIONS_FIELDS.platform,
  hostPage: STATE_OPTIONS_FIELDS.hostPage,
  translationSampleAccesses: STATE_OPTIONS_FIELDS.translationSampleAccesses,
  simTimeLimitS: STATE_OPTIONS_FIELDS.simTimeLimitS,
  brokenApplyPartial: {
    kind: "boolean",
    default: false,
    description:
      "for tests only: a broken backup that applies each message of a checkpoint as it arrives instead of the whole checkpoint once it is complete",
  },
} as const satisfies ConfigFields;

/** Replication options. Every field is optional. */
export type ReplicationOptions = ConfigInput<typeof REPLICATION_OPTIONS_FIELDS>;

/** {@linkcode ReplicationOptions} resolved. */
export type ReplicationSettings =
  & Omit<ConfigValues<typeof REPLICATION_OPTIONS_FIELDS>, "link" | "storage">
  & {
    /** Guest memory (4 KiB pages). */
    pages: number;
    /** Disk blocks (4 KiB). */
    diskBlocks: number;
    /** The link's profile. */
    link: LinkProfile;
    /** The backup's storage profile. */
    storage: StorageProfile;
  };

/** Fields only some methods use: giving one to another method is refused, not ignored. */
const METHOD_FIELDS: Readonly<Record<string, readonly ReplicationMethod[]>> = {
  // Disk replication ships no memory and boots the guest: its memory and
  // vCPUs take no part.
  memoryGib: MEMORY_METHODS,
  vcpus: MEMORY_METHODS,
  dirtyRateMibS: MEMORY_METHODS,
  wwsFraction: MEMORY_METHODS,
  workingSetFraction: MEMORY_METHODS,
  wsRunPages: MEMORY_METHODS,
  accessesPerTouch: MEMORY_METHODS,
  deviceStateBytes: MEMORY_METHODS,
  checkpointFixedUs: MEMORY_METHODS,
  dirtyLog: MEMORY_METHODS,
  protectNsPerPage: MEMORY_METHODS,
  restore: MEMORY_METHODS,
  storage: MEMORY_METHODS,
  platform: MEMORY_METHODS,
  hostPage: MEMORY_METHODS,
  translationSampleAccesses: MEMORY_METHODS,
  bootS: ["disk"],
};

/** Fields only some failures use. */
const FAILURE_FIELDS: Readonly<Record<string, readonly Failure[]>> = {
  failAtMs: ["production", "backup"],
  durationMs: ["backup", "none"],
  heartbeatMs: ["production", "backup"],
  missedBeats: ["production", "backup"],
  activationMs: ["production"],
  restore: ["production"],
  storage: ["production"],
  bootS: ["production"],
};

const checkReplication: ObjectCheck = (values, given, fail) => {
  checkGuestMemory(values, given, fail);
  const method = values.method as ReplicationMethod;
  const failure = values.failure as Failure;
  refuseOtherModes(METHOD_FIELDS, method, given, fail);
  for (const [field, failures] of Object.entries(FAILURE_FIELDS)) {
    if (given[field] !== undefined && !failures.includes(failure)) {
      fail(
        field,
        `only a run with failure ${failures.join(" or ")} uses it, not failure ${failure}`,
      );
    }
  }
  if (given.storage !== undefined && values.restore === "resident") {
    fail("storage", "a resident restore reads nothing from storage: use restore full or lazy");
  }
  if (given.linkOutageAtMs !== undefined && given.linkOutageMs === undefined) {
    fail("linkOutageAtMs", "needs linkOutageMs too: how long the link stays down");
  }
  if (given.linkOutageMs !== undefined && given.linkOutageAtMs === undefined) {
    fail("linkOutageMs", "needs linkOutageAtMs too: when the link goes down");
  }
  if (failure === "backup" && (values.failAtMs as number) >= (values.durationMs as number)) {
    fail("failAtMs", `the backup must fail before the run ends (durationMs ${values.durationMs})`);
  }
  checkPmlPlatform(values, given, fail);
};

/**
 * Resolves replication options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example Disk replication boots the guest; it has no memory restore
 * ```ts
 * import { resolveReplicationOptions } from "./replication_params.ts";
 * import assert from "node:assert/strict";
 * const s = resolveReplicationOptions({ method: "disk" });
 * if (s.intervalMs !== 300000 || s.failAtMs !== 750000) throw new Error();
 * assert.throws(() => resolveReplicationOptions({ method: "disk", restore: "lazy" }), {
 *   message:
 *     'Cannot use replication options: field "restore": only remus and async use it, not disk',
 * });
 * ```
 */
export function resolveReplicationOptions(o: ReplicationOptions): ReplicationSettings {
  const v = validateConfig(REPLICATION_OPTIONS_FIELDS, o, {
    component: "replication options",
    check: checkReplication,
  });
  return { ...v, pages: pagesOfGib(v.memoryGib), diskBlocks: pagesOfGib(v.diskGib) };
}
