// A cost profile for tests whose numbers are chosen to make hand-computed
// expectations easy, not to model any core.
import type { CostModel } from "../core/cost/cost_model.ts";
import { EXIT_REASON_NAMES } from "../core/base/exit_reason.ts";

export const TEST_PROFILE: CostModel = {
  name: "test",
  description: "round numbers for hand-checked tests",
  clockGhz: 1,
  baseCyclesPerAccess: 1,
  l1TlbHitCycles: 0,
  l2TlbHitCycles: 10,
  walkCacheHitCycles: 2,
  pteCacheHitCycles: 20,
  pteMemoryCycles: 100,
  nestedTlbHitCycles: 3,
  vmExitCycles: 1000,
  exitHandlerCycles: Object.fromEntries(EXIT_REASON_NAMES.map((n) => [n, 500])),
  guestPageFaultCycles: 2000,
  pageCopyCycles: 400,
  // The profiles' own estimates, so expectations written against them hold here too.
  ipiRoundTripCycles: 3000,
  shadowResyncPageCycles: 2048,
  shadowPrefetchEntryCycles: 20,
  shadowPropagatePageCycles: 2048,
  tlb: {
    l1_4k: { entries: 64, ways: 4 },
    l1_2m: { entries: 32, ways: 4 },
    l1_1g: { entries: 4, ways: 4 },
    l2: { entries: 1536, ways: 12 },
  },
  walkCache: { entries: 32, ways: 4 },
  nestedTlb: { entries: 16, ways: 4 },
  pteCache: { entries: 1024, ways: 8 },
  caches: {
    l1d: { entries: 64, ways: 4 },
    l2: { entries: 256, ways: 8 },
    llc: { entries: 2048, ways: 8 },
    llcLinesPerVcpu: 512,
    l1dHitCycles: 4,
    l2HitCycles: 10,
    llcHitCycles: 40,
    dramCycles: 100,
    memoryLevelParallelism: 2,
  },
};
