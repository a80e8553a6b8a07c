import assert from "node:assert/strict";
import fc from "fast-check";
import { StorageDevice } from "../../../core/transfer/storage_device.ts";
import {
  getStorageProfile,
  STORAGE_PROFILE_NAMES,
  STORAGE_PROFILES,
  type StorageProfile,
  validateStorageProfile,
} from "../../../core/transfer/storage_profile.ts";

/** At 1 GHz: 4096 B take 1,000 cycles; latencies 10,000 cycles sequential, 20,000 random. */
const ROUND: StorageProfile = {
  name: "round",
  description: "round numbers for hand-checked tests",
  readBytesPerSecond: 4.096e9,
  writeBytesPerSecond: 2.048e9,
  randomReadLatencyUs: 20,
  sequentialReadLatencyUs: 10,
  randomWriteLatencyUs: 20,
  sequentialWriteLatencyUs: 10,
  queueDepth: 2,
};

Deno.test("StorageDevice charges transfer then latency for one I/O", () => {
  const dev = new StorageDevice(ROUND, 1);
  assert.equal(dev.submit(0, 4096, 1, 0, false), 1000 + 10000, "offset 0 follows the empty start");
  const w = new StorageDevice(ROUND, 1);
  assert.equal(w.submit(0, 4096, 1, 8192, true), 2000 + 20000, "writes at half the read bandwidth");
});

Deno.test("StorageDevice overlaps latencies but not transfers", () => {
  const dev = new StorageDevice(ROUND, 1);
  const a = dev.submit(0, 8192, 1, 0, false); // transfer 0–2000, done 12,000
  const b = dev.submit(0, 8192, 1, 8192, false); // transfer 2000–4000, done 14,000
  assert.deepEqual([a, b], [12000, 14000]);
  assert.equal(dev.readyAt(), 12000, "both slots busy until the first completes");
});

Deno.test("StorageDevice holds a third I/O until one of its queueDepth slots frees", () => {
  const dev = new StorageDevice(ROUND, 1);
  dev.submit(0, 4096, 1, 0, false); // done 11,000
  dev.submit(0, 4096, 1, 4096, false); // done 12,000
  // Waits for slot 1 (11,000), then transfers 1,000 cycles; not sequential: 20,000.
  assert.equal(dev.submit(0, 4096, 1, 65536, false), 11000 + 1000 + 20000);
  assert.equal(dev.ios, 3);
  assert.equal(dev.bytes, 3 * 4096);
});

Deno.test("StorageDevice gives a sequential I/O the sequential latency only when it follows the last one", () => {
  const dev = new StorageDevice(ROUND, 1);
  const t0 = dev.submit(0, 4096, 1, 4096, true); // random
  const t1 = dev.submit(t0, 4096, 1, 8192, true); // follows: sequential
  const t2 = dev.submit(t1, 4096, 1, 0, true); // jumps back: random
  assert.deepEqual([t0, t1 - t0, t2 - t1], [2000 + 20000, 2000 + 10000, 2000 + 20000]);
});

/**
 * Slow reference of the storage model, straight from its description: an
 * I/O starts once fewer than `queueDepth` earlier I/Os are unfinished, its
 * transfer follows the previous transfer, and it completes one latency later.
 */
function referenceCompletions(
  profile: StorageProfile,
  ios: { at: number; bytes: number; offset: number; write: boolean }[],
): number[] {
  const done: number[] = [];
  let pipe = 0;
  let end = 0;
  for (const io of ios) {
    const later = [...done].sort((a, b) => b - a);
    const slotFree = later.length < profile.queueDepth ? 0 : later[profile.queueDepth - 1];
    const start = Math.max(io.at, slotFree);
    const bw = io.write ? profile.writeBytesPerSecond : profile.readBytesPerSecond;
    const xferEnd = Math.max(start, pipe) + Math.ceil(io.bytes * 1e9 / bw);
    pipe = xferEnd;
    const sequential = io.offset === end;
    const us = io.write
      ? (sequential ? profile.sequentialWriteLatencyUs : profile.randomWriteLatencyUs)
      : (sequential ? profile.sequentialReadLatencyUs : profile.randomReadLatencyUs);
    done.push(xferEnd + us * 1000);
    end = io.offset + io.bytes;
  }
  return done;
}

Deno.test("StorageDevice agrees with a slow reference of the storage model", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          gap: fc.integer({ min: 0, max: 30000 }),
          pages: fc.integer({ min: 1, max: 64 }),
          offsetPages: fc.integer({ min: 0, max: 100 }),
          write: fc.boolean(),
        }),
        { minLength: 1, maxLength: 40 },
      ),
      fc.integer({ min: 1, max: 8 }),
      (steps, depth) => {
        const profile = { ...ROUND, queueDepth: depth };
        const dev = new StorageDevice(profile, 1);
        let at = 0;
        const ios = steps.map((s) => {
          at += s.gap;
          return { at, bytes: s.pages * 4096, offset: s.offsetPages * 4096, write: s.write };
        });
        const fast = ios.map((io) => dev.submit(io.at, io.bytes, 1, io.offset, io.write));
        assert.deepEqual(fast, referenceCompletions(profile, ios));
        assert.equal(dev.ios, ios.length);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("storage profiles are valid, named and listed fastest first", () => {
  assert.deepEqual([...STORAGE_PROFILE_NAMES], Object.keys(STORAGE_PROFILES));
  for (const name of STORAGE_PROFILE_NAMES) {
    const p = getStorageProfile(name);
    validateStorageProfile(p);
    assert.equal(p.name, name);
  }
  const read = STORAGE_PROFILE_NAMES.map((n) => STORAGE_PROFILES[n].randomReadLatencyUs);
  assert.ok(read[0] <= read[2] && read[1] <= read[2]);
});

Deno.test("storage profile errors name the field in one line", () => {
  assert.throws(
    () => getStorageProfile("floppy"),
    {
      name: "ConfigError",
      message:
        'Cannot use storage profile "floppy": no such profile; known profiles: nvme-ssd, sata-ssd, network-gp3',
    },
  );
  assert.throws(() => validateStorageProfile({ ...ROUND, writeBytesPerSecond: -1 }), {
    message:
      'Cannot use storage profile: field "writeBytesPerSecond": expected a positive number, got -1',
  });
  assert.throws(
    () => validateStorageProfile({ ...ROUND, queueDepth: 1.5 }),
    /field "queueDepth": expected a positive integer, got 1\.5$/,
  );
  assert.throws(
    () => validateStorageProfile({ ...ROUND, iops: 1 } as never),
    /field "iops": unknown field; known fields: name, description, readBytesPerSecond/,
  );
});
