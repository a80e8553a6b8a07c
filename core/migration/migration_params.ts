/**
 * Parameters of a live migration run: plain JSON-serialisable options where
 * every field has a default (`{}` is valid), declared field by field
 * ({@linkcode MIGRATION_OPTIONS_FIELDS}), and their validation into
 * resolved settings. Bad values, and options the chosen method cannot use,
 * throw a one-line `ConfigError` naming the field.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  refuseOtherModes,
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

/** Migration methods. */
export const MIGRATION_METHODS = ["stop-and-copy", "pre-copy", "post-copy", "hybrid"] as const;
/** A migration method. */
export type MigrationMethod = typeof MIGRATION_METHODS[number];

/**
 * When pre-copy stops iterating and pauses the guest:
 * - `qemu`: once what is left to send would take less than the downtime
 *   limit at the bandwidth measured over the last 100 ms window
 *   (`pending < bandwidth × downtime_limit`, QEMU's `migration_iteration_run`);
 *   no round cap.
 * - `xen-legacy`: libxc's old loop (`xc_domain_save.c`): after 29 rounds
 *   (`DEF_MAX_ITERS`), once more than 3 × memory was sent
 *   (`DEF_MAX_FACTOR`), or once fewer than 50 pages are dirty.
 * - `xen`: today's simple policy (`xg_sr_save.c`): after 5 rounds
 *   (`SPP_MAX_ITERATIONS`) or once fewer than 50 pages
 *   (`SPP_TARGET_DIRTY_COUNT`) are dirty.
 */
export const STOP_RULES = ["qemu", "xen-legacy", "xen"] as const;
/** A pre-copy stop rule. */
export type StopRule = typeof STOP_RULES[number];

/** Methods that iterate with dirty logging before the switch. */
const ITERATING: readonly MigrationMethod[] = ["pre-copy", "hybrid"];
/** Methods that run the guest on the destination before all its memory is there. */
const POSTCOPY: readonly MigrationMethod[] = ["post-copy", "hybrid"];

/** The fields of {@linkcode MigrationOptions}. */
export const MIGRATION_OPTIONS_FIELDS = {
  method: {
    kind: "enum",
    values: MIGRATION_METHODS,
    default: "pre-copy",
    description:
      "stop-and-copy (pause, send everything, resume on the destination); pre-copy (send memory while the guest runs, resend what it dirtied, pause for the rest); post-copy (pause only to send CPU and device state, run on the destination and fetch pages on demand while the rest is pushed); hybrid (pre-copy rounds, then post-copy)",
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
      "rate at which the running guest dirties distinct pages of its writable working set, unhindered (write-protect exits and throttling slow it)",
  },
  wwsFraction: {
    kind: "number",
    above: 0,
    max: 1,
    default: 0.1,
    description:
      "writable working set: the fraction of memory the guest writes, page after page in a fixed shuffled order",
  },
  workingSetFraction: {
    ...STATE_OPTIONS_FIELDS.workingSetFraction,
    description: "fraction of guest memory the guest reads",
  },
  wsRunPages: STATE_OPTIONS_FIELDS.wsRunPages,
  accessesPerTouch: {
    ...STATE_OPTIONS_FIELDS.accessesPerTouch,
    description:
      "guest accesses each simulated touch stands for (a vCPU works accessesPerTouch × baseCyclesPerAccess cycles between touches; shorter when the dirty rate needs more touches: at most half of the touches write)",
  },
  zeroPageFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0,
    description:
      "fraction of guest memory that holds only zeros when the migration starts (a page the guest writes is no longer zero)",
  },
  zeroPages: {
    kind: "boolean",
    default: true,
    // QEMU checks every page for zeros and sends a zero page as its 8-byte
    // header alone (migration/ram.c, save_zero_page; recalled from the
    // source, not re-read).
    description: "send a page that holds only zeros as its header alone, as QEMU does",
  },
  compressionRatio: {
    kind: "number",
    min: 1,
    max: 1000,
    default: 1,
    description:
      "payload of a page on the wire is 4,096 bytes divided by this (multifd compression); 1 sends pages as they are",
  },
  link: {
    kind: "preset",
    presets: LINK_PROFILES,
    fields: LINK_PROFILE_FIELDS,
    default: "10gbe",
    description: "network link between the source and destination hosts",
  },
  batchPages: {
    kind: "integer",
    min: 1,
    max: 1024,
    default: 64,
    unit: "pages",
    description:
      "pages per message of the migration stream (an estimate: QEMU writes pages into a buffered stream, not in fixed messages)",
  },
  sendWindowBytes: {
    kind: "size",
    min: 4096,
    max: 2 ** 34,
    default: 4194304,
    unit: "bytes",
    // Linux's net.ipv4.tcp_wmem: the largest automatically tuned send buffer
    // is 4 MiB by default (Documentation/networking/ip-sysctl.rst; recalled,
    // not re-read). A page requested in post-copy without a preempt channel
    // queues behind what is in it.
    description:
      "bytes the sender keeps in flight on the stream (the TCP send buffer): a post-copy page request without a preempt channel waits behind them",
  },
  deviceStateBytes: STATE_OPTIONS_FIELDS.deviceStateBytes,
  switchoverMs: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 5,
    unit: "ms",
    // OPNFV measured 5–7 ms of downtime for an idle guest migrated over 10
    // GbE with dirty-log teardown moved out of the pause (vm-state.md §1):
    // little memory was left to send, so the fixed work of a switch-over
    // dominates. The lab takes the low end as that fixed work: an estimate.
    description:
      "fixed host work of a switch-over besides the bytes sent: stopping the vCPUs, saving and loading device state, starting on the destination; an estimate from OPNFV's tuned idle-guest downtime (5–7 ms, 10 GbE)",
  },
  downtimeLimitMs: {
    ...SNAPSHOT_OPTIONS_FIELDS.downtimeLimitMs,
    description:
      "the qemu stop rule pauses the guest once the rest would take less than this at the measured bandwidth (QEMU's default)",
  },
  stopRule: {
    kind: "enum",
    values: STOP_RULES,
    default: "qemu",
    description:
      "when pre-copy pauses the guest: qemu (rest < bandwidth × downtime limit, no round cap), xen-legacy (29 rounds, 3 × memory sent, or < 50 dirty pages), xen (5 rounds or < 50 dirty pages)",
  },
  autoConverge: {
    kind: "boolean",
    default: false,
    // QEMU migration/options.c: DEFAULT_MIGRATE_THROTTLE_TRIGGER_THRESHOLD 50,
    // DEFAULT_MIGRATE_CPU_THROTTLE_INITIAL 20, _INCREMENT 10, MAX_CPU_THROTTLE
    // 99; ram.c throttles after two syncs in a row over the threshold.
    description:
      "QEMU's auto-converge: when a round dirties more than 50 % of the bytes it sent, twice in a row, throttle the vCPUs (20 % first, then +10 % each time, at most 99 %)",
  },
  timeoutPasses: {
    kind: "number",
    above: 0,
    max: 1e6,
    default: 8,
    // libvirt's `virsh migrate --timeout N` suspends the guest after N
    // seconds of live migration; `--timeout-postcopy` switches to post-copy
    // instead. The lab states its bound in passes over memory so that one
    // value suits every memory size and link.
    description:
      "a lab bound on a pre-copy that does not converge, in multiples of the time one pass over memory takes at the link's bandwidth: then the guest is paused and the rest sent (libvirt's --timeout), or hybrid switches to post-copy (--timeout-postcopy)",
  },
  hybridRounds: {
    kind: "integer",
    min: 0,
    max: 10000,
    default: 0,
    unit: "rounds",
    description:
      "hybrid switches to post-copy after this many pre-copy rounds; 0: once the set left to send stops shrinking (by less than 10 % over a round)",
  },
  preempt: {
    kind: "boolean",
    default: false,
    description:
      "post-copy sends requested pages on a channel of their own (QEMU 8's postcopy-preempt) instead of behind the background stream",
  },
  faultHandlingUs: {
    // The same measurement as the snapshot's uffdRoundTripUs (Peter Xu's
    // userfaultfd latency, where its source is cited): delivering a fault
    // to the handler thread, resolving it, waking the faulting thread.
    ...SNAPSHOT_OPTIONS_FIELDS.uffdRoundTripUs,
    description:
      "destination host time per post-copy fault beside the network: delivering the userfaultfd fault to the listener thread, placing the page and waking the vCPU (Peter Xu's measurement, Linux 5.9, 2020)",
  },
  dirtyLog: {
    kind: "enum",
    values: DIRTY_LOG_METHODS,
    default: "write-protect",
    description:
      "how the source learns which pages were dirtied: write-protect (an exit on a page's first write per round) or pml (Intel's page-modification log: an exit per 512 logged pages)",
  },
  protectNsPerPage: SNAPSHOT_OPTIONS_FIELDS.protectNsPerPage,
  splitNsPerEntry: SNAPSHOT_OPTIONS_FIELDS.splitNsPerEntry,
  platform: STATE_OPTIONS_FIELDS.platform,
  hostPage: STATE_OPTIONS_FIELDS.hostPage,
  translationSampleAccesses: STATE_OPTIONS_FIELDS.translationSampleAccesses,
  linkFailMs: {
    kind: "number",
    min: 0,
    max: 1e9,
    unit: "ms",
    description:
      "the link fails for good this long after the migration starts (absent: it never fails); what is in flight is lost",
  },
  simTimeLimitS: STATE_OPTIONS_FIELDS.simTimeLimitS,
  brokenSkipLastDirty: {
    kind: "boolean",
    default: false,
    description:
      "for tests only: a broken sender that skips one page dirtied in the last live round",
  },
} as const satisfies ConfigFields;

/** Migration options. Every field is optional. */
export type MigrationOptions = ConfigInput<typeof MIGRATION_OPTIONS_FIELDS>;

/** {@linkcode MigrationOptions} resolved. */
export type MigrationSettings =
  & Omit<ConfigValues<typeof MIGRATION_OPTIONS_FIELDS>, "link">
  & {
    /** Guest memory (4 KiB pages). */
    pages: number;
    /** The link's profile. */
    link: LinkProfile;
  };

/** Fields only some methods use: giving one to another method is refused, not ignored. */
const METHOD_FIELDS: Readonly<Record<string, readonly MigrationMethod[]>> = {
  downtimeLimitMs: ITERATING,
  stopRule: ITERATING,
  autoConverge: ITERATING,
  timeoutPasses: ITERATING,
  dirtyLog: ITERATING,
  protectNsPerPage: ITERATING,
  splitNsPerEntry: ITERATING,
  brokenSkipLastDirty: ITERATING,
  hybridRounds: ["hybrid"],
  preempt: POSTCOPY,
  faultHandlingUs: POSTCOPY,
};

const checkMigration: ObjectCheck = (values, given, fail) => {
  checkGuestMemory(values, given, fail);
  const method = values.method as MigrationMethod;
  refuseOtherModes(METHOD_FIELDS, method, given, fail);
  if (given.downtimeLimitMs !== undefined && values.stopRule !== "qemu") {
    fail("downtimeLimitMs", `only the qemu stop rule uses it, not ${values.stopRule}`);
  }
  if (values.autoConverge === true && values.stopRule !== "qemu") {
    fail("autoConverge", `auto-converge is QEMU's; the ${values.stopRule} stop rule has none`);
  }
  checkPmlPlatform(values, given, fail);
};

/**
 * Resolves migration options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example Post-copy has no stop rule
 * ```ts
 * import { resolveMigrationOptions } from "./migration_params.ts";
 * import assert from "node:assert/strict";
 * if (resolveMigrationOptions({ memoryGib: 0.5 }).pages !== 131072) throw new Error();
 * assert.throws(() => resolveMigrationOptions({ method: "post-copy", stopRule: "xen" }), {
 *   message:
 *     'Cannot use migration options: field "stopRule": only pre-copy and hybrid use it, not post-copy',
 * });
 * ```
 */
export function resolveMigrationOptions(o: MigrationOptions): MigrationSettings {
  const v = validateConfig(MIGRATION_OPTIONS_FIELDS, o, {
    component: "migration options",
    check: checkMigration,
  });
  return { ...v, pages: pagesOfGib(v.memoryGib) };
}
