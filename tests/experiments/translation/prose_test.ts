import assert from "node:assert/strict";
import { StridedGenerator } from "../../../core/workload/strided.ts";
import { createAccessChunk } from "../../../core/base/access_chunk.ts";
import {
  FOOTPRINT_START_MIB,
  gigaPagesSpanned,
  reading,
} from "../../../experiments/translation/_prose.ts";

Deno.test("gigaPagesSpanned() counts the 1G pages a footprint starting at 256 MiB spans", () => {
  assert.equal(FOOTPRINT_START_MIB, 256);
  const cases: [number, number][] = [
    [64, 1],
    [768, 1], // ends exactly at 1 GiB
    [769, 2],
    [1024, 2],
    [4096, 5],
    [16384, 17],
  ];
  for (const [mib, pages] of cases) assert.equal(gigaPagesSpanned(mib), pages, `${mib} MiB`);
});

Deno.test("the translation reading states how much strided touches, as the generator does", () => {
  // The generator itself: one new page per access until the footprint ends.
  const accesses = 24_576 + 24_576;
  const gen = new StridedGenerator({ accesses, footprintBytes: 4096 * 2 ** 20, seed: 1 });
  const chunk = createAccessChunk(4096);
  const pages = new Set<number>();
  for (let n = gen.fill(chunk); n > 0; n = gen.fill(chunk)) {
    for (let i = 0; i < n; i++) pages.add(chunk.vpn[i]);
  }
  assert.equal(pages.size * 4096 / 2 ** 20, 192);
  const row = (footprint: number, workload: string) => ({
    translation_caches: "on",
    populate: "on",
    levels: 4,
    mode: "native",
    guest_page: "1g",
    host_page: "none",
    workload,
    footprint_mib: footprint,
    accesses: 24_576,
    warmup_accesses: 24_576,
    translation_cycles_per_access: 1,
    l1_tlb_misses_per_kilo_access: 133,
    profile: "intel-skylake-sp",
  });
  const text = reading([row(4096, "strided"), row(16384, "strided"), row(4096, "random")]);
  assert.match(text, /a run touches one page per access, warm-up included: 192 MiB \(49,152/);
  assert.match(text, /the measured ones the last 96 MiB/);
  assert.match(text, /Its points at 4 GiB and 16 GiB run the same accesses/);
  assert.match(text, /spans five 1G pages, not four/);
  assert.match(text, /the profile's L1 TLB holds four 1G translations/);
});
