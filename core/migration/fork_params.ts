/**
 * Parameters of a VM fork run: plain JSON-serialisable options where every
 * field has a default (`{}` is valid), declared field by field
 * ({@linkcode FORK_OPTIONS_FIELDS}), and their validation into resolved
 * settings. Bad values, and options the chosen placement or parent mode
 * cannot use, throw a one-line `ConfigError` naming the field.
 *
 * @module
 */

import {
  type ConfigFields,
  type ConfigInput,
  type ConfigValues,
  type ObjectCheck,
  validateConfig,
} from "../base/config_fields.ts";
import {
  checkGuestMemory,
  pagesOfGib,
  SNAPSHOT_OPTIONS_FIELDS,
  STATE_OPTIONS_FIELDS,
} from "../snapshot/state_params.ts";
import { LINK_PROFILE_FIELDS, LINK_PROFILES, type LinkProfile } from "../transfer/link_profile.ts";
import { freshPages, workingSetPages, writablePages } from "./fork_layout.ts";

/**
 * Where the children run: `local`, on the parent's host, mapping the
 * parent's frames shared and copying one on a write (Potemkin, VMware Instant
 * Clone); `remote`, on another host, fetching each page over the link
 * (SnowFlock).
 */
export const FORK_PLACEMENTS = ["local", "remote"] as const;
/** A placement. */
export type ForkPlacement = typeof FORK_PLACEMENTS[number];

/**
 * What the parent does after the fork: `suspended`, it stays stopped and its
 * memory is the children's image as it is; `stunned`, it stops only to
 * capture the descriptor and write-protect its memory, then runs on, and its
 * first write to each page copies the page so the image keeps the
 * fork-instant version (VMware Instant Clone's stun).
 */
export const FORK_PARENT_MODES = ["suspended", "stunned"] as const;
/** A parent mode. */
export type ForkParentMode = typeof FORK_PARENT_MODES[number];

/** Most children of one fork. */
export const MAX_CHILDREN = 256;

/**
 * Most child memory of one run, all children together (GiB): the lab keeps
 * every child's page versions and modes (about 12 bytes per 4 KiB page), so
 * 64 GiB of child memory costs about 200 MB of the simulator's.
 */
export const MAX_CHILD_MEMORY_GIB = 64;

/** The fields of {@linkcode ForkOptions}. */
export const FORK_OPTIONS_FIELDS = {
  children: {
    kind: "integer",
    min: 1,
    max: MAX_CHILDREN,
    default: 1,
    unit: "VMs",
    description: "child VMs forked from the parent, each running its own guest",
  },
  placement: {
    kind: "enum",
    values: FORK_PLACEMENTS,
    default: "remote",
    description:
      "local (children on the parent's host share its frames, copy on write) or remote (children on another host fetch pages over the link)",
  },
  link: {
    kind: "preset",
    presets: LINK_PROFILES,
    fields: LINK_PROFILE_FIELDS,
    default: "10gbe",
    description:
      "network link from the parent's host to the children's host, shared by every child (remote only)",
  },
  parent: {
    kind: "enum",
    values: FORK_PARENT_MODES,
    default: "suspended",
    description:
      "suspended (the parent stays stopped) or stunned (it stops to capture the descriptor and write-protect its memory, then runs on, copying each page before its first write)",
  },
  stunMs: {
    kind: "number",
    min: 0,
    max: 1e6,
    default: 0,
    unit: "ms",
    // VMware documents the stun ("lasts a very short time", "How the Instant
    // Clone Operation Works") without a figure; none was found elsewhere.
    description:
      "time a stunned parent stays stopped beyond capturing the descriptor and write-protecting its memory (quiescing its devices); no published figure, so 0",
  },
  prefetch: {
    kind: "boolean",
    default: false,
    description:
      "bring the parent's recorded working set into each child before its first instruction (REAP's working-set prefetch)",
  },
  batchPages: {
    kind: "integer",
    min: 1,
    max: 1024,
    default: 64,
    unit: "pages",
    description: "working-set pages per prefetch message over the link (remote prefetch only)",
  },
  skipFresh: {
    kind: "boolean",
    default: false,
    description:
      "SnowFlock's avoidance heuristic: a page the child's allocator hands out fresh is not fetched; its first write maps a zeroed page on the child's host",
  },
  multicast: {
    kind: "boolean",
    default: false,
    description:
      "SnowFlock's multicast: each page (and the descriptor) crosses the link once and reaches every child that lacks it (remote only)",
  },
  memoryGib: STATE_OPTIONS_FIELDS.memoryGib,
  vcpus: STATE_OPTIONS_FIELDS.vcpus,
  deviceStateBytes: {
    ...STATE_OPTIONS_FIELDS.deviceStateBytes,
    description:
      "CPU and device state in the fork descriptor, beside the guest's page-table pages (an estimate, as for snapshots)",
  },
  writeFraction: STATE_OPTIONS_FIELDS.writeFraction,
  workingSetFraction: {
    ...STATE_OPTIONS_FIELDS.workingSetFraction,
    description:
      "fraction of guest memory the guests read: the working set the parent recorded, shared by every child",
  },
  writableFraction: {
    kind: "number",
    above: 0,
    max: 1,
    default: 0.25,
    description:
      "size of the writable working set (the pages the guest writes, one after another) as a fraction of the working set's; a workload choice",
  },
  freshFraction: {
    kind: "number",
    min: 0,
    max: 1,
    default: 0.5,
    description:
      "fraction of the writable working set that the child's allocator hands out fresh: pages outside the working set whose first touch is a write; the rest are working-set pages rewritten; a workload choice",
  },
  accessesPerTouch: STATE_OPTIONS_FIELDS.accessesPerTouch,
  wsRunPages: STATE_OPTIONS_FIELDS.wsRunPages,
  jobMs: {
    ...STATE_OPTIONS_FIELDS.jobMs,
    description:
      "guest work each child's vCPU must complete for job_done_ms, in unhindered run time",
  },
  faultHandlingUs: {
    ...SNAPSHOT_OPTIONS_FIELDS.uffdRoundTripUs,
    // Default and source: state_params.ts uffdRoundTripUs, Peter Xu's
    // userfaultfd-wp measurement (2020): a missing-page fault reaches a
    // userfaultfd handler thread, which answers and wakes the vCPU thread,
    // the same round trip (the page's install copy is charged apart).
    description:
      "host time of one remote fault beyond the VM exit and the fetch: delivering it to the fetching thread and waking the vCPU; Peter Xu's userfaultfd measurement (Linux 5.9, 2020): 2.43 + 1.16 + 1.15 µs (remote only)",
  },
  mapNsPerPage: {
    ...SNAPSHOT_OPTIONS_FIELDS.splitNsPerEntry,
    description:
      "host time to map one of the parent's pages into a local child ahead of its first instruction (local prefetch only); as the time KVM's eager page splitting takes per 4 KiB mapping (Linux commit a3fe5dbda0a4, 2022: 1.55 s for 96 × 262,144 entries)",
  },
  protectNsPerPage: {
    ...SNAPSHOT_OPTIONS_FIELDS.protectNsPerPage,
    description:
      "host time to write-protect one page of a stunned parent during its stun; an estimate, as for snapshots (stunned only)",
  },
  simTimeLimitS: STATE_OPTIONS_FIELDS.simTimeLimitS,
  brokenSkipFetch: {
    kind: "boolean",
    default: false,
    description: "for tests only: a broken fetcher that maps an empty page instead of the parent's",
  },
  brokenSkipParentCopy: {
    kind: "boolean",
    default: false,
    description:
      "for tests only: a stunned parent whose writes go to the shared image instead of a copy (stunned only)",
  },
} as const satisfies ConfigFields;

/** Fork options. Every field is optional. */
export type ForkOptions = ConfigInput<typeof FORK_OPTIONS_FIELDS>;

/** {@linkcode ForkOptions} resolved; `link` is null for local children. */
export type ForkSettings =
  & Omit<ConfigValues<typeof FORK_OPTIONS_FIELDS>, "link">
  & {
    /** Guest memory (4 KiB pages). */
    pages: number;
    /** The link's profile, or null when the children are local. */
    link: LinkProfile | null;
  };

/** A field some settings cannot use: when it may be given, and how to say when not. */
interface FieldUse {
  /** True when the resolved settings can use the field. */
  readonly usable: (v: Record<string, unknown>) => boolean;
  /** Who can, for the error: `only remote children use it`. */
  readonly who: string;
}

const REMOTE: FieldUse = {
  usable: (v) => v.placement === "remote",
  who: "only remote children use it",
};

/**
 * The fields only some settings use. Giving one where it means nothing is a
 * mistake, refused rather than ignored.
 */
const FIELD_USES: Readonly<Record<string, FieldUse>> = {
  link: REMOTE,
  multicast: REMOTE,
  faultHandlingUs: REMOTE,
  batchPages: {
    usable: (v) => v.placement === "remote" && v.prefetch === true,
    who: "only a remote prefetch uses it",
  },
  mapNsPerPage: {
    usable: (v) => v.placement === "local" && v.prefetch === true,
    who: "only a local prefetch uses it",
  },
  stunMs: { usable: (v) => v.parent === "stunned", who: "only a stunned parent uses it" },
  protectNsPerPage: {
    usable: (v) => v.parent === "stunned",
    who: "only a stunned parent uses it",
  },
  brokenSkipParentCopy: {
    usable: (v) => v.parent === "stunned",
    who: "only a stunned parent uses it",
  },
};

/** Field uses, memory sizes, and the fresh pages' room outside the working set. */
const checkFork: ObjectCheck = (values, given, fail) => {
  checkGuestMemory(values, given, fail);
  const gib = values.memoryGib as number;
  const pages = pagesOfGib(gib);
  const children = values.children as number;
  if (children * pages > pagesOfGib(MAX_CHILD_MEMORY_GIB)) {
    fail(
      "children",
      `expected at most ${MAX_CHILD_MEMORY_GIB} GiB of child memory in all (children × memoryGib), got ${children} × ${gib} GiB`,
    );
  }
  for (const [field, use] of Object.entries(FIELD_USES)) {
    if (given[field] !== undefined && !use.usable(values)) {
      const mode =
        `placement ${values.placement}, parent ${values.parent}, prefetch ${values.prefetch}`;
      fail(field, `${use.who}, not ${mode}`);
    }
  }
  const ws = workingSetPages(pages, values.workingSetFraction as number);
  const fresh = freshPages(
    writablePages(ws, values.writableFraction as number),
    values.freshFraction as number,
  );
  if (fresh > pages - ws) {
    fail(
      "freshFraction",
      `the ${fresh} fresh pages do not fit in the ${
        pages - ws
      } pages outside the working set; lower freshFraction, writableFraction or workingSetFraction`,
    );
  }
};

/**
 * Resolves fork options: defaults filled in, every field checked.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example A link is refused for children on the parent's host
 * ```ts
 * import { resolveForkOptions } from "./fork_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveForkOptions({ placement: "local" }).link, null);
 * assert.throws(() => resolveForkOptions({ placement: "local", link: "1gbe" }), {
 *   message:
 *     'Cannot use fork options: field "link": only remote children use it, not placement local, parent suspended, prefetch false',
 * });
 * ```
 */
export function resolveForkOptions(o: ForkOptions): ForkSettings {
  const v = validateConfig(FORK_OPTIONS_FIELDS, o, {
    component: "fork options",
    check: checkFork,
  });
  return {
    ...v,
    pages: pagesOfGib(v.memoryGib),
    link: v.placement === "remote" ? v.link : null,
  };
}
