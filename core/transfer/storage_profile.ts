/**
 * Named storage profiles for snapshot images: bandwidth, per-I/O latency and
 * the device's internal parallelism, for a local NVMe SSD, a SATA SSD and
 * network block storage. Every number cites its source; derived numbers and
 * estimates say so.
 *
 * @module
 */

import { ConfigError } from "../base/config_error.ts";
import { type ConfigFields, type FieldsOf, validateConfig } from "../base/config_fields.ts";

/** Speed of one storage device as the storage model uses it. */
export interface StorageProfile {
  /** Profile name, e.g. `nvme-ssd`. */
  name: string;
  /** One line saying which device this models. */
  description: string;
  /** Sustained sequential read bandwidth (bytes per second). */
  readBytesPerSecond: number;
  /** Sustained sequential write bandwidth (bytes per second). */
  writeBytesPerSecond: number;
  /** Latency of one read whose offset does not follow the previous I/O (microseconds). */
  randomReadLatencyUs: number;
  /** Latency of one read that continues where the previous I/O ended (microseconds). */
  sequentialReadLatencyUs: number;
  /** Latency of one write whose offset does not follow the previous I/O (microseconds). */
  randomWriteLatencyUs: number;
  /** Latency of one write that continues where the previous I/O ended (microseconds). */
  sequentialWriteLatencyUs: number;
  /** I/Os the device works on at once (its effective internal parallelism). */
  queueDepth: number;
}

const MB = 1e6;
const MIB = 1024 * 1024;

const NVME_SSD: StorageProfile = {
  name: "nvme-ssd",
  description: "Local NVMe SSD: Intel SSD DC P4500 4.0 TB, PCIe 3.0 x4",
  // All numbers of this profile: Lenovo Press product guide "Intel P4500
  // Entry NVMe PCIe SSDs", Table 2 "Technical specifications", 4.0 TB column
  // (Intel's figures): sequential read 3.2 GB/s, sequential write 1.8 GB/s.
  readBytesPerSecond: 3200 * MB,
  writeBytesPerSecond: 1800 * MB,
  // Same table: read access latency random 115 µs, sequential 10 µs.
  randomReadLatencyUs: 115,
  sequentialReadLatencyUs: 10,
  // Same table: write access latency random 20 µs, sequential 13 µs.
  randomWriteLatencyUs: 20,
  sequentialWriteLatencyUs: 13,
  // Derived: 645,000 random 4 KiB read IOPS (same table) × 115 µs per read
  // (Little's law) ≈ 74 reads in flight inside the device.
  queueDepth: 74,
};

const SATA_SSD: StorageProfile = {
  name: "sata-ssd",
  description: "SATA SSD: Intel SSD DC S4500, SATA 6 Gb/s",
  // All numbers of this profile: Intel SSD DC S4500/S4600 Series Product
  // Specification (Intel, 2017), front page: sustained sequential read up to
  // 500 MB/s, write up to 490 MB/s.
  readBytesPerSecond: 500 * MB,
  writeBytesPerSecond: 490 * MB,
  // Same page: random latency (typical) read/write 110/52 µs; sequential
  // latency read/write 36/36 µs. REAP (Ustiugov et al., ASPLOS 2021, §5.2.3)
  // measured 32 MB/s for single 4 KiB reads on another Intel SATA SSD, i.e.
  // 128 µs per read: close to the 110 µs here plus the host's share.
  randomReadLatencyUs: 110,
  sequentialReadLatencyUs: 36,
  randomWriteLatencyUs: 52,
  sequentialWriteLatencyUs: 36,
  // Derived: 72,000 random 4 KiB read IOPS at queue depth 32 (same page) ×
  // 110 µs ≈ 8 reads in flight inside the device (SATA NCQ allows 32).
  queueDepth: 8,
};

const NETWORK_GP3: StorageProfile = {
  name: "network-gp3",
  description: "Network block storage: AWS EBS gp3 volume at its provisioned maximum",
  // AWS Prescriptive Guidance, "Appendix: Amazon EBS SSD storage types":
  // gp3 maximum throughput per volume 1,000 MiB/s (baseline 125 MiB/s),
  // maximum 16,000 IOPS (baseline 3,000).
  readBytesPerSecond: 1000 * MIB,
  writeBytesPerSecond: 1000 * MIB,
  // Estimate: AWS documents General Purpose SSD volumes as delivering
  // "single-digit millisecond latencies" and gives no finer number; 1 ms,
  // the low end, for every I/O (a network round trip dominates, so
  // sequential and random are taken equal).
  randomReadLatencyUs: 1000,
  sequentialReadLatencyUs: 1000,
  randomWriteLatencyUs: 1000,
  sequentialWriteLatencyUs: 1000,
  // Derived: 16,000 IOPS × 1 ms (Little's law) = 16 I/Os in flight. EBS
  // counts IOPS in 16 KiB units (same appendix); this model does not.
  queueDepth: 16,
};

/**
 * The named storage profiles, keyed by name. Frozen: copy one to change it.
 */
export const STORAGE_PROFILES: Readonly<Record<string, StorageProfile>> = Object.freeze({
  "nvme-ssd": Object.freeze(NVME_SSD),
  "sata-ssd": Object.freeze(SATA_SSD),
  "network-gp3": Object.freeze(NETWORK_GP3),
});

/** Names of the storage profiles, fastest first (the order of {@linkcode STORAGE_PROFILES}). */
export const STORAGE_PROFILE_NAMES: readonly string[] = Object.freeze(
  Object.keys(STORAGE_PROFILES),
);

/** The fields of a {@linkcode StorageProfile}: what one given as data must hold. */
export const STORAGE_PROFILE_FIELDS: FieldsOf<StorageProfile> & ConfigFields = {
  name: { kind: "string", required: true, description: "profile name" },
  description: {
    kind: "string",
    required: true,
    description: "one line saying which device this models",
  },
  readBytesPerSecond: {
    kind: "number",
    above: 0,
    required: true,
    unit: "bytes/s",
    description: "sustained sequential read bandwidth",
  },
  writeBytesPerSecond: {
    kind: "number",
    above: 0,
    required: true,
    unit: "bytes/s",
    description: "sustained sequential write bandwidth",
  },
  randomReadLatencyUs: {
    kind: "number",
    above: 0,
    required: true,
    unit: "µs",
    description: "latency of a read whose offset does not follow the previous I/O",
  },
  sequentialReadLatencyUs: {
    kind: "number",
    above: 0,
    required: true,
    unit: "µs",
    description: "latency of a read that continues where the previous I/O ended",
  },
  randomWriteLatencyUs: {
    kind: "number",
    above: 0,
    required: true,
    unit: "µs",
    description: "latency of a write whose offset does not follow the previous I/O",
  },
  sequentialWriteLatencyUs: {
    kind: "number",
    above: 0,
    required: true,
    unit: "µs",
    description: "latency of a write that continues where the previous I/O ended",
  },
  queueDepth: {
    kind: "integer",
    min: 1,
    required: true,
    unit: "I/Os",
    description: "I/Os the device works on at once (its effective internal parallelism)",
  },
};

/**
 * Looks up a storage profile by name.
 *
 * @throws {ConfigError} for an unknown name (one line listing the known ones).
 *
 * @example
 * ```ts
 * import { getStorageProfile } from "./storage_profile.ts";
 * if (getStorageProfile("sata-ssd").queueDepth !== 8) throw new Error();
 * ```
 */
export function getStorageProfile(name: string): StorageProfile {
  if (!Object.hasOwn(STORAGE_PROFILES, name)) {
    throw new ConfigError(
      `storage profile ${JSON.stringify(name)}`,
      undefined,
      `no such profile; known profiles: ${STORAGE_PROFILE_NAMES.join(", ")}`,
    );
  }
  return STORAGE_PROFILES[name];
}

/**
 * Checks a storage profile given as data (for example parsed from JSON)
 * against {@linkcode STORAGE_PROFILE_FIELDS}: every field present, numbers
 * positive and finite, `queueDepth` a positive integer, no other field.
 *
 * @throws {ConfigError} naming the first bad field.
 *
 * @example
 * ```ts
 * import { STORAGE_PROFILES, validateStorageProfile } from "./storage_profile.ts";
 * import assert from "node:assert/strict";
 * validateStorageProfile(STORAGE_PROFILES["nvme-ssd"]);
 * assert.throws(() => validateStorageProfile({ ...STORAGE_PROFILES["nvme-ssd"], queueDepth: 1.5 }), {
 *   message: 'Cannot use storage profile: field "queueDepth": expected a positive integer, got 1.5',
 * });
 * ```
 */
export function validateStorageProfile(p: StorageProfile): void {
  validateConfig(STORAGE_PROFILE_FIELDS, p, { component: "storage profile" });
}
