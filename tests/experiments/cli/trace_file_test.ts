import assert from "node:assert/strict";
import { createAccessChunk } from "../../../core/base/access_chunk.ts";
import { type LackeyCounts, LackeyParser, TraceError } from "../../../core/workload/lackey.ts";
import {
  readLackeyTrace,
  type ReadLackeyTraceOptions,
} from "../../../experiments/cli/trace_file.ts";
import { withTempFile } from "../fixtures/temp_file.ts";

/** A trace of a few thousand lines of every kind, without a final newline. */
function sampleTrace(): string {
  const lines = ["==7== Lackey", "==7== Command: ./demo"];
  for (let i = 0; i < 3000; i++) {
    lines.push(`I  ${(0x4000000 + i * 3).toString(16).padStart(8, "0")},3`);
    if (i % 3 === 0) lines.push(` L ${(0x7ff000000 + i * 8).toString(16)},8`);
    if (i % 5 === 0) lines.push(` S ${(0x4016b00 + i * 64).toString(16)},${1 + (i % 64)}`);
    if (i % 7 === 0) lines.push(` M ${(0x421d78 + i).toString(16)},4`);
  }
  return lines.join("\n");
}

interface Drained {
  accesses: number[][];
  counts: LackeyCounts;
}

/** The parser fed the whole text at once: what every way of reading must reproduce. */
function parseWhole(text: string, instructions: boolean): Drained {
  const parser = new LackeyParser({ source: "x", instructions });
  const chunk = createAccessChunk(4096);
  const accesses: number[][] = [];
  const take = (): void => {
    for (let i = 0; i < chunk.length; i++) {
      accesses.push([chunk.vpn[i], chunk.offset[i], chunk.size[i], chunk.kind[i]]);
    }
    chunk.length = 0;
  };
  parser.feed(new TextEncoder().encode(text));
  while (parser.parse(chunk)) take();
  parser.end();
  while (parser.parse(chunk)) take();
  take();
  return { accesses, counts: parser.counts };
}

async function readAll(path: string, options: ReadLackeyTraceOptions = {}): Promise<Drained> {
  const accesses: number[][] = [];
  const gen = readLackeyTrace(path, options);
  for (;;) {
    const step = await gen.next();
    if (step.done) return { accesses, counts: step.value };
    const chunk = step.value;
    assert.ok(chunk.length > 0, "an empty chunk was yielded");
    for (let i = 0; i < chunk.length; i++) {
      accesses.push([chunk.vpn[i], chunk.offset[i], chunk.size[i], chunk.kind[i]]);
    }
  }
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function errorOf(path: string): Promise<string> {
  try {
    await readAll(path);
  } catch (e) {
    if (e instanceof TraceError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

Deno.test("readLackeyTrace() streams a file through a small buffer exactly as a whole-text parse", async () => {
  const text = sampleTrace();
  await withTempFile(".lackey", text, async (path) => {
    for (const instructions of [false, true]) {
      const expected = parseWhole(text, instructions);
      assert.ok(expected.accesses.length > 1000);
      assert.deepEqual(
        await readAll(path, { instructions, readBufferBytes: 7, chunkCapacity: 100 }),
        expected,
      );
      assert.deepEqual(await readAll(path, { instructions }), expected);
    }
  });
});

Deno.test("readLackeyTrace() gunzips a .gz file on the fly", async () => {
  const text = sampleTrace();
  await withTempFile(".lackey.gz", await gzip(text), async (path) => {
    assert.deepEqual(await readAll(path, { chunkCapacity: 64 }), parseWhole(text, false));
  });
});

Deno.test("readLackeyTrace() yields one reused chunk object and closes the file on break", async () => {
  await withTempFile(".lackey", sampleTrace(), async (path) => {
    const seen = new Set<object>();
    let chunks = 0;
    for await (const chunk of readLackeyTrace(path, { chunkCapacity: 50 })) {
      seen.add(chunk);
      if (++chunks === 3) break;
    }
    assert.equal(seen.size, 1);
  });
  await withTempFile(".lackey.gz", await gzip(sampleTrace()), async (path) => {
    for await (const _ of readLackeyTrace(path, { chunkCapacity: 50 })) break;
  });
  // The test's resource sanitizer fails the test if a file were left open.
});

Deno.test("readLackeyTrace() names a missing file in a one-line TraceError", async () => {
  const path = "/nonexistent/vmlab/trace.lackey";
  assert.equal(await errorOf(path), `Cannot read trace "${path}": no such file`);
});

Deno.test("readLackeyTrace() names a directory in a one-line TraceError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const message = await errorOf(dir);
    assert.ok(message.startsWith(`Cannot read trace "${dir}": `), message);
    assert.ok(!message.includes("\n"));
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("readLackeyTrace() reports corrupt gzip data as a TraceError naming the file", async () => {
  await withTempFile(".gz", "this is not gzip at all, just text\n", async (path) => {
    const message = await errorOf(path);
    assert.ok(message.startsWith(`Cannot read trace "${path}": `), message);
    assert.ok(!message.includes("\n"));
  });
});

Deno.test("readLackeyTrace() reports a malformed line with the file and line number", async () => {
  await withTempFile(".lackey", " L 10,8\n S 20,8\n Q 30,8\n", async (path) => {
    assert.equal(
      await errorOf(path),
      `Cannot parse trace "${path}": line 3: expected a record starting with I, L, S or M in " Q 30,8"`,
    );
  });
  await withTempFile(".lackey", " L 10,8\n S 20", async (path) => {
    assert.equal(await errorOf(path), `Cannot parse trace "${path}": line 2: truncated record`);
  });
});

Deno.test('readLackeyTrace("-") reads stdin', async () => {
  const module = new URL("../../../experiments/cli/trace_file.ts", import.meta.url).href;
  const code = `import { readLackeyTrace } from ${JSON.stringify(module)};
const gen = readLackeyTrace("-", { readBufferBytes: 5 });
let step = await gen.next();
let n = 0;
while (!step.done) { n += step.value.length; step = await gen.next(); }
console.log(JSON.stringify({ n, counts: step.value }));`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("I  0400,3\n L 1000,8\n S 2000,4\n M 3000,2"));
  await writer.close();
  const { code: status, stdout, stderr } = await child.output();
  assert.equal(status, 0, new TextDecoder().decode(stderr));
  const result = JSON.parse(new TextDecoder().decode(stdout));
  assert.equal(result.n, 3);
  assert.deepEqual(result.counts, {
    lines: 4,
    instructions: 1,
    loads: 1,
    stores: 1,
    modifies: 1,
    accesses: 3,
  });
});
