import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { type ChampSimCounts, ChampSimDecoder } from "../../../core/workload/champsim.ts";
import { TraceError } from "../../../core/workload/trace_error.ts";
import { champSimBytes, type ChampSimRecord } from "../../experiments/fixtures/champsim_records.ts";

/** One access as [vpn, offset, size, kind]. */
type Access = [number, number, number, number];

/**
 * The slow, obviously correct decoder: the whole buffer at once, each slot
 * read as a BigInt, page and offset by BigInt division.
 */
function referenceDecode(
  bytes: Uint8Array,
  instructions: boolean,
): { accesses: Access[]; counts: ChampSimCounts } | { truncatedAt: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const accesses: Access[] = [];
  const counts = { records: 0, branches: 0, loads: 0, stores: 0, accesses: 0 };
  const push = (address: bigint, kind: number) => {
    if (address === 0n) return false;
    accesses.push([Number(address / 4096n), Number(address % 4096n), 1, kind]);
    return true;
  };
  let at = 0;
  for (; at + 64 <= bytes.length; at += 64) {
    counts.records++;
    if (bytes[at + 8] !== 0) counts.branches++;
    if (instructions) push(view.getBigUint64(at, true), AccessKind.IFETCH);
    for (let i = 0; i < 4; i++) {
      if (push(view.getBigUint64(at + 32 + 8 * i, true), AccessKind.LOAD)) counts.loads++;
    }
    for (let i = 0; i < 2; i++) {
      if (push(view.getBigUint64(at + 16 + 8 * i, true), AccessKind.STORE)) counts.stores++;
    }
  }
  if (at < bytes.length) return { truncatedAt: at };
  counts.accesses = accesses.length;
  return { accesses, counts };
}

/** The fast decoder over `bytes` cut at `cuts`, through chunks of `capacity`. */
function fastDecode(
  bytes: Uint8Array,
  cuts: number[],
  capacity: number,
  instructions: boolean,
): { accesses: Access[]; counts: ChampSimCounts } | { truncatedAt: number } {
  const decoder = new ChampSimDecoder({ source: "t.champsim", instructions });
  const chunk = createAccessChunk(capacity);
  const accesses: Access[] = [];
  const drain = (): void => {
    for (;;) {
      const full = decoder.parse(chunk);
      if (full) assert.ok(chunk.length > capacity - 7, "parse() said full with room left");
      for (let i = 0; i < chunk.length; i++) {
        accesses.push([chunk.vpn[i], chunk.offset[i], chunk.size[i], chunk.kind[i]]);
        assert.equal(chunk.space[i], 0);
      }
      chunk.length = 0;
      if (!full) return;
    }
  };
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)];
  points.push(bytes.length);
  for (let i = 0; i + 1 < points.length; i++) {
    decoder.feed(bytes.subarray(points[i], points[i + 1]));
    drain();
  }
  try {
    decoder.end();
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    const m =
      /^Cannot parse trace "t\.champsim": byte (\d+): truncated record \((\d+) of 64 bytes\)$/
        .exec(e.message);
    assert.ok(m !== null, e.message);
    assert.equal(Number(m[2]), bytes.length - Number(m[1]));
    return { truncatedAt: Number(m[1]) };
  }
  drain();
  return { accesses, counts: decoder.counts };
}

const SAMPLE: ChampSimRecord[] = [
  { ip: 0x401000n, sourceMemory: [0x7ffe0010n], destinationMemory: [] },
  {
    ip: 0x401004n,
    isBranch: true,
    branchTaken: true,
    sourceMemory: [],
    destinationMemory: [0x601238n],
  },
  {
    ip: 0x401008n,
    sourceMemory: [0x1000n, 0, 0xffff_ffff_ffff_ffffn, 0x2fffn],
    destinationMemory: [0, 0x7ffe0ff8n],
  },
  { ip: 0n, sourceMemory: [], destinationMemory: [] },
];

Deno.test("ChampSimDecoder gives loads before stores, 1 byte each, skipping empty slots", () => {
  const out = fastDecode(champSimBytes(SAMPLE), [], 64, false);
  assert.ok("accesses" in out);
  assert.deepEqual(out.accesses, [
    [0x7ffe0, 0x010, 1, AccessKind.LOAD],
    [0x601, 0x238, 1, AccessKind.STORE],
    [0x1, 0, 1, AccessKind.LOAD],
    [0xfffffffffffff, 0xfff, 1, AccessKind.LOAD],
    [0x2, 0xfff, 1, AccessKind.LOAD],
    [0x7ffe0, 0xff8, 1, AccessKind.STORE],
  ]);
  assert.deepEqual(out.counts, { records: 4, branches: 1, loads: 4, stores: 2, accesses: 6 });
});

Deno.test("ChampSimDecoder emits each record's fetch first when asked (none for ip 0)", () => {
  const out = fastDecode(champSimBytes(SAMPLE), [], 7, true);
  assert.ok("accesses" in out);
  assert.deepEqual(out.accesses.slice(0, 3), [
    [0x401, 0, 1, AccessKind.IFETCH],
    [0x7ffe0, 0x010, 1, AccessKind.LOAD],
    [0x401, 4, 1, AccessKind.IFETCH],
  ]);
  assert.equal(out.counts.accesses, 9);
});

Deno.test("ChampSimDecoder gives the same result for the sample cut at every byte", () => {
  const bytes = champSimBytes(SAMPLE);
  const whole = fastDecode(bytes, [], 7, true);
  assert.deepEqual(whole, referenceDecode(bytes, true));
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(fastDecode(bytes, [cut], 7, true), whole, `cut at byte ${cut}`);
  }
});

Deno.test("ChampSimDecoder names the byte offset of a truncated record", () => {
  const bytes = champSimBytes(SAMPLE).subarray(0, 64 * 2 + 10);
  assert.deepEqual(fastDecode(bytes, [70], 16, false), { truncatedAt: 128 });
  assert.throws(
    () => {
      const decoder = new ChampSimDecoder({ source: "t" });
      decoder.feed(bytes);
      decoder.parse(createAccessChunk());
      decoder.end();
    },
    {
      name: "TraceError",
      message: 'Cannot parse trace "t": byte 128: truncated record (10 of 64 bytes)',
    },
  );
});

Deno.test("ChampSimDecoder rejects chunks too small for one record", () => {
  assert.throws(() => new ChampSimDecoder({ source: "t" }).parse(createAccessChunk(6)), RangeError);
});

const address = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0x400000n, max: 0x7fffffffffffn }),
);
const record: fc.Arbitrary<ChampSimRecord> = fc.record({
  ip: address,
  isBranch: fc.boolean(),
  branchTaken: fc.boolean(),
  sourceMemory: fc.array(address, { maxLength: 4 }),
  destinationMemory: fc.array(address, { maxLength: 2 }),
});

Deno.test("ChampSimDecoder agrees with the reference on random records, cuts and chunk sizes", () => {
  fc.assert(
    fc.property(
      fc.array(record, { maxLength: 40 }),
      fc.array(fc.nat(64 * 40), { maxLength: 6 }),
      fc.integer({ min: 7, max: 40 }),
      fc.boolean(),
      fc.nat(63),
      (records, cuts, capacity, instructions, tail) => {
        const whole = champSimBytes(records);
        // Now and then a few stray bytes at the end: a truncated record.
        const bytes = tail % 4 === 0 ? whole : Uint8Array.from([...whole, ...new Uint8Array(tail)]);
        assert.deepEqual(
          fastDecode(bytes, cuts, capacity, instructions),
          referenceDecode(bytes, instructions),
        );
      },
    ),
    { numRuns: 300 },
  );
});
