import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { TraceError } from "../../../core/workload/trace_error.ts";
import {
  readVmtraceTrailer,
  VMTRACE_MAGIC,
  VmtraceDecoder,
  VmtraceEncoder,
} from "../../../core/workload/vmtrace.ts";

/** One access as [vpn, offset, size, kind, space]. */
type Access = [number, number, number, number, number];

/** What a decode gives: the accesses, or the byte offset of the first problem. */
type Outcome = { accesses: Access[] } | { errorAt: number };

/** Encodes `accesses` fed in pieces of `piece`, chunks of `perChunk`; the file's bytes. */
function encode(accesses: readonly Access[], perChunk: number, piece = 37): Uint8Array {
  const encoder = new VmtraceEncoder({ target: "t.vmtrace", accessesPerChunk: perChunk });
  const blocks = [encoder.header()];
  const chunk = createAccessChunk(piece);
  for (let at = 0; at < accesses.length; at += piece) {
    const part = accesses.slice(at, at + piece);
    part.forEach(([vpn, offset, size, kind, space], i) => {
      chunk.vpn[i] = vpn;
      chunk.offset[i] = offset;
      chunk.size[i] = size;
      chunk.kind[i] = kind;
      chunk.space[i] = space;
    });
    chunk.length = part.length;
    blocks.push(...encoder.add(chunk));
  }
  blocks.push(encoder.finish());
  const bytes = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    bytes.set(b, at);
    at += b.length;
  }
  return bytes;
}

/**
 * The slow, obviously correct decoder: the whole file at once, front to
 * back, varints read into BigInts, each check written out where the
 * format's description puts it. A byte past the file reads as 0.
 */
function referenceDecode(bytes: Uint8Array): Outcome {
  const at = (i: number): number => (i < bytes.length ? bytes[i] : 0);
  const u32 = (i: number) => at(i) + at(i + 1) * 2 ** 8 + at(i + 2) * 2 ** 16 + at(i + 3) * 2 ** 24;
  const u64 = (i: number) => u32(i) + u32(i + 4) * 2 ** 32;
  class Fail {
    constructor(readonly at: number) {}
  }
  const need = (from: number, n: number) => {
    if (from + n > bytes.length) throw new Fail(bytes.length);
  };
  try {
    for (let i = 0; i < Math.min(8, bytes.length); i++) {
      if (bytes[i] !== VMTRACE_MAGIC[i]) throw new Fail(0);
    }
    need(0, 16);
    if (at(8) + 256 * at(9) !== 1) throw new Fail(8);
    if (at(10) !== 12) throw new Fail(10);
    for (let i = 11; i < 16; i++) if (at(i) !== 0) throw new Fail(i);
    const accesses: Access[] = [];
    const chunks: [number, number][] = [];
    let p = 16;
    for (;;) {
      need(p, 8);
      const count = u32(p);
      const length = u32(p + 4);
      if (count === 0) {
        if (length !== chunks.length) throw new Fail(p + 4);
        const end = p;
        p += 8;
        need(p, 12 * length);
        for (let c = 0; c < length; c++) {
          const e = p + 12 * c;
          if (u64(e) !== chunks[c][0] || u32(e + 8) !== chunks[c][1]) throw new Fail(e);
        }
        p += 12 * length;
        need(p, 32);
        if (new TextDecoder().decode(bytes.subarray(p + 24, p + 32)) !== "VMTRIDX\n") {
          throw new Fail(p + 24);
        }
        if (u64(p) !== end || u64(p + 8) !== accesses.length) throw new Fail(p);
        const spaces = accesses.length === 0 ? 0 : 1 + Math.max(...accesses.map((a) => a[4]));
        if (u32(p + 16) !== spaces) throw new Fail(p + 16);
        if (u32(p + 20) !== 0) throw new Fail(p + 20);
        p += 32;
        if (p !== bytes.length) throw new Fail(p);
        return { accesses };
      }
      if (count > 65536) throw new Fail(p);
      if (length < 2 * count || length > 16 * count) throw new Fail(p + 4);
      chunks.push([p, count]);
      p += 8;
      need(p, length);
      const end = p + length;
      let vpn = 0n, offset = 0n, size = 1n, space = 0n;
      for (let i = 0; i < count; i++) {
        const start = p;
        // A varint of at most `max` bytes, or null if it goes on longer.
        const varint = (max: number): bigint | null => {
          let value = 0n;
          for (let k = 0; k < max; k++) {
            const b = at(p++);
            value |= BigInt(b & 127) << BigInt(7 * k);
            if (b < 128) return value;
          }
          return null;
        };
        const zigzag = (x: bigint) => (x & 1n) === 1n ? -(x + 1n) / 2n : x / 2n;
        const tag = at(p++);
        if (tag >= 32) throw new Fail(start);
        if (tag & 4) {
          const s = varint(2);
          if (s === null || s < 1n || s > 255n) throw new Fail(start);
          size = s;
        }
        if (tag & 8) {
          const s = varint(3);
          if (s === null || s > 65535n) throw new Fail(start);
          space = s;
        }
        if (tag & 16) {
          const d = varint(8);
          if (d === null || d === 0n) throw new Fail(start);
          vpn += zigzag(d);
          if (vpn < 0n || vpn >= 2n ** 52n) throw new Fail(start);
        }
        const d = varint(2);
        if (d === null) throw new Fail(start);
        offset += zigzag(d);
        if (offset < 0n || offset > 4095n || p > end) throw new Fail(start);
        accesses.push([Number(vpn), Number(offset), Number(size), tag & 3, Number(space)]);
      }
      if (p !== end) throw new Fail(p);
    }
  } catch (e) {
    if (e instanceof Fail) return { errorAt: e.at };
    throw e;
  }
}

/** The fast decoder over `bytes` cut at `cuts`, through chunks of `capacity`. */
function fastDecode(bytes: Uint8Array, cuts: number[], capacity: number): Outcome {
  const decoder = new VmtraceDecoder({ source: "t.vmtrace" });
  const chunk = createAccessChunk(capacity);
  const accesses: Access[] = [];
  const drain = (): void => {
    for (;;) {
      const full = decoder.parse(chunk);
      if (full) assert.equal(chunk.length, capacity, "parse() said full with room left");
      for (let i = 0; i < chunk.length; i++) {
        accesses.push([
          chunk.vpn[i],
          chunk.offset[i],
          chunk.size[i],
          chunk.kind[i],
          chunk.space[i],
        ]);
      }
      chunk.length = 0;
      if (!full) return;
    }
  };
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)];
  points.push(bytes.length);
  try {
    for (let i = 0; i + 1 < points.length; i++) {
      decoder.feed(bytes.subarray(points[i], points[i + 1]));
      drain();
    }
    decoder.end();
    drain();
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    const m = /^Cannot parse trace "t\.vmtrace": byte (\d+): [^\n]+$/.exec(e.message);
    assert.ok(m !== null, e.message);
    return { errorAt: Number(m[1]) };
  }
  assert.equal(decoder.counts.accesses, accesses.length);
  return { accesses };
}

const SAMPLE: Access[] = [
  [0x7ff000, 0x398, 8, AccessKind.LOAD, 0],
  [0x7ff000, 0x3a0, 8, AccessKind.STORE, 0],
  [0x4016, 0xb00, 4, AccessKind.MODIFY, 0],
  [0xfffffffffffff, 0xfff, 255, AccessKind.IFETCH, 3],
  [0, 0, 1, AccessKind.LOAD, 65535],
  [0x4016, 0, 1, AccessKind.LOAD, 65535],
];

Deno.test("VmtraceEncoder and VmtraceDecoder round-trip every field, across chunks", () => {
  for (const perChunk of [1, 2, 4, 65536]) {
    const bytes = encode(SAMPLE, perChunk, 5);
    assert.deepEqual(fastDecode(bytes, [], 4), { accesses: SAMPLE });
    assert.deepEqual(referenceDecode(bytes), { accesses: SAMPLE });
  }
});

Deno.test("a vmtrace takes 2 to 4 bytes for typical accesses", () => {
  const accesses: Access[] = [];
  for (let i = 0; i < 1000; i++) accesses.push([0x7ff000 + (i >> 6), (i * 8) % 4096, 8, 0, 0]);
  const bytes = encode(accesses, 65536);
  assert.ok(bytes.length < 3 * 1000, `${bytes.length} bytes`);
  assert.deepEqual(readVmtraceTrailer(bytes), {
    endOffset: bytes.length - 32 - 12 - 8,
    accesses: 1000,
    spaces: 1,
  });
});

Deno.test("VmtraceDecoder gives the same result for the sample cut at every byte", () => {
  const bytes = encode(SAMPLE, 4);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(fastDecode(bytes, [cut], 3), { accesses: SAMPLE }, `cut at byte ${cut}`);
  }
});

Deno.test("VmtraceDecoder names the byte offset of a truncated file", () => {
  const bytes = encode(SAMPLE, 4);
  for (let length = 0; length < bytes.length; length++) {
    assert.deepEqual(fastDecode(bytes.subarray(0, length), [length >> 1], 5), { errorAt: length });
  }
  const decoder = new VmtraceDecoder({ source: "t" });
  decoder.feed(bytes.subarray(0, 30));
  decoder.parse(createAccessChunk());
  assert.throws(() => decoder.end(), {
    message:
      'Cannot parse trace "t": byte 30: truncated (the file ends inside the chunk that starts at byte 16)',
  });
});

Deno.test("VmtraceDecoder rejects a lackey text, a wrong version and bytes after the trailer", () => {
  const error = (bytes: Uint8Array) => {
    try {
      fastDecode(bytes, [], 16);
      const decoder = new VmtraceDecoder({ source: "x" });
      decoder.feed(bytes);
      decoder.parse(createAccessChunk());
      decoder.end();
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  assert.equal(
    error(new TextEncoder().encode(" L 7ff000398,8\n S 04016b00,8\n")),
    'Cannot parse trace "x": byte 0: not a vmtrace file (its first bytes are not the magic)',
  );
  const bytes = encode(SAMPLE, 4);
  const v2 = bytes.slice();
  v2[8] = 2;
  assert.equal(
    error(v2),
    'Cannot parse trace "x": byte 8: format version 2; this vmlab reads version 1',
  );
  assert.equal(
    error(Uint8Array.from([...bytes, 0])),
    `Cannot parse trace "x": byte ${bytes.length}: unexpected bytes after the trailer`,
  );
});

const access: fc.Arbitrary<Access> = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 2 ** 52 - 1 }), fc.integer({ min: 0x7ff000, max: 0x7ff010 })),
  fc.integer({ min: 0, max: 4095 }),
  fc.oneof(fc.constant(8), fc.integer({ min: 1, max: 255 })),
  fc.integer({ min: 0, max: 3 }),
  fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
);

Deno.test("vmtrace: random accesses round-trip, and the decoder agrees with the reference", () => {
  fc.assert(
    fc.property(
      fc.array(access, { maxLength: 120 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.nat(2000), { maxLength: 5 }),
      fc.integer({ min: 1, max: 40 }),
      (accesses, perChunk, cuts, capacity) => {
        const bytes = encode(accesses, perChunk);
        assert.deepEqual(referenceDecode(bytes), { accesses });
        assert.deepEqual(fastDecode(bytes, cuts, capacity), { accesses });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("vmtrace: a corrupt file gives a TraceError at the byte the reference finds", () => {
  fc.assert(
    fc.property(
      fc.array(access, { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.array(fc.nat(2000), { maxLength: 3 }),
      (accesses, perChunk, flips, cut, cuts) => {
        const bytes = encode(accesses, perChunk);
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const damaged = cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
        assert.deepEqual(fastDecode(damaged, cuts, 8), referenceDecode(damaged));
      },
    ),
    { numRuns: 400 },
  );
});

/** `value` as a LEB128 varint, with `extra` needless continuation bytes (an overlong encoding). */
function varintBytes(value: bigint, extra: number): number[] {
  const out: number[] = [];
  do {
    out.push(Number(value & 127n) | 128);
    value >>= 7n;
  } while (value > 0n);
  for (let i = 0; i < extra; i++) out.push(128);
  out.push(0);
  // The last byte is a bare 0 only with extra bytes: drop it otherwise, ending the varint.
  if (extra === 0) {
    out.pop();
    out[out.length - 1] &= 127;
  }
  return out;
}

/** Field values at and around every bound the decoder checks. */
const edge = (values: bigint[]) =>
  fc.tuple(fc.constantFrom(...values), fc.constantFrom(0, 0, 0, 1, 3));
const rawAccess = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 31 }), fc.nat(255)),
  edge([0n, 1n, 8n, 255n, 256n, 16383n]),
  edge([0n, 1n, 65535n, 65536n, 2n ** 21n - 1n]),
  edge([0n, 1n, 2n, 3n, 2n ** 28n, 2n ** 52n - 2n, 2n ** 52n, 2n ** 53n, 2n ** 56n - 1n]),
  edge([0n, 1n, 2n, 16n, 8189n, 8190n, 8191n, 2n ** 14n - 1n, 2n ** 14n]),
);

Deno.test("vmtrace: accesses with every field at its bounds decode as the reference says", () => {
  fc.assert(
    fc.property(
      fc.array(rawAccess, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: -1, max: 1 }),
      fc.array(fc.nat(200), { maxLength: 3 }),
      (raw, countSkew, cuts) => {
        const payload: number[] = [];
        for (const [tag, size, space, page, offset] of raw) {
          payload.push(tag);
          if (tag & 4) payload.push(...varintBytes(size[0], size[1]));
          if (tag & 8) payload.push(...varintBytes(space[0], space[1]));
          if (tag & 16) payload.push(...varintBytes(page[0], page[1]));
          payload.push(...varintBytes(offset[0], offset[1]));
        }
        const count = Math.max(1, raw.length + countSkew);
        const encoder = new VmtraceEncoder({ target: "t" });
        const head = new Uint8Array(8);
        new DataView(head.buffer).setUint32(0, count, true);
        new DataView(head.buffer).setUint32(4, payload.length, true);
        // The end, index and trailer of a file whose one chunk holds `count` accesses.
        const tail = new Uint8Array(8 + 12 + 32);
        const view = new DataView(tail.buffer);
        view.setUint32(4, 1, true);
        view.setUint32(8, 16, true);
        view.setUint32(16, count, true);
        view.setUint32(20, 16 + 8 + payload.length, true);
        view.setUint32(28, count, true);
        // The spaces the accesses name, if they decode (else the trailer is never reached).
        const spaces = raw.filter(([tag]) => tag & 8).map(([, , space]) => Number(space[0]));
        view.setUint32(36, 1 + Math.max(0, ...spaces.filter((x) => x <= 65535)), true);
        tail.set(new TextEncoder().encode("VMTRIDX\n"), 44);
        const bytes = Uint8Array.from([...encoder.header(), ...head, ...payload, ...tail]);
        assert.deepEqual(fastDecode(bytes, cuts, 3), referenceDecode(bytes));
      },
    ),
    { numRuns: 1000 },
  );
});
