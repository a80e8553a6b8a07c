import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { TraceError } from "../../../core/workload/trace_error.ts";
import { VmtraceEncoder } from "../../../core/workload/vmtrace.ts";
import { readTrace, type ReadTraceOptions } from "../../../experiments/cli/trace_file.ts";
import { champSimBytes, type ChampSimRecord } from "../fixtures/champsim_records.ts";
import { withTempFile } from "../fixtures/temp_file.ts";

/** One access as [vpn, offset, size, kind, space]. */
type Access = [number, number, number, number, number];

async function readAll(
  path: string,
  options: ReadTraceOptions = {},
): Promise<{ format: string; accesses: Access[] }> {
  const accesses: Access[] = [];
  const gen = readTrace(path, options);
  for (;;) {
    const step = await gen.next();
    if (step.done) {
      assert.equal(step.value.counts.accesses, accesses.length);
      return { format: step.value.format, accesses };
    }
    const c = step.value;
    assert.ok(c.length > 0, "an empty chunk was yielded");
    for (let i = 0; i < c.length; i++) {
      accesses.push([c.vpn[i], c.offset[i], c.size[i], c.kind[i], c.space[i]]);
    }
  }
}

async function errorOf(path: string, options: ReadTraceOptions = {}): Promise<string> {
  try {
    await readAll(path, options);
  } catch (e) {
    if (e instanceof TraceError) {
      assert.ok(!e.message.includes("\n"), e.message);
      return e.message;
    }
    throw e;
  }
  throw new Error("no error");
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function xz(bytes: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command("xz", { args: ["-zc"], stdin: "piped", stdout: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  return (await child.output()).stdout;
}

/** The accesses ChampSim records give: loads, then stores, 1 byte each. */
function expectedChampSim(records: readonly ChampSimRecord[]): Access[] {
  const out: Access[] = [];
  const put = (a: bigint | 0, kind: number) => {
    if (a !== 0 && a !== 0n) out.push([Number(a / 4096n), Number(a % 4096n), 1, kind, 0]);
  };
  for (const r of records) {
    for (const a of r.sourceMemory) put(a, AccessKind.LOAD);
    for (const a of r.destinationMemory) put(a, AccessKind.STORE);
  }
  return out;
}

function sampleRecords(n: number): ChampSimRecord[] {
  const records: ChampSimRecord[] = [];
  for (let i = 0; i < n; i++) {
    records.push({
      ip: 0x400000n + BigInt(4 * i),
      isBranch: i % 5 === 0,
      sourceMemory: i % 3 === 0 ? [0x7ffe0000n + BigInt(8 * i)] : [],
      destinationMemory: i % 4 === 0 ? [0, 0x601000n + BigInt(64 * i)] : [],
    });
  }
  return records;
}

function vmtraceBytes(accesses: readonly Access[], perChunk = 100): Uint8Array {
  const encoder = new VmtraceEncoder({ target: "t", accessesPerChunk: perChunk });
  const chunk = createAccessChunk(Math.max(1, accesses.length));
  accesses.forEach(([vpn, offset, size, kind, space], i) => {
    chunk.vpn[i] = vpn;
    chunk.offset[i] = offset;
    chunk.size[i] = size;
    chunk.kind[i] = kind;
    chunk.space[i] = space;
  });
  chunk.length = accesses.length;
  const blocks = [encoder.header(), ...encoder.add(chunk), encoder.finish()];
  return Uint8Array.from(blocks.flatMap((b) => [...b]));
}

Deno.test("readTrace() reads a ChampSim trace plain, gzipped and xz-compressed, by its name", async () => {
  const records = sampleRecords(3000);
  const bytes = champSimBytes(records);
  const expected = { format: "champsim", accesses: expectedChampSim(records) };
  await withTempFile(".champsim", bytes, async (path) => {
    assert.deepEqual(await readAll(path, { readBufferBytes: 100, chunkCapacity: 9 }), expected);
  });
  await withTempFile(".champsimtrace.gz", await gzip(bytes), async (path) => {
    assert.deepEqual(await readAll(path), expected);
  });
  await withTempFile(".champsimtrace.xz", await xz(bytes), async (path) => {
    assert.deepEqual(await readAll(path, { chunkCapacity: 64 }), expected);
  });
  // No telling name: --trace-format says it.
  await withTempFile(".bin", bytes, async (path) => {
    assert.deepEqual(await readAll(path, { format: "champsim" }), expected);
  });
});

Deno.test("readTrace() reads a vmtrace by its magic, whatever its name, and gzipped", async () => {
  const accesses: Access[] = [];
  for (let i = 0; i < 5000; i++) {
    accesses.push([0x7ff000 + (i % 37), (i * 24) % 4096, 1 + (i % 16), i % 4, i % 3]);
  }
  const bytes = vmtraceBytes(accesses);
  for (const suffix of [".vmtrace", ".trace", ".lackey"]) {
    await withTempFile(suffix, bytes, async (path) => {
      assert.deepEqual(await readAll(path, { readBufferBytes: 3 }), {
        format: "vmtrace",
        accesses,
      });
    });
  }
  await withTempFile(".vmtrace.gz", await gzip(bytes), async (path) => {
    assert.deepEqual(await readAll(path), { format: "vmtrace", accesses });
  });
});

Deno.test("readTrace() keeps lackey the default for an unknown name", async () => {
  await withTempFile(".out", " L 7ff000398,8\n", async (path) => {
    assert.deepEqual(await readAll(path), {
      format: "lackey",
      accesses: [[0x7ff000, 0x398, 8, AccessKind.LOAD, 0]],
    });
  });
});

Deno.test("readTrace() names the file and byte offset of a truncated or corrupt binary trace", async () => {
  const bytes = champSimBytes(sampleRecords(10));
  await withTempFile(".champsim", bytes.subarray(0, 64 * 7 + 5), async (path) => {
    assert.equal(
      await errorOf(path),
      `Cannot parse trace "${path}": byte 448: truncated record (5 of 64 bytes)`,
    );
  });
  await withTempFile(".champsim.xz", await xz(bytes.subarray(0, 64 * 3 + 1)), async (path) => {
    assert.equal(
      await errorOf(path),
      `Cannot parse trace "${path}": byte 192: truncated record (1 of 64 bytes)`,
    );
  });
  const trace = vmtraceBytes([[1, 2, 3, 0, 0], [5, 6, 7, 1, 0]]);
  await withTempFile(".vmtrace", trace.subarray(0, trace.length - 3), async (path) => {
    assert.match(
      await errorOf(path),
      new RegExp(
        `^Cannot parse trace "${path}": byte ${
          trace.length - 3
        }: truncated \\(the file ends inside the trailer`,
      ),
    );
  });
  await withTempFile(".vmtrace", " L 10,8\n", async (path) => {
    assert.equal(
      await errorOf(path),
      `Cannot parse trace "${path}": byte 0: not a vmtrace file (its first bytes are not the magic)`,
    );
  });
});

Deno.test("readTrace() reports bad .xz data and --instructions with a vmtrace in one line", async () => {
  await withTempFile(".champsim.xz", "not xz at all", async (path) => {
    assert.match(await errorOf(path), new RegExp(`^Cannot read trace "${path}": xz failed: `));
  });
  await withTempFile(".vmtrace", vmtraceBytes([[1, 2, 3, 0, 0]]), async (path) => {
    assert.match(
      await errorOf(path, { instructions: true }),
      /^Cannot read trace ".*": a vmtrace holds instruction fetches when it was converted with them/,
    );
  });
});

Deno.test("readTrace() stops xz when the reader breaks off", async () => {
  const bytes = champSimBytes(sampleRecords(20000));
  await withTempFile(".champsim.xz", await xz(bytes), async (path) => {
    for await (const _ of readTrace(path, { chunkCapacity: 16 })) break;
  });
  // The test's resource sanitizer fails the test if the child process were left running.
});

Deno.test("readTrace(): random ChampSim records written to a file read back as written", async () => {
  const address = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }));
  const record: fc.Arbitrary<ChampSimRecord> = fc.record({
    ip: address,
    isBranch: fc.boolean(),
    sourceMemory: fc.array(address, { maxLength: 4 }),
    destinationMemory: fc.array(address, { maxLength: 2 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(record, { maxLength: 200 }),
      fc.integer({ min: 1, max: 300 }),
      async (records, buffer) => {
        await withTempFile(".champsim", champSimBytes(records), async (path) => {
          const got = await readAll(path, { readBufferBytes: buffer, chunkCapacity: 7 });
          assert.deepEqual(got.accesses, expectedChampSim(records));
        });
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("readTrace(): random accesses written as a vmtrace file (plain or gzipped) read back as written", async () => {
  const access: fc.Arbitrary<Access> = fc.tuple(
    fc.integer({ min: 0, max: 2 ** 52 - 1 }),
    fc.integer({ min: 0, max: 4095 }),
    fc.integer({ min: 1, max: 255 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 65535 }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(access, { maxLength: 300 }),
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 500 }),
      fc.boolean(),
      async (accesses, perChunk, buffer, gzipped) => {
        const bytes = vmtraceBytes(accesses, perChunk);
        await withTempFile(
          gzipped ? ".vmtrace.gz" : ".vmtrace",
          gzipped ? await gzip(bytes) : bytes,
          async (path) => {
            const got = await readAll(path, { readBufferBytes: buffer, chunkCapacity: 13 });
            assert.deepEqual(got, { format: "vmtrace", accesses });
          },
        );
      },
    ),
    { numRuns: 40 },
  );
});
