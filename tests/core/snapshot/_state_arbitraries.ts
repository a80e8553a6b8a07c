// Random small guests for the snapshot and restore property tests.
import fc from "fast-check";
import type { StateOptions } from "../../../core/snapshot/state_params.ts";
import { STORAGE_PROFILE_NAMES } from "../../../core/transfer/storage_profile.ts";

/** Pages per GiB: a memory of n pages is n / 262144 GiB, exact in binary. */
export const PAGES_PER_GIB = 262144;

/**
 * A small guest that touches a page every 50 to 5,000 cycles: many touches
 * per I/O, so that writes race the saver and reads race the restorer.
 */
export const stateOptionsArb: fc.Arbitrary<StateOptions> = fc.record({
  memoryGib: fc.integer({ min: 1, max: 300 }).map((p) => p / PAGES_PER_GIB),
  batchPages: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(32, 64, 1024)),
  storage: fc.constantFrom(...STORAGE_PROFILE_NAMES),
  ioDepth: fc.integer({ min: 1, max: 4 }),
  deviceStateBytes: fc.constantFrom(0, 4096, 65536),
  vcpus: fc.integer({ min: 1, max: 4 }),
  writeFraction: fc.constantFrom(0, 0.1, 0.5, 1),
  workingSetFraction: fc.constantFrom(0.05, 0.3, 1),
  accessesPerTouch: fc.integer({ min: 50, max: 5000 }),
  wsRunPages: fc.integer({ min: 1, max: 4 }),
  jobMs: fc.constantFrom(0, 0.01, 0.2),
  platform: fc.constantFrom("nested", "shadow"),
  hostPage: fc.constantFrom("4k", "2m"),
  translationSampleAccesses: fc.constant(500),
});
